// SPDX-License-Identifier: Apache-2.0
// The daemon's HTTP server with a plugin route behind the C ABI, over real loopback sockets.
#include <catch2/catch.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <sstream>
#include <stdexcept>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Timespan.h>

#include <cstdlib>

#include "config/web_tls.hpp"
#include "http/http_server.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"
#include "raw_exchange.hpp"
#include "server_fixture.hpp"

using lxdrunner::http::HttpServer;
using lxdrunner::http::HttpServerSettings;
using lxdrunner::http::Route;
using lxdrunner::http::RouteTable;

using namespace lxdrunner::http::test;  // NOLINT(google-build-using-namespace)

TEST_CASE("a plugin route gets the body, headers and query and answers", "[http]") {
  Fixture f;
  Answer a = call(f.server.port(), "POST", "/hooks/test?x=1", "hello", false, "sha256=abc");
  CHECK(a.status == 202);
  CHECK(a.body == "got 5");
  CHECK(a.echo == "yes");
  CHECK(f.seen.last_body == "hello");
  CHECK(f.seen.last_signature == "sha256=abc");
  CHECK(f.seen.last_query == "x=1");
}

TEST_CASE("a chunked body within the limit is read whole", "[http]") {
  Fixture f;
  Answer a = call(f.server.port(), "POST", "/hooks/test", std::string(60, 'c'), true);
  CHECK(a.status == 202);
  CHECK(a.body == "got 60");
}

TEST_CASE("bodies over the route's limit get 413 without reaching the plugin", "[http]") {
  Fixture f;
  CHECK(call(f.server.port(), "POST", "/hooks/test", std::string(65, 'x')).status == 413);
  CHECK(call(f.server.port(), "POST", "/hooks/test", std::string(1000, 'x'), true).status == 413);
  CHECK(f.seen.calls == 0);
  CHECK(f.server.counters().too_large == 2);
}

TEST_CASE("unknown paths are 404; built-ins answer GET only", "[http]") {
  Fixture f;
  CHECK(call(f.server.port(), "GET", "/nowhere").status == 404);
  Answer h = call(f.server.port(), "GET", "/healthz");
  CHECK(h.status == 200);
  CHECK(h.body == "ok\n");
  CHECK(call(f.server.port(), "POST", "/healthz", "x").status == 405);
}

TEST_CASE("a failing handler becomes a 500, and the server keeps serving", "[http]") {
  Fixture f;
  CHECK(call(f.server.port(), "POST", "/hooks/test", "fail").status == 500);
  CHECK(call(f.server.port(), "POST", "/hooks/test", "fine").status == 202);
  CHECK(f.server.counters().handler_errors == 1);
}

TEST_CASE("the same path cannot be registered twice", "[http]") {
  RouteTable routes;
  Route r;
  r.path = "/a";
  CHECK(routes.add(r));
  CHECK_FALSE(routes.add(r));
  routes.reserve("/healthz");
  r.path = "/healthz";
  CHECK_FALSE(routes.add(r));
}

TEST_CASE("listening errors name the address and what to do", "[http]") {
  Fixture f;
  RouteTable routes;
  HttpServerSettings s;
  s.host = "127.0.0.1";
  s.port = f.server.port();  // taken
  HttpServer second(s, routes);
  CHECK_THROWS_WITH(second.start(),
                    Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(s.port)) &&
                        Catch::Contains("change web_host/web_port"));
  HttpServerSettings tls = s;
  tls.port = 0;
  tls.tls = true;
  HttpServer third(tls, routes);
  // The line check-config gives for the same mistake, word for word.
  CHECK_THROWS_WITH(third.start(), std::string(lxdrunner::config::kWebTlsWithoutCertificate));
  tls.tls_cert = "/nonexistent/cert.pem";
  tls.tls_key = "/nonexistent/key.pem";
  HttpServer fourth(tls, routes);
  CHECK_THROWS_WITH(fourth.start(),
                    Catch::Contains("TLS certificate /nonexistent/cert.pem cannot be read"));
}

TEST_CASE("TLS from a configured certificate and key, verified by a client that trusts it",
          "[http][tls]") {
  Poco::TemporaryFile dir;
  dir.createDirectories();
  const std::string cert = dir.path() + "/cert.pem";
  const std::string key = dir.path() + "/key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);

  RouteTable routes;
  Seen seen;
  Route r;
  r.path = "/hooks/test";
  r.handler = &echoHandler;
  r.handler_ctx = &seen;
  REQUIRE(routes.add(r));
  HttpServerSettings s;
  s.host = "127.0.0.1";
  s.port = 0;
  s.tls = true;
  s.tls_cert = cert;
  s.tls_key = key;
  HttpServer server(s, routes);
  server.start();

  Poco::Net::initializeSSL();
  Poco::Net::Context::Ptr trusting = new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, "", "", cert, Poco::Net::Context::VERIFY_STRICT);
  Poco::Net::HTTPSClientSession session("127.0.0.1", server.port(), trusting);
  Poco::Net::HTTPRequest req("POST", "/hooks/test", Poco::Net::HTTPMessage::HTTP_1_1);
  req.setContentLength(5);
  session.sendRequest(req) << "hello";
  Poco::Net::HTTPResponse resp;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(resp), body);
  CHECK(resp.getStatus() == 202);
  CHECK(body.str() == "got 5");

  // A plain-HTTP client gets no answer from the TLS port.
  Poco::Net::HTTPClientSession plain("127.0.0.1", server.port());
  plain.setTimeout(Poco::Timespan(2, 0));
  Poco::Net::HTTPRequest get("GET", "/hooks/test", Poco::Net::HTTPMessage::HTTP_1_1);
  CHECK_THROWS(([&] {
    plain.sendRequest(get);
    Poco::Net::HTTPResponse ignored;
    plain.receiveResponse(ignored);
  }()));
}

namespace {
using lxdrunner::http::test::rawExchange;
size_t answers(const std::string& bytes) {
  size_t n = 0;
  for (size_t at = bytes.find("HTTP/1.1 "); at != std::string::npos;
       at = bytes.find("HTTP/1.1 ", at + 1)) {
    ++n;
  }
  return n;
}
}  // namespace

TEST_CASE("a body nobody reads is never taken for the next request (no HTTP desync)", "[http]") {
  Fixture f;
  const std::string inner = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string path : {"/nowhere", "/healthz"}) {
    INFO(path);
    const std::string got =
        rawExchange(f.server.port(), "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                         std::to_string(inner.size()) + "\r\n\r\n" + inner);
    CHECK(answers(got) == 1);
    CHECK_THAT(got, Catch::Contains("Connection: Close"));
    CHECK_THAT(got, !Catch::Contains("ok\n"));
  }
  // A bodyless request keeps its connection, and the reason phrase fits the status.
  const std::string two = rawExchange(
      f.server.port(),
      "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(answers(two) == 2);
  CHECK_THAT(two, Catch::StartsWith("HTTP/1.1 404 Not Found\r\n"));
}
