// SPDX-License-Identifier: Apache-2.0
#include "http/http_server.hpp"
#include "http/request_head.hpp"
#include "http/unread_body.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Timestamp.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "lxdrunner/sdk/strings.hpp"

namespace lxdrunner::http {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

void sendText(HTTPServerResponse& resp, HTTPResponse::HTTPStatus status, const std::string& body) {
  resp.setStatusAndReason(status);
  resp.setContentType("text/plain; charset=utf-8");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  resp.send() << body;
}

std::string pathOf(const std::string& uri) {
  return uri.substr(0, uri.find('?'));
}
std::string queryOf(const std::string& uri) {
  size_t q = uri.find('?');
  return q == std::string::npos ? std::string() : uri.substr(q + 1);
}

// A keep-alive request whose head is longer than this (rare) goes through the gate.
constexpr size_t kLingerPeekBytes = 8192;

// Bodies up to this size are read and dropped after a 413, see refuseTooLarge.
constexpr std::streamsize kDrainCap = 8 * 1024 * 1024;

// Answers 413 and closes. With "Expect: 100-continue" Poco has already told the client to
// send the body before the handler runs; closing with those bytes unread makes the kernel
// reset the connection, and the client may never see the 413. So a body of a size worth
// reading (the declared length, at most kDrainCap) is read and dropped first.
void refuseTooLarge(HTTPServerRequest& req, HTTPServerResponse& resp) {
  resp.setKeepAlive(false);
  sendText(resp, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "request body too large\n");
  if (!req.getExpectContinue() || !req.hasContentLength() || req.getContentLength64() > kDrainCap) {
    return;
  }
  char buffer[16384];
  std::streamsize left = static_cast<std::streamsize>(req.getContentLength64());
  std::istream& in = req.stream();
  while (left > 0 && in.read(buffer, std::min<std::streamsize>(left, sizeof buffer))) {
    left -= in.gcount();
  }
}

// What a plugin handler writes, collected so the answer goes out with a Content-Length.
struct ResponseBuffer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class PluginRouteHandler : public Poco::Net::HTTPRequestHandler {
 public:
  PluginRouteHandler(Route route, uint64_t limit, HttpServer::Counters& counters)
      : route_(std::move(route)), limit_(limit), counters_(counters) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    // Refuse an oversized body before reading it: a hostile client cannot make us buffer it.
    if (req.hasContentLength() && static_cast<uint64_t>(req.getContentLength64()) > limit_) {
      ++counters_.too_large;
      refuseTooLarge(req, resp);
      return;
    }
    std::string body;
    if (!readBody(req, body)) {
      ++counters_.too_large;
      resp.setKeepAlive(false);
      sendText(resp, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "request body too large\n");
      return;
    }

    std::vector<std::pair<std::string, std::string>> header_copy(req.begin(), req.end());
    std::vector<lxdr_http_header> headers;
    headers.reserve(header_copy.size());
    for (const auto& [name, value] : header_copy)
      headers.push_back({sdk::slice(name), sdk::slice(value)});

    const std::string uri = req.getURI();
    const std::string path = pathOf(uri);
    const std::string query = queryOf(uri);
    const std::string remote = req.clientAddress().toString();
    lxdr_http_request c{};
    c.struct_size = sizeof(c);
    c.header_count = static_cast<uint32_t>(headers.size());
    c.headers = headers.data();
    c.method = sdk::slice(req.getMethod());
    c.path = sdk::slice(path);
    c.query = sdk::slice(query);
    c.body = sdk::slice(body);
    c.remote_address = sdk::slice(remote);

    ResponseBuffer out;
    lxdr_http_response r{};
    r.struct_size = sizeof(r);
    r.ctx = &out;
    r.set_status = [](void* ctx, int status) {
      static_cast<ResponseBuffer*>(ctx)->status = status;
    };
    r.set_header = [](void* ctx, lxdr_str n, lxdr_str v) {
      static_cast<ResponseBuffer*>(ctx)->headers.emplace_back(sdk::copy(n), sdk::copy(v));
    };
    r.append_body = [](void* ctx, const char* data, size_t len) {
      static_cast<ResponseBuffer*>(ctx)->body.append(data, len);
    };

