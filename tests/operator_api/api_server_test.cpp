// SPDX-License-Identifier: Apache-2.0
// The operator API's listener over a real loopback socket: what the handlers never read.
#include <catch2/catch.hpp>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <string>
#include <vector>

#include "harness.hpp"
#include "operator_api/api_server.hpp"
#include "operator_api/operator_api.hpp"
#include "raw_exchange.hpp"

namespace lxdrunner::operator_api {
namespace {

using http::test::rawExchange;

OperatorApiContext contextFor(dispatch::test::Harness& h) {
  OperatorApiContext context;
  context.config = &h.config;
  context.store = h.store.get();
  context.dispatcher = h.dispatcher.get();
  context.reconciler = h.reconciler.get();
  context.executor = &h.executor;
  context.runners = &h.github;
  context.token = "desync-test-token";
  context.version = "0.0.1";
  return context;
}

TEST_CASE("operator API: a request body is never read as the next request (no HTTP desync)") {
  dispatch::test::Harness h({dispatch::test::makeEntry("linux", {"self-hosted"}, 1)});
  OperatorApi api(contextFor(h));
  ApiServer server("127.0.0.1", 0, api);
  server.start();
  // The smuggled request carries the right token: answered, it would drain the entry.
  const std::string inner =
      "POST /api/v1/entries/linux/drain HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer desync-test-token\r\nContent-Length: 0\r\n\r\n";
  const std::string got =
      rawExchange(server.port(), "POST /api/v1/nothing HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                     std::to_string(inner.size()) + "\r\n\r\n" + inner);
  server.stop();
  CHECK_THAT(got, Catch::StartsWith("HTTP/1.1 401 Unauthorized\r\n"));
  CHECK(got.find("HTTP/1.1 ", 1) == std::string::npos);
  CHECK_FALSE(h.dispatcher->isDrained("linux"));
}

TEST_CASE("operator API: clients that never finish a request do not lock operators out") {
  dispatch::test::Harness h({dispatch::test::makeEntry("linux", {"self-hosted"}, 1)});
  OperatorApi api(contextFor(h));
  ApiServer server("127.0.0.1", 0, api);
  server.start();
  // More half-sent requests than the API has threads (four), each left hanging.
  std::vector<Poco::Net::StreamSocket> hanging;
  for (int i = 0; i < 16; ++i) {
    hanging.emplace_back(Poco::Net::SocketAddress("127.0.0.1", server.port()));
    const std::string part = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n";
    hanging.back().sendBytes(part.data(), static_cast<int>(part.size()));
  }
  const std::string got = rawExchange(server.port(),
                                      "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n"
                                      "Authorization: Bearer desync-test-token\r\n"
                                      "Connection: close\r\n\r\n");
  CHECK_THAT(got, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
  for (auto& s : hanging) s.close();
  server.stop();
}

}  // namespace
}  // namespace lxdrunner::operator_api
