// SPDX-License-Identifier: Apache-2.0
// LxdClient: instance lifecycle, state, listing and devices.
#include <Poco/JSON/Object.h>

#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/json.hpp"

namespace lxdrunner::lxd {

namespace {

std::string instancePath(const std::string& name) {
  return "/1.0/instances/" + urlEncode(name);
}

Poco::JSON::Object::Ptr sourceJson(const ImageSource& image) {
  Poco::JSON::Object::Ptr source = new Poco::JSON::Object();
  source->set("type", "image");
  if (!image.fingerprint.empty()) {
    source->set("fingerprint", image.fingerprint);
  } else {
    source->set("alias", image.alias);
  }
  if (!image.server.empty()) {
    source->set("server", image.server);
    source->set("protocol", image.protocol.empty() ? "simplestreams" : image.protocol);
    source->set("mode", "pull");
  }
  return source;
}

Poco::JSON::Object::Ptr devicesJson(const DeviceMap& devices) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object();
  for (const auto& [name, settings] : devices) out->set(name, json::toObject(settings));
  return out;
}

DeviceMap readDevices(const Poco::JSON::Object::Ptr& object) {
  DeviceMap out;
  if (object.isNull()) return out;
  for (const auto& [name, value] : *object) out[name] = json::stringMap(json::asObject(value));
  return out;
}

InstanceInfo readInstance(const Poco::JSON::Object::Ptr& object) {
  InstanceInfo info;
  info.name = json::text(object, "name");
  info.type = json::text(object, "type", "container");
  info.status = json::text(object, "status");
  info.status_code = static_cast<int>(json::integer(object, "status_code"));
  info.location = json::text(object, "location");
  info.created_at = json::text(object, "created_at");
  info.ephemeral = json::boolean(object, "ephemeral");
  info.config = json::stringMap(json::object(object, "config"));
  info.devices = readDevices(json::object(object, "devices"));
  return info;
}

bool mentions(const LxdError& e, const char* text) {
  return e.lxdMessage().find(text) != std::string::npos;
}

}  // namespace

void LxdClient::createInstance(const InstanceSpec& spec, Deadline deadline) {
  const ServerInfo info = serverInfo(deadline);
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
  body->set("name", spec.name);
  body->set("type", spec.type);
  body->set("source", sourceJson(spec.image));
  if (spec.profiles) body->set("profiles", json::toArray(*spec.profiles));
  body->set("config", json::toObject(spec.config));
  body->set("devices", devicesJson(spec.devices));
  body->set("ephemeral", spec.ephemeral);
  // LXD before 6.2 silently ignores `start`, so it is only sent where it is understood.
  const bool start_in_create = spec.start && info.has("instance_create_start");
  if (start_in_create) body->set("start", true);

  std::string query = spec.target.empty() ? "" : "target=" + urlEncode(spec.target);
  run("POST", apiPath("/1.0/instances", query), json::stringify(body),
      "create " + spec.type + " '" + spec.name + "'", deadline);
  if (spec.start && !start_in_create) startInstance(spec.name, deadline);
}

void LxdClient::startInstance(const std::string& name, Deadline deadline) {
  try {
    run("PUT", apiPath(instancePath(name) + "/state"), R"({"action":"start"})",
        "start instance '" + name + "'", deadline);
  } catch (const LxdError& e) {
    if (!mentions(e, "already running")) throw;
  }
}

void LxdClient::stopInstance(const std::string& name, bool force, int timeout_s,
                             Deadline deadline) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
  body->set("action", "stop");
  body->set("force", force);
  body->set("timeout", timeout_s);
  try {
    run("PUT", apiPath(instancePath(name) + "/state"), json::stringify(body),
        "stop instance '" + name + "'", deadline);
  } catch (const LxdError& e) {
    if (!mentions(e, "already stopped")) throw;
  }
}

