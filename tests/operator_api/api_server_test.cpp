// SPDX-License-Identifier: Apache-2.0
// The operator API's listener over a real loopback socket: what the handlers never read.
#include <catch2/catch.hpp>

#include <string>

#include "harness.hpp"
#include "operator_api/api_server.hpp"
#include "operator_api/operator_api.hpp"
#include "raw_exchange.hpp"

namespace lxdrunner::operator_api {
namespace {

using http::test::rawExchange;

TEST_CASE("operator API: a request body is never read as the next request (no HTTP desync)") {
  dispatch::test::Harness h({dispatch::test::makeEntry("linux", {"self-hosted"}, 1)});
  OperatorApiContext context;
  context.config = &h.config;
  context.store = h.store.get();
  context.dispatcher = h.dispatcher.get();
  context.reconciler = h.reconciler.get();
  context.executor = &h.executor;
  context.runners = &h.github;
  context.token = "desync-test-token";
  context.version = "0.0.1";
  OperatorApi api(context);
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

}  // namespace
}  // namespace lxdrunner::operator_api
