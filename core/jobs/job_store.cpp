// SPDX-License-Identifier: Apache-2.0
#include "jobs/job_store.hpp"

#include <Poco/Data/LOB.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <stdexcept>

#include "jobs/detail/sqlite_helpers.hpp"
#include "jobs/job_store_labels.hpp"
#include "jobs/job_store_log.hpp"
#include "jobs/schema.hpp"

namespace lxdrunner::jobs {
namespace {

using Poco::Int64;
using Poco::Data::BLOB;
using Poco::Data::RecordSet;
using Poco::Data::Session;
using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

using detail::changes;
using detail::fromDb;
using detail::toDb;
using detail::WriteTransaction;

const char* const kColumns =
    "job_id, seq, state, entry, instance, remote, backend, repository, labels, run_id,"
    " run_attempt, delivery_id, source, queued_at, launching_at, provisioning_at, running_at,"
    " finished_at, attempts, last_error, runner_name, instance_gone_at, served_warm,"
    " organization, installation_id, workflow_name, job_name, head_branch";
const char* const kActiveStates = "('launching', 'provisioning', 'running')";
const char* const kFinishedStates = "('completed', 'failed', 'cancelled')";

std::vector<JobRecord> readRecords(Statement& st) {
  st.execute();
  RecordSet rs(st);
  std::vector<JobRecord> out;
  out.reserve(rs.rowCount());
  for (size_t row = 0; row < rs.rowCount(); ++row) {
    auto i64 = [&](size_t col) { return rs.value(col, row).convert<Int64>(); };
    auto str = [&](size_t col) { return rs.value(col, row).convert<std::string>(); };
    JobRecord r;
    r.job_id = fromDb(i64(0));
    r.seq = i64(1);
    auto state = jobStateFromString(str(2));
    if (!state) throw std::runtime_error("jobs.sqlite: unknown job state '" + str(2) + "'");
    r.state = *state;
    r.entry = str(3);
    r.instance = str(4);
    r.remote = str(5);
    r.backend = str(6);
    r.repository = str(7);
    r.labels = labelsFromJson(str(8));
    r.run_id = fromDb(i64(9));
    r.run_attempt = static_cast<uint32_t>(i64(10));
    r.delivery_id = str(11);
    r.source = str(12);
    r.queued_at = i64(13);
    r.launching_at = i64(14);
    r.provisioning_at = i64(15);
    r.running_at = i64(16);
    r.finished_at = i64(17);
    r.attempts = static_cast<int>(i64(18));
    r.last_error = str(19);
    r.runner_name = str(20);
    r.instance_gone_at = i64(21);
    r.served_warm = i64(22) != 0;
    r.organization = str(23);
    r.installation_id = fromDb(i64(24));
    r.workflow_name = str(25);
    r.job_name = str(26);
    r.head_branch = str(27);
    out.push_back(std::move(r));
  }
  return out;
}

// Logs go through BLOB bindings: Poco's text bindings stop at the first NUL byte.
std::string readLog(Session& session, uint64_t job_id) {
  BLOB blob;
  session << "SELECT COALESCE((SELECT text FROM job_logs WHERE job_id = ?), x'')",
      bind(toDb(job_id)), into(blob), now;
  if (blob.size() == 0) return {};
  return std::string(reinterpret_cast<const char*>(blob.rawContent()), blob.size());
}

// The column holding the time a job entered `state`; nullptr for a requeue, which keeps the
// original queued_at so the job's age stays true.
const char* timestampColumn(JobState state) {
  switch (state) {
    case JobState::Queued:
      return nullptr;
    case JobState::Launching:
      return "launching_at";
    case JobState::Provisioning:
      return "provisioning_at";
    case JobState::Running:
      return "running_at";
    case JobState::Completed:
    case JobState::Failed:
    case JobState::Cancelled:
      return "finished_at";
  }
  return nullptr;
}

Session openSession(const std::string& path) {
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  return Session("SQLite", path);
}

// The compare-and-set behind transition(); the caller holds the store's mutex.
bool transitionUnlocked(Session& s, uint64_t job_id, JobState from, JobState to, int64_t now_ms,
                        const TransitionFields& fields) {
  std::string sql = "UPDATE jobs SET state = ?";
  if (const char* column = timestampColumn(to)) sql += std::string(", ") + column + " = ?";
  sql +=
      // Binding a new instance makes it live.
      ", instance_gone_at = CASE WHEN ? THEN 0 ELSE instance_gone_at END"
      ", instance = CASE WHEN ? THEN ? ELSE instance END"
      ", remote = CASE WHEN ? THEN ? ELSE remote END"
      ", backend = CASE WHEN ? THEN ? ELSE backend END"
      ", last_error = CASE WHEN ? THEN ? ELSE last_error END"
      ", attempts = CASE WHEN ? THEN ? ELSE attempts END"
      // The state in the WHERE clause is the compare-and-set: one statement, so atomic even
      // against another connection.
      " WHERE job_id = ? AND state = ?";
  Statement st(s);
  st << sql;
  st.addBind(bind(std::string(toString(to))));
  if (timestampColumn(to) != nullptr) st.addBind(bind(static_cast<Int64>(now_ms)));
  auto optional = [&st](const std::optional<std::string>& v) {
    st.addBind(bind(static_cast<int>(v.has_value())));
    st.addBind(bind(v.value_or(std::string())));
  };
  st.addBind(bind(static_cast<int>(fields.instance.has_value())));
  optional(fields.instance);
  optional(fields.remote);
  optional(fields.backend);
  optional(fields.error);
  st.addBind(bind(static_cast<int>(fields.attempts.has_value())));
  st.addBind(bind(static_cast<Int64>(fields.attempts.value_or(0))));
  st.addBind(bind(toDb(job_id)));
  st.addBind(bind(std::string(toString(from))));
  st.execute();
  return changes(s) == 1;
}

}  // namespace

JobStore::JobStore(const std::string& path) : impl_(std::make_unique<Impl>(openSession(path))) {
  Session& s = impl_->session;
  // Wait for a lock held by another connection (another process, or an admin's sqlite3 shell)
  // instead of failing at once.
  int timeout = 0;
  s << "PRAGMA busy_timeout = 5000", into(timeout), now;
  // WAL: a commit is one append to the -wal file; readers never block the writer.
  std::string mode;
  s << "PRAGMA journal_mode = WAL", into(mode), now;
  if (mode != "wal") {
    throw std::runtime_error(path + ": cannot use SQLite WAL mode (journal_mode is '" + mode +
                             "')");
  }
  // NORMAL in WAL mode skips the fsync at each commit and syncs at checkpoints instead. A
  // committed transaction is in the -wal file (the OS page cache) when COMMIT returns, so a
  // crash of this process, kill -9 included, loses nothing: the kernel still writes the file
  // and the next open replays the WAL. Only a power loss or kernel crash can drop the last
  // few transactions, and even then the database stays consistent (never corrupt).
  s << "PRAGMA synchronous = NORMAL", now;
  migrateSchema(s);
}

JobStore::~JobStore() = default;

bool JobStore::recordQueued(const sdk::JobEvent& event, const std::string& entry, int64_t now_ms,
                            const std::string& source) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  // ON CONFLICT DO NOTHING makes the dedupe atomic: no window between "is it there" and insert.
  s << "INSERT INTO jobs (job_id, state, entry, repository, labels, run_id, run_attempt,"
       " delivery_id, source, queued_at, organization, installation_id, workflow_name,"
       " job_name, head_branch)"
       " VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
       " ON CONFLICT(job_id) DO NOTHING",
      bind(toDb(event.job_id)), bind(entry), bind(event.repository),
      bind(labelsToJson(event.labels)), bind(toDb(event.run_id)),
      bind(static_cast<Int64>(event.run_attempt)), bind(event.delivery_id), bind(source),
      bind(static_cast<Int64>(now_ms)), bind(event.organization), bind(toDb(event.installation_id)),
      bind(event.workflow_name), bind(event.job_name), bind(event.head_branch), now;
  return changes(s) == 1;
}

