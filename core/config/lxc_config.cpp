// SPDX-License-Identifier: Apache-2.0
#include "config/lxc_config.hpp"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>

#include "config/detail/file_reading.hpp"

namespace lxdrunner::config {

namespace {

bool isDirectory(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
}

std::string environment(const char* name) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in lxdrunner calls setenv.
  const char* const value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string scalarOr(const YAML::Node& node, const char* key, std::string fallback) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.Scalar() : fallback;
}

}  // namespace

std::string lxcConfigDir(const std::string& written) {
  if (!written.empty()) return written;
  if (std::string conf = environment("LXD_CONF"); !conf.empty()) return conf;
  const std::string home = environment("HOME");
  const std::string plain = home + "/.config/lxc";
  const std::string snap = home + "/snap/lxd/common/config";
  if (!isDirectory(plain) && isDirectory(snap)) return snap;
  return plain;
}

std::string lxcConfigDirWrittenIn(const std::string& config_file) {
  const auto content = detail::readWholeFile(config_file);
  if (!content.text) return {};
  try {
    const YAML::Node root = YAML::Load(*content.text);
    return root.IsMap() ? scalarOr(root, "lxc_config_dir", "") : std::string();
  } catch (const YAML::Exception&) {
    return {};
  }
}

LxcConfig readLxcConfig(const std::string& dir) {
  LxcConfig lxc;
  lxc.dir = dir;
  const auto content = detail::readWholeFile(lxc.configFile());
  if (!content.text) {
    struct stat status {};
    if (::stat(lxc.configFile().c_str(), &status) == 0) {
      lxc.error = "cannot read " + lxc.configFile() + ": " + content.error;
    }
    return lxc;
  }
  try {
    const YAML::Node root = YAML::Load(*content.text);
    const YAML::Node remotes = root.IsMap() ? root["remotes"] : YAML::Node();
    if (remotes && remotes.IsMap()) {
      for (const auto& item : remotes) {
        LxcRemote remote;
        remote.name = item.first.as<std::string>();
        remote.addr = scalarOr(item.second, "addr", "");
        remote.protocol = scalarOr(item.second, "protocol", "lxd");
        remote.is_public = scalarOr(item.second, "public", "false") == "true";
        lxc.remotes[remote.name] = remote;
      }
    }
    lxc.has_config = true;
  } catch (const YAML::Exception& e) {
    lxc.error = lxc.configFile() + " is not valid YAML: " + e.what();
  }
  return lxc;
}

std::string addLxcRemote(const std::string& dir, const LxcRemote& remote) {
  const std::string file = dir + "/config.yml";
  YAML::Node root;
  if (const auto content = detail::readWholeFile(file); content.text) {
    try {
      root = YAML::Load(*content.text);
    } catch (const YAML::Exception& e) {
      return file + " is not valid YAML: " + e.what();
    }
  }
  if (!root.IsMap()) root = YAML::Node(YAML::NodeType::Map);
  YAML::Node entry(YAML::NodeType::Map);
  entry["addr"] = remote.addr;
  entry["auth_type"] = "tls";
  entry["protocol"] = remote.protocol.empty() ? std::string("lxd") : remote.protocol;
  entry["public"] = remote.is_public;
  root["remotes"][remote.name] = entry;
  std::ofstream out(file, std::ios::trunc);
  out << root << '\n';
  out.close();
  if (!out) return "cannot write " + file;
  return {};
}

}  // namespace lxdrunner::config
