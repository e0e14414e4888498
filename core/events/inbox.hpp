// SPDX-License-Identifier: Apache-2.0
// The inbox: job events from every source, waiting for the dispatcher. Event sources write
// here (through the host service emit_job_event) and never call the dispatcher directly,
// so dispatcher → plugin host → host services → dispatcher never becomes a circle.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::events {

struct InboxEvent {
  std::string source;  // the event source plugin that emitted it
  sdk::JobEvent event;
};

class Inbox {
 public:
  explicit Inbox(size_t capacity = 100000) : capacity_(capacity) {}

  // Never blocks. False when the inbox is full or closed (the source answers 503 and
  // GitHub's redelivery or the poll source brings the event back).
  bool push(InboxEvent event);
  // Waits up to `timeout` for an event; nullopt on timeout or once closed and drained.
  std::optional<InboxEvent> pop(std::chrono::milliseconds timeout);
  void close();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<InboxEvent> queue_;
  size_t capacity_;
  bool closed_ = false;
};

}  // namespace lxdrunner::events
