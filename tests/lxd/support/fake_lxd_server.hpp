// SPDX-License-Identifier: Apache-2.0
// A tiny HTTP server on a unix socket that plays LXD from a script of canned replies and
// records every request, for tests that cannot use the real daemon (VMs, version quirks).
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lxdrunner::lxdtest {

struct CannedReply {
  std::string method;  // "GET", ...
  std::string path;    // path without query; a trailing '*' matches any suffix
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  int times = -1;  // how often it may be used; -1 = always
  std::chrono::milliseconds delay{0};
  bool close_connection = false;
  // Upgrades to a websocket instead: sends `body` (if any) as one binary frame, then reads
  // what the client sends until its end of file (an empty text frame or a close), records
  // it (websocketInput), and closes.
  bool websocket = false;
};

struct RecordedRequest {
  std::string method;
  std::string uri;                             // path and query
  std::map<std::string, std::string> headers;  // names as sent
  std::string body;
  bool chunked = false;

  std::string path() const { return uri.substr(0, uri.find('?')); }
  std::string query() const {
    auto q = uri.find('?');
    return q == std::string::npos ? std::string() : uri.substr(q + 1);
  }
};

class FakeLxdServer {
 public:
  FakeLxdServer();  // listens on a fresh socket under /tmp
  ~FakeLxdServer();
  FakeLxdServer(const FakeLxdServer&) = delete;
  FakeLxdServer& operator=(const FakeLxdServer&) = delete;

  const std::string& socketPath() const { return socket_path_; }

  void add(CannedReply reply);
  // Loads a JSON array of {method, path, status, body (JSON value or string), headers, times}.
  void load(const std::string& json_file);

  std::vector<RecordedRequest> requests() const;
  // What a client sent on the websocket of `path` (query ignored).
  std::string websocketInput(const std::string& path) const;
  void recordWebsocketInput(const std::string& path, const std::string& data);
  std::vector<RecordedRequest> requests(const std::string& method, const std::string& path) const;
  int maxConcurrent() const { return max_concurrent_.load(); }
  // Connections accepted so far (keep-alive reuse keeps this low).
  int connections() const { return server_->totalConnections(); }

  // Called by the request handler.
  CannedReply answer(const RecordedRequest& request);
  void enter();
  void leave();
  // Sleeps for a reply's delay, cut short when the server shuts down.
  void pause(std::chrono::milliseconds delay);

 private:
  std::string dir_;
  std::string socket_path_;
  // Our own pool, joined in the destructor: with Poco's default pool, handler threads would
  // outlive the server (and the test).
  Poco::ThreadPool threads_{2, 32};
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mu_;
  std::condition_variable stopping_cv_;
  bool stopping_ = false;
  std::vector<CannedReply> script_;
  std::vector<RecordedRequest> requests_;
  std::map<std::string, std::string> websocket_input_;
  std::atomic<int> concurrent_{0};
  std::atomic<int> max_concurrent_{0};
};

}  // namespace lxdrunner::lxdtest
