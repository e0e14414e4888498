// SPDX-License-Identifier: Apache-2.0
// The jobs.sqlite schema and its migrations. PRAGMA user_version records how many migration
// steps a database has had; each step runs in its own transaction, so a crash mid-migration
// leaves the database at the previous version, never half-migrated.
#pragma once

#include <stdexcept>

namespace Poco::Data {
class Session;
}

namespace lxdrunner::jobs {

// The database was written by a newer lxdrunner; touching it could corrupt what that one wrote.
class SchemaTooNewError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The schema version this build writes.
int latestSchemaVersion() noexcept;

// Brings the database up to latestSchemaVersion(). Throws SchemaTooNewError when it is newer.
void migrateSchema(Poco::Data::Session& session);

}  // namespace lxdrunner::jobs
