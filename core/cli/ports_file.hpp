// SPDX-License-Identifier: Apache-2.0
// <state_dir>/ports: the addresses a running daemon listens on, written once both servers are
// bound. With web_port or operator_api.port 0 the system picks a free port at bind time, so
// nothing can take it between choosing and binding (tests need that); whoever needs the port
// (test scripts, the operator commands) reads it back from this file.
#pragma once

#include <optional>
#include <string>

namespace lxdrunner::cli {

struct ListenPorts {
  long pid = 0;  // the daemon that wrote the file
  std::string web_host;
  int web_port = 0;
  std::string operator_api_host;  // empty while the operator API is off
  int operator_api_port = 0;      // 0 while the operator API is off
};

std::string portsFilePath(const std::string& state_dir);

// Replaces the file atomically (a temporary file renamed over it), so a reader never sees half
// of it. Returns an error line, or nullopt.
std::optional<std::string> writePortsFile(const std::string& path, const ListenPorts& ports);
// nullopt when the file is missing or unreadable.
std::optional<ListenPorts> readPortsFile(const std::string& path);
void removePortsFile(const std::string& path);

}  // namespace lxdrunner::cli
