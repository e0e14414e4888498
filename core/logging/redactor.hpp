// SPDX-License-Identifier: Apache-2.0
// The one list of secret values the log redactor masks, bounded in memory and in the time it
// takes per log line however long the daemon runs:
//  - configured secrets (PAT, webhook secret, App key, API token) are kept for good;
//  - short-lived credentials GitHub issues per job or per hour (JIT configs, registration and
//    installation tokens) are kept only until they expire, and not at all when their shape
//    alone masks them (token_shapes.hpp) — GitHub tokens and JIT configs stay masked by
//    shape long after the value is forgotten;
//  - at most kMaxShortLived values / kMaxShortLivedBytes are kept; the oldest go first.
// Log lines read an immutable snapshot, so writers never hold up logging and loggers never
// hold up each other; a line is scanned once for the short-lived values, not once per value.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace lxdrunner::logging {

class Redactor {
 public:
  static constexpr size_t kMaxShortLived = 4096;
  static constexpr size_t kMaxShortLivedBytes = size_t{1} << 20;
  // Shorter values would mask ordinary words; secrets are never that short.
  static constexpr size_t kMinSecretLength = 4;

  using Clock = std::function<int64_t()>;  // monotonic milliseconds
  explicit Redactor(Clock clock = {});

  void addPermanent(const std::string& secret);
  // Masked for `lifetime` from now (by shape afterwards, when it has one).
  void addShortLived(const std::string& secret, std::chrono::seconds lifetime);

  // `text` with every secret replaced by "****".
  std::string redact(std::string text) const;

  struct Usage {
    size_t permanent = 0;
    size_t short_lived = 0;  // values held, expired ones not yet dropped included
    size_t bytes = 0;        // of the values held
  };
  Usage usage() const;

 private:
  struct Entry {
    std::string value;
    int64_t expires_ms = 0;
  };
  struct Snapshot {
    std::vector<std::string> permanent;
    std::vector<Entry> short_lived;  // oldest first
    size_t bytes = 0;
    // An index of short_lived, so a line is scanned once however many values are held: a
    // bit per possible first two bytes, then the entries by their first four.
    std::vector<uint64_t> first_pairs;
    std::unordered_multimap<uint32_t, uint32_t> by_prefix;
    void index();
  };
  static void maskShortLived(const Snapshot& snapshot, int64_t now_ms, std::string& text);
  int64_t now() const;
  std::shared_ptr<const Snapshot> current() const;
  void publish(std::shared_ptr<const Snapshot> next);

  Clock clock_;
  std::mutex write_mu_;                       // writers copy, change and publish one at a time
  std::shared_ptr<const Snapshot> snapshot_;  // only through current()/publish()
};

}  // namespace lxdrunner::logging
