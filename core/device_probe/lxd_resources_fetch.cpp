// SPDX-License-Identifier: Apache-2.0
#include "device_probe/lxd_resources_fetch.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <Poco/JSON/Stringifier.h>
#include "lxdrunner/lxd/client.hpp"

namespace lxdrunner::device_probe {

namespace {

lxd::RemoteConfig clientSettings(const config::Remote& remote, std::chrono::milliseconds timeout) {
  lxd::RemoteConfig settings;
  settings.name = remote.name;
  settings.addr = remote.addr;
  if (!remote.tls.empty()) {
    settings.client_cert_pem = remote.tls.client_cert.reveal();
    settings.client_key_pem = remote.tls.client_key.reveal();
    settings.server_cert_pem = remote.tls.server_cert.reveal();
    settings.server_fingerprint = remote.tls.server_fingerprint;
    settings.credentials_source = remote.tls.source;
  }
  settings.max_connections = 1;
  settings.connect_timeout = std::min(timeout, std::chrono::milliseconds(5000));
  settings.request_timeout = timeout;
  // One try: an unreachable host is reported, and asked again at the next probe.
  settings.reconnect_window = std::chrono::milliseconds(0);
  return settings;
}

}  // namespace

std::string fetchLxdResources(const config::Remote& remote, std::chrono::milliseconds timeout) {
  try {
    lxd::LxdClient client(clientSettings(remote, timeout));
    const lxd::Envelope answer =
        client.call("GET", "/1.0/resources", "", lxd::Deadline::in(timeout));
    std::ostringstream json;
    Poco::JSON::Stringifier::stringify(answer.metadata, json);
    return json.str();
  } catch (const std::exception& e) {
    throw std::runtime_error("GET /1.0/resources on remote '" + remote.name + "' (" + remote.addr +
                             "): " + e.what());
  }
}

}  // namespace lxdrunner::device_probe
