#include "tests/harness/metrics_scrape.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sstream>
#include <stdexcept>

namespace tributary::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

/// `text` from `position`: a label value in double quotes, with the format's three escapes.
std::string quoted(const std::string& text, std::size_t& position) {
  if (position >= text.size() || text[position] != '"')
    throw std::runtime_error("metrics: expected '\"' in: " + text);
  std::string value;
  for (++position; position < text.size() && text[position] != '"'; ++position) {
    if (text[position] == '\\' && position + 1 < text.size()) {
      const char escaped = text[++position];
      value += escaped == 'n' ? '\n' : escaped;
    } else {
      value += text[position];
    }
  }
  if (position >= text.size()) throw std::runtime_error("metrics: unterminated label in: " + text);
  ++position;  // the closing quote
  return value;
}

}  // namespace

metrics_scrape metrics_scrape::fetch(std::uint16_t port) {
  boost::asio::io_context context;
  tcp::resolver resolver(context);
  beast::tcp_stream stream(context);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::empty_body> request(http::verb::get, "/metrics", 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (response.result() != http::status::ok)
    throw std::runtime_error("metrics: GET /metrics answered " +
                             std::to_string(response.result_int()));
  return parse(response.body());
}

metrics_scrape metrics_scrape::parse(const std::string& text) {
  metrics_scrape scrape;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() == '#') continue;
    metric_sample sample;
    std::size_t position = line.find_first_of("{ ");
    if (position == std::string::npos) throw std::runtime_error("metrics: bad line: " + line);
    sample.name = line.substr(0, position);
    if (line[position] == '{') {
      ++position;
      while (position < line.size() && line[position] != '}') {
        const auto equals = line.find('=', position);
        if (equals == std::string::npos) throw std::runtime_error("metrics: bad labels: " + line);
        const auto name = line.substr(position, equals - position);
        position = equals + 1;
        sample.labels[name] = quoted(line, position);
        if (position < line.size() && line[position] == ',') ++position;
      }
      ++position;  // '}'
    }
    std::istringstream number(line.substr(position));
    std::string value;
    number >> value;
    if (value.empty()) throw std::runtime_error("metrics: no value: " + line);
    sample.value = std::stod(value);  // also "+Inf", "NaN"
    scrape.samples_.push_back(std::move(sample));
  }
  return scrape;
}

std::optional<double> metrics_scrape::find(const std::string& name,
                                           const std::map<std::string, std::string>& labels) const {
  for (const auto& sample : samples_)
    if (sample.name == name && sample.labels == labels) return sample.value;
  return std::nullopt;
}

double metrics_scrape::value(const std::string& name,
                             const std::map<std::string, std::string>& labels) const {
  if (const auto found = find(name, labels)) return *found;
  std::string series = name + "{";
  for (const auto& [key, value] : labels) series += key + "=\"" + value + "\",";
  throw std::runtime_error("metrics: no series " + series + "}");
}

std::vector<metric_sample> metrics_scrape::all(const std::string& name) const {
  std::vector<metric_sample> found;
  for (const auto& sample : samples_)
    if (sample.name == name) found.push_back(sample);
  return found;
}

}  // namespace tributary::testing
