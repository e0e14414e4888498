// SPDX-License-Identifier: Apache-2.0
// The daemon's HTTP(S) server: plugin routes (the webhook), /healthz, and later /metrics
// and the operator API. Plain HTTP behind a TLS-terminating proxy, or TLS from a
// configured certificate and key — never a throw-away self-signed certificate.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "http/route_table.hpp"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace lxdrunner::http {

struct HttpServerSettings {
  std::string host = "0.0.0.0";
  uint16_t port = 5000;  // 0 = any free port (tests)
  bool tls = false;
  std::string tls_cert;                             // PEM file
  std::string tls_key;                              // PEM file
  uint64_t default_max_body = 25u * 1024u * 1024u;  // GitHub's largest payload
  int max_threads = 64;
  int max_queued = 1024;
  int timeout_ms = 10000;  // per read/write; a slow client cannot hold a thread for long
};

// Served for GET /healthz etc. by the daemon; returns {status, content_type, body}.
struct BuiltinAnswer {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpServer {
 public:
  HttpServer(HttpServerSettings settings, RouteTable& routes);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. Throws std::runtime_error with one line naming the address
  // (or the certificate file) and what to do.
  void start();
  // Stops accepting, lets in-flight requests finish (bounded). Idempotent.
  void stop();
  uint16_t port() const noexcept { return port_; }

  // A built-in GET route answered by the daemon itself.
  void addBuiltin(const std::string& path, std::function<BuiltinAnswer()> answer);

  struct Counters {
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> not_found{0};
    std::atomic<uint64_t> too_large{0};
    std::atomic<uint64_t> handler_errors{0};
  };
  const Counters& counters() const noexcept { return counters_; }

 private:
  class Factory;
  HttpServerSettings settings_;
  RouteTable& routes_;
  std::map<std::string, std::function<BuiltinAnswer()>> builtins_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
  Counters counters_;
};

}  // namespace lxdrunner::http
