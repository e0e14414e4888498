// SPDX-License-Identifier: Apache-2.0
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

void readPath(const MappingView& top, std::string_view key, std::string& target,
              DiagnosticSink& sink) {
  if (const Field* const field = top.find(key)) {
    target = readString(*field, sink).value_or(target);
  }
}

}  // namespace

void parseWebServer(const MappingView& top, Config& config, DiagnosticSink& sink) {
  if (const Field* const field = top.find("web_host")) {
    config.web_host =
        readIpAddress(*field, sink, "0.0.0.0, 127.0.0.1 or ::").value_or(config.web_host);
  }
  if (const Field* const field = top.find("web_port")) {
    config.web_port = readPort(*field, sink).value_or(config.web_port);
  }
  if (const Field* const field = top.find("web_tls")) {
    config.web_tls = readBool(*field, sink).value_or(config.web_tls);
  }
  readPath(top, "web_tls_cert", config.web_tls_cert, sink);
  if (const Field* const field = top.find("web_header_timeout_s")) {
    config.web_header_timeout_s =
        readInt(*field, sink, 1, 300).value_or(config.web_header_timeout_s);
  }
  if (const Field* const field = top.find("web_max_connections")) {
    config.web_max_connections =
        readInt(*field, sink, 0, 1000000).value_or(config.web_max_connections);
  }
  if (const Field* const field = top.find("web_max_connections_per_address")) {
    config.web_max_connections_per_address =
        readInt(*field, sink, 0, 1000000).value_or(config.web_max_connections_per_address);
  }
  readPath(top, "web_tls_key", config.web_tls_key, sink);
}

}  // namespace lxdrunner::config::detail
