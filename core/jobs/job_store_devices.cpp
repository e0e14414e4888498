// SPDX-License-Identifier: Apache-2.0
// The device-pool half of the job store: which instance holds which pool item
// (docs/custom-hardware.md). Holds are written by launchHolding (job_store.cpp), or by
// recordHold when recovery finds an item attached in LXD, and freed by markInstanceGone.
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "jobs/detail/sqlite_helpers.hpp"
#include "jobs/job_store.hpp"

namespace lxdrunner::jobs {
namespace {

using Poco::Int64;
using Poco::Data::RecordSet;
using Poco::Data::Session;
using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;

using detail::changes;
using detail::WriteTransaction;

const char* const kHoldColumns = "pool, remote, item, device, instance, held_at";
// A hold whose instance is no live job instance and no warm instance: nothing holds it.
const char* const kStale =
    "instance NOT IN (SELECT instance FROM jobs WHERE instance <> '' AND instance_gone_at = 0)"
    " AND instance NOT IN (SELECT name FROM warm_instances)";

std::vector<DeviceHold> readHolds(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<DeviceHold> out;
  out.reserve(rs.rowCount());
  for (size_t row = 0; row < rs.rowCount(); ++row) {
    auto str = [&](size_t col) { return rs.value(col, row).convert<std::string>(); };
    DeviceHold h;
    h.pool = str(0);
    h.remote = str(1);
    h.item = str(2);
    h.device = str(3);
    h.instance = str(4);
    h.held_at = rs.value(5, row).convert<Int64>();
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace

std::vector<DeviceHold> JobStore::deviceHolds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kHoldColumns << " FROM device_holds ORDER BY pool, remote, item";
  return readHolds(st);
}

std::vector<DeviceHold> JobStore::releaseStaleHolds() {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  WriteTransaction tx(s);
  Statement st(s);
  st << "SELECT " << kHoldColumns << " FROM device_holds WHERE " << kStale
     << " ORDER BY pool, remote, item";
  auto stale = readHolds(st);
  Statement del(s);
  del << "DELETE FROM device_holds WHERE " << kStale;
  del.execute();
  tx.commit();
  return stale;
}

size_t JobStore::releaseHolds(const std::string& instance) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  s << "DELETE FROM device_holds WHERE instance = ?", bind(instance), now;
  return changes(s);
}

size_t JobStore::releaseHoldsIfStale(const std::string& instance) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  Statement del(s);
  del << "DELETE FROM device_holds WHERE instance = ? AND " << kStale, bind(instance);
  del.execute();
  return changes(s);
}

bool JobStore::recordHold(const DeviceHold& hold) {
  if (hold.instance.empty()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  // OR IGNORE: the primary key (the item) keeps an existing holder.
  s << "INSERT OR IGNORE INTO device_holds (pool, remote, item, device, instance, held_at)"
       " VALUES (?, ?, ?, ?, ?, ?)",
      bind(hold.pool), bind(hold.remote), bind(hold.item), bind(hold.device), bind(hold.instance),
      bind(static_cast<Int64>(hold.held_at)), now;
  return changes(s) == 1;
}

}  // namespace lxdrunner::jobs
