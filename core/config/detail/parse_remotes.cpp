// SPDX-License-Identifier: Apache-2.0
#include "config/detail/names.hpp"
#include "config/detail/schema.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/url_check.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

bool isUnixSocketPath(const std::string& addr) {
  return !addr.empty() && addr.front() == '/';
}

// Empty means the local LXD's default socket; the original lxdrunner also took a socket path.
void readAddr(const Field& field, Remote& remote, DiagnosticSink& sink) {
  const auto addr = readString(field, sink);
  if (!addr || addr->empty() || isUnixSocketPath(*addr)) {
    remote.addr = addr.value_or("");
    return;
  }
  if (const auto problem = httpUrlProblem(*addr)) {
    sink.error(positionOf(field), field.path,
               "must be empty (the local LXD), a unix socket path such as "
               "/var/snap/lxd/common/lxd/unix.socket, or an https:// URL; this one " +
                   *problem);
    return;
  }
  remote.addr = *addr;
}

Remote parseRemote(const Field& field, DiagnosticSink& sink) {
  Remote remote{field.name, {}, Remote::Protocol::Lxd};
  checkRemoteName(field, field.name, sink);
  if (!expectMapping(field, sink)) {
    return remote;  // `name:` alone is the local LXD, like an empty addr
  }
  const MappingView view(field, schema::remoteKeys(), sink);
  if (const Field* const addr = view.find("addr")) {
    readAddr(*addr, remote, sink);
  }
  if (const Field* const protocol = view.find("protocol")) {
    remote.protocol = readEnum(*protocol, sink, kRemoteProtocolNames).value_or(remote.protocol);
  }
  if (remote.protocol == Remote::Protocol::SimpleStreams) {
    if (remote.name == defaults::kMainRemote) {
      sink.error(positionOf(*view.find("protocol")), field.path + ".protocol",
                 "the main remote must use protocol lxd, since instances are launched on it");
    } else if (remote.addr.empty() || isUnixSocketPath(remote.addr)) {
      sink.error(positionOf(field), field.path + ".addr",
                 "a simplestreams image server needs an https:// URL");
    }
  }
  return remote;
}

}  // namespace

void parseRemotes(const MappingView& top, const LegacyValues& legacy, Config& config,
                  DiagnosticSink& sink) {
  const Field* const field = top.find("remotes");
  if (field != nullptr && expectMapping(*field, sink)) {
    for (const auto& remote_field : mappingEntries(*field, sink)) {
      // Kept even when invalid, so entries naming it do not get a second, misleading error.
      config.remotes.push_back(parseRemote(remote_field, sink));
    }
  }
  if (config.findRemote(defaults::kMainRemote) == nullptr) {
    config.remotes.insert(config.remotes.begin(),
                          Remote{std::string(defaults::kMainRemote), legacy.socket.value_or(""),
                                 Remote::Protocol::Lxd});
  }
}

}  // namespace lxdrunner::config::detail
