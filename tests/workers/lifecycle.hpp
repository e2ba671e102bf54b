#pragma once

#include "workers/incoming_message.hpp"

#include <string>
#include <vector>

namespace tributary::testing {

/// One delivery as ingest would publish it.
struct delivery {
  std::string event;
  std::string delivery_id;
  std::string received_at;  // RFC 3339
  std::string source = "webhook";
  std::string hook_id;
  std::string payload;      // JSON
};

/// A small life of repository acme/widgets, built from GitHub's example payloads by changing ids,
/// logins, times and actions (lifecycle.cpp lists it step by step): pushes carrying commits, a
/// pull request opened, reviewed and merged, another closed unmerged, an issue opened, assigned,
/// closed and then unassigned, another opened with two assignees, stars created and deleted, a
/// second repository created, and a reconciler event that fills a commit's stats. In delivery
/// order, each with its own delivery id.
std::vector<delivery> build_lifecycle();

/// The Kafka message ingest would have produced for `item` (headers per core/envelope.hpp).
workers::incoming_message to_message(const delivery& item, const std::string& topic = "t",
                                     std::int32_t partition = 0, std::int64_t offset = 0);

/// Messages for `items` with offsets 0, 1, 2... in one partition.
std::vector<workers::incoming_message> to_messages(const std::vector<delivery>& items);

/// Every example payload of @octokit/webhooks-examples as a delivery with a fresh delivery id.
std::vector<delivery> example_deliveries();

}  // namespace tributary::testing
