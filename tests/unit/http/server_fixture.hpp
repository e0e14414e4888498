// SPDX-License-Identifier: Apache-2.0
// A running HttpServer on a loopback port with one plugin route (/hooks/test, echoing the
// body length) and a /healthz built-in, and a client call for the HTTP server tests.
#pragma once

#include <catch2/catch.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <sstream>
#include <string>

#include "http/http_server.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::http::test {

struct Seen {
  std::atomic<int> calls{0};
  std::string last_body;
  std::string last_signature;
  std::string last_query;
};

// Echoes the body length; "fail" in the body makes it return an error status.
inline lxdr_status echoHandler(void* ctx, const lxdr_http_request* req,
                               const lxdr_http_response* resp) {
  auto* seen = static_cast<Seen*>(ctx);
  ++seen->calls;
  lxdrunner::sdk::HttpRequest r;
  r.headers = req->headers;
  r.header_count = req->header_count;
  seen->last_body = lxdrunner::sdk::copy(req->body);
  seen->last_signature = std::string(r.header("x-hub-signature-256"));
  seen->last_query = lxdrunner::sdk::copy(req->query);
  if (seen->last_body == "fail") return LXDR_ERR_INTERNAL;
  lxdrunner::sdk::HttpResponse out(resp);
  out.status(202);
  out.header("X-Echo", "yes");
  out.body("got " + std::to_string(req->body.len));
  return LXDR_OK;
}

struct Answer {
  int status;
  std::string body;
  std::string echo;
};

inline Answer call(uint16_t port, const std::string& method, const std::string& uri,
                   const std::string& body = "", bool chunked = false,
                   const std::string& signature = "") {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest req(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
  if (chunked) {
    req.setChunkedTransferEncoding(true);
  } else if (method == "POST") {
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  if (!signature.empty()) req.set("X-Hub-Signature-256", signature);
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  std::ostringstream text;
  Poco::StreamCopier::copyStream(in, text);
  return {static_cast<int>(resp.getStatus()), text.str(), resp.get("X-Echo", "")};
}

struct Fixture {
  RouteTable routes;
  Seen seen;
  HttpServer server;
  explicit Fixture(HttpServerSettings s = settings()) : server(s, routes) {
    Route r;
    r.plugin = "test";
    r.path = "/hooks/test";
    r.max_body = 64;
    r.handler = &echoHandler;
    r.handler_ctx = &seen;
    REQUIRE(routes.add(r));
    server.addBuiltin("/healthz", [] {
      return lxdrunner::http::BuiltinAnswer{200, "text/plain", "ok\n"};
    });
    server.start();
  }
  static HttpServerSettings settings() {
    HttpServerSettings s;
    s.host = "127.0.0.1";
    s.port = 0;
    return s;
  }
};

}  // namespace lxdrunner::http::test
