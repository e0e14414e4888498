// SPDX-License-Identifier: Apache-2.0
#include "cli/ports_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

namespace lxdrunner::cli {

std::string portsFilePath(const std::string& state_dir) {
  return state_dir + (!state_dir.empty() && state_dir.back() == '/' ? "" : "/") + "ports";
}

std::optional<std::string> writePortsFile(const std::string& path, const ListenPorts& ports) {
  // key=value lines: `sed -n 's/^web_port=//p'` reads one from a shell script.
  std::ostringstream text;
  text << "# the addresses lxdrunner (pid " << ports.pid << ") listens on; removed when it stops\n"
       << "pid=" << ports.pid << "\n"
       << "web_host=" << ports.web_host << "\n"
       << "web_port=" << ports.web_port << "\n";
  if (ports.operator_api_port != 0) {
    text << "operator_api_host=" << ports.operator_api_host << "\n"
         << "operator_api_port=" << ports.operator_api_port << "\n";
  }
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text.str();
    out.close();
    if (!out) return "cannot write " + temporary + ": " + std::strerror(errno);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    return "cannot replace " + path + ": " + reason;
  }
  return std::nullopt;
}

std::optional<ListenPorts> readPortsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  ListenPorts ports;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    try {
      if (key == "pid") ports.pid = std::stol(value);
      if (key == "web_host") ports.web_host = value;
      if (key == "web_port") ports.web_port = std::stoi(value);
      if (key == "operator_api_host") ports.operator_api_host = value;
      if (key == "operator_api_port") ports.operator_api_port = std::stoi(value);
    } catch (const std::exception&) {
      return std::nullopt;  // not written by lxdrunner
    }
  }
  return ports;
}

void removePortsFile(const std::string& path) {
  std::remove(path.c_str());
}

}  // namespace lxdrunner::cli
