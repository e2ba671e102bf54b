#include "tests/reconciler/fake_github.hpp"

#include "core/bounded_json.hpp"
#include "reconciler/app_jwt.hpp"
#include "reconciler/github_time.hpp"
#include "tests/reconciler/openapi_examples.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <ctime>
#include <deque>
#include <map>

namespace tributary::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::system_clock;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

struct fake_github::state {
  fake_github_options options;
  asio::io_context io;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{io};

  mutable std::mutex mutex;
  fake_github_content content;
  std::int64_t remaining = 0;
  clock_type::time_point reset;
  struct injection {
    injected_answer answer;
    std::string location;  // of a redirect
    bool drop_connection = false;
  };
  std::deque<injection> injected;
  bool close_after_each = false;
  bool drop_silently = false;
  std::vector<recorded_request> records;
  std::vector<std::string> attempts;
  std::size_t connections = 0;
  std::map<std::string, clock_type::time_point> installation_tokens;
  std::map<std::string, std::pair<std::string, std::string>> modified;  // target → (etag, Last-Modified)

  clock_type::time_point now() const { return options.now ? options.now() : clock_type::now(); }
};

namespace {

using request_type = http::request<http::string_body>;
using response_type = http::response<http::string_body>;

const char* const documentation = "https://docs.github.com/rest";

std::string message_body(std::string_view message) {
  return std::string(R"({"message":")") + std::string(message) + R"(","documentation_url":")" + documentation + "\"}";
}

std::map<std::string, std::string> query_of(std::string_view query) {
  std::map<std::string, std::string> parameters;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos)
      parameters[std::string(pair.substr(0, equals))] = std::string(pair.substr(equals + 1));
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return parameters;
}

std::int64_t integer_or(const std::map<std::string, std::string>& query, const std::string& name, std::int64_t fallback) {
  const auto found = query.find(name);
  if (found == query.end()) return fallback;
  std::int64_t value = 0;
  const auto& text = found->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() ? value : fallback;
}

std::string entity_tag(std::string_view body, std::string_view accept) {
  char text[24];
  std::snprintf(text, sizeof text, "%016zx", std::hash<std::string>{}(std::string(body) + "|" + std::string(accept)));
  return std::string("W/\"") + text + "\"";
}

