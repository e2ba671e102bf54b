#include "core/kafka_config.hpp"

#include "core/settings.hpp"

namespace tributary::core {

std::unique_ptr<RdKafka::Conf> make_kafka_conf(const std::map<std::string, std::string>& defaults,
                                               const std::map<std::string, std::string>& overrides) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto* source : {&defaults, &overrides}) {
    for (const auto& [name, value] : *source) {
      std::string error;
      if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK)
        throw settings_error("Kafka property " + name + " rejected: " + error);
    }
  }
  return conf;
}

bool is_kafka_property(const std::string& name, const std::string& value) {
  // librdkafka keeps no list to ask; a scratch configuration tells unknown names from the rest
  // (CONF_INVALID: a known name with a bad value, reported later by make_kafka_conf).
  std::unique_ptr<RdKafka::Conf> scratch(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  return scratch->set(name, value, error) != RdKafka::Conf::CONF_UNKNOWN;
}

}  // namespace tributary::core
