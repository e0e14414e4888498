// SPDX-License-Identifier: Apache-2.0
// Slow and idle clients cost the HTTP server file descriptors, never its threads: hundreds
// of connections trickling header bytes, idle keep-alive connections, heads that never end.
#include <catch2/catch.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "raw_exchange.hpp"
#include "server_fixture.hpp"

using lxdrunner::http::HttpServerSettings;
using lxdrunner::http::test::Fixture;
using lxdrunner::http::test::rawExchange;

namespace {

// A raw loopback connection from `source` (any 127.x.y.z address reaches the server).
int connectFrom(const char* source, uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  return fd;
}

void sendAll(int fd, const std::string& bytes) {
  REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(bytes.size()));
}

// Reads what the server sends within `wait` (or until it closes).
std::string readFor(int fd, std::chrono::milliseconds wait) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(wait.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((wait.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string got;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    got.append(buffer, static_cast<size_t>(n));
  }
  return got;
}

// Connections that started a request head and send one more header byte each period, for
// ever: the "slowloris" that holds a thread per connection in a thread-per-connection server.
class TricklingCrowd {
 public:
  TricklingCrowd(uint16_t port, int count, const std::vector<const char*>& sources) {
    for (int i = 0; i < count; ++i) {
      const int fd = connectFrom(sources[static_cast<size_t>(i) % sources.size()], port);
      sendAll(fd, "POST /hooks/test HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      fds_.push_back(fd);
    }
    trickler_ = std::thread([this] {
      while (!stop_) {
        for (int fd : fds_) ::send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        for (int i = 0; i < 5 && !stop_; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(60));
      }
    });
  }
  ~TricklingCrowd() {
    stop_ = true;
    trickler_.join();
    for (int fd : fds_) ::close(fd);
  }
  TricklingCrowd(const TricklingCrowd&) = delete;
  TricklingCrowd& operator=(const TricklingCrowd&) = delete;

 private:
  std::vector<int> fds_;
  std::atomic<bool> stop_{false};
  std::thread trickler_;
};

bool waitFor(const std::function<bool()>& condition) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// POST /hooks/test on a fresh connection, giving up after `timeout`; -1 when no answer came.
int postWithin(uint16_t port, Poco::Timespan timeout) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(timeout);
    Poco::Net::HTTPRequest req("POST", "/hooks/test", Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string body = "delivery";
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::ostringstream sink;
    Poco::StreamCopier::copyStream(session.receiveResponse(resp), sink);
    return static_cast<int>(resp.getStatus());
  } catch (const Poco::Exception&) {
    return -1;
  }
}

HttpServerSettings loopback() {
  HttpServerSettings s;
  s.host = "127.0.0.1";
  s.port = 0;
  return s;
}

}  // namespace

TEST_CASE("500 connections trickling header bytes do not stop a delivery", "[http][gate]") {
  Fixture f;  // the daemon's defaults: 64 threads, 128 connections per address
  // 100 connections from each of five addresses; every header byte resets a per-read timeout.
  TricklingCrowd crowd(f.server.port(), 500,
                       {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"});
  REQUIRE(waitFor([&] { return f.server.openConnections() >= 500; }));

  // Generous against a loaded machine, far below the 10 s a trickler could hold a thread.
  CHECK(postWithin(f.server.port(), Poco::Timespan(5, 0)) == 202);
  CHECK(f.seen.calls == 1);
  CHECK(f.server.openConnections() >= 500);  // still held, each by a file descriptor only
}

TEST_CASE("a head that does not end within the header timeout gets 408 and is closed",
          "[http][gate]") {
  auto s = loopback();
  s.header_timeout_ms = 300;
  Fixture f(s);
  const int fd = connectFrom("127.0.0.1", f.server.port());
  sendAll(fd, "POST /hooks/test HTTP/1.1\r\nHost: x\r\n");
  const std::string got = readFor(fd, std::chrono::milliseconds(10000));
  ::close(fd);
  CHECK(got.rfind("HTTP/1.1 408 ", 0) == 0);
  CHECK(f.server.gateCounters()->header_timeouts == 1);
  CHECK(f.seen.calls == 0);
  REQUIRE(waitFor([&] { return f.server.openConnections() == 0; }));
}

TEST_CASE("connections over the per-address limit get 503; other addresses still get in",
          "[http][gate]") {
  auto s = loopback();
  s.max_connections_per_address = 3;
  Fixture f(s);
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) held.push_back(connectFrom("127.0.0.2", f.server.port()));
  REQUIRE(waitFor([&] { return f.server.openConnections() == 3; }));
  const int over = connectFrom("127.0.0.2", f.server.port());
  CHECK(readFor(over, std::chrono::milliseconds(10000)).rfind("HTTP/1.1 503 ", 0) == 0);
  ::close(over);
  CHECK(f.server.gateCounters()->refused_over_limit == 1);
  CHECK(postWithin(f.server.port(), Poco::Timespan(10, 0)) == 202);
  for (int fd : held) ::close(fd);
  // Closed by their clients while waiting for a head: counted out again.
  REQUIRE(waitFor([&] { return f.server.openConnections() == 0; }));
  const int again = connectFrom("127.0.0.2", f.server.port());
  sendAll(again, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(readFor(again, std::chrono::milliseconds(10000)).rfind("HTTP/1.1 200 ", 0) == 0);
  ::close(again);
}

TEST_CASE("a head over 64 KiB gets 431 without reaching a handler", "[http][gate]") {
  Fixture f;
  const int fd = connectFrom("127.0.0.1", f.server.port());
  std::string head = "POST /hooks/test HTTP/1.1\r\nHost: x\r\n";
  while (head.size() < 70 * 1024) head += "X-Pad: " + std::string(1000, 'a') + "\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  CHECK(readFor(fd, std::chrono::milliseconds(10000)).rfind("HTTP/1.1 431 ", 0) == 0);
  ::close(fd);
  CHECK(f.seen.calls == 0);
}

TEST_CASE("an idle keep-alive connection holds no thread between its requests", "[http][gate]") {
  auto s = loopback();
  s.max_threads = 1;
  Fixture f(s);
  Poco::Net::HTTPClientSession kept("127.0.0.1", f.server.port());
  kept.setTimeout(Poco::Timespan(10, 0));
  kept.setKeepAlive(true);
  auto get = [&](Poco::Net::HTTPClientSession& session) {
    Poco::Net::HTTPRequest req("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::ostringstream sink;
    Poco::StreamCopier::copyStream(session.receiveResponse(resp), sink);
    return static_cast<int>(resp.getStatus());
  };
  REQUIRE(get(kept) == 200);
  // The only thread would be waiting for `kept`'s next request in a thread-per-connection
  // server; here another client is served at once.
  CHECK(postWithin(f.server.port(), Poco::Timespan(5, 0)) == 202);
  CHECK(get(kept) == 200);  // and the kept connection still carries requests
  CHECK(f.server.openConnections() == 1);
}

TEST_CASE("pipelined requests in one write are all answered, in order", "[http][gate]") {
  Fixture f;
  const std::string got =
      rawExchange(f.server.port(),
                  "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto first = got.find("HTTP/1.1 200 ");
  const auto second = got.find("HTTP/1.1 404 ");
  const auto third = got.find("HTTP/1.1 200 ", first + 1);
  CHECK(first == 0);
  CHECK(second != std::string::npos);
  CHECK(third != std::string::npos);
  CHECK(second < third);
}
