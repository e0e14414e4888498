// SPDX-License-Identifier: Apache-2.0
#include "config/loader.hpp"

#include <algorithm>
#include <exception>

#include <yaml-cpp/yaml.h>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/file_reading.hpp"
#include "config/detail/sections.hpp"

namespace lxdrunner::config {

std::size_t LoadResult::errorCount() const {
  return static_cast<std::size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [](const Diagnostic& diagnostic) { return !diagnostic.warning; }));
}

std::size_t LoadResult::warningCount() const {
  return diagnostics.size() - errorCount();
}

LoadResult loadString(const std::string& yaml_text, const std::string& name_for_messages) {
  detail::DiagnosticSink sink(name_for_messages);
  LoadResult result;
  try {
    const YAML::Node root = YAML::Load(yaml_text);
    Config config = detail::parseConfig(root, sink);
    config.source_file = name_for_messages;
    if (!sink.hasErrors()) {
      result.config = std::move(config);
    }
  } catch (const YAML::ParserException& error) {
    sink.error(error.mark, {}, "YAML syntax error: " + error.msg);
  } catch (const std::exception& error) {
    // Not expected: the parser reports problems instead of throwing. Still no exception may
    // leave this function, since a daemon reloading its configuration must survive a bad file.
    sink.error(YAML::Mark::null_mark(), {},
               std::string("internal error while reading the configuration: ") + error.what());
  } catch (...) {
    sink.error(YAML::Mark::null_mark(), {}, "internal error while reading the configuration");
  }
  result.diagnostics = sink.release();
  if (!result.ok()) {
    result.config.reset();
  }
  return result;
}

LoadResult loadFile(const std::string& path) {
  const auto content = detail::readWholeFile(path);
  if (!content.text) {
    detail::DiagnosticSink sink(path);
    sink.error(YAML::Mark::null_mark(), {}, "cannot read the configuration file: " + content.error);
    LoadResult result;
    result.diagnostics = sink.release();
    return result;
  }
  return loadString(*content.text, path);
}

}  // namespace lxdrunner::config
