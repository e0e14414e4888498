// SPDX-License-Identifier: Apache-2.0
#include "daemon/credential_prefetch.hpp"

#include <utility>

namespace lxdrunner::daemon {

namespace {
// A launch that never reached its provisioner and was never destroyed through the executor
// (a crash of the plugin, say) leaves its slot: forgotten after this long.
constexpr auto kForgetAfter = std::chrono::minutes(30);
}  // namespace

CredentialPrefetch::CredentialPrefetch(Generate generate, Remove remove, size_t threads)
    : generate_(std::move(generate)), remove_(std::move(remove)), fetches_("prefetch", threads) {}

CredentialPrefetch::~CredentialPrefetch() {
  stop();
}

void CredentialPrefetch::launching(const std::string& entry, Ask ask) {
  std::vector<std::shared_ptr<Slot>> unused;
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    const auto now = Clock::now();
    pruneLocked(now, unused);
    slot = std::make_shared<Slot>();
    slot->entry = entry;
    slot->ask = std::move(ask);
    slot->since = now;
    auto wants = wants_jit_.find(entry);
    slot->fetch = wants != wants_jit_.end() && wants->second;
    auto& at = slots_[slot->ask.runner_name];
    if (at) {  // the same name again (cannot happen: names are unique): the old one is unused
      at->abandoned = true;
      unused.push_back(at);
    }
    at = slot;
  }
  for (const auto& s : unused) removeUnused(*s);
  if (slot->fetch) fetches_.post([this, slot] { fetch(slot); });
}

void CredentialPrefetch::fetch(const std::shared_ptr<Slot>& slot) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (slot->abandoned || stopped_) return;  // taken or discarded before it began
    slot->started = true;
  }
  Answer answer = generate_(slot->ask);
  bool remove = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    slot->answer = std::move(answer);
    slot->done = true;
    remove = slot->abandoned;
  }
  done_.notify_all();
  if (remove) removeUnused(*slot);
}

std::optional<std::string> CredentialPrefetch::take(const Ask& ask, bool jit,
                                                    Clock::time_point deadline) {
  std::shared_ptr<Slot> slot;
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = slots_.find(ask.runner_name);
    if (it == slots_.end()) {
      if (jit) ++stats_.misses;
      return std::nullopt;
    }
    slot = it->second;
    slots_.erase(it);
    wants_jit_[slot->entry] = jit;  // what this entry's provisioner asks for, from now on
    if (!slot->fetch) {
      if (jit) ++stats_.misses;
      return std::nullopt;
    }
    if (!slot->started) {  // still queued: asking directly is as fast, and it never begins
      slot->abandoned = true;
      ++stats_.misses;
      return std::nullopt;
    }
    if (!done_.wait_until(lock, deadline, [&] { return slot->done; })) {
      slot->abandoned = true;  // deleted once it arrives
      ++stats_.misses;
      return std::nullopt;
    }
    if (slot->answer.status == LXDR_OK && jit && slot->ask == ask) {
      ++stats_.hits;
      return std::move(slot->answer.value);
    }
    if (slot->answer.status != LXDR_OK) {
      ++stats_.misses;  // the provisioner's own request is the retry
      return std::nullopt;
    }
    ++stats_.misses;
    slot->abandoned = true;
  }
  // Registered for another repository, or the provisioner wants a registration token: the
  // name must be free before the provisioner registers it.
  removeUnused(*slot);
  return std::nullopt;
}

void CredentialPrefetch::discard(const std::string& runner_name) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = slots_.find(runner_name);
    if (it == slots_.end()) return;
    slot = it->second;
    slots_.erase(it);
    slot->abandoned = true;
    if (!slot->done) return;  // fetch() deletes it once it arrives, or never begins
  }
  removeUnused(*slot);
}

void CredentialPrefetch::removeUnused(const Slot& slot) {
  if (!slot.done || slot.answer.status != LXDR_OK || slot.answer.runner_id == 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.wasted;
  }
  remove_(slot.ask.scope, slot.answer.runner_id);
}

void CredentialPrefetch::pruneLocked(Clock::time_point now,
                                     std::vector<std::shared_ptr<Slot>>& unused) {
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (now - it->second->since < kForgetAfter) {
      ++it;
      continue;
    }
    it->second->abandoned = true;
    if (it->second->done) unused.push_back(it->second);
    it = slots_.erase(it);
  }
}

void CredentialPrefetch::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  // Queued fetches see stopped_ and return; those talking to GitHub finish. What they
  // registered is an offline registration of ours: the next start's sweep deletes it.
  fetches_.drainAndStop();
}

CredentialPrefetch::Stats CredentialPrefetch::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace lxdrunner::daemon
