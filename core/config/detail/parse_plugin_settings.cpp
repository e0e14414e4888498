// SPDX-License-Identifier: Apache-2.0
#include <Poco/JSON/Object.h>

#include "config/detail/names.hpp"
#include "config/detail/schema.hpp"
#include "config/detail/secret_reader.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"
#include "config/detail/yaml_json.hpp"

namespace lxdrunner::config::detail {

namespace {

bool isWebhook(const std::string& source_name) {
  return source_name == defaults::kWebhookSource;
}

EventSource defaultWebhook() {
  Poco::JSON::Object::Ptr settings = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  settings->set(std::string(schema::kWebhookPathKey), std::string(defaults::kWebhookPath));
  return EventSource{std::string(defaults::kWebhookSource), true, jsonText(settings), {}};
}

// The webhook's URL path is the one plugin setting the core knows about: the HTTP server routes
// deliveries by it, so a bad value must be caught here rather than at the first delivery.
void checkWebhookPath(const Field& path, DiagnosticSink& sink) {
  const auto text = readString(path, sink);
  if (text && (text->empty() || text->front() != '/')) {
    sink.error(positionOf(path), path.path,
               "must be a URL path starting with '/', such as " +
                   std::string(defaults::kWebhookPath) + " (got " + describeValue(path.value) +
                   ")");
  }
}

EventSource parseEventSource(const Field& source_field, DiagnosticSink& sink) {
  EventSource source{source_field.name, true, "{}", {}};
  Poco::JSON::Object::Ptr settings = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (expectMapping(source_field, sink)) {
    for (const auto& setting : mappingEntries(source_field, sink)) {
      if (setting.name == schema::kEnabledKey) {
        source.enabled = readBool(setting, sink).value_or(source.enabled);
        continue;
      }
      if (setting.name == schema::kSourceHooksecretKey) {
        if (auto secret = readSecret(setting, sink)) source.hooksecret = std::move(*secret);
        continue;
      }
      if (isWebhook(source.name) && setting.name == schema::kWebhookPathKey) {
        checkWebhookPath(setting, sink);
      }
      settings->set(setting.name, yamlToJson(setting, sink));
    }
  }
  if (isWebhook(source.name) && !settings->has(std::string(schema::kWebhookPathKey))) {
    settings->set(std::string(schema::kWebhookPathKey), std::string(defaults::kWebhookPath));
  }
  source.settings_json = jsonText(settings);
  return source;
}

void parseEventSources(const MappingView& top, Config& config, DiagnosticSink& sink) {
  const Field* const field = top.find("event_sources");
  if (!isSet(field)) {
    config.event_sources = {defaultWebhook()};
    return;
  }
  if (!expectMapping(*field, sink)) {
    return;
  }
  bool any_enabled = false;
  for (const auto& source_field : mappingEntries(*field, sink)) {
    checkPluginName(source_field, source_field.name, sink);
    config.event_sources.push_back(parseEventSource(source_field, sink));
    any_enabled = any_enabled || config.event_sources.back().enabled;
  }
  if (!any_enabled) {
    sink.warning(positionOf(*field), field->path,
                 "no event source is enabled: lxdrunner will not learn about any job");
  }
}

void parsePlugins(const MappingView& top, Config& config, DiagnosticSink& sink) {
  const Field* const field = top.find("plugins");
  if (field == nullptr || !expectMapping(*field, sink)) {
    return;
  }
  for (const auto& plugin : mappingEntries(*field, sink)) {
    checkPluginName(plugin, plugin.name, sink);
    if (isSet(&plugin) && !expectMapping(plugin, sink)) {
      continue;
    }
    config.plugins[plugin.name] = isSet(&plugin) ? jsonText(yamlToJson(plugin, sink)) : "{}";
  }
}

}  // namespace

void parsePluginSettings(const MappingView& top, Config& config, DiagnosticSink& sink) {
  parseEventSources(top, config, sink);
  parsePlugins(top, config, sink);
}

}  // namespace lxdrunner::config::detail
