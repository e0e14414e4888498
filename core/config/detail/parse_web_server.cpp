// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>

#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

constexpr int kHighestPort = 65535;

// The original lxdrunner accepted only IP addresses here, and the server binds to it directly.
bool isIpAddress(const std::string& text) {
  unsigned char address[sizeof(struct in6_addr)];
  return ::inet_pton(AF_INET, text.c_str(), address) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), address) == 1;
}

void readPath(const MappingView& top, std::string_view key, std::string& target,
              DiagnosticSink& sink) {
  if (const Field* const field = top.find(key)) {
    target = readString(*field, sink).value_or(target);
  }
}

}  // namespace

void parseWebServer(const MappingView& top, Config& config, DiagnosticSink& sink) {
  if (const Field* const field = top.find("web_host")) {
    if (const auto host = readString(*field, sink)) {
      if (isIpAddress(*host)) {
        config.web_host = *host;
      } else {
        sink.error(positionOf(*field), field->path,
                   "must be an IP address such as 0.0.0.0, 127.0.0.1 or :: (got " +
                       describeValue(field->value) + ")");
      }
    }
  }
  if (const Field* const field = top.find("web_port")) {
    config.web_port = readInt(*field, sink, 1, kHighestPort).value_or(config.web_port);
  }
  if (const Field* const field = top.find("web_tls")) {
    config.web_tls = readBool(*field, sink).value_or(config.web_tls);
  }
  readPath(top, "web_tls_cert", config.web_tls_cert, sink);
  readPath(top, "web_tls_key", config.web_tls_key, sink);
}

}  // namespace lxdrunner::config::detail
