// SPDX-License-Identifier: Apache-2.0
#include "config/plugin_settings_file.hpp"

#include <yaml-cpp/yaml.h>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/field.hpp"
#include "config/detail/file_reading.hpp"
#include "config/detail/mapping_view.hpp"
#include "config/detail/value_readers.hpp"
#include "config/detail/yaml_json.hpp"

namespace lxdrunner::config {

bool PluginSettingsFile::ok() const {
  for (const auto& d : diagnostics) {
    if (!d.warning) return false;
  }
  return true;
}

PluginSettingsFile loadPluginSettingsFile(const std::string& path) {
  detail::DiagnosticSink sink(path);
  PluginSettingsFile result;
  const auto content = detail::readWholeFile(path);
  if (!content.text) {
    sink.error(YAML::Mark::null_mark(), {}, "cannot read the settings file: " + content.error);
    result.diagnostics = sink.release();
    return result;
  }
  try {
    const YAML::Node root = YAML::Load(*content.text);
    detail::Field plugins{YAML::Node(), root, "", ""};
    if (root.IsMap() && root["plugins"]) {
      plugins = detail::Field{YAML::Node("plugins"), root["plugins"], "plugins", "plugins"};
    }
    if (detail::expectMapping(plugins, sink)) {
      for (const auto& entry : detail::mappingEntries(plugins, sink)) {
        if (detail::expectMapping(entry, sink)) {
          result.settings[entry.name] = detail::jsonText(detail::yamlToJson(entry, sink));
        }
      }
    }
  } catch (const YAML::ParserException& error) {
    sink.error(error.mark, {}, "YAML syntax error: " + error.msg);
  }
  result.diagnostics = sink.release();
  return result;
}

}  // namespace lxdrunner::config
