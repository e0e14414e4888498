// SPDX-License-Identifier: Apache-2.0
#include "config/known_keys.hpp"

#include <string_view>

#include "config/defaults.hpp"
#include "config/detail/schema.hpp"

namespace lxdrunner::config {

namespace {

void addChildren(std::vector<std::string>& paths, const std::string& parent,
                 const std::vector<std::string_view>& keys) {
  for (const auto key : keys) {
    paths.push_back(parent + "." + std::string(key));
  }
}

}  // namespace

std::vector<std::string> knownKeyPaths() {
  namespace schema = detail::schema;
  std::vector<std::string> paths;
  for (const auto key : schema::topLevelKeys()) {
    paths.emplace_back(key);
  }
  for (const std::string secret :
       {"pat", "hooksecret", "github_app.private_key", "operator_api.token"}) {
    addChildren(paths, secret, schema::secretKeys());
  }
  addChildren(paths, "github_app", schema::githubAppKeys());
  paths.emplace_back("remotes.<name>");
  addChildren(paths, "remotes.<name>", schema::remoteKeys());
  for (const std::string pem : {"client_cert", "client_key", "server_cert"}) {
    addChildren(paths, "remotes.<name>." + pem, schema::secretKeys());
  }
  addChildren(paths, "logging", schema::loggingKeys());
  addChildren(paths, "dispatcher", schema::dispatcherKeys());
  addChildren(paths, "operator_api", schema::operatorApiKeys());
  paths.emplace_back("logging.components.<component>");
  paths.emplace_back("event_sources.<name>");
  paths.push_back("event_sources.<name>." + std::string(schema::kEnabledKey));
  paths.push_back("event_sources." + std::string(defaults::kWebhookSource) + "." +
                  std::string(schema::kWebhookPathKey));
  const std::string source_secret =
      "event_sources.<name>." + std::string(schema::kSourceHooksecretKey);
  paths.push_back(source_secret);
  addChildren(paths, source_secret, schema::secretKeys());
  paths.emplace_back("plugins.<name>");
  paths.emplace_back("device_pools.<pool>");
  addChildren(paths, "device_pools.<pool>", schema::devicePoolKeys());
  addChildren(paths, "runnermap[]", schema::runnerEntryKeys());
  paths.emplace_back("runnermap[].device_pools.<device>");
  paths.emplace_back("runnermap[].config.<key>");
  paths.emplace_back("runnermap[].devices.<device>");
  paths.emplace_back("runnermap[].devices.<device>.type");
  return paths;
}

}  // namespace lxdrunner::config
