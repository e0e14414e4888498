// SPDX-License-Identifier: Apache-2.0
#include "logging/redactor.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "logging/token_shapes.hpp"

namespace lxdrunner::logging {
namespace {

constexpr std::string_view kMask = "****";

void replaceAll(std::string& text, const std::string& secret) {
  for (size_t pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos + kMask.size())) {
    text.replace(pos, secret.size(), kMask);
  }
}

uint32_t pairOf(const char* p) {
  return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) << 8 |
         static_cast<unsigned char>(p[1]);
}
uint32_t prefixOf(const char* p) {
  uint32_t key = 0;
  std::memcpy(&key, p, sizeof key);
  return key;
}

}  // namespace

void Redactor::Snapshot::index() {
  first_pairs.assign(65536 / 64, 0);
  by_prefix.clear();
  by_prefix.reserve(short_lived.size());
  for (size_t i = 0; i < short_lived.size(); ++i) {
    const char* value = short_lived[i].value.data();
    const uint32_t pair = pairOf(value);
    first_pairs[pair / 64] |= uint64_t{1} << (pair % 64);
    by_prefix.emplace(prefixOf(value), static_cast<uint32_t>(i));
  }
}

// Leftmost, then longest match first; one pass over the text.
void Redactor::maskShortLived(const Snapshot& snapshot, int64_t now_ms, std::string& text) {
  std::string out;
  size_t copied = 0;
  size_t i = 0;
  while (i + kMinSecretLength <= text.size()) {
    const uint32_t pair = pairOf(text.data() + i);
    if ((snapshot.first_pairs[pair / 64] & (uint64_t{1} << (pair % 64))) == 0) {
      ++i;
      continue;
    }
    size_t longest = 0;
    const auto [begin, end] = snapshot.by_prefix.equal_range(prefixOf(text.data() + i));
    for (auto it = begin; it != end; ++it) {
      const Entry& e = snapshot.short_lived[it->second];
      if (e.expires_ms > now_ms && e.value.size() > longest &&
          text.compare(i, e.value.size(), e.value) == 0) {
        longest = e.value.size();
      }
    }
    if (longest == 0) {
      ++i;
      continue;
    }
    out.append(text, copied, i - copied);
    out += kMask;
    i = copied = i + longest;
  }
  if (copied == 0) return;
  out.append(text, copied, std::string::npos);
  text = std::move(out);
}

Redactor::Redactor(Clock clock) : clock_(std::move(clock)) {
  snapshot_ = std::make_shared<const Snapshot>();
}

int64_t Redactor::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// std::atomic_load/store on shared_ptr: a reader copies the pointer and then scans without
// any lock, while a writer swaps in a new list.
std::shared_ptr<const Redactor::Snapshot> Redactor::current() const {
  return std::atomic_load(&snapshot_);
}

void Redactor::publish(std::shared_ptr<const Snapshot> next) {
  std::atomic_store(&snapshot_, std::move(next));
}

void Redactor::addPermanent(const std::string& secret) {
  if (secret.size() < kMinSecretLength) return;
  std::lock_guard<std::mutex> lock(write_mu_);
  const auto old = current();
  if (std::find(old->permanent.begin(), old->permanent.end(), secret) != old->permanent.end())
    return;
  auto next = std::make_shared<Snapshot>(*old);
  next->permanent.push_back(secret);
  publish(std::move(next));
}

void Redactor::addShortLived(const std::string& secret, std::chrono::seconds lifetime) {
  if (secret.size() < kMinSecretLength || hasTokenShape(secret)) return;
  std::lock_guard<std::mutex> lock(write_mu_);
  const auto old = current();
  const int64_t now_ms = now();
  auto next = std::make_shared<Snapshot>();
  next->permanent = old->permanent;
  next->short_lived.reserve(old->short_lived.size() + 1);
  for (const auto& e : old->short_lived) {
    // Expired values are dropped here, on the writer's time; the same value comes back at
    // the end with its new expiry.
    if (e.expires_ms <= now_ms || e.value == secret) continue;
    next->short_lived.push_back(e);
    next->bytes += e.value.size();
  }
  next->short_lived.push_back({secret, now_ms + std::chrono::milliseconds(lifetime).count()});
  next->bytes += secret.size();
  size_t drop = 0;
  while (drop < next->short_lived.size() &&
         (next->short_lived.size() - drop > kMaxShortLived || next->bytes > kMaxShortLivedBytes)) {
    next->bytes -= next->short_lived[drop].value.size();
    ++drop;
  }
  next->short_lived.erase(next->short_lived.begin(),
                          next->short_lived.begin() + static_cast<std::ptrdiff_t>(drop));
  next->index();
  publish(std::move(next));
}

std::string Redactor::redact(std::string text) const {
  const auto snapshot = current();
  for (const auto& secret : snapshot->permanent) replaceAll(text, secret);
  if (!snapshot->short_lived.empty()) maskShortLived(*snapshot, now(), text);
  maskTokenShapes(text);  // last: a known value inside a shaped run is masked exactly
  return text;
}

Redactor::Usage Redactor::usage() const {
  const auto snapshot = current();
  Usage u;
  u.permanent = snapshot->permanent.size();
  u.short_lived = snapshot->short_lived.size();
  u.bytes = snapshot->bytes;
  for (const auto& s : snapshot->permanent) u.bytes += s.size();
  return u;
}

}  // namespace lxdrunner::logging
