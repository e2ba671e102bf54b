// rapidjson scans the unescaped runs of strings and whitespace with SIMD (SSE2, or NEON) when it
// reads a NUL-terminated StringStream: 40 % off the parse (callgrind, GitHub's 329 examples). Its
// aligned loads may read past the terminating NUL within the NUL's 16-byte block, never across a
// page: harmless to the hardware, but an overflow to AddressSanitizer, so sanitized builds keep
// the byte-by-byte scan. Either way the parse is the same; SIMD is only quicker. This is the only
// file that parses with these flags, so no other translation unit holds a different instance of
// the same parser templates. Defined before any rapidjson header.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRIBUTARY_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TRIBUTARY_ADDRESS_SANITIZER 1
#endif
#if !defined(TRIBUTARY_ADDRESS_SANITIZER) && !defined(RAPIDJSON_SSE2) && !defined(RAPIDJSON_NEON)
#if defined(__SSE2__)
#define RAPIDJSON_SSE2
#elif defined(__ARM_NEON)
#define RAPIDJSON_NEON
#endif
#endif

#include "core/bounded_json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stream.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace tributary::core {
namespace {

// UTF-8 is validated apart (first_invalid_utf8): rapidjson's kParseValidateEncodingFlag decodes
// every byte of every string, which made parsing about 40 % slower on GitHub's payloads
// (bench/worker).
constexpr unsigned k_parse_flags = rapidjson::kParseIterativeFlag;
// The largest text scan_payload copies to parse in situ (each I/O thread keeps a buffer this big).
constexpr std::size_t k_max_insitu_bytes = 64 * 1024;

/// The offset of the first byte of `text` that is not part of well-formed UTF-8 (the Unicode
/// Standard's table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF), or npos.
/// Eight ASCII bytes at a time, since GitHub's JSON is almost all ASCII.
std::size_t first_invalid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    if (i + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, bytes + i, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;  // the second byte's range
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead == 0xe0) length = 3, low = 0xa0;
    else if (lead == 0xed) length = 3, high = 0x9f;
    else if (lead >= 0xe1 && lead <= 0xef) length = 3;
    else if (lead == 0xf0) length = 4, low = 0x90;
    else if (lead == 0xf4) length = 4, high = 0x8f;
    else if (lead >= 0xf1 && lead <= 0xf3) length = 4;
    else return i;
    if (i + length > size || bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += length;
  }
  return std::string_view::npos;
}

/// Counts nesting on the way into a handler and stops the parse past the limit. `Next` is the
/// handler that does the work (a Document building its DOM, or the key scanner).
template <class Next>
class depth_guard : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, depth_guard<Next>> {
 public:
  depth_guard(Next& next, std::size_t max_depth) : next_(next), max_depth_(max_depth) {}

  bool Null() { return next_.Null(); }
  bool Bool(bool b) { return next_.Bool(b); }
  bool Int(int i) { return next_.Int(i); }
  bool Uint(unsigned u) { return next_.Uint(u); }
  bool Int64(std::int64_t i) { return next_.Int64(i); }
  bool Uint64(std::uint64_t u) { return next_.Uint64(u); }
  bool Double(double d) { return next_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return next_.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return next_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return next_.Key(s, n, copy); }
  bool StartObject() { return enter() && next_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) { --depth_; return next_.EndObject(members); }
  bool StartArray() { return enter() && next_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) { --depth_; return next_.EndArray(elements); }

  bool too_deep() const { return too_deep_; }

 private:
  bool enter() {
    if (++depth_ > max_depth_) too_deep_ = true;
    return !too_deep_;
  }

  Next& next_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
};

/// The verdict of a parse that stopped at `parsed` bytes of `text`. UTF-8 is checked here, apart
/// from the parse, once the syntax is known good.
json_check verdict_of(const rapidjson::ParseResult& result, bool too_deep, std::size_t max_depth,
                      std::size_t parsed, std::string_view text);

template <class Handler>
json_check run_parse_terminated(const char* terminated, std::string_view text, Handler& handler,
                                std::size_t max_depth) {
  depth_guard<Handler> guard(handler, max_depth);
  rapidjson::Reader reader;
  rapidjson::StringStream stream(terminated);
  const rapidjson::ParseResult result = reader.Parse<k_parse_flags>(stream, guard);
  return verdict_of(result, guard.too_deep(), max_depth, stream.Tell(), text);
}

template <class Handler>
json_check run_parse(std::string_view text, Handler& handler, std::size_t max_depth) {
  // StringStream reads up to a NUL, as MemoryStream reads a NUL byte as the end: the same verdicts.
  thread_local std::string terminated;
  terminated.assign(text);
  return run_parse_terminated(terminated.c_str(), text, handler, max_depth);
}