    lxdr_status status = LXDR_ERR_INTERNAL;
    try {
      status = route_.handler(route_.handler_ctx, &c, &r);
    } catch (...) {
      status = LXDR_ERR_INTERNAL;
    }
    if (status != LXDR_OK && out.status < 400) {
      ++counters_.handler_errors;
      out = ResponseBuffer{500, {}, "internal error\n"};
    }
    if (out.status < 100 || out.status > 599) out.status = 500;
    resp.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(out.status));
    for (const auto& [name, value] : out.headers) resp.set(name, value);
    resp.setContentLength(static_cast<std::streamsize>(out.body.size()));
    resp.send().write(out.body.data(), static_cast<std::streamsize>(out.body.size()));
  }

 private:
  // Reads at most limit_ bytes; false when the body is longer.
  bool readBody(HTTPServerRequest& req, std::string& body) {
    std::istream& in = req.stream();
    if (req.hasContentLength()) {
      body.resize(static_cast<size_t>(req.getContentLength64()));
      in.read(body.data(), static_cast<std::streamsize>(body.size()));
      body.resize(static_cast<size_t>(in.gcount()));
      return true;
    }
    char buffer[16384];
    while (in) {
      in.read(buffer, sizeof(buffer));
      body.append(buffer, static_cast<size_t>(in.gcount()));
      if (body.size() > limit_) return false;
    }
    return true;
  }

  Route route_;
  uint64_t limit_;
  HttpServer::Counters& counters_;
};

class BuiltinHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit BuiltinHandler(std::function<BuiltinAnswer()> answer) : answer_(std::move(answer)) {}
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    closeIfBodyUnread(req, resp);
    if (req.getMethod() != "GET" && req.getMethod() != "HEAD") {
      resp.set("Allow", "GET, HEAD");
      sendText(resp, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
      return;
    }
    BuiltinAnswer a = answer_();
    resp.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(a.status));
    resp.setContentType(a.content_type);
    resp.setContentLength(static_cast<std::streamsize>(a.body.size()));
    if (req.getMethod() == "HEAD") {
      resp.send();
    } else {
      resp.send() << a.body;
    }
  }

 private:
  std::function<BuiltinAnswer()> answer_;
};

class NotFoundHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    closeIfBodyUnread(req, resp);
    sendText(resp, HTTPResponse::HTTP_NOT_FOUND, "not found\n");
  }
};

// Poco's session, telling whether request bytes already sit in its buffer (a pipelined
// request): those must be served here, as the gate only sees bytes still in the socket.
class ServerSession : public Poco::Net::HTTPServerSession {
 public:
  using HTTPServerSession::HTTPServerSession;
  bool holdsUnreadBytes() const { return buffered() > 0; }
};

void sendBareStatus(Poco::Net::HTTPServerSession& session, HTTPResponse::HTTPStatus status) {
  Poco::Net::HTTPServerResponseImpl response(session);
  response.setVersion(HTTPResponse::HTTP_1_1);
  response.setStatusAndReason(status);
  response.setKeepAlive(false);
  response.setContentLength(0);
  response.send();
}

void requireReadable(const std::string& path, const char* what) {
  std::ifstream f(path);
  if (!f) {
    throw std::runtime_error(std::string(what) + " " + path +
                             " cannot be read: check web_tls_cert/web_tls_key");
  }
}

}  // namespace

class HttpServer::Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(HttpServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& req) override {
    ++server_.counters_.requests;
    const std::string path = pathOf(req.getURI());
    auto builtin = server_.builtins_.find(path);
    if (builtin != server_.builtins_.end()) return new BuiltinHandler(builtin->second);
    auto route = server_.routes_.find(path);
    if (route && route->handler != nullptr) {
      uint64_t limit = route->max_body != 0 ? route->max_body : server_.settings_.default_max_body;
      return new PluginRouteHandler(std::move(*route), limit, server_.counters_);
    }
    if (server_.fallback_) return server_.fallback_(req);
    ++server_.counters_.not_found;
    return new NotFoundHandler();
  }

 private:
  HttpServer& server_;
};

