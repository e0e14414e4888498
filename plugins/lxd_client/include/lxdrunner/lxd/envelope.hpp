// SPDX-License-Identifier: Apache-2.0
// LXD's response envelopes (sync, async, error) and operations, read into plain structs.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "lxdrunner/lxd/transport.hpp"

namespace lxdrunner::lxd {

struct Envelope {
  std::string type;       // "sync", "async" or "error"
  int status_code = 0;    // LXD status code (200 Success, 100 Operation created, ...)
  int error_code = 0;     // error envelopes: LXD's error code (an HTTP status)
  std::string error;      // error envelopes: LXD's message
  std::string operation;  // async: "/1.0/operations/<id>"
  Poco::Dynamic::Var metadata;
};

// Reads LXD's answer to `what` ("POST /1.0/instances"); throws LxdError when it is an error
// (by HTTP status or by envelope type: LXD 5.21+ answers a failed operation wait with an
// error envelope and HTTP 200).
Envelope readEnvelope(const HttpResponse& response, const std::string& what);

struct Operation {
  std::string id;
  std::string description;  // "Creating instance", ...
  std::string status;       // "Running", "Success", "Failure", ...
  int status_code = 0;      // 103 Running, 200 Success, 400 Failure, 401 Cancelled
  std::string err;
  Poco::JSON::Object::Ptr metadata;  // the operation's own result (exec: return/output)

  bool finished() const { return status_code >= 200; }
  bool succeeded() const { return status_code == 200; }
};

Operation readOperation(const Poco::JSON::Object::Ptr& object);

// "/1.0/operations/<id>" (or a full URL) → "<id>".
std::string operationId(const std::string& operation_url);

}  // namespace lxdrunner::lxd