/// run_parse for a handler that keeps no pointer into the text once the parse returns (the key
/// scan, not a Document), up to k_max_insitu_bytes: in situ, a string without escapes is skipped
/// 16 bytes at a time where the other path copies it to the reader's stack byte by byte until
/// aligned (most of GitHub's strings are shorter than 16 bytes): 1.7 to 1.9 times the speed on
/// GitHub's examples (133k -> 100k instructions a payload). In situ writes into what it reads
/// (unescaped strings, their terminating NULs), so it reads a copy, in a buffer each thread keeps;
/// larger texts are read where they are, so that a large body is never held twice.
template <class Handler>
json_check run_parse_transient(const std::string& text, Handler& handler, std::size_t max_depth) {
  if (text.size() > k_max_insitu_bytes)
    return run_parse_terminated(text.c_str(), text, handler, max_depth);
  depth_guard<Handler> guard(handler, max_depth);
  rapidjson::Reader reader;
  thread_local std::string scratch;
  scratch.assign(text);
  rapidjson::InsituStringStream stream(scratch.data());
  const rapidjson::ParseResult result =
      reader.Parse<k_parse_flags | rapidjson::kParseInsituFlag>(stream, guard);
  return verdict_of(result, guard.too_deep(), max_depth, stream.Tell(), text);
}

json_check verdict_of(const rapidjson::ParseResult& result, bool too_deep, std::size_t max_depth,
                      std::size_t parsed, std::string_view text) {
  if (too_deep)
    return {json_verdict::too_deep,
            "JSON nested deeper than " + std::to_string(max_depth) + " levels"};
  if (result.IsError())
    return {json_verdict::not_json, std::string(rapidjson::GetParseError_En(result.Code())) +
                                        " at offset " + std::to_string(result.Offset())};
  // rapidjson takes a NUL byte for the end of the input, so a root followed by a NUL and anything
  // passed: such a body is not JSON (and PostgreSQL's text can't hold it).
  if (parsed != text.size())
    return {json_verdict::not_json,
            "a NUL byte after the JSON value at offset " + std::to_string(parsed)};
  if (const auto invalid = first_invalid_utf8(text); invalid != std::string_view::npos)
    return {json_verdict::not_json,
            std::string(rapidjson::GetParseError_En(rapidjson::kParseErrorStringInvalidEncoding)) +
                " at offset " + std::to_string(invalid)};
  return {};
}

/// Remembers the first non-empty string at each of the three key paths, at depth 2 of a root
/// object; everything else is only validated.
class key_scanner : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, key_scanner> {
 public:
  explicit key_scanner(payload_scan& scan) : scan_(scan) {}

  bool Default() { return value_done(); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 2 && inner_matches_ && n > 0) current_->assign(s, n);
    return value_done();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    const std::string_view key(s, n);
    if (depth_ == 1) {
      outer_ = key;
    } else if (depth_ == 2 && current_ != nullptr && key == inner_name_ && !*current_taken_) {
      // Only the first member of that name counts, whatever its type (as a DOM lookup would).
      inner_matches_ = true;
      *current_taken_ = true;
    }
    return true;
  }
  bool StartObject() {
    if (depth_ == 0) scan_.root_is_object = true;
    ++depth_;
    if (depth_ == 2) select(outer_);
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    if (depth_ == 2) close_member();
    --depth_;
    return value_done();
  }
  bool StartArray() {
    ++depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return value_done();
  }

 private:
  // A member of the root other than an object ends its candidacy: as with a DOM lookup, only
  // the first member of that name counts.
  bool value_done() {
    if (depth_ == 1) mark_seen(outer_);
    inner_matches_ = false;
    return true;
  }
  void mark_seen(std::string_view outer) {
    if (outer == "repository") repository_seen_ = true;
    else if (outer == "organization") organization_seen_ = true;
    else if (outer == "sender") sender_seen_ = true;
  }
  void select(std::string_view outer) {
    current_ = nullptr;
    if (outer == "repository" && !repository_seen_) {
      current_ = &scan_.repository_full_name, current_taken_ = &repository_taken_, inner_name_ = "full_name";
    } else if (outer == "organization" && !organization_seen_) {
      current_ = &scan_.organization_login, current_taken_ = &organization_taken_, inner_name_ = "login";
    } else if (outer == "sender" && !sender_seen_) {
      current_ = &scan_.sender_login, current_taken_ = &sender_taken_, inner_name_ = "login";
    }
  }
  void close_member() {
    mark_seen(outer_);
    current_ = nullptr;
    inner_matches_ = false;
  }

  payload_scan& scan_;
  std::size_t depth_ = 0;
  std::string outer_;  // the root member being read
  std::string* current_ = nullptr;
  bool* current_taken_ = nullptr;
  std::string_view inner_name_;
  bool inner_matches_ = false;
  bool repository_seen_ = false, organization_seen_ = false, sender_seen_ = false;
  bool repository_taken_ = false, organization_taken_ = false, sender_taken_ = false;
};

}  // namespace

json_check parse_bounded_json(rapidjson::Document& document, std::string_view text,
                              std::size_t max_depth) {
  // A Document is itself a SAX handler: the guard forwards to it and builds the DOM in one pass.
  json_check check;
  auto generate = [&](rapidjson::Document& handler) {
    check = run_parse(text, handler, max_depth);
    return check.ok();
  };
  document.SetNull();
  document.Populate(generate);
  if (!check.ok()) document.SetNull();
  return check;
}

payload_scan scan_payload(const std::string& text, std::size_t max_depth) {
  payload_scan scan;
  key_scanner scanner(scan);
  scan.check = run_parse_transient(text, scanner, max_depth);
  if (!scan.check.ok()) {
    scan.repository_full_name.clear();
    scan.organization_login.clear();
    scan.sender_login.clear();
  }
  return scan;
}

}  // namespace tributary::core
