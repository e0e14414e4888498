// SPDX-License-Identifier: Apache-2.0
// Checks a plugin's settings against the JSON Schema the plugin publishes in its descriptor
// (config_schema), so a typo in a key is one line at check time instead of a plugin that
// silently ignores it.
//
// The keywords plugins use are checked: type, properties, required, additionalProperties
// (boolean or schema), items, minItems, maxItems, enum, const, oneOf, anyOf, allOf, minimum,
// maximum, exclusiveMinimum, exclusiveMaximum (numbers, as in draft 6 and later), pattern
// (ECMAScript), minLength, maxLength. Annotations (default, description, title, examples)
// and keywords outside this list are ignored, never refused.
#pragma once

#include <string>
#include <vector>

namespace lxdrunner::plugin_host {

// Each problem as "PATH: what is wrong" (PATH "settings", "settings.interval",
// "settings.repositories[0]"); empty when the settings are valid. A schema that is not a
// JSON object, or settings that are not JSON, is one problem saying so.
std::vector<std::string> validateSettings(const std::string& schema_json,
                                          const std::string& settings_json);

}  // namespace lxdrunner::plugin_host
