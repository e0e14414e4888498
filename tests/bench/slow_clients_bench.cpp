// SPDX-License-Identifier: Apache-2.0
// bench_slow_clients PORT CROWD BODY_FILE SIGNATURE [DELIVERIES]
// Opens CROWD connections to 127.0.0.1:PORT (spread over source addresses 127.0.0.2 and up,
// 100 per address) that start a request head and then send one more header byte every
// 300 ms, for ever ("slowloris"); once all are open, sends DELIVERIES signed webhook
// deliveries (BODY_FILE, X-Hub-Signature-256: SIGNATURE) one after another on fresh
// connections and prints how long each took to be answered: p50, p99, max, and the count of
// crowd connections the server still held open at the end.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

int connectFrom(const std::string& source, uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s PORT CROWD BODY_FILE SIGNATURE [DELIVERIES]\n", argv[0]);
    return 2;
  }
  const auto port = static_cast<uint16_t>(std::atoi(argv[1]));
  const int crowd = std::atoi(argv[2]);
  std::ifstream in(argv[3], std::ios::binary);
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string signature = argv[4];
  const int deliveries = argc > 5 ? std::atoi(argv[5]) : 20;

  std::vector<int> fds;
  for (int i = 0; i < crowd; ++i) {
    const std::string source = "127.0.0." + std::to_string(2 + i / 100);
    const int fd = connectFrom(source, port);
    const std::string start = "POST /hooks/lxdrunner HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
    fds.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickler([&] {
    while (!stop) {
      for (int fd : fds) ::send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the crowd is in and trickling

  std::vector<double> ms;
  int failures = 0;
  for (int i = 0; i < deliveries; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    try {
      Poco::Net::HTTPClientSession session("127.0.0.1", port);
      session.setTimeout(Poco::Timespan(30, 0));
      Poco::Net::HTTPRequest req("POST", "/hooks/lxdrunner", Poco::Net::HTTPMessage::HTTP_1_1);
      req.setContentType("application/json");
      req.set("X-GitHub-Event", "workflow_job");
      req.set("X-GitHub-Delivery", "bench-slow-clients-" + std::to_string(i));
      req.set("X-Hub-Signature-256", signature);
      req.setContentLength(static_cast<std::streamsize>(body.size()));
      session.sendRequest(req) << body;
      Poco::Net::HTTPResponse resp;
      std::ostringstream sink;
      Poco::StreamCopier::copyStream(session.receiveResponse(resp), sink);
      if (resp.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) ++failures;
    } catch (const Poco::Exception& e) {
      std::fprintf(stderr, "delivery %d: %s\n", i, e.displayText().c_str());
      ++failures;
    }
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  // Still held by the server: a peek that is not end-of-file (0) or an error.
  int open = 0;
  for (int fd : fds) {
    char c;
    const ssize_t n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ++open;
  }
  stop = true;
  trickler.join();
  for (int fd : fds) ::close(fd);

  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
  };
  std::printf(
      "BENCH crowd=%d still_open=%d deliveries=%d not_200=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
      crowd, open, deliveries, failures, at(0.5), at(0.99), ms.back());
  return failures == 0 ? 0 : 1;
}
