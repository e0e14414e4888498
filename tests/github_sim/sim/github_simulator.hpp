// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "sim/simulator_options.hpp"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace lxdrunner::github_sim {

class SimService;

// The GitHub simulator as an object: tests start it in-process on 127.0.0.1 port 0, talk to
// url(), and stop it (or let the destructor do so). github-sim wraps the same class.
class GithubSimulator {
 public:
  explicit GithubSimulator(SimulatorOptions options);
  ~GithubSimulator();
  GithubSimulator(const GithubSimulator&) = delete;
  GithubSimulator& operator=(const GithubSimulator&) = delete;

  // Binds and starts serving. Throws (Poco::Exception, std::runtime_error) when the address is
  // taken, the TLS files or the app key cannot be read, or the state file is broken.
  void start();
  void stop();

  std::uint16_t port() const { return port_; }
  // scheme://host:port clients use; the public URL when one was configured.
  std::string url() const { return url_; }
  // scheme://bind-address:port actually listened on (127.0.0.1 for a wildcard bind).
  std::string listenUrl() const { return listenUrl_; }
  // Waits until every webhook queued so far has been attempted.
  bool flushWebhooks(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  SimService& service() { return *service_; }

 private:
  SimulatorOptions options_;
  std::unique_ptr<SimService> service_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  std::string url_;
  std::string listenUrl_;
  bool sslInitialised_ = false;
};

}  // namespace lxdrunner::github_sim
