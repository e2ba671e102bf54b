#pragma once

#include <pqxx/transaction_base>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class tablewriter;
}

namespace tributary::workers {

/// Appends `text` to `line` as one field of COPY's text format: backslash, newline, carriage
/// return and tab escaped, every other byte as it is (the connection's encoding is UTF-8, where
/// no byte of a multi-byte character can be one of those four). Pure.
void append_copy_field(std::string& line, std::string_view text);
/// Appends NULL (\N).
void append_copy_null(std::string& line);

/// `COPY table (columns) FROM STDIN` in text format, fed one row at a time; owned by one
/// transaction and used on its thread only. Rows go out as lines built with append_copy_field:
/// libpqxx 6.4's stream_to escapes every byte through a generic escaper and keeps its raw-line
/// call private, which cost a quarter of the worker's CPU on GitHub's 10 KB payloads (measured,
/// bench/worker); its older tablewriter takes raw lines. `complete()` ends the COPY; a
/// destruction without it abandons the transaction's COPY (the transaction is failing anyway).
class copy_rows {
 public:
  copy_rows(pqxx::transaction_base& transaction, const std::string& table,
            const std::vector<std::string>& columns);
  ~copy_rows();
  copy_rows(const copy_rows&) = delete;
  copy_rows& operator=(const copy_rows&) = delete;

  /// Starts a row (after the previous one is written).
  copy_rows& field(std::string_view text);
  copy_rows& field(const std::string& text) { return field(std::string_view(text)); }
  copy_rows& field(const std::optional<std::string>& text);
  /// Sends the row built by field() calls.
  void end_row();
  void complete();

 private:
  std::unique_ptr<pqxx::tablewriter> writer_;
  std::string line_;
  bool first_field_ = true;
};

}  // namespace tributary::workers
