// SPDX-License-Identifier: Apache-2.0
#include "fake_lxd_server.hpp"

#include <Poco/Buffer.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lxdrunner::lxdtest {

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeLxdServer& server) : server_(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    server_.enter();
    RecordedRequest r;
    r.method = in.getMethod();
    r.uri = in.getURI();
    r.chunked = in.getChunkedTransferEncoding();
    for (const auto& h : in) r.headers[h.first] = h.second;
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in.stream(), body);
    r.body = body.str();
    CannedReply reply = server_.answer(r);
    if (reply.delay.count() > 0) server_.pause(reply.delay);
    if (reply.websocket) {
      server_.leave();
      serveWebsocket(in, out, reply, r.path());
      return;
    }
    out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    out.setContentType("application/json");
    for (const auto& h : reply.headers) out.set(h.first, h.second);
    if (reply.close_connection) out.setKeepAlive(false);
    out.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
    server_.leave();
    out.send() << reply.body;
  }

 private:
  void serveWebsocket(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
                      const CannedReply& reply, const std::string& path) {
    Poco::Net::WebSocket ws(in, out);
    ws.setReceiveTimeout(Poco::Timespan(5, 0));
    if (!reply.body.empty()) {
      ws.sendFrame(reply.body.data(), static_cast<int>(reply.body.size()),
                   Poco::Net::WebSocket::FRAME_BINARY);
      ws.shutdown();  // the stream's end: a close frame
      return;
    }
    std::string received;
    try {
      for (;;) {
        int flags = 0;
        Poco::Buffer<char> frame(0);  // grows to the frame's size
        const int n = ws.receiveFrame(frame, flags);
        const int op = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
        if (op == Poco::Net::WebSocket::FRAME_OP_CLOSE || n <= 0) break;
        received.append(frame.begin(), static_cast<size_t>(n));
      }
    } catch (const Poco::Exception& e) {
      // the client went away: what came so far is its input
      received += "<fake: " + e.displayText() + ">";
    }
    server_.recordWebsocketInput(path, received);
  }

  FakeLxdServer& server_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeLxdServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(server_);
  }

 private:
  FakeLxdServer& server_;
};

bool matches(const CannedReply& reply, const RecordedRequest& request) {
  if (reply.method != request.method || reply.times == 0) return false;
  const std::string path = request.path();
  if (!reply.path.empty() && reply.path.back() == '*') {
    return path.compare(0, reply.path.size() - 1, reply.path, 0, reply.path.size() - 1) == 0;
  }
  return path == reply.path;
}

}  // namespace

FakeLxdServer::FakeLxdServer() {
  char pattern[] = "/tmp/lxdrt-fake-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  socket_path_ = dir_ + "/unix.socket";
  Poco::Net::ServerSocket socket(
      Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path_), 64);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(32);
  params->setMaxQueued(64);
  params->setKeepAlive(true);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), threads_, socket, params);
  server_->start();
}

FakeLxdServer::~FakeLxdServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stopping_cv_.notify_all();
  server_->stopAll(true);
  threads_.joinAll();
  server_.reset();
  ::unlink(socket_path_.c_str());
  ::rmdir(dir_.c_str());
}

void FakeLxdServer::add(CannedReply reply) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.push_back(std::move(reply));
}

void FakeLxdServer::load(const std::string& json_file) {
  std::ifstream in(json_file);
  if (!in) throw std::runtime_error("cannot read " + json_file);
  Poco::JSON::Parser parser;
  auto list = parser.parse(in).extract<Poco::JSON::Array::Ptr>();
  for (const auto& item : *list) {
    auto o = item.extract<Poco::JSON::Object::Ptr>();
    if (!o->has("method")) continue;  // a comment
    CannedReply r;
    r.method = o->getValue<std::string>("method");
    r.path = o->getValue<std::string>("path");
    if (o->has("status")) r.status = o->getValue<int>("status");
    if (o->has("times")) r.times = o->getValue<int>("times");
    if (o->has("body")) {
      Poco::Dynamic::Var body = o->get("body");
      if (body.isString()) {
        r.body = body.extract<std::string>();
      } else {
        std::ostringstream text;
        Poco::JSON::Stringifier::stringify(body, text);
        r.body = text.str();
      }
    }
    if (o->has("headers")) {
      for (const auto& [k, v] : *o->getObject("headers")) r.headers[k] = v.convert<std::string>();
    }
    add(std::move(r));
  }
}

CannedReply FakeLxdServer::answer(const RecordedRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(request);
  for (auto& reply : script_) {
    if (!matches(reply, request)) continue;
    if (reply.times > 0) --reply.times;
    return reply;
  }
  CannedReply missing;
  missing.status = 404;
  missing.body = R"({"type":"error","status":"","status_code":0,"operation":"","error_code":404,)"
                 R"("error":"fake LXD has no reply for )" +
                 request.method + " " + request.path() + R"(","metadata":null})";
  return missing;
}

void FakeLxdServer::enter() {
  int now = ++concurrent_;
  int seen = max_concurrent_.load();
  while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
  }
}

void FakeLxdServer::leave() {
  --concurrent_;
}

void FakeLxdServer::pause(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu_);
  stopping_cv_.wait_for(lock, delay, [this] { return stopping_; });
}

std::vector<RecordedRequest> FakeLxdServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<RecordedRequest> FakeLxdServer::requests(const std::string& method,
                                                     const std::string& path) const {
  std::vector<RecordedRequest> out;
  for (auto& r : requests()) {
    if (r.method == method && r.path() == path) out.push_back(r);
  }
  return out;
}

std::string FakeLxdServer::websocketInput(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = websocket_input_.find(path);
  return it == websocket_input_.end() ? std::string() : it->second;
}

void FakeLxdServer::recordWebsocketInput(const std::string& path, const std::string& data) {
  std::lock_guard<std::mutex> lock(mu_);
  websocket_input_[path] += data;
}

}  // namespace lxdrunner::lxdtest
