#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <string>

namespace tributary::core {

/// A librdkafka global configuration: `defaults` first, then `overrides` (the KAFKA_* pass-through
/// from settings::kafka_properties, so an operator can change any default). Throws
/// settings_error naming the property that librdkafka rejected (never its value: it may be a
/// password).
std::unique_ptr<RdKafka::Conf> make_kafka_conf(const std::map<std::string, std::string>& defaults,
                                               const std::map<std::string, std::string>& overrides);

/// True when librdkafka knows `name` as a configuration property (global or topic-level). Only
/// names are checked: whether the value is acceptable is make_kafka_conf's to say.
bool is_kafka_property(const std::string& name, const std::string& value);

}  // namespace tributary::core
