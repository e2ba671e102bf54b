#include "workers/pg_array.hpp"

namespace tributary::workers {

void pg_array::separate() {
  if (size_++ > 0) text_ += ',';
}

void pg_array::add(std::string_view text) {
  separate();
  text_ += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') text_ += '\\';
    text_ += c;
  }
  text_ += '"';
}

void pg_array::add(std::int64_t number) {
  separate();
  text_ += std::to_string(number);
}

void pg_array::add(bool flag) {
  separate();
  text_ += flag ? "t" : "f";
}

void pg_array::add_null() {
  separate();
  text_ += "NULL";
}

}  // namespace tributary::workers
