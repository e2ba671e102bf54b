#pragma once

#include <string>
#include <string_view>

namespace tributary::testing {

/// `prefix` (lower-cased, characters other than [a-z0-9_] turned into '_') followed by a suffix
/// unique across processes and calls: "<prefix>_<pid>_<counter>_<random>". At most `max_length`
/// characters (the prefix is shortened, never the suffix).
std::string unique_name(std::string_view prefix, std::size_t max_length = 63);

}  // namespace tributary::testing
