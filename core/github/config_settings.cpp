// SPDX-License-Identifier: Apache-2.0
#include "github/config_settings.hpp"

#include "logging/logging.hpp"

namespace lxdrunner::github {

ClientSettings settingsFromConfig(const config::Config& config) {
  github::ClientSettings settings;
  settings.api_url = config.github_api_url;
  settings.pat = config.pat.reveal();
  if (config.github_app) {
    settings.app = github::GithubAppCredentials{
        config.github_app->app_id, static_cast<uint64_t>(config.github_app->installation_id),
        config.github_app->private_key.reveal()};
  }
  // Installation, registration and remove tokens expire after an hour; the margin covers
  // lines logged late. JIT configs and installation tokens are masked by shape after that.
  settings.on_secret = [](const std::string& secret) {
    logging::addShortLivedSecret(secret, std::chrono::hours(2));
  };
  return settings;
}

}  // namespace lxdrunner::github
