// SPDX-License-Identifier: Apache-2.0
#include "config/detail/schema.hpp"

namespace lxdrunner::config::detail::schema {

const std::vector<std::string_view>& legacyKeys() {
  static const std::vector<std::string_view> keys{
      "socket",        "pkgdir",       "setupscript", "activecfg",  "rundelay",
      "def_repo_args", "def_org_args", "config_home", "cache_home",
  };
  return keys;
}

const std::vector<std::string_view>& topLevelKeys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> all{
        "pat",
        "hooksecret",
        "github_api_url",
        "github_app",
        "prefix",
        "max_workers",
        "cleanup",
        "runner_scope",
        "web_host",
        "web_port",
        "web_tls",
        "web_tls_cert",
        "web_tls_key",
        "state_dir",
        "runner_cache_dir",
        "plugin_dirs",
        "logging",
        "event_sources",
        "plugins",
        "remotes",
        "device_pools",
        "lxc_config_dir",
        "runnermap",
        "dispatcher",
        "operator_api",
        "web_header_timeout_s",
        "web_max_connections",
        "web_max_connections_per_address",
    };
    all.insert(all.end(), legacyKeys().begin(), legacyKeys().end());
    return all;
  }();
  return keys;
}

const std::vector<std::string_view>& secretKeys() {
  static const std::vector<std::string_view> keys{"file", "env"};
  return keys;
}

const std::vector<std::string_view>& githubAppKeys() {
  static const std::vector<std::string_view> keys{"app_id", "installation_id", "private_key"};
  return keys;
}

const std::vector<std::string_view>& remoteKeys() {
  static const std::vector<std::string_view> keys{
      "addr",        "protocol",           "public", "client_cert", "client_key",
      "server_cert", "server_fingerprint",
  };
  return keys;
}

const std::vector<std::string_view>& dispatcherKeys() {
  static const std::vector<std::string_view> keys{
      "launch_concurrency",  "launch_attempts",        "retry_backoff_s",
      "provision_timeout_s", "reconcile_interval_s",   "max_lifetime_s",
      "idle_runner_grace_s", "register_timeout_s",     "offline_runner_grace_s",
      "job_retention_days",  "runner_downloads_scope", "reconcile_github_calls_per_minute",
      "prefetch_jit_config",
  };
  return keys;
}

const std::vector<std::string_view>& operatorApiKeys() {
  static const std::vector<std::string_view> keys{"enabled", "token", "host", "port",
                                                  "allow_non_loopback"};
  return keys;
}

const std::vector<std::string_view>& loggingKeys() {
  static const std::vector<std::string_view> keys{"level", "components", "format"};
  return keys;
}

const std::vector<std::string_view>& runnerEntryKeys() {
  static const std::vector<std::string_view> keys{
      "name",         "labels",       "image",
      "type",         "runner_os",    "runner_arch",
      "profiles",     "setup_script", "max_workers",
      "backend",      "provisioner",  "match",
      "remote",       "remotes",      "target",
      "config",       "devices",      "provisioner_options",
      "runner_group", "ephemeral",    "warm_pool",
      "provisioners", "step_options", "runner_scope",
      "device_pools",
  };
  return keys;
}

const std::vector<std::string_view>& warmPoolKeys() {
  static const std::vector<std::string_view> keys{"size", "max_idle_s", "freeze"};
  return keys;
}

const std::vector<std::string_view>& devicePoolKeys() {
  static const std::vector<std::string_view> keys{"type", "devices"};
  return keys;
}

}  // namespace lxdrunner::config::detail::schema
