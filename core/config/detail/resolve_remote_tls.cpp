// SPDX-License-Identifier: Apache-2.0
// An HTTPS remote without certificate keys takes them from lxc's configuration directory,
// where `lxc remote add NAME` put them: lxdrunner then serves on every remote lxc can reach,
// set up once.
#include <algorithm>

#include "config/detail/file_reading.hpp"
#include "config/detail/sections.hpp"
#include "config/lxc_config.hpp"

namespace lxdrunner::config::detail {

namespace {

bool launchesOn(const Config& config, const std::string& remote) {
  return std::any_of(config.runnermap.begin(), config.runnermap.end(), [&](const RunnerEntry& e) {
    return std::find(e.remotes.begin(), e.remotes.end(), remote) != e.remotes.end();
  });
}

std::string withoutTrailingSlash(std::string addr) {
  while (!addr.empty() && addr.back() == '/') addr.pop_back();
  return addr;
}

YAML::Mark markOf(const MappingView& top, const std::string& remote) {
  const Field* const remotes = top.find("remotes");
  if (isSet(remotes) && remotes->value.IsMap()) {
    for (const auto& item : remotes->value) {
      if (item.first.Scalar() == remote) return item.first.Mark();
    }
  }
  return positionOf(top.self());
}

// What to do about a remote lxc does not know, in one sentence.
std::string setupHint(const Remote& remote) {
  return "add it once with `lxc remote add " + remote.name + " " + remote.addr +
         "` (or `lxdrunner remote add " + remote.name + " " + remote.addr +
         " --token TOKEN`), or set remotes." + remote.name +
         ".client_cert, client_key and server_cert";
}

// The problem that keeps lxc's files from serving this remote; empty when they do.
std::string takeFromLxc(const LxcConfig& lxc, Remote& remote) {
  const std::string where = "lxc's configuration " + lxc.dir;
  if (!lxc.error.empty()) return lxc.error;
  if (!lxc.has_config) {
    return where + " has no config.yml, so no remote '" + remote.name + "': " + setupHint(remote);
  }
  const auto found = lxc.remotes.find(remote.name);
  if (found == lxc.remotes.end()) {
    return where + " has no remote '" + remote.name + "': " + setupHint(remote);
  }
  const LxcRemote& known = found->second;
  if (withoutTrailingSlash(known.addr) != withoutTrailingSlash(remote.addr)) {
    return where + " has remote '" + remote.name + "' at " + known.addr + ", not at " +
           remote.addr + ": make remotes." + remote.name + ".addr and lxc's agree";
  }
  if (known.is_public) {
    remote.is_public = true;
    return {};
  }
  const auto readPem = [&](const std::string& path, Secret& target) -> std::string {
    auto content = readWholeFile(path);
    if (!content.text) return "cannot read " + path + ": " + content.error;
    target = Secret::fromFile(path, std::move(*content.text));
    return {};
  };
  RemoteTls tls;
  tls.source = where;
  for (const auto& [path, target] :
       {std::pair<std::string, Secret*>{lxc.clientCertFile(), &tls.client_cert},
        {lxc.clientKeyFile(), &tls.client_key},
        {lxc.serverCertFile(remote.name), &tls.server_cert}}) {
    if (std::string problem = readPem(path, *target); !problem.empty()) {
      return "remote '" + remote.name + "' is in " + where + ", but " + problem;
    }
  }
  remote.tls = std::move(tls);
  return {};
}

}  // namespace

void resolveRemoteTls(const MappingView& top, Config& config, DiagnosticSink& sink) {
  std::optional<LxcConfig> lxc;
  for (auto& remote : config.remotes) {
    if (!remote.isHttps() || remote.protocol != Remote::Protocol::Lxd || remote.is_public ||
        !remote.tls.source.empty()) {
      continue;
    }
    if (!lxc) lxc = readLxcConfig(config.lxc_config_dir);
    const std::string problem = takeFromLxc(*lxc, remote);
    if (problem.empty()) continue;
    if (launchesOn(config, remote.name)) {
      sink.error(markOf(top, remote.name), "remotes." + remote.name,
                 "remote '" + remote.name + "' (" + remote.addr +
                     ") has no client certificate: " + problem);
    } else {
      // Only an image source: the launching LXD fetches from it, lxdrunner never connects.
      remote.is_public = true;
    }
  }
}

}  // namespace lxdrunner::config::detail