HttpServer::HttpServer(HttpServerSettings settings, RouteTable& routes)
    : settings_(std::move(settings)), routes_(routes) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::addBuiltin(const std::string& path, std::function<BuiltinAnswer()> answer) {
  routes_.reserve(path);
  builtins_[path] = std::move(answer);
}

void HttpServer::start() {
  const std::string where = settings_.host + ":" + std::to_string(settings_.port);
  Poco::Net::SocketAddress address;
  try {
    address = Poco::Net::SocketAddress(settings_.host, settings_.port);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(settings_.address_keys + " " + where +
                             " is not a usable address: " + e.displayText());
  }
  std::unique_ptr<Poco::Net::ServerSocket> socket;
  try {
    if (settings_.tls) {
      if (settings_.tls_cert.empty() || settings_.tls_key.empty()) {
        // The configuration's check names this first (config/web_tls.hpp, the same words;
        // test_http keeps them equal); this is the backstop for other callers.
        throw std::runtime_error(
            "web_tls is true but web_tls_cert and web_tls_key are not set: set both (a "
            "certificate and its key), or set web_tls: false behind a TLS-terminating proxy");
      }
      requireReadable(settings_.tls_cert, "TLS certificate");
      requireReadable(settings_.tls_key, "TLS key");
      static std::once_flag ssl_once;
      std::call_once(ssl_once, [] { Poco::Net::initializeSSL(); });
      Poco::Net::Context::Ptr context = new Poco::Net::Context(
          Poco::Net::Context::TLS_SERVER_USE, settings_.tls_key, settings_.tls_cert, "",
          Poco::Net::Context::VERIFY_NONE, 9, false, "HIGH:!aNULL:!MD5:!RC4");
      context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
      socket = std::make_unique<Poco::Net::SecureServerSocket>(context);
    } else {
      socket = std::make_unique<Poco::Net::ServerSocket>();
    }
    // SO_REUSEADDR for quick restarts, but never SO_REUSEPORT: a second daemon on the same
    // port must fail loudly instead of silently sharing GitHub's deliveries.
    socket->bind(address, true, false);
    socket->listen(256);
  } catch (const std::runtime_error&) {
    throw;
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on " + where + ": " + e.displayText() +
                             " (is another process using the port? change " +
                             settings_.address_keys + ")");
  }
  port_ = socket->address().port();

  params_ = new Poco::Net::HTTPServerParams();
  params_->setTimeout(Poco::Timespan(settings_.timeout_ms * Poco::Timespan::MILLISECONDS));
  params_->setKeepAlive(true);
  params_->setMaxKeepAliveRequests(0);  // unlimited: GitHub and proxies reuse connections
  params_->setServerName("lxdrunner");
  factory_ = std::make_unique<Factory>(*this);
  workers_ = std::make_unique<WorkerPool>(static_cast<std::size_t>(settings_.max_threads),
                                          static_cast<std::size_t>(settings_.max_queued));

  GateSettings gate;
  gate.header_timeout = std::chrono::milliseconds(settings_.header_timeout_ms);
  gate.keep_alive_timeout = std::chrono::milliseconds(settings_.keep_alive_timeout_ms);
  gate.max_connections = settings_.max_connections;
  gate.max_connections_per_address = settings_.max_connections_per_address;
  gate.inspect_heads = !settings_.tls;
  gate_ = std::make_unique<ConnectionGate>(
      *socket, gate, [this](Poco::Net::StreamSocket& ready, const std::string& client) {
        // The worker becomes the socket's only holder before it can run. Poco counts socket
        // references atomically inside its library, which ThreadSanitizer cannot see: one
        // holder at a time, handed over under a mutex, is what it can check.
        auto mine = std::make_shared<Poco::Net::StreamSocket>(ready);
        ready = Poco::Net::StreamSocket();
        if (workers_->trySubmit([this, mine, client] { serveConnection(*mine, client); })) {
          return true;
        }
        ready = *mine;
        return false;
      });
  gate_->start();
}

