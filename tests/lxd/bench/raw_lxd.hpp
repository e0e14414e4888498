// SPDX-License-Identifier: Apache-2.0
// The leanest possible LXD client, as the benchmark's yardstick for "LXD's own time": one
// blocking unix socket, hand-written HTTP/1.1, no JSON library, no pool, no checks beyond
// what is needed to follow operations. Not for production use.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <stdexcept>
#include <string>

namespace lxdrunner::lxdbench {

class RawLxd {
 public:
  explicit RawLxd(const std::string& socket_path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path.c_str(), sizeof(address.sun_path) - 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("raw: cannot connect to " + socket_path);
    }
    // LXD 5.0 accepts its next connection only once this one has sent a request: a
    // connected but silent client stalls every other client of the socket.
    request("GET", "/1.0");
  }
  ~RawLxd() { ::close(fd_); }
  RawLxd(const RawLxd&) = delete;
  RawLxd& operator=(const RawLxd&) = delete;

  // Sends a request and returns the response body.
  std::string request(const std::string& method, const std::string& path,
                      const std::string& body = "") {
    std::string out = method + " " + path + " HTTP/1.1\r\nHost: lxd\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
      out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n";
    }
    out += "\r\n" + body;
    for (size_t sent = 0; sent < out.size();) {
      ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("raw: send failed");
      sent += static_cast<size_t>(n);
    }
    return readResponse();
  }

  // Starts an operation and waits for it.
  void run(const std::string& method, const std::string& path, const std::string& body = "") {
    std::string reply = request(method, path, body);
    const std::string key = "\"operation\":\"";
    auto at = reply.find(key);
    if (at == std::string::npos) throw std::runtime_error("raw: no operation in " + reply);
    auto end = reply.find('"', at + key.size());
    std::string op = reply.substr(at + key.size(), end - at - key.size());
    std::string done = request("GET", op + "/wait?timeout=60");
    if (done.find("\"status\":\"Failure\"") != std::string::npos ||
        done.find("\"status\":\"Cancelled\"") != std::string::npos) {
      throw std::runtime_error("raw: operation failed: " + done);
    }
  }

 private:
  std::string readResponse() {
    while (buffer_.find("\r\n\r\n") == std::string::npos) fill();
    const size_t header_end = buffer_.find("\r\n\r\n") + 4;
    std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end);
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto cl = head.find("content-length: ");
    if (cl != std::string::npos) {
      size_t length = std::stoul(head.substr(cl + 16));
      while (buffer_.size() < length) fill();
      std::string body = buffer_.substr(0, length);
      buffer_.erase(0, length);
      return body;
    }
    std::string body;  // chunked
    for (;;) {
      while (buffer_.find("\r\n") == std::string::npos) fill();
      size_t line_end = buffer_.find("\r\n");
      size_t size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
      buffer_.erase(0, line_end + 2);
      while (buffer_.size() < size + 2) fill();
      body += buffer_.substr(0, size);
      buffer_.erase(0, size + 2);
      if (size == 0) return body;
    }
  }
  void fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) throw std::runtime_error("raw: connection closed");
    buffer_.append(chunk, static_cast<size_t>(n));
  }

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace lxdrunner::lxdbench
