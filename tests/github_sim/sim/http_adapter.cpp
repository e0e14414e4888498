// SPDX-License-Identifier: Apache-2.0
#include "sim/http_adapter.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <istream>

#include "sim/github_errors.hpp"
#include "sim/scope.hpp"

namespace lxdrunner::github_sim {
namespace {

// GitHub refuses bodies above 25 MB for webhooks; REST bodies here are tiny.
constexpr std::size_t kMaxBody = 32U * 1024U * 1024U;

class SimRequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  SimRequestHandler(SimService& service, const std::string& scheme, const std::string& fallbackHost)
      : service_(service), scheme_(scheme), fallbackHost_(fallbackHost) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    SimResponse answer;
    try {
      answer = service_.handle(toSimRequest(request));
    } catch (const std::exception& e) {
      answer = githubError(400, e.what());
    }
    write(answer, response);
  }

 private:
  SimRequest toSimRequest(Poco::Net::HTTPServerRequest& request) const {
    SimRequest out;
    out.method = request.getMethod();
    const Poco::URI uri(request.getURI());
    out.path = uri.getPath();
    out.query = parseQuery(uri.getRawQuery());
    for (const auto& [name, value] : request) out.headers[toLower(name)] = value;
    const std::string host = request.has("Host") ? request.getHost() : fallbackHost_;
    out.baseUrl = scheme_ + "://" + host;
    // RFC 9112 6.3: a request with neither Content-Length nor chunked encoding has no body
    // (curl -X POST without data sends neither); reading to EOF would wait for the client.
    if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) return out;
    std::istream& in = request.stream();
    char buffer[16384];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      out.body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (out.body.size() > kMaxBody) throw std::length_error("request body too large");
    }
    return out;
  }

  static void write(const SimResponse& answer, Poco::Net::HTTPServerResponse& response) {
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    for (const auto& [name, value] : answer.headers) response.add(name, value);
    if (answer.status == 204 || answer.status == 304) {
      response.setContentLength(0);
      response.send();
      return;
    }
    if (!answer.contentType.empty()) response.setContentType(answer.contentType);
    response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
    response.send() << answer.body;
  }

  SimService& service_;
  std::string scheme_;
  std::string fallbackHost_;
};

}  // namespace

SimRequestHandlerFactory::SimRequestHandlerFactory(SimService& service, std::string scheme,
                                                   std::string fallbackHost)
    : service_(service), scheme_(std::move(scheme)), fallbackHost_(std::move(fallbackHost)) {}

Poco::Net::HTTPRequestHandler* SimRequestHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  return new SimRequestHandler(service_, scheme_, fallbackHost_);
}

}  // namespace lxdrunner::github_sim
