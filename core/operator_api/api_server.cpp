// SPDX-License-Identifier: Apache-2.0
#include "operator_api/api_server.hpp"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <stdexcept>

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

class ApiServer::Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(OperatorApi& api) : api_(api) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new ApiHandler(api_);
  }

 private:
  OperatorApi& api_;
};

ApiServer::ApiServer(std::string host, uint16_t port, OperatorApi& api)
    : host_(std::move(host)), port_(port), api_(api) {}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::start() {
  const std::string where = host_ + ":" + std::to_string(port_);
  try {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(host_, port_), true, false);
    socket.listen(64);
    port_ = socket.address().port();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams();
    params->setMaxThreads(4);
    params->setMaxQueued(64);
    params->setTimeout(Poco::Timespan(10, 0));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(api_), socket, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("operator API: cannot listen on " + where + ": " + e.displayText() +
                             " (is another process using the port? change operator_api.port)");
  }
}

void ApiServer::stop() {
  if (!server_) return;
  server_->stopAll(true);
  server_.reset();
}

}  // namespace lxdrunner::operator_api
