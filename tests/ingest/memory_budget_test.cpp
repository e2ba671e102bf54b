// A flood of large unsigned bodies from hundreds of connections keeps ingest's peak RSS within
// its memory budget plus a measured baseline, while signed deliveries keep getting 202
// (CONTRACT.md; ingest/README.md, "Memory"). Prints the figures for RELIABILITY.md.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
constexpr std::size_t MiB = 1024 * 1024;

/// A kB field of /proc/PID/status (VmHWM: peak resident set; VmRSS: now), in bytes.
std::size_t proc_status_bytes(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;
  }
  throw std::runtime_error("no " + field + " in /proc/" + std::to_string(pid) + "/status");
}

/// One anonymous client: declares `declared` bytes with a wrong signature, sends `sent` of them
/// (or until `deadline`), then holds the connection until told to read its answer.
class flooding_client {
 public:
  flooding_client(int port, std::size_t declared) : declared_(declared) {
    socket_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (socket_ < 0 || ::connect(socket_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    timeval timeout{0, 200'000};  // sends give up now and then to look at the deadline
    ::setsockopt(socket_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    ::setsockopt(socket_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~flooding_client() { ::close(socket_); }

  void send_most(std::size_t sent, std::string_view chunk, std::chrono::steady_clock::time_point deadline) {
    const std::string header =
        "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "X-GitHub-Event: push\r\nX-GitHub-Delivery: flood\r\nX-Hub-Signature-256: sha256=" +
        std::string(64, '0') + "\r\nContent-Length: " + std::to_string(declared_) + "\r\n\r\n";
    if (!send_all(header, deadline)) return;
    while (sent_ < sent && std::chrono::steady_clock::now() < deadline) {
      if (!send_all(chunk.substr(0, std::min(chunk.size(), sent - sent_)), deadline)) return;
    }
  }

  /// The status of the answer that arrived, 0 if none.
  unsigned status() {
    std::string received;
    char buffer[4096];
    for (int i = 0; i < 3; ++i) {
      const auto got = ::recv(socket_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (got <= 0) break;
      received.append(buffer, static_cast<std::size_t>(got));
    }
    if (received.rfind("HTTP/1.1 ", 0) != 0 || received.size() < 12) return 0;
    return static_cast<unsigned>(std::stoul(received.substr(9, 3)));
  }
  std::size_t sent() const { return sent_; }

 private:
  bool send_all(std::string_view bytes, std::chrono::steady_clock::time_point deadline) {
    while (!bytes.empty()) {
      const auto n = ::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if ((errno == EAGAIN || errno == EINTR) && std::chrono::steady_clock::now() < deadline) continue;
        return false;  // closed by ingest (a drain that ended), or out of time
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
      sent_ += static_cast<std::size_t>(n);
    }
    return true;
  }

  int socket_ = -1;
  std::size_t declared_;
  std::size_t sent_ = 0;
};

TEST(ingest_memory_budget, flood_of_large_unsigned_bodies_stays_within_budget_and_signed_pass) {
  constexpr std::size_t connections = 300;
  constexpr std::size_t declared = 20 * MiB;
  constexpr std::size_t sent = 19 * MiB;
  constexpr std::size_t budget = 201326592;  // INGEST_MEMORY_BUDGET_BYTES' default
  // Per connection, outside the budget: Beast's read buffer (up to 64 KiB) and the session.
  constexpr std::size_t per_connection = 96 * 1024;

  const auto topic = fresh_topic("ingest_flood");
  running_ingest ingest(topic);
  const auto pid = ingest.process().pid();
  const auto url = ingest.url();

  // Baseline: ingest after serving signed traffic like the one below, before any flood.
  const auto warm_up = example_traffic(url, running_ingest::secret, 400, 0.25);
  replay::client_options options;
  options.concurrency = 4;
  for (const auto& result : replay::send_requests(url, warm_up.requests, options))
    ASSERT_EQ(result.status, 202u) << result.error << result.body;
  const auto baseline = proc_status_bytes(pid, "VmHWM");

  // Signed deliveries, one connection each, all through the flood.
  std::atomic<bool> flooding{true};
  std::size_t signed_sent = 0, signed_accepted = 0;
  std::map<unsigned, std::size_t> signed_statuses;
  const auto traffic = example_traffic(url, running_ingest::secret, 329, 0.25);
  std::thread signed_sender([&] {
    for (std::size_t i = 0; flooding.load() || i < 20; ++i) {
      const auto result = send_one(url, traffic.requests[i % traffic.requests.size()]);
      ++signed_sent;
      ++signed_statuses[result.status];
      if (result.status == 202) ++signed_accepted;
    }
  });

  const std::string chunk(256 * 1024, ' ');
  const auto deadline = std::chrono::steady_clock::now() + 25s;
  std::vector<std::unique_ptr<flooding_client>> clients;
  for (std::size_t i = 0; i < connections; ++i)
    clients.push_back(std::make_unique<flooding_client>(ingest.port(), declared));
  std::vector<std::thread> senders;
  for (std::size_t i = 0; i < connections; ++i)
    senders.emplace_back([&, i] { clients[i]->send_most(sent, chunk, deadline); });
  for (auto& sender : senders) sender.join();
  flooding = false;
  signed_sender.join();
  const auto started_at = deadline - 25s;
  const auto flood_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();

  std::map<unsigned, std::size_t> flood_statuses;
  std::size_t flood_bytes = 0;
  for (auto& client : clients) {
    ++flood_statuses[client->status()];
    flood_bytes += client->sent();
  }
  const auto metrics_text = [&] {
    const auto scrape = metrics_scrape::fetch(ingest.metrics_port());
    return scrape.find("tributary_ingest_budget_refusals_total").value_or(-1);
  }();
  const auto peak = proc_status_bytes(pid, "VmHWM");
  const auto allowed = baseline + budget + connections * per_connection;

  std::cout << "memory budget figures:\n"
            << "  budget " << budget / MiB << " MiB, baseline VmHWM " << baseline / MiB
            << " MiB, peak VmHWM " << peak / MiB << " MiB (allowed " << allowed / MiB << " MiB)\n"
            << "  flood: " << connections << " connections x " << declared / MiB
            << " MiB declared, " << flood_bytes / MiB << " MiB sent in " << flood_seconds
            << " s; answers:";
  for (const auto& [status, count] : flood_statuses) std::cout << " " << status << "=" << count;
  std::cout << "; budget refusals counted " << metrics_text << "\n  signed during the flood: "
            << signed_sent << " sent:";
  for (const auto& [status, count] : signed_statuses) std::cout << " " << status << "=" << count;
  std::cout << "\n";

  EXPECT_EQ(signed_accepted, signed_sent) << "a signed delivery was refused during the flood";
  EXPECT_GE(signed_sent, 20u);
  EXPECT_LE(peak, allowed);
  EXPECT_GT(flood_statuses[503], connections / 2) << "the flood was not refused for budget";
  clients.clear();
}

}  // namespace
}  // namespace tributary::testing
