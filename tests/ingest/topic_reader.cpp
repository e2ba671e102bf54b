#include "tests/ingest/topic_reader.hpp"

#include "core/kafka_consumer.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"

namespace tributary::testing {

std::vector<consumed_message> read_topic(const std::string& topic, std::size_t expected,
                                         std::chrono::milliseconds timeout,
                                         std::chrono::milliseconds quiet) {
  core::kafka_consumer consumer({{"bootstrap.servers", bootstrap_servers()},
                                 {"group.id", unique_name("ingest_test_reader")},
                                 {"auto.offset.reset", "earliest"}},
                                {topic});
  std::vector<consumed_message> messages;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto quiet_until = std::chrono::steady_clock::time_point::max();
  while (std::chrono::steady_clock::now() < std::min(deadline, quiet_until)) {
    auto batch = consumer.poll_batch(1000, std::chrono::milliseconds(200));
    for (const auto& message : batch) {
      consumed_message copy;
      if (message->key()) copy.key = *message->key();
      copy.value.assign(static_cast<const char*>(message->payload()), message->len());
      copy.partition = message->partition();
      if (const auto* headers = message->headers()) {
        for (const auto& header : headers->get_all())
          copy.headers.emplace(header.key(),
                               std::string(static_cast<const char*>(header.value()), header.value_size()));
      }
      messages.push_back(std::move(copy));
    }
    if (messages.size() >= expected && quiet_until == std::chrono::steady_clock::time_point::max())
      quiet_until = std::chrono::steady_clock::now() + quiet;
  }
  consumer.close();
  return messages;
}

}  // namespace tributary::testing
