#include "tests/workers/applier_fixture.hpp"

#include <algorithm>

namespace tributary::testing {

std::map<std::string, std::vector<std::string>> expected_lifecycle_snapshot() {
  std::map<std::string, std::vector<std::string>> expected{
      {"developer_activity_daily",
       {
           // day|login|repo|commits|additions|deletions|prs_opened|prs_merged|reviews|issues_opened|issues_closed
           "2024-03-04|alice|acme/widgets|1|10|2|1|0|1|0|0",
           "2024-03-04|bob|acme/widgets|1|0|0|0|0|1|0|0",
           "2024-03-04|carol|acme/widgets|0|0|0|0|0|0|1|0",
           "2024-03-04|dev@example.com|acme/widgets|1|0|0|0|0|0|0|0",
           "2024-03-05|alice|acme/widgets|0|0|0|0|1|0|0|0",
           "2024-03-05|bob|acme/widgets|1|0|0|0|0|0|1|0",
           "2024-03-05|carol|acme/widgets|0|0|0|1|0|0|0|0",
           "2024-03-06|bob|acme/widgets|0|0|0|0|0|0|0|1",
       }},
      {"developer_summary",
       {
           // login|commits|additions|deletions|prs_opened|prs_merged|reviews|issues_opened|issues_closed|open_assigned|stars
           "acme|0|0|0|0|0|0|0|0|0|1",
           "alice|1|10|2|1|1|1|0|0|1|3",
           "bob|2|0|0|0|0|1|1|1|0|0",
           "carol|0|0|0|1|0|0|1|0|1|0",
           "dev@example.com|1|0|0|0|0|0|0|0|0|0",
       }},
      {"pull_request_cycle",
       {
           "acme/widgets|7|alice|2024-03-04 09:00:00+00|2024-03-04 15:30:00+00|2024-03-05 10:00:00+00|"
           "2024-03-05 10:00:00+00|125|31|6|6.5000|25.0000",
           "acme/widgets|8|carol|2024-03-05 12:00:00+00|-|-|2024-03-06 08:00:00+00|10|0|1|-|-",
       }},
      {"repository_stars",
       {
           "acme/widgets|acme|1|2024-03-06 12:00:00.5+00",
           "alice/dotfiles|alice|3|2024-03-06 11:00:00.5+00",
       }},
      {"leaderboard",
       {
           // score = 3 merged + 2 reviews + 2 issues closed + prs opened + issues opened + commits
           "alice|7|1|1|10|2|1|1|1|0|0|1|3",
           "bob|7|1|2|0|0|0|0|1|1|1|0|0",
           "carol|2|3|0|0|0|1|0|0|1|0|1|0",
           "dev@example.com|1|4|1|0|0|0|0|0|0|0|0|0",
           // acme, an organisation, is in the summary but never ranked.
       }},
      // No deployments: the DORA views are empty (tests/workers/dora_test.cpp fills them).
      {"deployment_outcomes", {}},
      {"deployment_restores", {}},
      {"change_lead_times", {}},
      {"dora_deployment_frequency", {}},
      {"dora_lead_time", {}},
      {"dora_change_failure_rate", {}},
      {"dora_time_to_restore", {}},
      {"pull_request_cycle_weekly",
       {
           // #7: first reviewed 6.5 h and merged 25 h after opening, both in the week of 03-04
           "acme/widgets|2024-03-04|1|6.5000|6.5000|1|25.0000|25.0000",
       }},
  };
  for (auto& [view, rows] : expected) std::sort(rows.begin(), rows.end());  // as analytics_snapshot
  return expected;
}

}  // namespace tributary::testing
