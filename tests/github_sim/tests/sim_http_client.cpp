// SPDX-License-Identifier: Apache-2.0
#include "sim_http_client.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "sim/scope.hpp"

namespace lxdrunner::github_sim::testing {

std::string HttpResult::header(const std::string& lowerCaseName) const {
  auto it = headers.find(lowerCaseName);
  return it == headers.end() ? std::string() : it->second;
}

JsonObject HttpResult::json() const {
  return parseObject(body);
}

JsonArray HttpResult::jsonArray() const {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<JsonArray>();
}

HttpResult SimHttpClient::request(const std::string& method, const std::string& pathAndQuery,
                                  const std::string& body, const std::string& token,
                                  const std::map<std::string, std::string>& headers) const {
  const Poco::URI base(baseUrl_);
  Poco::Net::HTTPClientSession session(base.getHost(), base.getPort());
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Accept", "application/vnd.github+json");
  request.set("X-GitHub-Api-Version", "2022-11-28");
  if (!token.empty()) {
    request.set("Authorization", token.find(' ') == std::string::npos ? "token " + token : token);
  }
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpResult result;
  result.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) result.headers[toLower(name)] = value;
  Poco::StreamCopier::copyToString(in, result.body);
  return result;
}

}  // namespace lxdrunner::github_sim::testing
