// SPDX-License-Identifier: Apache-2.0
#include "config/backend_settings.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace lxdrunner::config {

namespace {

using Poco::JSON::Object;

// The keys that say how to authenticate; a plugin-level override naming any of them brings
// its own set.
constexpr const char* kTlsKeys[] = {"client_cert",       "client_key",      "client_cert_pem",
                                    "client_key_pem",    "server_cert_pem", "server_fingerprint",
                                    "credentials_source"};

Object::Ptr remoteJson(const Remote& remote) {
  Object::Ptr json = new Object();
  json->set("addr", remote.addr);
  json->set("protocol", std::string(toString(remote.protocol)));
  if (remote.is_public) json->set("public", true);
  if (!remote.tls.empty()) {
    json->set("client_cert_pem", remote.tls.client_cert.reveal());
    json->set("client_key_pem", remote.tls.client_key.reveal());
    if (!remote.tls.server_cert.empty()) {
      json->set("server_cert_pem", remote.tls.server_cert.reveal());
    }
    if (!remote.tls.server_fingerprint.empty()) {
      json->set("server_fingerprint", remote.tls.server_fingerprint);
    }
    json->set("credentials_source", remote.tls.source);
  }
  return json;
}

void override(Object& remote, const Object& plugin_level) {
  for (const char* key : kTlsKeys) {
    if (plugin_level.has(key)) {
      for (const char* drop : kTlsKeys) remote.remove(drop);
      break;
    }
  }
  for (const auto& [key, value] : plugin_level) remote.set(key, value);
}

}  // namespace

std::string backendSettingsJson(const Config& config, const std::string& plugin_settings_json) {
  Poco::JSON::Parser parser;
  auto settings = parser.parse(plugin_settings_json.empty() ? "{}" : plugin_settings_json)
                      .extract<Object::Ptr>();
  if (!settings->has("manager")) settings->set("manager", config.prefix);
  Object::Ptr remotes = new Object();
  for (const auto& remote : config.remotes) remotes->set(remote.name, remoteJson(remote));
  if (Object::Ptr plugin_level = settings->getObject("remotes")) {
    for (const auto& name : plugin_level->getNames()) {
      Object::Ptr own = plugin_level->getObject(name);
      if (!own) {
        remotes->set(name, plugin_level->get(name));  // the backend reports what is wrong
        continue;
      }
      Object::Ptr merged = remotes->getObject(name);
      if (!merged) merged = new Object();
      override(*merged, *own);
      remotes->set(name, merged);
    }
  }
  settings->set("remotes", remotes);
  std::ostringstream out;
  settings->stringify(out);
  return out.str();
}

}  // namespace lxdrunner::config
