// SPDX-License-Identifier: Apache-2.0
// The daemon's HTTP(S) server: plugin routes (the webhook), /healthz, and later /metrics
// and the operator API. Plain HTTP behind a TLS-terminating proxy, or TLS from a
// configured certificate and key — never a throw-away self-signed certificate.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "http/connection_gate.hpp"
#include "http/route_table.hpp"
#include "http/worker_pool.hpp"

#include <Poco/Net/HTTPServerParams.h>

namespace Poco::Net {
class HTTPRequestHandler;
class HTTPServerRequest;
class HTTPServerSession;
class StreamSocket;
}  // namespace Poco::Net

namespace lxdrunner::http {

struct HttpServerSettings {
  std::string host = "0.0.0.0";
  uint16_t port = 5000;  // 0 = any free port (tests)
  bool tls = false;
  std::string tls_cert;                             // PEM file
  std::string tls_key;                              // PEM file
  uint64_t default_max_body = 25u * 1024u * 1024u;  // GitHub's largest payload
  int max_threads = 64;                             // requests served at once
  int max_queued = 1024;   // requests whose head is here, waiting for a thread
  int timeout_ms = 10000;  // per read/write of a request being served (body, answer)
  // A connection holds no thread until its whole request head is here (see
  // connection_gate.hpp); these bound what the waiting ones may cost.
  int header_timeout_ms = 10000;       // connection (or first byte after keep-alive) → whole head
  int keep_alive_timeout_ms = 15000;   // idle between two requests
  int keep_alive_linger_ms = 20;       // a worker waits this long for a busy client's next one
  std::size_t max_connections = 1024;  // open at once, all clients; 0 = no limit
  // Per client address; behind a reverse proxy all come from the proxy: 0 or its pool size.
  std::size_t max_connections_per_address = 128;
  // How the configuration names the address, for errors ("web_host/web_port").
  std::string address_keys = "web_host/web_port";
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
  // Serves every request no built-in or plugin route takes (instead of 404): a server of
  // its own, such as the operator API, on this server's connection handling. Before start().
  using Fallback =
      std::function<Poco::Net::HTTPRequestHandler*(const Poco::Net::HTTPServerRequest&)>;
  void setFallback(Fallback fallback) { fallback_ = std::move(fallback); }

  struct Counters {
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> not_found{0};
    std::atomic<uint64_t> too_large{0};
    std::atomic<uint64_t> handler_errors{0};
  };
  const Counters& counters() const noexcept { return counters_; }
  // Connections refused or closed before a thread served them; null before start().
  const GateCounters* gateCounters() const noexcept { return gate_ ? &gate_->counters() : nullptr; }
  std::size_t openConnections() const { return gate_ ? gate_->openConnections() : 0; }

 private:
  class Factory;
  // On a worker thread: serves the requests whose bytes are here, then hands a keep-alive
  // connection back to the gate or closes it.
  void serveConnection(Poco::Net::StreamSocket& socket, const std::string& address);
  // After a request on a keep-alive connection: whether the next one can be served on this
  // thread at once (its head is here, or arrives within the linger).
  bool nextRequestIsHere(Poco::Net::HTTPServerSession& session);
  // Serves one request; true when the connection may carry another.
  bool serveOne(Poco::Net::HTTPServerSession& session);

  HttpServerSettings settings_;
  RouteTable& routes_;
  std::map<std::string, std::function<BuiltinAnswer()>> builtins_;
  Fallback fallback_;
  std::unique_ptr<Factory> factory_;
  Poco::Net::HTTPServerParams::Ptr params_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<ConnectionGate> gate_;
  std::atomic<bool> stopping_{false};
  uint16_t port_ = 0;
  Counters counters_;
};

}  // namespace lxdrunner::http
