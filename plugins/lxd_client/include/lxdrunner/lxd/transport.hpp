// SPDX-License-Identifier: Apache-2.0
// One HTTP request/response with LXD over a pooled connection: timeouts, streamed bodies,
// and the reconnect rules (a request is re-sent only when that cannot do something twice).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Net/WebSocket.h>

#include "lxdrunner/lxd/connection_pool.hpp"
#include "lxdrunner/lxd/deadline.hpp"

namespace lxdrunner::lxd {

// Fills `buffer` with up to `capacity` bytes and returns the count; 0 = end of data.
using BodySource = std::function<size_t(char* buffer, size_t capacity)>;
// Receives a response body piece by piece.
using BodySink = std::function<void(const char* data, size_t size)>;

struct HttpResponse;

struct HttpRequest {
  std::string method = "GET";
  std::string path;             // absolute, query included and already encoded
  std::string body;             // sent when `source` is empty
  BodySource source;            // streamed body: never held in memory as a whole
  int64_t content_length = -1;  // of `source`; -1 = unknown (sent chunked)
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{0};  // 0 = the remote's request_timeout
  BodySink sink;  // when set, a 2xx body streams here instead of into HttpResponse::body
  // Called with status and headers before the body is read; may throw to refuse the body.
  std::function<void(const HttpResponse&)> on_headers;

  bool idempotent() const {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE";
  }
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class Transport {
 public:
  explicit Transport(const RemoteConfig& remote);

  // Sends the request and returns LXD's answer, whatever its status. Throws LxdError:
  // TIMEOUT past the deadline or the request's timeout; TRANSIENT when the server cannot
  // be reached (after reconnecting for up to reconnect_window if it answered before) or
  // the connection broke mid-request (outcomeUnknown() unless the request was re-sent).
  HttpResponse send(const HttpRequest& request, Deadline deadline);

  // Opens a websocket on `path` (an operation's websocket URL) over a connection of its
  // own, which never goes back to the pool. Throws LxdError: TRANSIENT when LXD cannot be
  // reached or refuses the upgrade, TIMEOUT past the deadline.
  Poco::Net::WebSocket openWebSocket(const std::string& path, Deadline deadline);

  const RemoteConfig& remote() const { return remote_; }
  const ConnectionPool& pool() const { return pool_; }
  const std::string& where() const { return pool_.connector().where(); }

 private:
  HttpResponse exchange(ConnectionPool::Lease& lease, const HttpRequest& request, Deadline deadline,
                        bool& body_started);

  RemoteConfig remote_;
  ConnectionPool pool_;
  // Only a server we have talked to is waited for: an address that never answered is a
  // configuration problem, reported at once.
  std::atomic<bool> ever_connected_{false};
};

}  // namespace lxdrunner::lxd
