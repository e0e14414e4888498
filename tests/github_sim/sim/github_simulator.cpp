// SPDX-License-Identifier: Apache-2.0
#include "sim/github_simulator.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <stdexcept>
#include <utility>

#include "sim/http_adapter.hpp"
#include "sim/sim_service.hpp"

namespace lxdrunner::github_sim {
namespace {

Poco::Net::ServerSocket bindSocket(const SimulatorOptions& options, bool tls) {
  const Poco::Net::SocketAddress address(options.bindAddress, options.port);
  if (!tls) return Poco::Net::ServerSocket(address, 128);
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, options.tlsKeyFile,
                             options.tlsCertFile, "", Poco::Net::Context::VERIFY_NONE);
  return Poco::Net::SecureServerSocket(address, 128, context);
}

}  // namespace

GithubSimulator::GithubSimulator(SimulatorOptions options)
    : options_(std::move(options)), service_(std::make_unique<SimService>(options_)) {}

GithubSimulator::~GithubSimulator() {
  stop();
  if (sslInitialised_) Poco::Net::uninitializeSSL();
}

void GithubSimulator::start() {
  if (server_) return;
  const bool tls = !options_.tlsCertFile.empty() || !options_.tlsKeyFile.empty();
  if (tls && (options_.tlsCertFile.empty() || options_.tlsKeyFile.empty())) {
    throw std::runtime_error("TLS needs both a certificate and a key");
  }
  if (!sslInitialised_) {
    // Also needed without TLS on our side: webhooks may go to an https URL.
    Poco::Net::initializeSSL();
    sslInitialised_ = true;
  }
  Poco::Net::ServerSocket socket = bindSocket(options_, tls);
  port_ = socket.address().port();
  const std::string scheme = tls ? "https" : "http";
  const std::string host = options_.bindAddress == "0.0.0.0" || options_.bindAddress == "::"
                               ? "127.0.0.1"
                               : options_.bindAddress;
  const std::string hostPort =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port_);
  listenUrl_ = scheme + "://" + hostPort;
  url_ = options_.publicUrl.empty() ? listenUrl_ : options_.publicUrl;
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  service_->start(url_);

  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options_.maxThreads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setServerName("github.com");
  // The server's dispatcher thread also runs in this pool, hence the extra room.
  pool_ = std::make_unique<Poco::ThreadPool>(2, options_.maxThreads + 2, 60);
  server_ = std::make_unique<Poco::Net::HTTPServer>(
      new SimRequestHandlerFactory(*service_, scheme, hostPort), *pool_, socket, params);
  server_->start();
}

void GithubSimulator::stop() {
  if (!server_) {
    service_->stop();
    return;
  }
  service_->stop();  // first: wakes long-polling runners so their threads can finish
  server_->stopAll(true);
  pool_->joinAll();
  server_.reset();
  pool_.reset();
}

bool GithubSimulator::flushWebhooks(std::chrono::milliseconds timeout) {
  return service_->context().sender.waitIdle(timeout);
}

}  // namespace lxdrunner::github_sim
