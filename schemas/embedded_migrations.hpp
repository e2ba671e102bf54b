#pragma once

#include "core/migrations.hpp"

#include <span>

namespace tributary::schemas {

/// Every migration of schemas/sql, in version order, as compiled into this binary.
std::span<const core::migration> all_migrations();

}  // namespace tributary::schemas
