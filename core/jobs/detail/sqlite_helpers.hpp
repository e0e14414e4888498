// SPDX-License-Identifier: Apache-2.0
// What the job store's translation units share about its SQLite connection: the connection
// itself, 64-bit id conversion, the changed-row count and write transactions. Private to
// core/jobs.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "jobs/job_store.hpp"

namespace lxdrunner::jobs::detail {

// SQLite integers are signed 64-bit. GitHub ids are uint64: store the same 64 bits, so ids
// at or above 2^63 come back exactly (they read as negative in the sqlite3 shell).
inline Poco::Int64 toDb(uint64_t v) {
  Poco::Int64 r = 0;
  std::memcpy(&r, &v, sizeof r);
  return r;
}
inline uint64_t fromDb(Poco::Int64 v) {
  uint64_t r = 0;
  std::memcpy(&r, &v, sizeof r);
  return r;
}

// Rows changed by the last statement on this connection; read under the store's mutex.
inline size_t changes(Poco::Data::Session& session) {
  using Poco::Data::Keywords::into;
  using Poco::Data::Keywords::now;
  Poco::Int64 n = 0;
  session << "SELECT changes()", into(n), now;
  return static_cast<size_t>(n);
}

// BEGIN IMMEDIATE takes the write lock up front: a read-then-write transaction cannot then
// fail half-way with SQLITE_BUSY because another connection wrote in between.
class WriteTransaction {
 public:
  explicit WriteTransaction(Poco::Data::Session& session) : session_(session) {
    using Poco::Data::Keywords::now;
    session_ << "BEGIN IMMEDIATE", now;
  }
  ~WriteTransaction() {
    if (done_) return;
    try {
      using Poco::Data::Keywords::now;
      session_ << "ROLLBACK", now;
    } catch (...) {
      // Nothing more to do in a destructor; SQLite rolls back an open transaction on close.
    }
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit() {
    using Poco::Data::Keywords::now;
    session_ << "COMMIT", now;
    done_ = true;
  }

 private:
  Poco::Data::Session& session_;
  bool done_ = false;
};

}  // namespace lxdrunner::jobs::detail

namespace lxdrunner::jobs {

struct JobStore::Impl {
  Poco::Data::Session session;
  explicit Impl(Poco::Data::Session s) : session(std::move(s)) {}
};

}  // namespace lxdrunner::jobs
