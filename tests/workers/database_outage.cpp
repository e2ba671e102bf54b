#include "tests/workers/database_outage.hpp"

#include "tests/harness/child_process.hpp"
#include "tests/harness/services.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <regex>
#include <stdexcept>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

void run_services_script(const char* action) {
  child_process script({{required_environment("TRIBUTARY_SOURCE_DIR") + "/tests/harness/services.sh",
                         action, "--env-file", required_environment("TRIBUTARY_HARNESS_ENV")},
                        {}});
  const auto status = script.wait_for_exit(120s);
  if (!status || !status->success())
    throw std::runtime_error(std::string("services.sh ") + action + " failed: " +
                             script.stderr_text());
}

}  // namespace

postgres_stopped::postgres_stopped() {
  stopped_ = true;  // from here on the destructor starts it again, whatever happened
  run_services_script("pg-stop");
}

postgres_stopped::~postgres_stopped() {
  try {
    start();
  } catch (...) {
    // Nothing more can be done from a destructor; the next test's first connection shows it.
  }
}

void postgres_stopped::start() {
  if (!stopped_) return;
  run_services_script("pg-start");  // pg_ctl -w: back once it accepts connections
  stopped_ = false;
}

unsigned http_status(std::uint16_t port, const std::string& path) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  try {
    boost::asio::io_context context;
    beast::tcp_stream stream(context);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> request(http::verb::get, path, 11);
    request.set(http::field::host, "127.0.0.1");
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return response.result_int();
  } catch (const std::exception&) {
    return 0;
  }
}

std::uint16_t health_port_in(const std::string& log) {
  std::smatch match;
  if (!std::regex_search(log, match,
                         std::regex("serving metrics and health\"[^\\n]*\"metrics_port\":([0-9]+)")))
    return 0;
  return static_cast<std::uint16_t>(std::stoi(match[1].str()));
}

std::size_t lines_with(const std::string& text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

}  // namespace tributary::testing