void HttpServer::serveConnection(Poco::Net::StreamSocket& socket, const std::string& address) {
  bool keep_alive = false;
  Poco::Net::StreamSocket back;
  {
    ServerSession session(socket, params_);
    try {
      do {
        if (!session.hasMoreRequests()) break;
        keep_alive = serveOne(session);
      } while (keep_alive && !stopping_ && nextRequestIsHere(session));
    } catch (const Poco::Exception&) {
      keep_alive = false;  // the client went away or timed out mid-request
    } catch (const std::exception&) {
      keep_alive = false;
    }
    if (keep_alive && !stopping_) {
      back = session.detachSocket();
    }
  }  // the session closes the socket unless it was detached
  if (keep_alive && !stopping_) {
    socket = Poco::Net::StreamSocket();  // `back` is now the only reference this thread holds
    gate_->handBack(back, address);
    return;
  }
  socket.close();
  gate_->closed(address);
}

bool HttpServer::nextRequestIsHere(Poco::Net::HTTPServerSession& session) {
  // Bytes in the session's buffer (a pipelined request) or decrypted by the TLS layer and
  // not yet taken are invisible to the gate's poll: they must be served here.
  if (static_cast<ServerSession&>(session).holdsUnreadBytes()) return true;
  if (settings_.tls && session.socket().available() > 0) return true;
  // A busy client sends its next request right after our answer. Waiting for it a moment
  // here spares it the round trip through the gate (measured: a third of the throughput of
  // keep-alive clients); an idle or slow one is handed back after the moment. Not while
  // other connections wait for a worker: the moment would be theirs.
  const int linger_ms = workers_->waiting() > 0 ? 0 : settings_.keep_alive_linger_ms;
  pollfd p{};
  p.fd = session.socket().impl()->sockfd();
  p.events = POLLIN;
  if (::poll(&p, 1, linger_ms) != 1 || (p.revents & POLLIN) == 0) {
    return false;
  }
  if (settings_.tls) return true;
  char head[kLingerPeekBytes];
  const ssize_t n = ::recv(p.fd, head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
  return n > 0 && scanRequestHead(std::string_view(head, static_cast<size_t>(n)), sizeof head) ==
                      HeadState::complete;
}

bool HttpServer::serveOne(Poco::Net::HTTPServerSession& session) {
  try {
    Poco::Net::HTTPServerResponseImpl response(session);
    Poco::Net::HTTPServerRequestImpl request(response, session, params_);
    response.setDate(Poco::Timestamp());
    response.setVersion(request.getVersion());
    response.setKeepAlive(request.getKeepAlive() && session.canKeepAlive());
    response.set("Server", "lxdrunner");
    try {
      std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
          factory_->createRequestHandler(request));
      if (request.getExpectContinue() && response.getStatus() == HTTPResponse::HTTP_OK) {
        response.sendContinue();
      }
      handler->handleRequest(request, response);
    } catch (const std::exception&) {  // Poco::Exception is one too
      if (!response.sent()) sendBareStatus(session, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
      return false;
    }
    session.setKeepAlive(response.getKeepAlive() && session.canKeepAlive());
    return session.getKeepAlive();
  } catch (const Poco::Net::NoMessageException&) {
    return false;  // closed between requests
  } catch (const Poco::Net::MessageException&) {
    sendBareStatus(session, HTTPResponse::HTTP_BAD_REQUEST);
    return false;
  }
}

void HttpServer::stop() {
  if (!gate_ || stopping_.exchange(true)) return;
  gate_->stop();
  workers_->stop();  // requests being served finish; their connections then close
}

}  // namespace lxdrunner::http
