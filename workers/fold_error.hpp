#pragma once

#include <stdexcept>

namespace tributary::workers {

/// A defect of one delivery's payload (a field missing, of the wrong type, or impossible): the
/// delivery goes to github.dead_letters with `what()` as its reason, and the partition goes on.
struct fold_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tributary::workers
