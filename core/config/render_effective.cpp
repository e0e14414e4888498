// SPDX-License-Identifier: Apache-2.0
#include <Poco/JSON/Object.h>
#include <yaml-cpp/yaml.h>

#include "config/detail/yaml_json.hpp"
#include "config/render.hpp"

namespace lxdrunner::config {

namespace {

using detail::emitString;

void emitKey(YAML::Emitter& out, const char* key) {
  out << YAML::Key << key << YAML::Value;
}

void emitStringValue(YAML::Emitter& out, const char* key, const std::string& value) {
  emitKey(out, key);
  emitString(out, value);
}

void emitStringList(YAML::Emitter& out, const char* key, const std::vector<std::string>& items) {
  emitKey(out, key);
  out << YAML::Flow << YAML::BeginSeq;
  for (const auto& item : items) {
    emitString(out, item);
  }
  out << YAML::EndSeq;
}

void emitStringMap(YAML::Emitter& out, const std::map<std::string, std::string>& values) {
  if (values.empty()) {
    out << YAML::Flow;
  }
  out << YAML::BeginMap;
  for (const auto& [key, value] : values) {
    out << YAML::Key;
    emitString(out, key);
    out << YAML::Value;
    emitString(out, value);
  }
  out << YAML::EndMap;
}

void emitJsonValue(YAML::Emitter& out, const char* key, const std::string& json_text) {
  emitKey(out, key);
  detail::emitJsonAsYaml(out, detail::parseJson(json_text));
}

// Unset secrets are left out: writing "" would read back as an (invalid) empty secret.
void emitSecret(YAML::Emitter& out, const char* key, const Secret& secret) {
  if (!secret.empty()) {
    emitStringValue(out, key, secret.masked());
  }
}

void emitGithub(YAML::Emitter& out, const Config& config) {
  emitSecret(out, "pat", config.pat);
  if (config.github_app) {
    emitKey(out, "github_app");
    out << YAML::BeginMap;
    emitKey(out, "app_id");
    out << config.github_app->app_id;
    emitKey(out, "installation_id");
    out << config.github_app->installation_id;
    emitSecret(out, "private_key", config.github_app->private_key);
    out << YAML::EndMap;
  }
  emitSecret(out, "hooksecret", config.hooksecret);
  emitStringValue(out, "github_api_url", config.github_api_url);
}

void emitServerAndPaths(YAML::Emitter& out, const Config& config) {
  emitStringValue(out, "prefix", config.prefix);
  emitKey(out, "max_workers");
  out << config.max_workers;
  emitKey(out, "cleanup");
  out << config.cleanup;
  emitStringValue(out, "runner_scope", std::string(toString(config.runner_scope)));
  emitStringValue(out, "web_host", config.web_host);
  emitKey(out, "web_port");
  out << config.web_port;
  emitKey(out, "web_tls");
  out << config.web_tls;
  emitStringValue(out, "web_tls_cert", config.web_tls_cert);
  emitStringValue(out, "web_tls_key", config.web_tls_key);
  emitKey(out, "web_header_timeout_s");
  out << config.web_header_timeout_s;
  emitKey(out, "web_max_connections");
  out << config.web_max_connections;
  emitKey(out, "web_max_connections_per_address");
  out << config.web_max_connections_per_address;
  emitStringValue(out, "state_dir", config.state_dir);
  emitStringValue(out, "runner_cache_dir", config.runner_cache_dir);
  emitStringList(out, "plugin_dirs", config.plugin_dirs);
}

void emitDispatcher(YAML::Emitter& out, const DispatcherConfig& d) {
  emitKey(out, "dispatcher");
  out << YAML::BeginMap;
  const std::pair<const char*, int> numbers[] = {
      {"launch_concurrency", d.launch_concurrency},
      {"launch_attempts", d.launch_attempts},
      {"retry_backoff_s", d.retry_backoff_s},
      {"provision_timeout_s", d.provision_timeout_s},
      {"reconcile_interval_s", d.reconcile_interval_s},
      {"max_lifetime_s", d.max_lifetime_s},
      {"idle_runner_grace_s", d.idle_runner_grace_s},
      {"register_timeout_s", d.register_timeout_s},
      {"offline_runner_grace_s", d.offline_runner_grace_s},
      {"reconcile_github_calls_per_minute", d.reconcile_github_calls_per_minute},
      {"job_retention_days", d.job_retention_days},
  };
  for (const auto& [key, value] : numbers) {
    emitKey(out, key);
    out << value;
  }
  emitKey(out, "prefetch_jit_config");
  out << d.prefetch_jit_config;
  emitStringValue(out, "runner_downloads_scope", d.runner_downloads_scope);
  out << YAML::EndMap;
}

void emitOperatorApi(YAML::Emitter& out, const OperatorApiConfig& api) {
  emitKey(out, "operator_api");
  out << YAML::BeginMap;
  emitKey(out, "enabled");
  out << api.enabled;
  emitSecret(out, "token", api.token);
  emitStringValue(out, "host", api.host);
  emitKey(out, "port");
  out << api.port;
  emitKey(out, "allow_non_loopback");
  out << api.allow_non_loopback;
  out << YAML::EndMap;
}

void emitLogging(YAML::Emitter& out, const LoggingConfig& logging) {
  emitKey(out, "logging");
  out << YAML::BeginMap;
  emitStringValue(out, "level", logging.level);
  emitStringValue(out, "format", std::string(toString(logging.format)));
  emitKey(out, "components");
  emitStringMap(out, logging.components);
  out << YAML::EndMap;
}

void emitPlugins(YAML::Emitter& out, const Config& config) {
  emitKey(out, "event_sources");
  if (config.event_sources.empty()) {
    out << YAML::Flow;
  }
  out << YAML::BeginMap;
  for (const auto& source : config.event_sources) {
    out << YAML::Key << source.name << YAML::Value << YAML::BeginMap;
    emitKey(out, "enabled");
    out << source.enabled;
    const auto settings = detail::parseJson(source.settings_json);
    const auto& object = settings.extract<Poco::JSON::Object::Ptr>();
    std::vector<std::string> names;
    object->getNames(names);
    for (const auto& name : names) {
      out << YAML::Key;
      emitString(out, name);
      out << YAML::Value;
      detail::emitJsonAsYaml(out, object->get(name));
    }
    emitSecret(out, "hooksecret", source.hooksecret);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  emitKey(out, "plugins");
  if (config.plugins.empty()) {
    out << YAML::Flow;
  }
  out << YAML::BeginMap;
  for (const auto& [name, settings_json] : config.plugins) {
    emitJsonValue(out, name.c_str(), settings_json);
  }
  out << YAML::EndMap;
}

void emitRemotes(YAML::Emitter& out, const std::vector<Remote>& remotes,
                 const std::string& lxc_config_dir) {
  emitStringValue(out, "lxc_config_dir", lxc_config_dir);
  emitKey(out, "remotes");
  out << YAML::BeginMap;
  for (const auto& remote : remotes) {
    out << YAML::Key << remote.name << YAML::Value << YAML::BeginMap;
    emitKey(out, "addr");
    if (remote.addr.empty()) {
      out << YAML::Null;  // the local LXD, written the way the original lxdrunner wrote it
    } else {
      emitString(out, remote.addr);
    }
    emitStringValue(out, "protocol", std::string(toString(remote.protocol)));
    if (remote.is_public && remote.protocol == RemoteProtocol::Lxd) {
      emitKey(out, "public");
      out << true;
    }
    // Certificates taken from lxc's configuration directory were not written here, and
    // lxc_config_dir (above) says where they come from.
    if (remote.tls.source == "remotes." + remote.name) {
      emitSecret(out, "client_cert", remote.tls.client_cert);
      emitSecret(out, "client_key", remote.tls.client_key);
      emitSecret(out, "server_cert", remote.tls.server_cert);
      if (!remote.tls.server_fingerprint.empty()) {
        emitStringValue(out, "server_fingerprint", remote.tls.server_fingerprint);
      }
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

// Only when there are pools: configurations without them render as before.
void emitDevicePools(YAML::Emitter& out, const std::vector<DevicePool>& pools) {
  if (pools.empty()) return;
  emitKey(out, "device_pools");
  out << YAML::BeginMap;
  for (const auto& pool : pools) {
    out << YAML::Key << pool.name << YAML::Value << YAML::BeginMap;
    emitStringValue(out, "type", std::string(toString(pool.type)));
    emitKey(out, "devices");
    out << YAML::BeginSeq;
    for (const auto& item : pool.items) {
      auto keys = item.settings;
      keys["remote"] = item.remote;
      out << YAML::Flow;
      emitStringMap(out, keys);
    }
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emitEntry(YAML::Emitter& out, const RunnerEntry& entry) {
  out << YAML::BeginMap;
  emitStringValue(out, "name", entry.name);
  emitStringList(out, "labels", entry.labels);
  emitStringValue(out, "image", entry.image);
  emitStringValue(out, "type", std::string(toString(entry.type)));
  emitStringValue(out, "runner_os", std::string(toString(entry.runner_os)));
  emitStringValue(out, "runner_arch", std::string(toString(entry.runner_arch)));
  emitStringList(out, "profiles", entry.profiles);
  if (!entry.setup_script.empty()) {
    emitStringValue(out, "setup_script", entry.setup_script);  // "" would not load back
  }
  emitKey(out, "max_workers");
  out << entry.max_workers;
  emitStringValue(out, "backend", entry.backend);
  if (entry.steps.empty()) {
    emitStringValue(out, "provisioner", entry.provisioner);
  } else {
    std::vector<std::string> chain = entry.steps;
    chain.push_back(entry.provisioner);
    emitStringList(out, "provisioners", chain);
    emitKey(out, "step_options");
    out << YAML::BeginMap;
    for (const auto& [step, text] : entry.step_options_json) emitJsonValue(out, step.c_str(), text);
    out << YAML::EndMap;
  }
  emitStringValue(out, "match", std::string(toString(entry.match)));
  emitStringList(out, "remotes", entry.remotes);
  emitStringValue(out, "target", entry.target);
  emitKey(out, "config");
  emitStringMap(out, entry.config);
  emitKey(out, "devices");
  if (entry.devices.empty()) {
    out << YAML::Flow;
  }
  out << YAML::BeginMap;
  for (const auto& [name, settings] : entry.devices) {
    out << YAML::Key;
    emitString(out, name);
    out << YAML::Value << YAML::Flow;
    emitStringMap(out, settings);
  }
  out << YAML::EndMap;
  if (!entry.device_pools.empty()) {
    emitKey(out, "device_pools");
    out << YAML::Flow;
    emitStringMap(out, entry.device_pools);
  }
  emitJsonValue(out, "provisioner_options", entry.provisioner_options_json);
  emitStringValue(out, "runner_scope", std::string(toString(entry.runner_scope)));
  emitStringValue(out, "runner_group", entry.runner_group);
  emitKey(out, "ephemeral");
  out << entry.ephemeral;
  emitKey(out, "warm_pool");
  out << YAML::Flow << YAML::BeginMap;
  emitKey(out, "size");
  out << entry.warm_pool.size;
  emitKey(out, "max_idle_s");
  out << entry.warm_pool.max_idle_s;
  emitKey(out, "freeze");
  out << entry.warm_pool.freeze;
  out << YAML::EndMap;
  out << YAML::EndMap;
}

}  // namespace

std::string renderEffective(const Config& config) {
  YAML::Emitter out;
  out << YAML::Comment(
      "Effective configuration" +
      (config.source_file.empty() ? std::string() : " loaded from " + config.source_file) +
      ": defaults filled in, secrets masked");
  out << YAML::BeginMap;
  emitGithub(out, config);
  emitServerAndPaths(out, config);
  emitDispatcher(out, config.dispatcher);
  emitOperatorApi(out, config.operator_api);
  emitLogging(out, config.logging);
  emitPlugins(out, config);
  emitRemotes(out, config.remotes, config.lxc_config_dir);
  emitDevicePools(out, config.device_pools);
  emitKey(out, "runnermap");
  out << YAML::BeginSeq;
  for (const auto& entry : config.runnermap) {
    emitEntry(out, entry);
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace lxdrunner::config
