// Writes a wrk Lua script that cycles through every example payload of @octokit/webhooks-examples,
// each signed as GitHub signs it (X-Hub-Signature-256 over the exact body), with a fresh delivery id
// per request. With WRK_CONNECTION_CLOSE=1 in wrk's environment each request says
// `Connection: close`, so wrk opens a new connection for each. done() prints one line:
// "result requests=N errors=N non2xx=N seconds=S p50_us=N p99_us=N p999_us=N".
// Also writes OUT.deliveries: one "event<TAB>json" line per example, for the producer-only client.
// Usage: node make_wrk_script.mjs INDEX_JSON SECRET OUT.lua
import { readFileSync, writeFileSync } from "node:fs";
import { createHmac } from "node:crypto";

const [indexPath, secret, out] = process.argv.slice(2);
const index = JSON.parse(readFileSync(indexPath, "utf8"));
const requests = [];
for (const event of index)
  for (const example of event.examples) {
    const body = JSON.stringify(example);
    const signature = "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
    requests.push({ event: event.name, body, signature });
  }

// A Lua string literal of the UTF-8 bytes of s: quotes and backslashes escaped, control bytes as \ddd.
const lua = (s) => {
  let out = '"';
  for (const byte of Buffer.from(s, "utf8")) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += "\\\\";
    else if (byte < 0x20 || byte === 0x7f) out += "\\" + byte.toString().padStart(3, "0");
    else out += String.fromCharCode(byte);
  }
  return out + '"';
};
let script = "local requests = {\n";
for (const r of requests) script += `  {${lua(r.event)}, ${lua(r.signature)}, ${lua(r.body)}},\n`;
script += `}
local counter = 0
local thread_id = 0
local connection_close = os.getenv("WRK_CONNECTION_CLOSE") == "1"

local next_thread = 0
function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
function request()
  counter = counter + 1
  local r = requests[(counter + thread_id * 97) % #requests + 1]
  local headers = {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = "GitHub-Hookshot/bench",
    ["X-GitHub-Event"] = r[1],
    ["X-GitHub-Delivery"] = string.format("bench-%d-%d", thread_id, counter),
    ["X-Hub-Signature-256"] = r[2],
  }
  if connection_close then headers["Connection"] = "close" end
  return wrk.format("POST", wrk.path, headers, r[3])
end
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout
  io.write(string.format("result requests=%d errors=%d non2xx=%d seconds=%.3f p50_us=%d p99_us=%d p999_us=%d\\n",
    summary.requests, errors, summary.errors.status, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
`;
// One char per byte above: latin1 writes each back as that byte.
writeFileSync(out, script, "latin1");
writeFileSync(out.replace(/\.lua$/, "") + ".deliveries",
              requests.map((r) => `${r.event}\t${r.body}\n`).join(""));
console.log(`${requests.length} signed example requests written to ${out}`);