void LxdClient::setFrozen(const std::string& name, bool frozen, Deadline deadline) {
  const char* action = frozen ? "freeze" : "unfreeze";
  try {
    run("PUT", apiPath(instancePath(name) + "/state"),
        std::string(R"({"action":")") + action + R"("})",
        std::string(action) + " instance '" + name + "'", deadline);
  } catch (const LxdError& e) {
    // LXD 5.0 words it "The instance is already frozen" / "The instance isn't frozen".
    if (frozen ? mentions(e, "already frozen")
               : (mentions(e, "not frozen") || mentions(e, "isn't frozen"))) {
      return;
    }
    throw;
  }
}

void LxdClient::deleteInstance(const std::string& name, Deadline deadline) {
  run("DELETE", apiPath(instancePath(name)), "", "delete instance '" + name + "'", deadline);
}

std::optional<InstanceInfo> LxdClient::instance(const std::string& name, Deadline deadline) {
  try {
    Envelope e = call("GET", apiPath(instancePath(name)), "", deadline);
    return readInstance(json::asObject(e.metadata));
  } catch (const LxdError& e) {
    if (e.status() == LXDR_ERR_NOT_FOUND) return std::nullopt;
    throw;
  }
}

InstanceState LxdClient::instanceState(const std::string& name, Deadline deadline) {
  Envelope e = call("GET", apiPath(instancePath(name) + "/state"), "", deadline);
  Poco::JSON::Object::Ptr meta = json::asObject(e.metadata);
  InstanceState state;
  state.status = json::text(meta, "status");
  state.status_code = static_cast<int>(json::integer(meta, "status_code"));
  state.processes = json::integer(meta, "processes", -1);
  state.pid = json::integer(meta, "pid", 0);
  return state;
}

std::vector<InstanceInfo> LxdClient::listInstances(
    const std::map<std::string, std::string>& config_equals, Deadline deadline) {
  const ServerInfo info = serverInfo(deadline);
  std::string query = "recursion=1";
  // Server-side filtering keeps the answer small on a busy host; the check below stays, as
  // older servers ignore filters they do not know.
  bool plain_values = true;
  for (const auto& kv : config_equals) {
    plain_values = plain_values && kv.second.find_first_of(" \"'") == std::string::npos;
  }
  if (info.has("api_filtering") && plain_values) {
    std::string filter;
    for (const auto& [key, value] : config_equals) {
      filter += (filter.empty() ? "" : " and ") + std::string("config.") + key + " eq " + value;
    }
    if (!filter.empty()) query += "&filter=" + urlEncode(filter);
  }
  Envelope e = call("GET", apiPath("/1.0/instances", query), "", deadline);
  std::vector<InstanceInfo> out;
  Poco::JSON::Array::Ptr list;
  if (e.metadata.type() == typeid(Poco::JSON::Array::Ptr)) {
    list = e.metadata.extract<Poco::JSON::Array::Ptr>();
  }
  if (list.isNull()) return out;
  for (const auto& item : *list) {
    InstanceInfo instance = readInstance(json::asObject(item));
    bool matches = true;
    for (const auto& [key, value] : config_equals) {
      auto it = instance.config.find(key);
      matches = matches && it != instance.config.end() && it->second == value;
    }
    if (matches) out.push_back(std::move(instance));
  }
  return out;
}

void LxdClient::addDevice(const std::string& name, const std::string& device_name,
                          const std::map<std::string, std::string>& device, Deadline deadline) {
  // PATCH merges device maps, replacing a device of the same name; "add" must not silently
  // replace one, so look first. Two concurrent adds of one name are the caller's race.
  std::optional<InstanceInfo> current = instance(name, deadline);
  if (!current) {
    throw LxdError(LXDR_ERR_NOT_FOUND, "instance '" + name + "' not found on " + describeRemote());
  }
  if (current->devices.count(device_name) != 0) {
    throw LxdError(LXDR_ERR_ALREADY_EXISTS, "instance '" + name + "' already has a device '" +
                                                device_name + "' on " + describeRemote());
  }
  Poco::JSON::Object::Ptr devices = new Poco::JSON::Object();
  devices->set(device_name, json::toObject(device));
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
  body->set("devices", devices);
  call("PATCH", apiPath(instancePath(name)), json::stringify(body), deadline);
}

}  // namespace lxdrunner::lxd