std::optional<JobRecord> JobStore::get(uint64_t job_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kColumns << " FROM jobs WHERE job_id = ?", bind(toDb(job_id));
  auto rows = readRecords(st);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

bool JobStore::transition(uint64_t job_id, JobState from, JobState to, int64_t now_ms,
                          const TransitionFields& fields) {
  if (!isLegalTransition(from, to)) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  return transitionUnlocked(impl_->session, job_id, from, to, now_ms, fields);
}

bool JobStore::launchHolding(uint64_t job_id, int64_t now_ms, const TransitionFields& fields,
                             std::vector<DeviceHold> holds) {
  if (!fields.instance || fields.instance->empty()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  WriteTransaction tx(s);
  if (!transitionUnlocked(s, job_id, JobState::Queued, JobState::Launching, now_ms, fields)) {
    return false;
  }
  for (auto& hold : holds) {
    // OR IGNORE: a held item changes no row, and the transaction is rolled back below.
    s << "INSERT OR IGNORE INTO device_holds (pool, remote, item, device, instance, held_at)"
         " VALUES (?, ?, ?, ?, ?, ?)",
        bind(hold.pool), bind(hold.remote), bind(hold.item), bind(hold.device),
        bind(*fields.instance), bind(static_cast<Int64>(now_ms)), now;
    if (changes(s) != 1) return false;
  }
  tx.commit();
  return true;
}

std::vector<JobRecord> JobStore::byState(JobState state) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kColumns << " FROM jobs WHERE state = ? ORDER BY seq",
      bind(std::string(toString(state)));
  return readRecords(st);
}

std::vector<JobRecord> JobStore::nextQueued(const std::string& entry, size_t limit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kColumns
     << " FROM jobs WHERE state = 'queued' AND entry = ? ORDER BY seq LIMIT ?",
      bind(entry), bind(static_cast<Int64>(limit));
  return readRecords(st);
}

size_t JobStore::countActive(const std::string& entry) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Int64 n = 0;
  Statement st(impl_->session);
  st << "SELECT COUNT(*) FROM jobs WHERE entry = ? AND state IN " << kActiveStates, bind(entry),
      into(n);
  st.execute();
  return static_cast<size_t>(n);
}

