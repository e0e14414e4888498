// SPDX-License-Identifier: Apache-2.0
// The warm-pool half of the job store: instances launched and prepared before any job
// exists, and the claim that hands one to a job (docs/warm-pools.md).
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "jobs/detail/sqlite_helpers.hpp"
#include "jobs/job_store.hpp"

namespace lxdrunner::jobs {
namespace {

using Poco::Int64;
using Poco::Data::RecordSet;
using Poco::Data::Session;
using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

constexpr std::array<std::pair<WarmState, std::string_view>, 4> kWarmNames{{
    {WarmState::Launching, "launching"},
    {WarmState::Preparing, "preparing"},
    {WarmState::Idle, "idle"},
    {WarmState::Removing, "removing"},
}};

WarmState warmStateFrom(const std::string& text) {
  for (const auto& [state, name] : kWarmNames) {
    if (name == text) return state;
  }
  throw std::runtime_error("jobs.sqlite: unknown warm instance state '" + text + "'");
}

const char* const kWarmColumns =
    "name, entry, backend, remote, state, entry_hash, image, frozen, created_at, ready_at";

std::vector<WarmRecord> readWarm(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<WarmRecord> out;
  out.reserve(rs.rowCount());
  for (size_t row = 0; row < rs.rowCount(); ++row) {
    auto str = [&](size_t col) { return rs.value(col, row).convert<std::string>(); };
    auto i64 = [&](size_t col) { return rs.value(col, row).convert<Int64>(); };
    WarmRecord r;
    r.name = str(0);
    r.entry = str(1);
    r.backend = str(2);
    r.remote = str(3);
    r.state = warmStateFrom(str(4));
    r.entry_hash = str(5);
    r.image = str(6);
    r.frozen = i64(7) != 0;
    r.created_at = i64(8);
    r.ready_at = i64(9);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::string_view toString(WarmState state) noexcept {
  for (const auto& [s, name] : kWarmNames) {
    if (s == state) return name;
  }
  return "unknown";
}

size_t JobStore::countWarmUnlocked(const std::string* entry) const {
  Int64 n = 0;
  Statement st(impl_->session);
  st << "SELECT COUNT(*) FROM warm_instances" << (entry ? " WHERE entry = ?" : "");
  if (entry) st.addBind(bind(*entry));
  st.addExtract(into(n));
  st.execute();
  return static_cast<size_t>(n);
}

void JobStore::addWarm(const WarmRecord& r) {
  std::lock_guard<std::mutex> lock(mutex_);
  impl_->session << "INSERT INTO warm_instances (" << kWarmColumns
                 << ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      bind(r.name), bind(r.entry), bind(r.backend), bind(r.remote),
      bind(std::string(toString(r.state))), bind(r.entry_hash), bind(r.image),
      bind(static_cast<int>(r.frozen)), bind(static_cast<Int64>(r.created_at)),
      bind(static_cast<Int64>(r.ready_at)), now;
}

bool JobStore::setWarmState(const std::string& name, WarmState from, WarmState to, int64_t now_ms,
                            const std::string& remote, const std::string& image) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  const bool ready = to == WarmState::Idle;
  s << "UPDATE warm_instances SET state = ?,"
       " remote = CASE WHEN ? <> '' THEN ? ELSE remote END,"
       " image = CASE WHEN ? <> '' THEN ? ELSE image END,"
       " ready_at = CASE WHEN ? THEN ? ELSE ready_at END"
       " WHERE name = ? AND state = ?",
      bind(std::string(toString(to))), bind(remote), bind(remote), bind(image), bind(image),
      bind(static_cast<int>(ready)), bind(static_cast<Int64>(now_ms)), bind(name),
      bind(std::string(toString(from))), now;
  return detail::changes(s) == 1;
}

void JobStore::setWarmFrozen(const std::string& name, bool frozen) {
  std::lock_guard<std::mutex> lock(mutex_);
  impl_->session << "UPDATE warm_instances SET frozen = ? WHERE name = ?",
      bind(static_cast<int>(frozen)), bind(name), now;
}

bool JobStore::removeWarm(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  s << "DELETE FROM warm_instances WHERE name = ?", bind(name), now;
  return detail::changes(s) == 1;
}

std::optional<WarmRecord> JobStore::warm(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kWarmColumns << " FROM warm_instances WHERE name = ?", bind(name);
  auto rows = readWarm(st);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<WarmRecord> JobStore::warmInstances(const std::string* entry) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kWarmColumns << " FROM warm_instances" << (entry ? " WHERE entry = ?" : "")
     << " ORDER BY created_at, name";
  if (entry) st.addBind(bind(*entry));
  return readWarm(st);
}

size_t JobStore::countWarm(const std::string& entry, WarmState state) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Int64 n = 0;
  impl_->session << "SELECT COUNT(*) FROM warm_instances WHERE entry = ? AND state = ?",
      bind(entry), bind(std::string(toString(state))), into(n), now;
  return static_cast<size_t>(n);
}

std::optional<WarmRecord> JobStore::claimWarm(
    uint64_t job_id, const std::string& entry, int64_t now_ms,
    const std::map<std::string, std::vector<DeviceHold>>* devices) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  detail::WriteTransaction tx(s);
  Statement pick(s);
  // Longest idle first: it is the next to reach max_idle_s, so the pool recycles less.
  pick << "SELECT " << kWarmColumns << " FROM warm_instances WHERE entry = ? AND state = 'idle'"
       << " ORDER BY ready_at, name",
      bind(entry);
  auto rows = readWarm(pick);
  auto chosen = rows.begin();
  if (devices != nullptr) {
    chosen = std::find_if(rows.begin(), rows.end(),
                          [devices](const WarmRecord& w) { return devices->count(w.remote) > 0; });
  }
  if (chosen == rows.end()) return std::nullopt;
  const WarmRecord& w = *chosen;
  const Int64 at = static_cast<Int64>(now_ms);
  s << "UPDATE jobs SET state = 'provisioning', instance = ?, remote = ?, backend = ?,"
       " instance_gone_at = 0, attempts = attempts + 1, launching_at = ?, provisioning_at = ?,"
       " served_warm = 1 WHERE job_id = ? AND state = 'queued'",
      bind(w.name), bind(w.remote), bind(w.backend), bind(at), bind(at), bind(detail::toDb(job_id)),
      now;
  if (detail::changes(s) != 1) return std::nullopt;  // not queued (any more): roll back
  s << "DELETE FROM warm_instances WHERE name = ? AND state = 'idle'", bind(w.name), now;
  if (detail::changes(s) != 1) return std::nullopt;
  if (devices != nullptr) {
    for (const auto& hold : devices->at(w.remote)) {
      // OR IGNORE: a held item changes no row, and the transaction is rolled back.
      s << "INSERT OR IGNORE INTO device_holds (pool, remote, item, device, instance, held_at)"
           " VALUES (?, ?, ?, ?, ?, ?)",
          bind(hold.pool), bind(hold.remote), bind(hold.item), bind(hold.device), bind(w.name),
          bind(at), now;
      if (detail::changes(s) != 1) return std::nullopt;
    }
  }
  tx.commit();
  return std::move(*chosen);
}

}  // namespace lxdrunner::jobs
