// SPDX-License-Identifier: Apache-2.0
// HTTP tests that must see the bytes on the wire (two answers to one write, a closed
// connection): sends `raw` on a fresh loopback connection and returns every byte the server
// sends until it closes the connection or stays silent for a second.
#pragma once

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <cstdint>
#include <string>

namespace lxdrunner::http::test {

inline std::string rawExchange(uint16_t port, const std::string& raw) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(1, 0));
  socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
  std::string got;
  char buffer[4096];
  try {
    for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;) {
      got.append(buffer, static_cast<size_t>(n));
    }
  } catch (const Poco::TimeoutException&) {
  }
  return got;
}

}  // namespace lxdrunner::http::test
