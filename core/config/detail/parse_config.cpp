// SPDX-License-Identifier: Apache-2.0
#include "config/detail/schema.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

Config parseConfig(const YAML::Node& root, DiagnosticSink& sink) {
  Config config;
  const Field document{YAML::Node(), root, {}, {}};
  if (!root.IsMap()) {
    const auto got = root.IsNull() ? std::string("an empty document") : describeValue(root);
    sink.error(root.Mark(), {}, "the configuration must be a mapping of keys (got " + got + ")");
    return config;
  }
  const MappingView top(document, schema::topLevelKeys(), sink);
  const LegacyValues legacy = readLegacyKeys(top, sink);
  parseGithub(top, config, sink);
  parseRunnerLimits(top, config, sink);
  parseWebServer(top, config, sink);
  parsePaths(top, legacy, config, sink);
  parseLogging(top, config, sink);
  parseDispatcher(top, config, sink);
  parseOperatorApi(top, config, sink);
  parsePluginSettings(top, config, sink);
  parseRemotes(top, legacy, config, sink);
  parseDevicePools(top, config, sink);
  parseRunnermap(top, legacy, config, sink);
  resolveRemoteTls(top, config, sink);
  checkCrossSettings(top, config, sink);
  return config;
}

}  // namespace lxdrunner::config::detail
