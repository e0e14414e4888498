// SPDX-License-Identifier: Apache-2.0
#include "github/http_transport.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace lxdrunner::github {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

HttpTransport::HttpTransport(TransportSettings settings)
    : settings_(std::move(settings)), base_(settings_.base_url) {
  const std::string scheme = base_.getScheme();
  if (scheme != "https" && scheme != "http") {
    throw std::invalid_argument("github_api_url " + settings_.base_url +
                                " must start with https:// (or http:// for a local simulator)");
  }
  https_ = scheme == "https";
  prefix_ = base_.getPath();
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  if (https_) {
    static std::once_flag ssl_once;
    std::call_once(ssl_once, [] { Poco::Net::initializeSSL(); });
    // VERIFY_RELAXED on a client verifies the server's chain; extended verification
    // (on by default) checks the host name. loadDefaultCAs: the system trust store.
    context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", settings_.ca_file,
                                      Poco::Net::Context::VERIFY_RELAXED, 9, true,
                                      "HIGH:!aNULL:!MD5:!RC4");
    context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  }
}

HttpTransport::~HttpTransport() = default;

std::unique_ptr<Poco::Net::HTTPClientSession> HttpTransport::acquire(bool& reused) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto s = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      return s;
    }
  }
  reused = false;
  std::unique_ptr<Poco::Net::HTTPClientSession> s;
  if (https_) {
    s = std::make_unique<Poco::Net::HTTPSClientSession>(base_.getHost(), base_.getPort(), context_);
  } else {
    s = std::make_unique<Poco::Net::HTTPClientSession>(base_.getHost(), base_.getPort());
  }
  s->setKeepAlive(true);
  return s;
}

void HttpTransport::release(std::unique_ptr<Poco::Net::HTTPClientSession> session) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < settings_.max_idle_connections) idle_.push_back(std::move(session));
}

HttpAnswer HttpTransport::sendOn(Poco::Net::HTTPClientSession& session, const std::string& method,
                                 const std::string& path,
                                 const std::map<std::string, std::string>& headers,
                                 const std::string& body, std::chrono::milliseconds timeout) {
  session.setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000));
  Poco::Net::HTTPRequest req(method, prefix_ + path, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setKeepAlive(true);
  req.set("User-Agent", settings_.user_agent);
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!req.has("Content-Type")) req.setContentType("application/json");
  }
  std::ostream& out = session.sendRequest(req);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  HttpAnswer answer;
  answer.status = static_cast<int>(resp.getStatus());
  for (const auto& [name, value] : resp) answer.headers[lower(name)] = value;
  std::ostringstream text;
  Poco::StreamCopier::copyStream(in, text);
  answer.body = text.str();
  return answer;
}

HttpAnswer HttpTransport::send(const std::string& method, const std::string& path,
                               const std::map<std::string, std::string>& headers,
                               const std::string& body, std::chrono::milliseconds timeout) {
  bool reused = false;
  auto session = acquire(reused);
  try {
    HttpAnswer a = sendOn(*session, method, path, headers, body, timeout);
    if (lower(a.header("connection")) != "close") release(std::move(session));
    return a;
  } catch (const Poco::Net::NoMessageException&) {
    if (!reused) throw;
  } catch (const Poco::Net::ConnectionResetException&) {
    if (!reused) throw;
  } catch (const Poco::Net::ConnectionAbortedException&) {
    if (!reused) throw;
  }
  // The server closed an idle kept-alive connection before our request: nothing was
  // processed, so one fresh attempt is safe for any method.
  bool fresh_reused = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.clear();  // its siblings are probably stale too
  }
  session = acquire(fresh_reused);
  HttpAnswer a = sendOn(*session, method, path, headers, body, timeout);
  if (lower(a.header("connection")) != "close") release(std::move(session));
  return a;
}

}  // namespace lxdrunner::github
