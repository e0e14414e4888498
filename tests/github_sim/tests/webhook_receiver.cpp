// SPDX-License-Identifier: Apache-2.0
#include "webhook_receiver.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include "sim/scope.hpp"

namespace lxdrunner::github_sim::testing {
namespace {

class RecordingHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RecordingHandler(WebhookReceiver& receiver) : receiver_(receiver) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    ReceivedWebhook webhook;
    for (const auto& [name, value] : request) webhook.headers[toLower(name)] = value;
    Poco::StreamCopier::copyToString(request.stream(), webhook.body);
    // The answer is the one set before the request was recorded: a test that changes it
    // once waitFor() has seen this request must not change this request's answer.
    const int status = receiver_.status();
    receiver_.record(std::move(webhook));
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentLength(2);
    response.send() << "ok";
  }

 private:
  WebhookReceiver& receiver_;
};

class RecordingFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RecordingFactory(WebhookReceiver& receiver) : receiver_(receiver) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RecordingHandler(receiver_);
  }

 private:
  WebhookReceiver& receiver_;
};

}  // namespace

std::string ReceivedWebhook::header(const std::string& lowerCaseName) const {
  auto it = headers.find(lowerCaseName);
  return it == headers.end() ? std::string() : it->second;
}

WebhookReceiver::WebhookReceiver() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RecordingFactory(*this), socket,
                                                    new Poco::Net::HTTPServerParams);
  server_->start();
}

WebhookReceiver::~WebhookReceiver() {
  server_->stopAll(true);
}

std::string WebhookReceiver::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/lxdrunner";
}

void WebhookReceiver::record(ReceivedWebhook webhook) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    received_.push_back(std::move(webhook));
  }
  arrived_.notify_all();
}

std::vector<ReceivedWebhook> WebhookReceiver::waitFor(std::size_t count,
                                                      std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  arrived_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
  return received_;
}

std::vector<ReceivedWebhook> WebhookReceiver::received() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

}  // namespace lxdrunner::github_sim::testing