size_t JobStore::countActiveAll() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Int64 n = 0;
  Statement st(impl_->session);
  st << "SELECT COUNT(*) FROM jobs WHERE state IN " << kActiveStates, into(n);
  st.execute();
  return static_cast<size_t>(n);
}

std::vector<JobRecord> JobStore::unfinished() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kColumns << " FROM jobs WHERE state NOT IN " << kFinishedStates
     << " ORDER BY seq";
  return readRecords(st);
}

void JobStore::appendLog(uint64_t job_id, const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  WriteTransaction tx(s);
  Int64 known = 0;
  s << "SELECT COUNT(*) FROM jobs WHERE job_id = ?", bind(toDb(job_id)), into(known), now;
  if (known == 0) return;
  const std::string tail = keepLogTail(readLog(s, job_id) + text, kLogCapBytes);
  BLOB kept(reinterpret_cast<const unsigned char*>(tail.data()), tail.size());
  s << "INSERT INTO job_logs (job_id, text) VALUES (?, ?)"
       " ON CONFLICT(job_id) DO UPDATE SET text = excluded.text",
      bind(toDb(job_id)), bind(kept), now;
  tx.commit();
}

std::string JobStore::log(uint64_t job_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return readLog(impl_->session, job_id);
}

size_t JobStore::pruneFinishedBefore(int64_t cutoff_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  const std::string where =
      std::string(" WHERE state IN ") + kFinishedStates + " AND finished_at < ?";
  WriteTransaction tx(s);
  s << "DELETE FROM job_logs WHERE job_id IN (SELECT job_id FROM jobs" + where + ")",
      bind(static_cast<Int64>(cutoff_ms)), now;
  s << "DELETE FROM jobs" + where, bind(static_cast<Int64>(cutoff_ms)), now;
  size_t n = changes(s);
  tx.commit();
  return n;
}

std::string JobStore::integrityCheck() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> rows;
  impl_->session << "PRAGMA integrity_check", into(rows), now;
  std::string out;
  for (const auto& r : rows) out += (out.empty() ? "" : "\n") + r;
  return out;
}

std::vector<JobRecord> JobStore::finishedSince(int64_t since_ms, size_t limit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kColumns << " FROM jobs WHERE state IN " << kFinishedStates
     << " AND finished_at >= ? ORDER BY finished_at, job_id LIMIT ?",
      bind(static_cast<Int64>(since_ms)), bind(static_cast<Int64>(limit));
  return readRecords(st);
}

