#include "workers/raw_copy.hpp"

// tablewriter is deprecated in libpqxx 6.4 in favour of stream_to, which has no way to send a
// line already escaped (copy_rows' comment says why that matters).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/tablewriter>

#include <array>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tributary::workers {
namespace {

/// The escape of each byte that needs one in COPY's text format, else 0.
constexpr std::array<char, 256> copy_escapes = [] {
  std::array<char, 256> table{};
  table[static_cast<unsigned char>('\\')] = '\\';
  table[static_cast<unsigned char>('\n')] = 'n';
  table[static_cast<unsigned char>('\r')] = 'r';
  table[static_cast<unsigned char>('\t')] = 't';
  return table;
}();

}  // namespace

namespace {

/// Where the first byte needing an escape is, from `from` on (text.size() if none): sixteen bytes
/// at a time with SSE2 (a 10 KB payload has long runs without one), the rest byte by byte. Loads
/// stay inside `text`.
std::size_t next_escape(std::string_view text, std::size_t from) {
#if defined(__SSE2__)
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i carriage_return = _mm_set1_epi8('\r');
  const __m128i tab = _mm_set1_epi8('\t');
  for (; from + 16 <= text.size(); from += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from));
    const __m128i hits = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(chunk, backslash), _mm_cmpeq_epi8(chunk, newline)),
        _mm_or_si128(_mm_cmpeq_epi8(chunk, carriage_return), _mm_cmpeq_epi8(chunk, tab)));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits)); mask != 0)
      return from + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  while (from < text.size() && copy_escapes[static_cast<unsigned char>(text[from])] == 0) ++from;
  return from;
}

}  // namespace

void append_copy_field(std::string& line, std::string_view text) {
  line.reserve(line.size() + text.size() + text.size() / 8);
  std::size_t plain_from = 0;
  for (auto i = next_escape(text, 0); i < text.size(); i = next_escape(text, i + 1)) {
    line.append(text, plain_from, i - plain_from);
    line.push_back('\\');
    line.push_back(copy_escapes[static_cast<unsigned char>(text[i])]);
    plain_from = i + 1;
  }
  line.append(text, plain_from, text.size() - plain_from);
}

void append_copy_null(std::string& line) { line.append("\\N"); }

copy_rows::copy_rows(pqxx::transaction_base& transaction, const std::string& table,
                     const std::vector<std::string>& columns)
    : writer_(std::make_unique<pqxx::tablewriter>(transaction, table, columns.begin(),
                                                  columns.end())) {}

copy_rows::~copy_rows() = default;

copy_rows& copy_rows::field(std::string_view text) {
  if (!first_field_) line_.push_back('\t');
  first_field_ = false;
  append_copy_field(line_, text);
  return *this;
}

copy_rows& copy_rows::field(const std::optional<std::string>& text) {
  if (!text) {
    if (!first_field_) line_.push_back('\t');
    first_field_ = false;
    append_copy_null(line_);
    return *this;
  }
  return field(std::string_view(*text));
}

void copy_rows::end_row() {
  writer_->write_raw_line(line_);
  line_.clear();
  first_field_ = true;
}

void copy_rows::complete() { writer_->complete(); }

}  // namespace tributary::workers

#pragma GCC diagnostic pop
