// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include <Poco/Dynamic/Var.h>
#include <yaml-cpp/yaml.h>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/field.hpp"

// Free-form settings (plugin settings, provisioner_options) travel to plugins as JSON, and come
// back as YAML in the effective configuration. These are the two conversions.
namespace lxdrunner::config::detail {

// YAML -> JSON with the YAML 1.2 core schema: unquoted 2 is a number and "2" a string, true is a
// boolean, ~ is null. Keys that are not plain strings are reported and left out.
Poco::Dynamic::Var yamlToJson(const Field& field, DiagnosticSink& sink);

// Compact JSON text of a value built by yamlToJson or parsed by parseJson.
std::string jsonText(const Poco::Dynamic::Var& value);

// Parses JSON text that this module produced; objects keep their key order.
Poco::Dynamic::Var parseJson(const std::string& json_text);

// Writes a JSON value as YAML, quoting strings that YAML would read as another type, so that
// the output loads back to the same JSON.
void emitJsonAsYaml(YAML::Emitter& out, const Poco::Dynamic::Var& value);

// Writes a string, double-quoted when YAML would otherwise read it as a number, boolean or null.
void emitString(YAML::Emitter& out, const std::string& text);

}  // namespace lxdrunner::config::detail