std::vector<JobStore::StateCount> JobStore::countByEntryAndState() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT entry, state, COUNT(*) FROM jobs GROUP BY entry, state ORDER BY entry, state";
  st.execute();
  RecordSet rs(st);
  std::vector<StateCount> out;
  for (size_t row = 0; row < rs.rowCount(); ++row) {
    const auto state = jobStateFromString(rs.value(1, row).convert<std::string>());
    if (!state) continue;
    out.push_back({rs.value(0, row).convert<std::string>(), *state,
                   static_cast<size_t>(rs.value(2, row).convert<Int64>())});
  }
  return out;
}

void JobStore::probeWritable(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  // Not part of the versioned schema: it holds no job data, an older lxdrunner ignores it,
  // and it is created on first use so a probe never needs a migration.
  s << "CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY CHECK (id = 1),"
       " at INTEGER NOT NULL)",
      now;
  s << "INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at = "
       "excluded.at",
      bind(static_cast<Int64>(now_ms)), now;
}

}  // namespace lxdrunner::jobs

namespace lxdrunner::jobs {
namespace {

const char* const kLive = "instance <> '' AND instance_gone_at = 0";

std::optional<JobRecord> liveRecord(Session& s, const std::string& instance) {
  Statement st(s);
  st << "SELECT " << kColumns << " FROM jobs WHERE instance = ? AND instance_gone_at = 0"
     << " ORDER BY seq DESC LIMIT 1",
      bind(instance);
  auto rows = readRecords(st);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::optional<JobRecord> recordOf(Session& s, uint64_t job_id) {
  Statement st(s);
  st << "SELECT " << kColumns << " FROM jobs WHERE job_id = ?", bind(toDb(job_id));
  auto rows = readRecords(st);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

size_t countWhere(Session& s, const std::string& where, const std::string* entry) {
  Int64 n = 0;
  Statement st(s);
  st << "SELECT COUNT(*) FROM jobs WHERE " << where << (entry ? " AND entry = ?" : "");
  if (entry) st.addBind(bind(*entry));
  st.addExtract(into(n));
  st.execute();
  return static_cast<size_t>(n);
}

// Moves the instance columns of one record to another job, unconditionally.
void setBinding(Session& s, uint64_t job_id, const std::string& state, const std::string& instance,
                const std::string& remote, const std::string& backend, int64_t running_at) {
  s << "UPDATE jobs SET state = ?, instance = ?, remote = ?, backend = ?, instance_gone_at = 0,"
       " running_at = CASE WHEN ? > 0 AND running_at = 0 THEN ? ELSE running_at END"
       " WHERE job_id = ?",
      bind(state), bind(instance), bind(remote), bind(backend),
      bind(static_cast<Int64>(running_at)), bind(static_cast<Int64>(running_at)),
      bind(toDb(job_id)), now;
}

}  // namespace

size_t JobStore::countSlots(const std::string& entry) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return countWhere(impl_->session, kLive, &entry) + countWarmUnlocked(&entry);
}

size_t JobStore::countSlotsAll() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return countWhere(impl_->session, kLive, nullptr) + countWarmUnlocked(nullptr);
}

std::vector<JobRecord> JobStore::liveInstances() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement st(impl_->session);
  st << "SELECT " << kColumns << " FROM jobs WHERE " << kLive << " ORDER BY seq";
  return readRecords(st);
}

std::optional<JobRecord> JobStore::byInstance(const std::string& instance) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return liveRecord(impl_->session, instance);
}

