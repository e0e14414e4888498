// SPDX-License-Identifier: Apache-2.0
// When the connection gate may hand a connection to a worker, and how it counts clients.
#include <catch2/catch.hpp>

#include <string>

#include "http/connection_limits.hpp"
#include "http/request_head.hpp"

using lxdrunner::http::ConnectionLimits;
using lxdrunner::http::HeadState;
using lxdrunner::http::scanRequestHead;

TEST_CASE("a request head is complete at its empty line, not before", "[http][gate]") {
  CHECK(scanRequestHead("", 1024) == HeadState::incomplete);
  CHECK(scanRequestHead("POST /hook HTTP/1.1\r\nHost: x\r\n", 1024) == HeadState::incomplete);
  CHECK(scanRequestHead("POST /hook HTTP/1.1\r\nHost: x\r\n\r", 1024) == HeadState::incomplete);
  CHECK(scanRequestHead("POST /hook HTTP/1.1\r\nHost: x\r\n\r\n", 1024) == HeadState::complete);
  CHECK(scanRequestHead("POST /hook HTTP/1.1\r\nHost: x\r\n\r\n{\"body\":1}", 1024) ==
        HeadState::complete);
  CHECK(scanRequestHead("GET / HTTP/1.1\nHost: x\n\n", 1024) == HeadState::complete);
}

TEST_CASE("empty lines before the request line do not end a head", "[http][gate]") {
  // Left over after a previous request's body (RFC 9112 lets a server skip them).
  CHECK(scanRequestHead("\r\n\r\n", 1024) == HeadState::incomplete);
  CHECK(scanRequestHead("\r\nGET / HTTP/1.1\r\n", 1024) == HeadState::incomplete);
  CHECK(scanRequestHead("\r\nGET / HTTP/1.1\r\n\r\n", 1024) == HeadState::complete);
}

TEST_CASE("a head longer than the limit is too large, complete or not", "[http][gate]") {
  const std::string head = "GET / HTTP/1.1\r\nX-Pad: " + std::string(100, 'a') + "\r\n";
  CHECK(scanRequestHead(head, 64) == HeadState::too_large);
  CHECK(scanRequestHead(head + "\r\n", 64) == HeadState::too_large);
  CHECK(scanRequestHead(head + "\r\n", 1024) == HeadState::complete);
  CHECK(scanRequestHead(std::string(64, '\n'), 64) == HeadState::too_large);
}

TEST_CASE("connections are counted in all and per client address", "[http][gate]") {
  ConnectionLimits limits(3, 2);
  CHECK(limits.admit("10.0.0.1"));
  CHECK(limits.admit("10.0.0.1"));
  CHECK_FALSE(limits.admit("10.0.0.1"));  // per-address limit
  CHECK(limits.admit("10.0.0.2"));
  CHECK_FALSE(limits.admit("10.0.0.3"));  // total limit
  CHECK(limits.open() == 3);
  limits.release("10.0.0.1");
  CHECK(limits.openFrom("10.0.0.1") == 1);
  CHECK(limits.admit("10.0.0.3"));
  limits.release("10.0.0.9");  // never admitted: ignored, counts stay right
  CHECK(limits.open() == 3);

  ConnectionLimits unlimited(0, 0);
  for (int i = 0; i < 1000; ++i) REQUIRE(unlimited.admit("10.0.0.1"));
}
