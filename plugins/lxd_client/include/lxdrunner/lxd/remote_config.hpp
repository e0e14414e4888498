// SPDX-License-Identifier: Apache-2.0
// How to reach one LXD server: the `remotes.<name>` settings the daemon passes to backends.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace lxdrunner::lxd {

struct RemoteConfig {
  std::string name = "main";  // for messages: "remote 'main'"
  // Empty or "/path": a unix socket (empty = discovered); "https://host:8443": HTTPS.
  std::string addr;
  std::string protocol = "lxd";  // "lxd" or "simplestreams" (image servers only)
  std::string socket;            // explicit unix socket path; overrides discovery
  // Our certificate for HTTPS remotes and its key: PEM text (the top-level remotes pass it
  // so), or else PEM files.
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string client_cert;  // PEM file
  std::string client_key;   // PEM file
  // The server: its PEM certificate, or the hex SHA-256 of its DER certificate.
  std::string server_cert_pem;
  std::string server_fingerprint;
  // Where the certificates came from, for messages: "remotes.NAME" or "lxc's configuration
  // DIR"; empty: this backend's own settings.
  std::string credentials_source;
  std::string project;  // LXD project; empty = the server's default

  std::size_t max_connections = 32;  // connections (= requests in flight) to this server
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};  // one request/response, waits excluded
  // How long a request keeps reconnecting while the server does not answer at all (a
  // daemon restart takes about a second here); bounded further by the caller's deadline.
  std::chrono::milliseconds reconnect_window{15000};
  std::chrono::milliseconds max_idle{4000};  // a pooled connection older than this is closed

  bool isHttps() const { return addr.rfind("https://", 0) == 0; }
  bool isHttp() const { return addr.rfind("http://", 0) == 0; }
  bool isUnixSocket() const { return !isHttps() && !isHttp(); }
  // What to tell a user to change: "remotes.main.addr".
  std::string addrSetting() const { return "remotes." + name + ".addr"; }
  // What to tell a user to fix about the certificates: `key` of this remote's settings, or
  // the place the daemon took them from.
  std::string credentialsSetting(const std::string& key) const {
    return credentials_source.empty() ? "remotes." + name + "." + key : credentials_source;
  }
};

}  // namespace lxdrunner::lxd
