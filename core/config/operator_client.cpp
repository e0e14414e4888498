// SPDX-License-Identifier: Apache-2.0
#include "config/operator_client.hpp"

#include <exception>

#include <yaml-cpp/yaml.h>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/file_reading.hpp"
#include "config/detail/schema.hpp"
#include "config/detail/sections.hpp"

namespace lxdrunner::config {

namespace {

OperatorClientConfig parse(const YAML::Node& root, detail::DiagnosticSink& sink) {
  OperatorClientConfig client;
  if (!root.IsMap()) {
    sink.error(root.Mark(), {}, "the configuration must be a mapping of keys");
    return client;
  }
  const detail::Field document{YAML::Node(), root, {}, {}};
  // Unknown keys elsewhere are the daemon's business (check-config reports them), not ours.
  detail::DiagnosticSink ignored(std::string{});
  const detail::MappingView top(document, detail::schema::topLevelKeys(), ignored);
  // The web server's address only for operator_api's "not on web_port" check; the paths for
  // state_dir. Neither section holds a secret.
  Config partial;
  detail::parseWebServer(top, partial, sink);
  detail::parsePaths(top, detail::LegacyValues{}, partial, sink);
  detail::parseOperatorApi(top, partial, sink);
  client.operator_api = std::move(partial.operator_api);
  client.state_dir = std::move(partial.state_dir);
  return client;
}

}  // namespace

OperatorClientLoad loadOperatorClientString(const std::string& yaml_text,
                                            const std::string& name_for_messages) {
  detail::DiagnosticSink sink(name_for_messages);
  OperatorClientLoad result;
  try {
    OperatorClientConfig client = parse(YAML::Load(yaml_text), sink);
    client.source_file = name_for_messages;
    if (!sink.hasErrors()) result.config = std::move(client);
  } catch (const YAML::ParserException& error) {
    sink.error(error.mark, {}, "YAML syntax error: " + error.msg);
  } catch (const std::exception& error) {
    sink.error(YAML::Mark::null_mark(), {},
               std::string("internal error while reading the configuration: ") + error.what());
  }
  result.diagnostics = sink.release();
  return result;
}

OperatorClientLoad loadOperatorClientFile(const std::string& path) {
  const auto content = detail::readWholeFile(path);
  if (!content.text) {
    detail::DiagnosticSink sink(path);
    sink.error(YAML::Mark::null_mark(), {}, "cannot read the configuration file: " + content.error);
    OperatorClientLoad result;
    result.diagnostics = sink.release();
    return result;
  }
  return loadOperatorClientString(*content.text, path);
}

}  // namespace lxdrunner::config
