// SPDX-License-Identifier: Apache-2.0
// The inbox: job events from every source, waiting for the dispatcher. Event sources write
// here (through the host service emit_job_event) and never call the dispatcher directly,
// so dispatcher → plugin host → host services → dispatcher never becomes a circle.
//
// A source may wait for its event to be durable (deliver): the consumer settles each item
// once the job store has it, or with the store's error, so a webhook is answered 2xx only
// for an event that survives kill -9, and 503 otherwise (GitHub marks the delivery failed;
// redelivery or the poll source brings it back).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::events {

struct InboxEvent {
  std::string source;  // the event source plugin that emitted it
  sdk::JobEvent event;
};

// What became of an event handed over with deliver().
enum class DeliveryOutcome {
  kRecorded,  // the consumer recorded it (durable)
  kFailed,    // the consumer could not record it; `error` says why
  kRefused,   // the inbox is full or closed
  kTimedOut,  // not settled in time: it may still be recorded later (recording is idempotent)
};

struct DeliveryResult {
  DeliveryOutcome outcome;
  std::string error;
};

namespace detail {
struct Receipt;  // shared by a waiting deliver() and the item the consumer settles
}

// An event as the consumer takes it: settle it once it is recorded, or failed to be.
class InboxItem : public InboxEvent {
 public:
  InboxItem(InboxEvent from, std::shared_ptr<detail::Receipt> receipt);
  // Tells a waiting deliver() (if any) the outcome. Later calls do nothing.
  void settle(bool recorded, const std::string& error = std::string()) const;

 private:
  std::shared_ptr<detail::Receipt> receipt_;
};

class Inbox {
 public:
  explicit Inbox(size_t capacity = 100000) : capacity_(capacity) {}

  // Never blocks. False when the inbox is full or closed (the source answers 503 and
  // GitHub's redelivery or the poll source brings the event back).
  bool push(InboxEvent event);
  // Hands the event over and waits up to `timeout` for the consumer to settle it.
  DeliveryResult deliver(InboxEvent event, std::chrono::milliseconds timeout);
  // Waits up to `timeout` for an event; nullopt on timeout or once closed and drained.
  std::optional<InboxItem> pop(std::chrono::milliseconds timeout);
  void close();
  size_t size() const;

 private:
  bool enqueue(InboxEvent event, std::shared_ptr<detail::Receipt> receipt);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<InboxItem> queue_;
  size_t capacity_;
  bool closed_ = false;
};

}  // namespace lxdrunner::events