bool JobStore::knowsInstance(const std::string& name) const {
  if (name.empty()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  Int64 n = 0;
  impl_->session << "SELECT (SELECT COUNT(*) FROM jobs WHERE instance = ?) +"
                    " (SELECT COUNT(*) FROM warm_instances WHERE name = ?)",
      bind(name), bind(name), into(n), now;
  return n > 0;
}

std::optional<uint64_t> JobStore::transitionInstance(const std::string& instance, JobState from,
                                                     JobState to, int64_t now_ms,
                                                     const TransitionFields& fields) {
  if (!isLegalTransition(from, to) || instance.empty()) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  const auto bound = liveRecord(s, instance);
  if (!bound || bound->state != from) return std::nullopt;
  if (!transitionUnlocked(s, bound->job_id, from, to, now_ms, fields)) return std::nullopt;
  return bound->job_id;
}

bool JobStore::markInstanceGone(const std::string& instance, int64_t now_ms) {
  if (instance.empty()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  WriteTransaction tx(s);
  s << "UPDATE jobs SET instance_gone_at = ? WHERE instance = ? AND instance_gone_at = 0",
      bind(static_cast<Int64>(now_ms)), bind(instance), now;
  const bool was_live = changes(s) > 0;
  s << "DELETE FROM device_holds WHERE instance = ?", bind(instance), now;
  tx.commit();
  return was_live;
}

RunnerBinding JobStore::bindRunner(uint64_t job_id, const std::string& runner_name,
                                   int64_t now_ms) {
  RunnerBinding result;
  if (runner_name.empty()) return result;
  std::lock_guard<std::mutex> lock(mutex_);
  Session& s = impl_->session;
  WriteTransaction tx(s);
  const auto job = recordOf(s, job_id);
  if (!job) return result;
  s << "UPDATE jobs SET runner_name = ? WHERE job_id = ?", bind(runner_name), bind(toDb(job_id)),
      now;
  const auto holder = liveRecord(s, runner_name);
  const bool swap = !isFinished(job->state) && holder && holder->job_id != job_id &&
                    !isFinished(holder->state) &&
                    !(job->hasLiveInstance() && job->instance == runner_name);
  if (swap) {
    result.rebound = true;
    result.displaced_job = holder->job_id;
    // The displaced job inherits this job's own instance, in the phase that instance is in,
    // or waits for a new one.
    if (job->hasLiveInstance()) {
      setBinding(s, holder->job_id, std::string(toString(job->state)), job->instance, job->remote,
                 job->backend, 0);
    } else {
      setBinding(s, holder->job_id, "queued", "", "", "", 0);
      result.displaced_requeued = true;
    }
    setBinding(s, job_id, "running", holder->instance, holder->remote, holder->backend, now_ms);
  }
  tx.commit();
  return result;
}

std::vector<std::string> JobStore::repositoriesSince(int64_t since_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  impl_->session << "SELECT DISTINCT repository FROM jobs WHERE queued_at >= ? AND repository <> ''"
                    " ORDER BY repository",
      bind(static_cast<Int64>(since_ms)), into(out), now;
  return out;
}

std::vector<std::pair<std::string, int64_t>> JobStore::repositoriesVacatedSince(
    int64_t since_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> repositories;
  std::vector<Int64> latest;
  impl_->session << "SELECT repository, MAX(instance_gone_at) FROM jobs"
                    " WHERE instance_gone_at >= ? AND instance_gone_at > 0 AND repository <> ''"
                    " GROUP BY repository ORDER BY repository",
      bind(static_cast<Int64>(since_ms)), into(repositories), into(latest), now;
  std::vector<std::pair<std::string, int64_t>> out;
  for (size_t i = 0; i < repositories.size() && i < latest.size(); ++i) {
    out.emplace_back(repositories[i], static_cast<int64_t>(latest[i]));
  }
  return out;
}

std::vector<JobPlace> JobStore::placesSince(int64_t since_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> entries, repositories, organizations;
  impl_->session << "SELECT DISTINCT entry, repository, organization FROM jobs"
                    " WHERE queued_at >= ? AND repository <> ''"
                    " ORDER BY repository, organization, entry",
      bind(static_cast<Int64>(since_ms)), into(entries), into(repositories), into(organizations),
      now;
  std::vector<JobPlace> out;
  for (size_t i = 0; i < repositories.size(); ++i) {
    out.push_back({entries[i], repositories[i], organizations[i]});
  }
  return out;
}

std::vector<std::pair<JobPlace, int64_t>> JobStore::placesVacatedSince(int64_t since_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> entries, repositories, organizations;
  std::vector<Int64> latest;
  impl_->session << "SELECT entry, repository, organization, MAX(instance_gone_at) FROM jobs"
                    " WHERE instance_gone_at >= ? AND instance_gone_at > 0 AND repository <> ''"
                    " GROUP BY entry, repository, organization"
                    " ORDER BY repository, organization, entry",
      bind(static_cast<Int64>(since_ms)), into(entries), into(repositories), into(organizations),
      into(latest), now;
  std::vector<std::pair<JobPlace, int64_t>> out;
  for (size_t i = 0; i < repositories.size() && i < latest.size(); ++i) {
    out.emplace_back(JobPlace{entries[i], repositories[i], organizations[i]},
                     static_cast<int64_t>(latest[i]));
  }
  return out;
}

}  // namespace lxdrunner::jobs
