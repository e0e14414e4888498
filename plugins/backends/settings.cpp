// SPDX-License-Identifier: Apache-2.0
#include "settings.hpp"

#include <Poco/JSON/Object.h>

#include "lxdrunner/lxd/json.hpp"
#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::backends {

namespace {

namespace json = lxd::json;

[[noreturn]] void invalid(const std::string& key, const std::string& why) {
  throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT, "LXD backend setting " + key + ": " + why);
}

int64_t nonNegative(const Poco::JSON::Object::Ptr& object, const std::string& key,
                    const std::string& path, int64_t fallback) {
  if (object.isNull() || !object->has(key) || object->isNull(key)) return fallback;
  int64_t value = 0;
  try {
    value = object->get(key).convert<Poco::Int64>();
  } catch (const Poco::Exception&) {
    invalid(path, "'" + json::text(object, key) + "' is not a whole number");
  }
  if (value < 0) invalid(path, "must not be negative");
  return value;
}

std::chrono::seconds seconds(const Poco::JSON::Object::Ptr& object, const std::string& key,
                             std::chrono::seconds fallback) {
  int64_t value = nonNegative(object, key, key, fallback.count());
  if (value == 0) invalid(key, "must be at least 1 second");
  return std::chrono::seconds(value);
}

RemoteSettings parseRemote(const std::string& name, const Poco::JSON::Object::Ptr& object) {
  const std::string path = "remotes." + name;
  RemoteSettings r;
  lxd::RemoteConfig& c = r.connection;
  c.name = name;
  c.addr = json::text(object, "addr");
  c.protocol = json::text(object, "protocol", "lxd");
  if (c.protocol.empty()) c.protocol = "lxd";
  if (c.protocol != "lxd" && c.protocol != "simplestreams") {
    invalid(path + ".protocol", "'" + c.protocol + "' is neither lxd nor simplestreams");
  }
  c.socket = json::text(object, "socket");
  c.client_cert = json::text(object, "client_cert");
  c.client_key = json::text(object, "client_key");
  c.client_cert_pem = json::text(object, "client_cert_pem");
  c.client_key_pem = json::text(object, "client_key_pem");
  c.server_cert_pem = json::text(object, "server_cert_pem");
  c.server_fingerprint = json::text(object, "server_fingerprint");
  c.credentials_source = json::text(object, "credentials_source");
  r.is_public = c.protocol == "simplestreams" || json::boolean(object, "public");
  c.project = json::text(object, "project");
  c.max_connections =
      static_cast<size_t>(nonNegative(object, "max_connections", path + ".max_connections", 32));
  if (c.max_connections == 0) invalid(path + ".max_connections", "must be at least 1");
  c.connect_timeout = std::chrono::seconds(
      nonNegative(object, "connect_timeout_s", path + ".connect_timeout_s", 5));
  c.request_timeout = std::chrono::seconds(
      nonNegative(object, "request_timeout_s", path + ".request_timeout_s", 30));
  c.reconnect_window = std::chrono::seconds(
      nonNegative(object, "reconnect_window_s", path + ".reconnect_window_s", 15));
  r.max_instances =
      static_cast<int>(nonNegative(object, "max_instances", path + ".max_instances", 0));
  return r;
}

}  // namespace

BackendSettings parseSettings(const std::string& config_json) {
  Poco::JSON::Object::Ptr root;
  try {
    root = json::parseObject(config_json.empty() ? "{}" : config_json, "the plugin configuration");
  } catch (const sdk::Error& e) {
    invalid("(configuration)", e.what());
  }
  BackendSettings s;
  s.manager = json::text(root, "manager", s.manager);
  if (s.manager.empty()) invalid("manager", "must not be empty");
  s.launch_timeout = seconds(root, "launch_timeout_s", s.launch_timeout);
  s.ready_timeout = seconds(root, "ready_timeout_s", s.ready_timeout);
  s.vm_agent_timeout = seconds(root, "vm_agent_timeout_s", s.vm_agent_timeout);
  s.destroy_timeout = seconds(root, "destroy_timeout_s", s.destroy_timeout);
  s.list_timeout = seconds(root, "list_timeout_s", s.list_timeout);

  Poco::JSON::Object::Ptr remotes = json::object(root, "remotes");
  if (!remotes.isNull()) {
    for (const auto& [name, value] : *remotes) {
      Poco::JSON::Object::Ptr remote = json::asObject(value);
      if (remote.isNull() && !value.isEmpty()) invalid("remotes." + name, "is not a mapping");
      s.remotes[name] = parseRemote(name, remote);
    }
  }
  // The local LXD is always reachable as "main", as in the daemon's own defaults.
  if (s.remotes.count("main") == 0) s.remotes["main"] = parseRemote("main", {});
  return s;
}

}  // namespace lxdrunner::backends
