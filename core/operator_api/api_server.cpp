// SPDX-License-Identifier: Apache-2.0
#include "operator_api/api_server.hpp"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <stdexcept>
#include <utility>

#include "http/unread_body.hpp"

namespace lxdrunner::operator_api {
namespace {

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(OperatorApi& api) : api_(api) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    const std::string uri = req.getURI();
    const size_t q = uri.find('?');
    ApiRequest r;
    r.method = req.getMethod();
    r.path = uri.substr(0, q);
    r.query = q == std::string::npos ? std::string() : uri.substr(q + 1);
    r.authorization = req.get("Authorization", "");
    const ApiResponse out = api_.handle(r);
    // The token is in a header that is never logged; the path and status are enough.
    Poco::Logger::get("operator_api").debug("%s %s -> %d", r.method, r.path, out.status);
    http::closeIfBodyUnread(req, resp);  // no endpoint reads a body
    resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    resp.setContentType("application/json");
    for (const auto& [name, value] : out.headers) resp.set(name, value);
    resp.setContentLength(static_cast<std::streamsize>(out.body.size()));
    resp.send().write(out.body.data(), static_cast<std::streamsize>(out.body.size()));
  }

 private:
  OperatorApi& api_;
};

}  // namespace

ApiServer::ApiServer(std::string host, uint16_t port, OperatorApi& api)
    : host_(std::move(host)), port_(port), api_(api) {}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::start() {
  // The webhook server's connection handling: a slow or idle client holds no thread (only
  // four serve this API), and the same head deadline and connection caps apply.
  http::HttpServerSettings settings;
  settings.host = host_;
  settings.port = port_;
  settings.max_threads = 4;
  settings.max_queued = 64;
  settings.max_connections = 256;
  settings.address_keys = "operator_api.host/operator_api.port";
  server_ = std::make_unique<http::HttpServer>(settings, routes_);
  server_->setFallback(
      [this](const Poco::Net::HTTPServerRequest&) { return new ApiHandler(api_); });
  try {
    server_->start();
  } catch (const std::exception& e) {
    server_.reset();
    throw std::runtime_error(std::string("operator API: ") + e.what());
  }
  port_ = server_->port();
}

void ApiServer::stop() {
  if (!server_) return;
  server_->stop();
  server_.reset();
}

}  // namespace lxdrunner::operator_api
