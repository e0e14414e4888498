// SPDX-License-Identifier: Apache-2.0
// The few read-only LXD REST calls the doctor makes, over the local unix socket. The core
// must not link the plugins' LXD client, so this is a small GET-only client of its own.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <string>

namespace lxdrunner::cli {

// Where the local LXD's socket is, in the LXD client's order: an explicit socket or path
// addr, then $LXD_SOCKET, $LXD_DIR, $INCUS_SOCKET, $INCUS_DIR, then the well-known paths.
std::string localLxdSocket(const std::string& socket_setting, const std::string& addr);

struct LxdAnswer {
  int http_status = 0;
  Poco::Dynamic::Var metadata;  // the envelope's metadata
  std::string error;            // LXD's error text when http_status is not 2xx
};

class LxdSocketApi {
 public:
  // `project` is appended as ?project= when not empty.
  LxdSocketApi(std::string socket_path, std::string project, std::chrono::milliseconds timeout);

  // GET path ("/1.0/profiles/default"). Throws std::runtime_error, one line naming the socket
  // and what to do, when LXD cannot be reached or answers something that is not LXD's JSON.
  LxdAnswer get(const std::string& path) const;

  const std::string& socketPath() const noexcept { return socket_path_; }

 private:
  std::string socket_path_;
  std::string project_;
  std::chrono::milliseconds timeout_;
};

}  // namespace lxdrunner::cli
