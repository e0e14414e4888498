// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <netinet/in.h>

#include "config/detail/schema.hpp"
#include "config/detail/secret_reader.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

bool isWildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::";
}

// 127.0.0.0/8, ::1 and IPv4-mapped 127.x: addresses no other machine can reach.
bool isLoopback(const std::string& host) {
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6) != 0 ||
           (IN6_IS_ADDR_V4MAPPED(&v6) != 0 && v6.s6_addr[12] == 127);
  }
  return false;
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
  if (const Field* const allow = section.find("allow_non_loopback")) {
    api.allow_non_loopback = readBool(*allow, sink).value_or(api.allow_non_loopback);
  }
  // The listener speaks plain HTTP: on any other address the bearer token, and the power to
  // drain or delete, would cross the network in clear.
  if (api.enabled && !api.allow_non_loopback && !isLoopback(api.host)) {
    const Field* const host = section.find("host");
    sink.error(host != nullptr ? positionOf(*host) : positionOf(*field), field->path + ".host",
               api.host +
                   " is not a loopback address and the operator API speaks plain HTTP: keep "
                   "127.0.0.1 or ::1 and reach it through an SSH tunnel or a TLS reverse proxy, "
                   "or set operator_api.allow_non_loopback: true when such a proxy alone can "
                   "reach this address");
  }
  if (api.enabled && !section.has("token")) {
    sink.error(positionOf(*field), field->path + ".token",
               "required while operator_api.enabled is true: set a long random token, e.g. "
               "token: {file: /etc/lxdrunner/api-token}");
  }
  const bool same_address =
      api.host == config.web_host || isWildcard(api.host) || isWildcard(config.web_host);
  // Port 0 asks the system for a free port for each listener: never the same one.
  if (api.enabled && api.port != 0 && api.port == config.web_port && same_address) {
    sink.error(positionOf(*field), field->path + ".port",
               "is the webhook server's web_port (" + std::to_string(config.web_port) +
                   "): give the operator API a port of its own");
  }
}

}  // namespace lxdrunner::config::detail
