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

}  // namespace tributary::core
