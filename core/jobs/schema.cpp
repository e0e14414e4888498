// SPDX-License-Identifier: Apache-2.0
#include "jobs/schema.hpp"

#include <Poco/Data/Session.h>

#include <string>
#include <vector>

namespace lxdrunner::jobs {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

// Append-only: step N takes a database from version N-1 to N. Never edit a released step;
// add a new one.
const std::vector<std::vector<std::string>>& migrations() {
  static const std::vector<std::vector<std::string>> steps{
      // 1: jobs and their provisioning logs.
      {
          // seq is the rowid with AUTOINCREMENT so it is never reused, even after pruning:
          // that is what makes it a FIFO order. job_id is GitHub's uint64 id stored as the
          // signed 64-bit integer with the same bits (SQLite has no unsigned type).
          "CREATE TABLE jobs ("
          " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
          " job_id INTEGER NOT NULL UNIQUE,"
          " state TEXT NOT NULL,"
          " entry TEXT NOT NULL,"
          " instance TEXT NOT NULL DEFAULT '',"
          " remote TEXT NOT NULL DEFAULT '',"
          " backend TEXT NOT NULL DEFAULT '',"
          " repository TEXT NOT NULL DEFAULT '',"
          " labels TEXT NOT NULL DEFAULT '[]',"
          " run_id INTEGER NOT NULL DEFAULT 0,"
          " run_attempt INTEGER NOT NULL DEFAULT 0,"
          " delivery_id TEXT NOT NULL DEFAULT '',"
          " source TEXT NOT NULL DEFAULT '',"
          " queued_at INTEGER NOT NULL DEFAULT 0,"
          " launching_at INTEGER NOT NULL DEFAULT 0,"
          " provisioning_at INTEGER NOT NULL DEFAULT 0,"
          " running_at INTEGER NOT NULL DEFAULT 0,"
          " finished_at INTEGER NOT NULL DEFAULT 0,"
          " attempts INTEGER NOT NULL DEFAULT 0,"
          " last_error TEXT NOT NULL DEFAULT '')",
          // nextQueued and countActive filter on (state, entry) and order by seq.
          "CREATE INDEX jobs_state_entry_seq ON jobs(state, entry, seq)",
          // A BLOB so output with NUL bytes or broken UTF-8 is kept as it came.
          "CREATE TABLE job_logs ("
          " job_id INTEGER PRIMARY KEY,"
          " text BLOB NOT NULL)",
      },
      // 2: which runner ran the job (from in_progress/completed events), and when the
      // job's instance was destroyed; a live instance (instance_gone_at = 0) holds a slot.
      {
          "ALTER TABLE jobs ADD COLUMN runner_name TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE jobs ADD COLUMN instance_gone_at INTEGER NOT NULL DEFAULT 0",
          "CREATE INDEX jobs_instance ON jobs(instance)",
          // Slot counts run on every scheduling pass: only live instances are in this index.
          "CREATE INDEX jobs_live_entry ON jobs(entry) WHERE instance <> '' AND instance_gone_at = "
          "0",
      },
      // 3: warm pools. An instance launched and prepared before any job exists is a row of
      // warm_instances until a job claims it (the row moves into the job's record, with
      // served_warm = 1, in one transaction) or it is removed. Each row holds a slot.
      {
          "ALTER TABLE jobs ADD COLUMN served_warm INTEGER NOT NULL DEFAULT 0",
          "CREATE TABLE warm_instances ("
          " name TEXT PRIMARY KEY,"
          " entry TEXT NOT NULL,"
          " backend TEXT NOT NULL,"
          " remote TEXT NOT NULL DEFAULT '',"
          " state TEXT NOT NULL,"
          " entry_hash TEXT NOT NULL DEFAULT '',"
          " image TEXT NOT NULL DEFAULT '',"
          " frozen INTEGER NOT NULL DEFAULT 0,"
          " created_at INTEGER NOT NULL DEFAULT 0,"
          " ready_at INTEGER NOT NULL DEFAULT 0)",
          "CREATE INDEX warm_entry_state ON warm_instances(entry, state, ready_at)",
      },
      // 4: the job as provisioners see it (ABI 1.1's job context), from its first event.
      {
          "ALTER TABLE jobs ADD COLUMN organization TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE jobs ADD COLUMN installation_id INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE jobs ADD COLUMN workflow_name TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE jobs ADD COLUMN job_name TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE jobs ADD COLUMN head_branch TEXT NOT NULL DEFAULT ''",
      },
      // 5: device pools. A row per item an instance holds, written with the job's move to
      // launching (before the instance exists) and deleted when the instance is gone. The
      // primary key is the exclusivity: one item, at most one holder.
      {
          "CREATE TABLE device_holds ("
          " pool TEXT NOT NULL,"
          " remote TEXT NOT NULL,"
          " item TEXT NOT NULL,"
          " device TEXT NOT NULL,"
          " instance TEXT NOT NULL,"
          " held_at INTEGER NOT NULL DEFAULT 0,"
          " PRIMARY KEY (pool, remote, item))",
          "CREATE INDEX device_holds_instance ON device_holds(instance)",
      },
  };
  return steps;
}

int userVersion(Poco::Data::Session& session) {
  int version = 0;
  session << "PRAGMA user_version", into(version), now;
  return version;
}

}  // namespace

int latestSchemaVersion() noexcept {
  return static_cast<int>(migrations().size());
}

void migrateSchema(Poco::Data::Session& session) {
  const auto& steps = migrations();
  const int latest = latestSchemaVersion();
  for (;;) {
    // IMMEDIATE takes the write lock before reading the version, so two processes opening
    // the same file cannot both apply the same step.
    session << "BEGIN IMMEDIATE", now;
    try {
      const int version = userVersion(session);
      if (version > latest) {
        throw SchemaTooNewError("jobs.sqlite has schema version " + std::to_string(version) +
                                ", this lxdrunner knows up to " + std::to_string(latest) +
                                ": upgrade lxdrunner");
      }
      if (version == latest) {
        session << "COMMIT", now;
        return;
      }
      for (const auto& sql : steps[static_cast<size_t>(version)]) {
        std::string statement = sql;  // Poco binds the text by reference
        session << statement, now;
      }
      // user_version lives in the database header and is part of the transaction.
      std::string bump = "PRAGMA user_version = " + std::to_string(version + 1);
      session << bump, now;
      session << "COMMIT", now;
    } catch (...) {
      try {
        session << "ROLLBACK", now;
      } catch (...) {
        // The original error says more than a failed rollback; SQLite rolls back on close.
      }
      throw;
    }
  }
}

}  // namespace lxdrunner::jobs
