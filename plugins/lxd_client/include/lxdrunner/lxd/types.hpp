// SPDX-License-Identifier: Apache-2.0
// What the client sends to and reads from LXD, as plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lxdrunner/lxd/transport.hpp"

namespace lxdrunner::lxd {

struct ServerInfo {
  std::string server = "lxd";  // "lxd" or "incus"
  std::string server_version;  // for messages only; features are gated on `extensions`
  std::string api_version;
  std::string auth;  // "trusted" or "untrusted"
  std::string certificate_fingerprint;
  bool clustered = false;
  std::string server_name;
  std::set<std::string> extensions;

  bool incus() const { return server == "incus"; }
  bool has(const std::string& extension) const { return extensions.count(extension) != 0; }
  // Incus renamed the X-LXD-* file headers.
  std::string headerPrefix() const { return incus() ? "X-Incus-" : "X-LXD-"; }
};

using DeviceMap = std::map<std::string, std::map<std::string, std::string>>;

struct ImageSource {
  std::string alias;  // one of alias / fingerprint
  std::string fingerprint;
  std::string server;    // image server URL; empty = the target server's own images
  std::string protocol;  // with `server`: "simplestreams" or "lxd"
};

struct InstanceSpec {
  std::string name;
  std::string type = "container";  // or "virtual-machine"
  ImageSource image;
  std::optional<std::vector<std::string>> profiles;  // unset: LXD's ["default"]
  std::map<std::string, std::string> config;         // values are strings, as LXD wants
  DeviceMap devices;
  bool ephemeral = false;
  bool start = false;  // start it too (one request where LXD can, two where it cannot)
  std::string target;  // cluster member; empty = LXD chooses
};

struct InstanceInfo {
  std::string name;
  std::string type;
  std::string status;  // "Running", "Stopped", ...
  int status_code = 0;
  std::string location;  // cluster member ("none" outside a cluster)
  std::string created_at;
  bool ephemeral = false;
  std::map<std::string, std::string> config;
  DeviceMap devices;
};

struct InstanceState {
  std::string status;
  int status_code = 0;
  int64_t processes = 0;  // -1 on a VM whose agent does not answer
  int64_t pid = 0;        // a container's init (a VM's qemu) as the host sees it; 0: stopped
};

struct ExecSpec {
  std::vector<std::string> command;
  std::map<std::string, std::string> environment;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  std::string cwd;
  // Fed to standard input over the exec's websocket (then end of file); non-empty data
  // also moves stdout and stderr onto websockets instead of LXD's recorded output files.
  std::string stdin_data;
};

struct FileSpec {
  std::string path;  // absolute, in the instance
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t mode = 0644;
  BodySource content;  // read until it returns 0
  int64_t size = -1;   // when known, sent as Content-Length; otherwise chunked
};

struct ImageInfo {
  std::string fingerprint;
  std::vector<std::string> aliases;
  std::string type;  // "container" or "virtual-machine"
  std::string architecture;
  std::string description;
  int64_t size = 0;
  std::map<std::string, std::string> properties;
};

// A body streamed from somewhere (a file, a pipe) with its size when known.
struct StreamedBody {
  BodySource read;
  int64_t size = -1;
};

}  // namespace lxdrunner::lxd
