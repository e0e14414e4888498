// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/transport.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <thread>

namespace lxdrunner::lxd {

namespace {

constexpr size_t kChunk = 64 * 1024;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string describe(const HttpRequest& r) {
  std::string path = r.path.substr(0, r.path.find('?'));
  return r.method + " " + path;
}

}  // namespace

Transport::Transport(const RemoteConfig& remote)
    : remote_(remote), pool_(Connector(remote), remote.max_connections, remote.max_idle) {}

HttpResponse Transport::send(const HttpRequest& request, Deadline deadline) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point first_try = Clock::now();
  std::chrono::milliseconds backoff(50);
  bool fresh = false;  // after a broken reused connection, do not take another idle one

  auto waitBeforeRetry = [&](const LxdError& last) {
    const bool window_left = Clock::now() - first_try + backoff < remote_.reconnect_window;
    if (!window_left || deadline.remaining(backoff) < backoff) throw last;
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
  };

  for (;;) {
    if (deadline.expired()) {
      throw LxdError(LXDR_ERR_TIMEOUT,
                     describe(request) + " on " + where() + ": the deadline passed");
    }
    std::optional<ConnectionPool::Lease> lease;
    try {
      lease.emplace(pool_.acquire(deadline, fresh));
    } catch (const ConnectError& e) {
      if (!ever_connected_) throw;
      waitBeforeRetry(e);
      continue;
    }
    ever_connected_ = true;
    const bool reused = (*lease)->reused();
    bool body_started = false;
    try {
      HttpResponse response = exchange(*lease, request, deadline, body_started);
      return response;
    } catch (const Poco::TimeoutException&) {
      LxdError::Details d;
      d.outcome_unknown = !request.idempotent();
      throw LxdError(LXDR_ERR_TIMEOUT,
                     where() + " did not answer " + describe(request) + " in time", d);
    } catch (const LxdError&) {
      throw;
    } catch (const Poco::Exception& e) {
      // The connection broke. A re-send is safe when it cannot repeat an effect: the
      // request is idempotent and its streamed body (if any) was not consumed yet.
      const bool resendable = request.idempotent() && !(request.source && body_started);
      LxdError::Details d;
      d.outcome_unknown = !request.idempotent();
      LxdError lost(LXDR_ERR_TRANSIENT,
                    "lost the connection to " + where() + " during " + describe(request) + " (" +
                        e.displayText() + ")" +
                        (d.outcome_unknown ? ": LXD may or may not have done it" : ""),
                    d);
      if (!resendable) throw lost;
      if (reused && !fresh) {
        fresh = true;  // most likely a keep-alive connection the server had closed
        continue;
      }
      fresh = true;
      waitBeforeRetry(lost);
    }
  }
}

HttpResponse Transport::exchange(ConnectionPool::Lease& lease, const HttpRequest& request,
                                 Deadline deadline, bool& body_started) {
  const auto budget = request.timeout.count() > 0 ? request.timeout : remote_.request_timeout;
  lease->setTimeout(deadline.remaining(budget));

  Poco::Net::HTTPRequest out(request.method, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
  // Set per request: a connected session's host cannot be changed, and LXD wants one.
  out.setHost(pool_.connector().hostHeader());
  out.setKeepAlive(true);
  for (const auto& h : request.headers) out.set(h.first, h.second);
  const bool has_body = request.source || !request.body.empty() || request.method == "POST" ||
                        request.method == "PUT" || request.method == "PATCH";
  if (has_body) {
    // LXD's Go server reads an x-www-form-urlencoded body as a form: a file push without
    // an explicit type arrives empty.
    out.setContentType(request.content_type);
    if (request.source) {
      if (request.content_length >= 0) {
        out.setContentLength64(request.content_length);
      } else {
        out.setChunkedTransferEncoding(true);
      }
    } else {
      out.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
    }
  }

  std::ostream& body_out = lease->session().sendRequest(out);
  if (request.source) {
    std::array<char, kChunk> buffer{};
    for (;;) {
      body_started = true;
      size_t n = request.source(buffer.data(), buffer.size());
      if (n == 0) break;
      body_out.write(buffer.data(), static_cast<std::streamsize>(n));
      if (!body_out) throw Poco::IOException("writing the request body failed");
    }
  } else if (!request.body.empty()) {
    body_out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
  }
  body_out.flush();

  Poco::Net::HTTPResponse in;
  std::istream& body_in = lease->session().receiveResponse(in);
  HttpResponse response;
  response.status = static_cast<int>(in.getStatus());
  for (const auto& h : in) response.headers[lower(h.first)] = h.second;
  if (request.on_headers) request.on_headers(response);

  const bool stream = request.sink && response.status >= 200 && response.status < 300;
  std::array<char, kChunk> buffer{};
  while (body_in) {
    body_in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<size_t>(body_in.gcount());
    if (n == 0) break;
    if (stream) {
      request.sink(buffer.data(), n);
    } else {
      response.body.append(buffer.data(), n);
    }
  }
  if (body_in.bad()) throw Poco::IOException("reading the response body failed");
  if (in.getKeepAlive()) lease.keep();
  return response;
}

Poco::Net::WebSocket Transport::openWebSocket(const std::string& path, Deadline deadline) {
  const std::string what = "websocket " + path.substr(0, path.find('?')) + " on " + where();
  if (deadline.expired()) throw LxdError(LXDR_ERR_TIMEOUT, what + ": the deadline passed");
  const auto budget = deadline.remaining(remote_.request_timeout);
  std::unique_ptr<Connection> connection = pool_.connector().connect(budget);
  connection->setTimeout(budget);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setHost(pool_.connector().hostHeader());
  Poco::Net::HTTPResponse response;
  try {
    // The handshake detaches the socket from the session: it lives on in the websocket.
    return Poco::Net::WebSocket(connection->session(), request, response);
  } catch (const Poco::TimeoutException&) {
    throw LxdError(LXDR_ERR_TIMEOUT, what + ": no answer in time");
  } catch (const Poco::Net::WebSocketException& e) {
    throw LxdError(LXDR_ERR_TRANSIENT, what + ": the upgrade was refused (HTTP " +
                                           std::to_string(static_cast<int>(response.getStatus())) +
                                           "): " + e.displayText());
  } catch (const Poco::Exception& e) {
    throw LxdError(LXDR_ERR_TRANSIENT, what + ": " + e.displayText());
  }
}

}  // namespace lxdrunner::lxd
