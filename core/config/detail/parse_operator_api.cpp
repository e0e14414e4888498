// SPDX-License-Identifier: Apache-2.0
#include "config/detail/schema.hpp"
#include "config/detail/secret_reader.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

bool isWildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::";
}

}  // namespace

void parseOperatorApi(const MappingView& top, Config& config, DiagnosticSink& sink) {
  const Field* const field = top.find("operator_api");
  if (field == nullptr || !expectMapping(*field, sink)) {
    return;
  }
  const MappingView section(*field, schema::operatorApiKeys(), sink);
  auto& api = config.operator_api;
  if (const Field* const enabled = section.find("enabled")) {
    api.enabled = readBool(*enabled, sink).value_or(api.enabled);
  }
  if (const Field* const token = section.find("token")) {
    if (auto secret = readSecret(*token, sink)) {
      api.token = std::move(*secret);
    }
  }
  if (const Field* const host = section.find("host")) {
    api.host = readIpAddress(*host, sink, "127.0.0.1 or ::1").value_or(api.host);
  }
  if (const Field* const port = section.find("port")) {
    api.port = readPort(*port, sink).value_or(api.port);
  }
  if (api.enabled && !section.has("token")) {
    sink.error(positionOf(*field), field->path + ".token",
               "required while operator_api.enabled is true: set a long random token, e.g. "
               "token: {file: /etc/lxdrunner/api-token}");
  }
  const bool same_address =
      api.host == config.web_host || isWildcard(api.host) || isWildcard(config.web_host);
  if (api.enabled && api.port == config.web_port && same_address) {
    sink.error(positionOf(*field), field->path + ".port",
               "is the webhook server's web_port (" + std::to_string(config.web_port) +
                   "): give the operator API a port of its own");
  }
}

}  // namespace lxdrunner::config::detail
