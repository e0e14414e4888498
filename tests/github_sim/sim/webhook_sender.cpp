// SPDX-License-Identifier: Apache-2.0
#include "sim/webhook_sender.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <memory>
#include <utility>

namespace lxdrunner::github_sim {
namespace {

constexpr std::streamsize kMaxResponseBody = 64 * 1024;  // GitHub keeps a short excerpt too

std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const Poco::URI& uri,
                                                          const OutgoingDelivery& delivery) {
  if (uri.getScheme() == "https") {
    const auto mode =
        delivery.insecure ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", delivery.caFile, mode, 9,
                               delivery.caFile.empty());
    return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
  }
  return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
}

}  // namespace

WebhookSender::WebhookSender(ResultCallback onResult, std::chrono::milliseconds timeout)
    : onResult_(std::move(onResult)), timeout_(timeout) {}

WebhookSender::~WebhookSender() {
  stop();
}

void WebhookSender::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] { run(); });
}

void WebhookSender::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  idle_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void WebhookSender::enqueue(OutgoingDelivery delivery) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(delivery));
  }
  wake_.notify_one();
}

bool WebhookSender::waitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return stopping_ || (queue_.empty() && !busy_); });
}

std::size_t WebhookSender::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size() + (busy_ ? 1U : 0U);
}

void WebhookSender::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    OutgoingDelivery delivery = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    const DeliveryOutcome outcome = post(delivery);
    onResult_(delivery.deliveryId, outcome);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

DeliveryOutcome WebhookSender::post(const OutgoingDelivery& delivery) const {
  DeliveryOutcome outcome;
  const auto started = std::chrono::steady_clock::now();
  try {
    const Poco::URI uri(delivery.url);
    auto session = openSession(uri, delivery);
    const auto timeoutUs = std::chrono::duration_cast<std::chrono::microseconds>(timeout_);
    session->setTimeout(Poco::Timespan(timeoutUs.count()));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : delivery.headers) request.set(name, value);
    request.setContentLength(static_cast<std::streamsize>(delivery.body.size()));
    session->sendRequest(request) << delivery.body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    outcome.statusCode = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) outcome.responseHeaders.emplace_back(name, value);
    std::string body(static_cast<std::size_t>(kMaxResponseBody), '\0');
    in.read(body.data(), kMaxResponseBody);
    body.resize(static_cast<std::size_t>(in.gcount()));
    outcome.responseBody = std::move(body);
  } catch (const Poco::TimeoutException&) {
    outcome.error = "timed out";
  } catch (const Poco::Net::ConnectionRefusedException&) {
    outcome.error = "failed to connect to host";
  } catch (const Poco::Exception& e) {
    outcome.error = e.displayText();
  } catch (const std::exception& e) {
    outcome.error = e.what();
  }
  outcome.durationSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return outcome;
}

}  // namespace lxdrunner::github_sim
