// SPDX-License-Identifier: Apache-2.0
// lxc's own configuration directory: what `lxc remote add` leaves behind (config.yml, the
// client certificate and key, and servercerts/NAME.crt for every HTTPS remote), so that a
// remote set up once for lxc serves lxdrunner by its name.
#pragma once

#include <map>
#include <string>

namespace lxdrunner::config {

// `written` when not empty; else $LXD_CONF; else ~/.config/lxc, or the snap's
// ~/snap/lxd/common/config when only that one exists.
std::string lxcConfigDir(const std::string& written);

// The `lxc_config_dir:` written in a configuration file, read without validating the rest
// (a file naming a remote not set up yet does not validate); empty when not written.
std::string lxcConfigDirWrittenIn(const std::string& config_file);

struct LxcRemote {
  std::string name;
  std::string addr;      // "https://host:8443", "unix://", ...
  std::string protocol;  // "lxd" (the default) or "simplestreams"
  bool is_public = false;
};

struct LxcConfig {
  std::string dir;
  bool has_config = false;  // config.yml exists and was read
  std::string error;        // config.yml exists but cannot be read or is not lxc's YAML
  std::map<std::string, LxcRemote> remotes;

  std::string configFile() const { return dir + "/config.yml"; }
  std::string clientCertFile() const { return dir + "/client.crt"; }
  std::string clientKeyFile() const { return dir + "/client.key"; }
  std::string serverCertFile(const std::string& remote) const {
    return dir + "/servercerts/" + remote + ".crt";
  }
};

// Never throws: a missing config.yml leaves has_config false, a broken one sets error.
LxcConfig readLxcConfig(const std::string& dir);

// Adds (or replaces) the remote in DIR/config.yml, keeping everything else lxc wrote there;
// creates the file when there is none. Returns an error message, empty on success.
std::string addLxcRemote(const std::string& dir, const LxcRemote& remote);

}  // namespace lxdrunner::config
