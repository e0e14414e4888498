// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/connection.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>
#include <sys/stat.h>

#include <cerrno>

#include "lxdrunner/lxd/socket_path.hpp"
#include "lxdrunner/lxd/tls_pinning.hpp"

namespace lxdrunner::lxd {

namespace {

Poco::Timespan timespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

}  // namespace

Connection::Connection(Poco::Net::StreamSocket socket,
                       std::unique_ptr<Poco::Net::HTTPClientSession> session)
    : socket_(std::move(socket)),
      session_(std::move(session)),
      last_used_(std::chrono::steady_clock::now()) {
  // Without keep-alive Poco sends "Connection: close" and every request pays a connect.
  session_->setKeepAlive(true);
  // Poco "reconnects" a session idle for longer than this, which fails on a socket it did
  // not open; the pool retires connections well before (RemoteConfig::max_idle).
  session_->setKeepAliveTimeout(Poco::Timespan(3600, 0));
}

void Connection::setTimeout(std::chrono::milliseconds timeout) {
  Poco::Timespan t = timespan(std::max(timeout, std::chrono::milliseconds(1)));
  session_->setTimeout(t);
  socket_.setReceiveTimeout(t);
  socket_.setSendTimeout(t);
}

bool Connection::usableAfterIdle() {
  try {
    return !socket_.poll(Poco::Timespan(0),
                         Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR);
  } catch (const Poco::Exception&) {
    return false;
  }
}

Connector::Connector(RemoteConfig remote) : remote_(std::move(remote)) {
  if (remote_.isUnixSocket()) {
    socket_path_ = resolveSocketPath(remote_);
    where_ = "LXD socket " + socket_path_;
    host_header_ = "lxd";
    return;
  }
  Poco::URI uri(remote_.addr);
  host_ = uri.getHost();
  port_ = uri.getPort() != 0 ? uri.getPort() : static_cast<unsigned short>(8443);
  if (host_.empty()) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT, "remote '" + remote_.name + "' has addr '" +
                                                  remote_.addr + "' without a host: fix " +
                                                  remote_.addrSetting());
  }
  where_ = remote_.addr;
  if (remote_.isHttps()) {
    tls_ = makeClientContext(remote_);
    remote_.server_fingerprint = pinnedFingerprint(remote_);  // computed once, not per connection
  }
  host_header_ = host_ + ":" + std::to_string(port_);
}

std::unique_ptr<Connection> Connector::connect(std::chrono::milliseconds timeout) const {
  return remote_.isUnixSocket() ? connectUnix(timeout) : connectTcp(timeout);
}

std::unique_ptr<Connection> Connector::connectUnix(std::chrono::milliseconds timeout) const {
  const std::string hint = "(start it, or set " + remote_.addrSetting() + ")";
  struct stat st {};
  if (::stat(socket_path_.c_str(), &st) != 0) {
    throw ConnectError(LXDR_ERR_TRANSIENT,
                       "LXD socket " + socket_path_ + " not found: is LXD running? " + hint);
  }
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path_),
                   timespan(timeout));
    auto session = std::make_unique<Poco::Net::HTTPClientSession>(socket);
    return std::make_unique<Connection>(socket, std::move(session));
  } catch (const Poco::Net::ConnectionRefusedException&) {
    throw ConnectError(LXDR_ERR_TRANSIENT, "LXD socket " + socket_path_ +
                                               " refuses connections: is LXD running? " + hint);
  } catch (const Poco::Exception& e) {
    if (e.code() == EACCES || e.code() == EPERM) {
      throw ConnectError(LXDR_ERR_INVALID_ARGUMENT,
                         "no permission to use LXD socket " + socket_path_ +
                             ": run lxdrunner as root or in the socket's group");
    }
    throw ConnectError(LXDR_ERR_TRANSIENT, "cannot connect to LXD socket " + socket_path_ + ": " +
                                               e.displayText() + " " + hint);
  }
}

std::unique_ptr<Connection> Connector::connectTcp(std::chrono::milliseconds timeout) const {
  const std::string what = "remote '" + remote_.name + "' at " + remote_.addr;
  try {
    Poco::Net::SocketAddress address(host_, port_);
    if (remote_.isHttp()) {
      // Plain HTTP exists only for tests and TLS-terminating proxies; LXD itself never
      // serves its API without TLS on the network.
      Poco::Net::StreamSocket socket;
      socket.connect(address, timespan(timeout));
      auto session = std::make_unique<Poco::Net::HTTPClientSession>(socket);
      return std::make_unique<Connection>(socket, std::move(session));
    }
    Poco::Net::SecureStreamSocket socket(tls_);
    socket.setPeerHostName(host_);
    socket.connect(address, timespan(timeout));
    // The pin is checked before a single byte of a request is written.
    verifyPinnedServer(socket.peerCertificate(), remote_);
    // A plain session over the verified TLS socket: the socket does the TLS, and Poco
    // 1.11's HTTPSClientSession(socket) throws ("Cannot set the port number for an already
    // connected session"). The session is never asked to reconnect by itself.
    auto session = std::make_unique<Poco::Net::HTTPClientSession>(socket);
    return std::make_unique<Connection>(socket, std::move(session));
  } catch (const LxdError& e) {
    throw ConnectError(e.status(), e.what());
  } catch (const Poco::TimeoutException&) {
    throw ConnectError(LXDR_ERR_TRANSIENT, "no answer from " + what + " within " +
                                               std::to_string(timeout.count()) +
                                               " ms: is the server up?");
  } catch (const Poco::Exception& e) {
    throw ConnectError(LXDR_ERR_TRANSIENT, "cannot connect to " + what + ": " + e.displayText() +
                                               " (check " + remote_.addrSetting() + ")");
  }
}

}  // namespace lxdrunner::lxd
