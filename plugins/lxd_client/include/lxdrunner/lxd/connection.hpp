// SPDX-License-Identifier: Apache-2.0
// One keep-alive HTTP connection to an LXD server, and the factory that opens them.
//
// Poco cannot reconnect a session it did not connect itself (a unix socket, or a TLS socket
// we verified before handing it over), so a broken connection is never repaired: it is
// dropped and the pool opens a new one.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <memory>
#include <string>

#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/remote_config.hpp"

namespace lxdrunner::lxd {

class Connection {
 public:
  Connection(Poco::Net::StreamSocket socket, std::unique_ptr<Poco::Net::HTTPClientSession> session);

  Poco::Net::HTTPClientSession& session() { return *session_; }
  // Applies one request's time budget to the socket; Poco only sets timeouts on sockets it
  // connects itself.
  void setTimeout(std::chrono::milliseconds timeout);
  // False when an idle connection has become readable: the server closed it (or sent
  // something unasked), so it must not carry the next request.
  bool usableAfterIdle();

  std::chrono::steady_clock::time_point lastUsed() const { return last_used_; }
  void touch() { last_used_ = std::chrono::steady_clock::now(); }
  bool reused() const { return uses_ > 0; }
  void countUse() { ++uses_; }

 private:
  Poco::Net::StreamSocket socket_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::chrono::steady_clock::time_point last_used_;
  unsigned uses_ = 0;
};

// Thrown when no connection could be opened at all (nothing listens, no such socket, TLS
// refused): unlike an I/O error mid-request, LXD certainly did nothing.
class ConnectError : public LxdError {
 public:
  using LxdError::LxdError;
};

class Connector {
 public:
  explicit Connector(RemoteConfig remote);

  std::unique_ptr<Connection> connect(std::chrono::milliseconds timeout) const;
  // "LXD socket /var/lib/lxd/unix.socket" or "https://lxd1:8443", for messages.
  const std::string& where() const { return where_; }
  // The value of the Host header (any name works on a unix socket).
  const std::string& hostHeader() const { return host_header_; }
  const RemoteConfig& remote() const { return remote_; }

 private:
  std::unique_ptr<Connection> connectUnix(std::chrono::milliseconds timeout) const;
  std::unique_ptr<Connection> connectTcp(std::chrono::milliseconds timeout) const;

  RemoteConfig remote_;
  Poco::Net::Context::Ptr tls_;  // HTTPS only; loaded once, so a bad key fails at start-up
  std::string socket_path_;
  std::string host_;
  unsigned short port_ = 0;
  std::string where_;
  std::string host_header_;
};

}  // namespace lxdrunner::lxd