bool verify_jwt(const fake_github_options& options, std::string_view jwt, clock_type::time_point now) {
  const auto first = jwt.find('.');
  const auto second = jwt.rfind('.');
  if (first == std::string_view::npos || second == first) return false;
  rapidjson::Document header, claims;
  if (!core::parse_bounded_json(header, reconciler::base64url_decode(jwt.substr(0, first))).ok() ||
      !core::parse_bounded_json(claims, reconciler::base64url_decode(jwt.substr(first + 1, second - first - 1))).ok() ||
      !header.IsObject() || !claims.IsObject())
    return false;
  if (!header.HasMember("alg") || !header["alg"].IsString() || std::string_view(header["alg"].GetString()) != "RS256")
    return false;
  if (!claims.HasMember("iss") || !claims["iss"].IsString() || options.app_id != claims["iss"].GetString() ||
      !claims.HasMember("exp") || !claims["exp"].IsInt64() || !claims.HasMember("iat") || !claims["iat"].IsInt64())
    return false;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const auto exp = claims["exp"].GetInt64();
  const auto iat = claims["iat"].GetInt64();
  if (exp <= seconds || exp - seconds > 600 || iat > seconds + 60) return false;  // GitHub's 10-minute rule
  if (options.app_public_key_pem.empty()) return true;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(options.app_public_key_pem.data(), static_cast<int>(options.app_public_key_pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                           &EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const auto signature = reconciler::base64url_decode(jwt.substr(second + 1));
  const auto signed_part = jwt.substr(0, second);
  return key && EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The page of `resource` that `query` asks for, and its Link header (empty on the last page).
std::pair<std::string, std::string> page_of(const fake_resource& resource,
                                            const std::map<std::string, std::string>& query,
                                            const std::string& link_base) {
  const auto per_page = std::clamp<std::int64_t>(integer_or(query, "per_page", 30), 1, 100);
  std::size_t start = 0;
  std::int64_t page = 1;
  if (resource.cursor_paged) {
    const auto cursor = query.find("cursor");
    if (cursor != query.end() && cursor->second.starts_with("v1_")) {
      const auto after = integer_or({{"c", cursor->second.substr(3)}}, "c", -1);
      start = resource.count;
      for (std::size_t i = 0; i < resource.count; ++i)
        if (resource.cursor_of(i) == after) start = i + 1;
    }
  } else {
    page = std::max<std::int64_t>(1, integer_or(query, "page", 1));
    start = static_cast<std::size_t>((page - 1) * per_page);
  }
  const auto end = std::min(resource.count, start + static_cast<std::size_t>(per_page));
  std::string body = "[";
  for (auto i = start; i < end; ++i) {
    if (i != start) body += ',';
    body += resource.item(i);
  }
  body += ']';

  std::string link;
  const auto per = "?per_page=" + std::to_string(per_page);
  auto add = [&link](const std::string& url, const char* rel) {
    if (!link.empty()) link += ", ";
    link += "<" + url + ">; rel=\"" + rel + "\"";
  };
  if (resource.cursor_paged) {
    if (end < resource.count && end > start)
      add(link_base + per + "&cursor=v1_" + std::to_string(resource.cursor_of(end - 1)), "next");
  } else {
    const auto last = std::max<std::int64_t>(1, (static_cast<std::int64_t>(resource.count) + per_page - 1) / per_page);
    if (page > 1) add(link_base + per + "&page=" + std::to_string(page - 1), "prev");
    if (page < last) add(link_base + per + "&page=" + std::to_string(page + 1), "next");
    if (page < last) add(link_base + per + "&page=" + std::to_string(last), "last");
    if (page > 1) add(link_base + per + "&page=1", "first");
  }
  return {body, link};
}

response_type make_answer(http::status status, const request_type& request, std::string body) {
  response_type response(status, request.version());
  response.set(http::field::server, "fake-github");
  if (!body.empty()) response.set(http::field::content_type, "application/json; charset=utf-8");
  response.body() = std::move(body);
  return response;
}

// Marks an answer that must not be sent: the connection is closed instead (injected_answer).
constexpr const char* drop_marker = "x-fake-drop-connection";

// Everything the fake answers, decided under the state's lock.
response_type answer(fake_github::state& state, const request_type& request) {
  std::lock_guard lock(state.mutex);
  const auto now = state.now();
  const auto& options = state.options;
  if (now >= state.reset) {
    state.remaining = options.rate_limit;
    state.reset = now + options.rate_window;
  }
  recorded_request record;
  record.method = std::string(request.method_string());
  record.target = std::string(request.target());
  record.accept = std::string(request[http::field::accept]);
  record.authorization = std::string(request[http::field::authorization]);
  record.if_none_match = std::string(request[http::field::if_none_match]);
  record.if_modified_since = std::string(request[http::field::if_modified_since]);
  record.api_version = std::string(request["X-GitHub-Api-Version"]);
  record.user_agent = std::string(request[http::field::user_agent]);

  auto finish = [&](response_type response, bool counted) {
    if (counted && state.remaining > 0) --state.remaining;
    response.set("x-ratelimit-limit", std::to_string(options.rate_limit));
    response.set("x-ratelimit-remaining", std::to_string(state.remaining));
    response.set("x-ratelimit-used", std::to_string(options.rate_limit - state.remaining));
    response.set("x-ratelimit-reset",
                 std::to_string(std::chrono::ceil<std::chrono::seconds>(state.reset.time_since_epoch()).count()));
    response.set("x-ratelimit-resource", "core");
    response.set("X-GitHub-Api-Version-Selected", "2022-11-28");
    record.status = response.result_int();
    state.records.push_back(record);
    return response;
  };

  std::string_view target = request.target();
  if (!target.starts_with(options.base_path)) return finish(make_answer(http::status::not_found, request, message_body("Not Found")), false);
  target.remove_prefix(options.base_path.size());
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  const auto query = query_of(question == std::string_view::npos ? std::string_view{} : target.substr(question + 1));
  const std::string authorization(request[http::field::authorization]);
  const std::string bearer = authorization.starts_with("Bearer ") ? authorization.substr(7) : std::string{};

  // The App token exchange authenticates with a JWT and costs the installation nothing.
  if (!options.installation_id.empty() &&
      path == "/app/installations/" + options.installation_id + "/access_tokens") {
    if (request.method() != http::verb::post)
      return finish(make_answer(http::status::not_found, request, message_body("Not Found")), false);
    if (!verify_jwt(options, bearer, now))
      return finish(make_answer(http::status::unauthorized, request,
                                message_body("A JSON web token could not be decoded")), false);
    const auto token = "ghs_fake" + std::to_string(state.installation_tokens.size() + 1);
    const auto expires_at = std::chrono::ceil<std::chrono::seconds>(now + options.installation_token_lifetime);
    state.installation_tokens[token] = expires_at;
    rapidjson::Document document;
    auto value = openapi_examples::get().object("installation-token", document.GetAllocator());
    value["token"].SetString(token.c_str(), static_cast<rapidjson::SizeType>(token.size()), document.GetAllocator());
    const auto expiry_text = reconciler::format_github_time(expires_at);
    value["expires_at"].SetString(expiry_text.c_str(), static_cast<rapidjson::SizeType>(expiry_text.size()),
                                  document.GetAllocator());
    return finish(make_answer(http::status::created, request, compact(value)), false);
  }

  // The App's own hook answers the App's JWT only ("You must use a JWT to access this endpoint").
  const bool app_hook = path.starts_with("/app/hook/");
  bool authorized = app_hook ? verify_jwt(options, bearer, now) : options.tokens.contains(bearer);
  if (const auto installation = state.installation_tokens.find(bearer);
      !app_hook && installation != state.installation_tokens.end())
    authorized = now < installation->second;
  if (!authorized)
    return finish(make_answer(http::status::unauthorized, request, message_body("Bad credentials")), false);

  if (!state.injected.empty()) {
    const auto injected = state.injected.front();
    if (--state.injected.front().answer.count <= 0) state.injected.pop_front();
    const auto status = injected.answer.status;
    if (injected.drop_connection) {
      record.status = 0;
      state.records.push_back(record);
      response_type dropped;
      dropped.set(drop_marker, "1");
      return dropped;
    }
    const char* message =
        status >= 500                   ? "Server Error"
        : status >= 300 && status < 400 ? "Moved Permanently"
                                        : "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
    auto response = make_answer(static_cast<http::status>(status), request, message_body(message));
    if (injected.answer.retry_after)
      response.set(http::field::retry_after, std::to_string(*injected.answer.retry_after));
    if (!injected.location.empty()) response.set(http::field::location, injected.location);
    return finish(std::move(response), false);
  }
  if (state.remaining <= 0)
    return finish(make_answer(http::status::forbidden, request, message_body("API rate limit exceeded for installation.")),
                  false);

  if (request.method() == http::verb::post) {
    // POST /orgs/{org}/hooks/{hook_id}/deliveries/{delivery_id}/attempts
    const std::string text(path);
    const auto marker = text.find("/hooks/");
    if (text.starts_with("/orgs/") && text.ends_with("/attempts") && marker != std::string::npos) {
      const auto org = text.substr(6, marker - 6);
      std::int64_t hook = 0, delivery = 0;
      if (std::sscanf(text.c_str() + marker, "/hooks/%ld/deliveries/%ld/attempts", &hook, &delivery) == 2 &&
          state.content.has_delivery(org, hook, delivery)) {
        state.attempts.push_back(text);
        if (options.on_redelivery) options.on_redelivery({org, hook, delivery});
        return finish(make_answer(http::status::accepted, request, "{}"), true);
      }
    }
    // POST /app/hook/deliveries/{delivery_id}/attempts
    std::int64_t app_delivery = 0;
    if (app_hook && text.ends_with("/attempts") &&
        std::sscanf(text.c_str(), "/app/hook/deliveries/%ld/attempts", &app_delivery) == 1 &&
        state.content.has_delivery("", 0, app_delivery)) {
      state.attempts.push_back(text);
      if (options.on_redelivery) options.on_redelivery({"", 0, app_delivery});
      return finish(make_answer(http::status::accepted, request, "{}"), true);
    }
    return finish(make_answer(http::status::not_found, request, message_body("Not Found")), true);
  }
  if (request.method() != http::verb::get)
    return finish(make_answer(http::status::not_found, request, message_body("Not Found")), true);

  const std::string accept(request[http::field::accept]);
  const auto resource = state.content.find(path, query, accept);
  if (!resource) return finish(make_answer(http::status::not_found, request, message_body("Not Found")), true);
  std::string body, link;
  if (resource->list) {
    const auto scheme = state.tls ? "https://" : "http://";
    std::tie(body, link) = page_of(*resource, query,
                                   scheme + std::string(request[http::field::host]) + options.base_path + std::string(path));
  } else {
    body = resource->object;
  }
  const auto etag = entity_tag(body, accept);
  if (options.last_modified_only) {
    // Last-Modified is the fake's time when this representation was first served as it is.
    auto& [known_tag, last_modified] = state.modified[std::string(target) + "|" + accept];
    if (known_tag != etag) {
      known_tag = etag;
      char text[64];
      const auto seconds = clock_type::to_time_t(now);
      std::tm utc{};
      gmtime_r(&seconds, &utc);
      std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
      last_modified = text;
    }
    if (request[http::field::if_modified_since] == last_modified) {
      auto response = make_answer(http::status::not_modified, request, {});
      response.set(http::field::last_modified, last_modified);
      return finish(std::move(response), false);
    }
    auto response = make_answer(http::status::ok, request, std::move(body));
    response.set(http::field::last_modified, last_modified);
    if (!link.empty()) response.set(http::field::link, link);
    return finish(std::move(response), true);
  }
  if (request[http::field::if_none_match] == etag) {
    auto response = make_answer(http::status::not_modified, request, {});
    response.set(http::field::etag, etag);
    return finish(std::move(response), false);  // a 304 costs no rate limit
  }
  auto response = make_answer(http::status::ok, request, std::move(body));
  response.set(http::field::etag, etag);
  if (!link.empty()) response.set(http::field::link, link);
  return finish(std::move(response), true);
}

template <class Stream>
asio::awaitable<void> converse(fake_github::state* state, Stream& stream) {
  beast::flat_buffer buffer;
  for (;;) {
    request_type request;
    auto [read_ec, read] = co_await http::async_read(stream, buffer, request, as_tuple);
    (void)read;
    if (read_ec) co_return;
    auto response = answer(*state, request);
    if (response.count(drop_marker) != 0) co_return;
    bool close;
    bool drop;
    {
      std::lock_guard lock(state->mutex);
      close = state->close_after_each || !request.keep_alive();
      drop = state->drop_silently;
    }
    response.keep_alive(!close);
    response.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(stream, response, as_tuple);
    (void)written;
    if (write_ec || close || drop) co_return;
  }
}

asio::awaitable<void> serve(fake_github::state* state, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  if (state->tls) {
    ssl::stream<beast::tcp_stream> secure(std::move(stream), *state->tls);
    auto [ec] = co_await secure.async_handshake(ssl::stream_base::server, as_tuple);
    if (ec) co_return;  // a client that refused the certificate
    co_await converse(state, secure);
    co_return;
  }
  co_await converse(state, stream);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(fake_github::state* state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(as_tuple);
    if (ec) co_return;
    {
      std::lock_guard lock(state->mutex);
      ++state->connections;
    }
    asio::co_spawn(state->io, serve(state, std::move(socket)), asio::detached);
  }
}

}  // namespace

fake_github::fake_github(fake_github_options options) : state_(std::make_shared<state>()) {
  state_->options = std::move(options);
  openapi_examples::get();  // fail here, not in the I/O thread, when the description is missing
  if (!state_->options.certificate_file.empty()) {
    auto& tls = state_->tls.emplace(ssl::context::tls_server);
    tls.use_certificate_chain_file(state_->options.certificate_file);
    tls.use_private_key_file(state_->options.key_file, ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  port_ = state_->acceptor.local_endpoint().port();
  state_->reset = state_->now() + state_->options.rate_window;
  state_->remaining = state_->options.rate_limit;
  asio::co_spawn(state_->io, accept_loop(state_.get()), asio::detached);
  thread_ = std::thread([state = state_.get()] { state->io.run(); });
}

fake_github::~fake_github() {
  state_->io.stop();
  thread_.join();
}

std::string fake_github::url() const {
  const auto host = state_->tls ? "https://localhost:" : "http://127.0.0.1:";
  return host + std::to_string(port_) + state_->options.base_path;
}

void fake_github::edit(const std::function<void(fake_github_content&)>& change) {
  std::lock_guard lock(state_->mutex);
  change(state_->content);
}

void fake_github::inject(injected_answer answer) {
  std::lock_guard lock(state_->mutex);
  state_->injected.push_back({answer, {}, false});
}

void fake_github::inject_redirect(unsigned status, std::string location) {
  std::lock_guard lock(state_->mutex);
  state_->injected.push_back({{status, std::nullopt, 1}, std::move(location), false});
}

void fake_github::inject_dropped_connection(int count) {
  std::lock_guard lock(state_->mutex);
  state_->injected.push_back({{0, std::nullopt, count}, {}, true});
}

void fake_github::exhaust_primary(std::chrono::seconds reset_in) {
  std::lock_guard lock(state_->mutex);
  state_->remaining = 0;
  state_->reset = state_->now() + reset_in;
}

void fake_github::close_after_each_answer(bool close) {
  std::lock_guard lock(state_->mutex);
  state_->close_after_each = close;
}

void fake_github::drop_connections_silently(bool drop) {
  std::lock_guard lock(state_->mutex);
  state_->drop_silently = drop;
}

void fake_github::revoke_installation_tokens() {
  std::lock_guard lock(state_->mutex);
  for (auto& [token, expires_at] : state_->installation_tokens) expires_at = {};
}

std::vector<recorded_request> fake_github::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->records;
}

void fake_github::clear_requests() {
  std::lock_guard lock(state_->mutex);
  state_->records.clear();
}

std::int64_t fake_github::remaining() const {
  std::lock_guard lock(state_->mutex);
  return state_->remaining;
}

std::vector<std::string> fake_github::redelivery_attempts() const {
  std::lock_guard lock(state_->mutex);
  return state_->attempts;
}

std::size_t fake_github::connections_accepted() const {
  std::lock_guard lock(state_->mutex);
  return state_->connections;
}

std::size_t fake_github::installation_tokens_issued() const {
  std::lock_guard lock(state_->mutex);
  return state_->installation_tokens.size();
}

}  // namespace tributary::testing
