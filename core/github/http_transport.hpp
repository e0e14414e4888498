// SPDX-License-Identifier: Apache-2.0
// HTTP(S) to one base URL with kept-alive connections reused across requests and threads.
// TLS is always verified (system CAs, or a configured CA file for GHES).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <Poco/Net/Context.h>
#include <Poco/URI.h>

namespace Poco::Net {
class HTTPClientSession;
}

namespace lxdrunner::github {

struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct TransportSettings {
  std::string base_url;  // scheme://host[:port][/prefix]
  std::string ca_file;   // extra CA bundle (GHES with a private CA); empty = system CAs
  std::string user_agent = "lxdrunner";
  size_t max_idle_connections = 8;
};

class HttpTransport {
 public:
  explicit HttpTransport(TransportSettings settings);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Sends one request. `path` is relative to the base URL's path ("/repos/o/r/...", may
  // carry a query). Throws Poco::Exception (network, TLS, timeout) — the caller decides
  // about retries. A stale kept-alive connection is retried once on a fresh one.
  HttpAnswer send(const std::string& method, const std::string& path,
                  const std::map<std::string, std::string>& headers, const std::string& body,
                  std::chrono::milliseconds timeout);

  // The base URL's path prefix ("/api/v3" on GHES, "" on github.com).
  const std::string& pathPrefix() const noexcept { return prefix_; }
  const Poco::URI& baseUri() const noexcept { return base_; }

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> acquire(bool& reused);
  void release(std::unique_ptr<Poco::Net::HTTPClientSession> session);
  HttpAnswer sendOn(Poco::Net::HTTPClientSession& session, const std::string& method,
                    const std::string& path, const std::map<std::string, std::string>& headers,
                    const std::string& body, std::chrono::milliseconds timeout);

  TransportSettings settings_;
  Poco::URI base_;
  std::string prefix_;
  bool https_ = false;
  Poco::Net::Context::Ptr context_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle_;
};

}  // namespace lxdrunner::github
