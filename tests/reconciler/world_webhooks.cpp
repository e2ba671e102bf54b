#include "tests/reconciler/world_webhooks.hpp"

#include <algorithm>
#include <tuple>

namespace tributary::testing {

std::vector<delivery> world_deliveries(const github_world& world) {
  auto deliveries = tracker_deliveries(world);
  auto history = history_deliveries(world);
  deliveries.insert(deliveries.end(), std::make_move_iterator(history.begin()),
                    std::make_move_iterator(history.end()));
  // RFC 3339 UTC times of one format sort as text; the id breaks ties so the order is fixed.
  std::stable_sort(deliveries.begin(), deliveries.end(), [](const delivery& a, const delivery& b) {
    return std::tie(a.received_at, a.delivery_id) < std::tie(b.received_at, b.delivery_id);
  });
  return deliveries;
}

}  // namespace tributary::testing
