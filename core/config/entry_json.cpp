// SPDX-License-Identifier: Apache-2.0
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "config/detail/yaml_json.hpp"
#include "config/render.hpp"

namespace lxdrunner::config {

namespace {

Poco::JSON::Array::Ptr stringArray(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
  for (const auto& item : items) {
    array->add(item);
  }
  return array;
}

Poco::JSON::Object::Ptr stringObject(const std::map<std::string, std::string>& values) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [key, value] : values) {
    object->set(key, value);
  }
  return object;
}

}  // namespace

// Keys are the configuration file's keys, so plugin authors can read the documentation of the
// file; image_remote and image_alias are added so plugins need not split `image` themselves.
std::string entryToJson(const RunnerEntry& entry) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("name", entry.name);
  json->set("labels", stringArray(entry.labels));
  json->set("image", entry.image);
  json->set("image_remote", entry.image_remote);
  json->set("image_alias", entry.image_alias);
  json->set("type", std::string(toString(entry.type)));
  json->set("runner_os", std::string(toString(entry.runner_os)));
  json->set("runner_arch", std::string(toString(entry.runner_arch)));
  json->set("profiles", stringArray(entry.profiles));
  json->set("setup_script", entry.setup_script);
  json->set("max_workers", entry.max_workers);
  json->set("backend", entry.backend);
  json->set("provisioner", entry.provisioner);
  if (!entry.steps.empty()) {  // only then: entries without steps keep their warm-pool hash
    json->set("steps", stringArray(entry.steps));
    Poco::JSON::Object::Ptr options = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [step, text] : entry.step_options_json) {
      options->set(step, detail::parseJson(text));
    }
    json->set("step_options", options);
  }
  json->set("match", std::string(toString(entry.match)));
  json->set("remotes", stringArray(entry.remotes));
  json->set("target", entry.target);
  json->set("config", stringObject(entry.config));
  Poco::JSON::Object::Ptr devices = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [name, settings] : entry.devices) {
    devices->set(name, stringObject(settings));
  }
  json->set("devices", devices);
  if (!entry.device_pools.empty()) {  // only then: other entries keep their warm-pool hash
    json->set("device_pools", stringObject(entry.device_pools));
  }
  json->set("provisioner_options", detail::parseJson(entry.provisioner_options_json));
  json->set("runner_scope", std::string(toString(entry.runner_scope)));
  json->set("runner_group", entry.runner_group);
  json->set("ephemeral", entry.ephemeral);
  return detail::jsonText(json);
}

}  // namespace lxdrunner::config
