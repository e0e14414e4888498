// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>

#include "config/detail/names.hpp"
#include "config/detail/schema.hpp"
#include "config/detail/secret_reader.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/url_check.hpp"
#include "config/detail/value_readers.hpp"
#include "config/lxc_config.hpp"

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

// "AB:cd:.." and "abcd.." alike (lxc and openssl print the first form); nullopt unless it is
// a SHA-256.
std::optional<std::string> normalisedFingerprint(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == ':' || c == ' ') continue;
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (out.size() != 64) return std::nullopt;
  return out;
}

// A PEM secret must hold the block it is named after; a swapped or truncated file is reported
// here, by key, and not at the first connection.
void readPem(const MappingView& view, const char* key, const char* block, Secret& target,
             DiagnosticSink& sink) {
  const Field* const field = view.find(key);
  if (field == nullptr) return;
  auto secret = readSecret(*field, sink);
  if (!secret) return;
  if (secret->reveal().find(std::string("-----BEGIN ") + block) == std::string::npos &&
      !(std::string(block) == "PRIVATE KEY" &&
        secret->reveal().find(" PRIVATE KEY-----") != std::string::npos)) {
    sink.error(positionOf(*field), field->path,
               std::string("is not a PEM ") +
                   (std::string(block) == "CERTIFICATE" ? "certificate" : "private key") +
                   " (no -----BEGIN " + block + "----- line)");
    return;
  }
  target = std::move(*secret);
}

// client_cert, client_key and server_cert or server_fingerprint: all of them or none (then
// lxc's configuration directory supplies them).
void readTls(const Field& field, const MappingView& view, Remote& remote, DiagnosticSink& sink) {
  const char* const keys[] = {"client_cert", "client_key", "server_cert", "server_fingerprint"};
  const bool written =
      std::any_of(std::begin(keys), std::end(keys), [&](const char* k) { return view.find(k); });
  if (!written) return;
  if (!remote.isHttps() || remote.protocol != Remote::Protocol::Lxd || remote.is_public) {
    sink.error(positionOf(field), field.path,
               "client_cert, client_key, server_cert and server_fingerprint are for an https:// "
               "remote with protocol lxd that is not public: remove them");
    return;
  }
  remote.tls.source = field.path;
  readPem(view, "client_cert", "CERTIFICATE", remote.tls.client_cert, sink);
  readPem(view, "client_key", "PRIVATE KEY", remote.tls.client_key, sink);
  readPem(view, "server_cert", "CERTIFICATE", remote.tls.server_cert, sink);
  if (const Field* const pin = view.find("server_fingerprint")) {
    if (const auto text = readString(*pin, sink)) {
      if (const auto fingerprint = normalisedFingerprint(*text)) {
        remote.tls.server_fingerprint = *fingerprint;
      } else {
        sink.error(positionOf(*pin), pin->path,
                   "must be the SHA-256 of the server's certificate: 64 hex digits, as `lxc "
                   "info` prints it as certificate_fingerprint");
      }
    }
  }
  if (view.find("client_cert") == nullptr || view.find("client_key") == nullptr) {
    sink.error(positionOf(field), field.path,
               "needs both client_cert and client_key (or neither, to use lxc's)");
  }
  if (view.find("server_cert") != nullptr && view.find("server_fingerprint") != nullptr) {
    sink.error(positionOf(field), field.path, "set server_cert or server_fingerprint, not both");
  } else if (view.find("server_cert") == nullptr && view.find("server_fingerprint") == nullptr) {
    sink.error(positionOf(field), field.path,
               "needs server_cert or server_fingerprint, to know the server it talks to");
  }
}

Remote parseRemote(const Field& field, DiagnosticSink& sink) {
  Remote remote;
  remote.name = field.name;
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
  if (const Field* const is_public = view.find("public")) {
    remote.is_public = readBool(*is_public, sink).value_or(false);
    if (remote.is_public && remote.name == defaults::kMainRemote) {
      sink.error(positionOf(*is_public), is_public->path,
                 "the main remote cannot be a public image server, since instances are "
                 "launched on it");
    }
  }
  if (remote.protocol == Remote::Protocol::SimpleStreams) {
    remote.is_public = true;
    if (remote.name == defaults::kMainRemote) {
      sink.error(positionOf(*view.find("protocol")), field.path + ".protocol",
                 "the main remote must use protocol lxd, since instances are launched on it");
    } else if (remote.addr.empty() || isUnixSocketPath(remote.addr)) {
      sink.error(positionOf(field), field.path + ".addr",
                 "a simplestreams image server needs an https:// URL");
    }
  }
  readTls(field, view, remote, sink);
  return remote;
}

}  // namespace

void parseRemotes(const MappingView& top, const LegacyValues& legacy, Config& config,
                  DiagnosticSink& sink) {
  if (const Field* const dir = top.find("lxc_config_dir")) {
    config.lxc_config_dir = readString(*dir, sink).value_or("");
  }
  config.lxc_config_dir = lxcConfigDir(config.lxc_config_dir);
  const Field* const field = top.find("remotes");
  if (field != nullptr && expectMapping(*field, sink)) {
    for (const auto& remote_field : mappingEntries(*field, sink)) {
      // Kept even when invalid, so entries naming it do not get a second, misleading error.
      config.remotes.push_back(parseRemote(remote_field, sink));
    }
  }
  if (config.findRemote(defaults::kMainRemote) == nullptr) {
    Remote main;
    main.name = std::string(defaults::kMainRemote);
    main.addr = legacy.socket.value_or("");
    config.remotes.insert(config.remotes.begin(), main);
  }
}

}  // namespace lxdrunner::config::detail
