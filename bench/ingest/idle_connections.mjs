// Opens COUNT keep-alive connections to ingest, sends one signed delivery on each and reads its
// answer, then holds them all idle until stdin closes, so that ingest's RSS can be read meanwhile.
// Prints "open N answered M" once every connection has its answer.
//   node idle_connections.mjs HOST PORT plain|tls COUNT DELIVERIES_FILE SECRET
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";

const [host, port, transport, countText, deliveriesFile, secret] = process.argv.slice(2);
const count = Number(countText);
const [event, body] = readFileSync(deliveriesFile, "utf8").split("\n")[0].split("\t");
const signature = "sha256=" + createHmac("sha256", secret).update(body).digest("hex");

const request = (id) =>
  `POST /webhooks/github HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
  `X-GitHub-Event: ${event}\r\nX-GitHub-Delivery: idle-${process.pid}-${id}\r\n` +
  `X-Hub-Signature-256: ${signature}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const sockets = [];
let answered = 0;
const open = (id) =>
  new Promise((resolve, reject) => {
    const options = { host, port: Number(port), rejectUnauthorized: false };
    const socket = transport === "tls" ? tls.connect(options) : net.connect(options);
    socket.once(transport === "tls" ? "secureConnect" : "connect", () => socket.write(request(id)));
    let seen = "";
    const onData = (chunk) => {
      seen += chunk.toString("latin1");
      if (seen.includes("\r\n\r\n") && seen.includes("}")) {
        socket.off("data", onData);
        if (seen.startsWith("HTTP/1.1 202")) answered++;
        resolve();
      }
    };
    socket.on("data", onData);
    socket.on("error", reject);
    sockets.push(socket);
  });

// A few at a time, as senders arrive; all stay open afterwards.
for (let i = 0; i < count; i += 50)
  await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => open(i + j)));
console.log(`open ${sockets.filter((s) => !s.destroyed).length} answered ${answered}`);
process.stdin.resume();
process.stdin.on("end", () => {
  for (const socket of sockets) socket.destroy();
  process.exit(0);
});
