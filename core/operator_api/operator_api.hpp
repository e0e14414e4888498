// SPDX-License-Identifier: Apache-2.0
// The operator API (JSON over HTTP, under /api/v1): what the daemon is doing and a few
// levers (drain/resume an entry, force-delete an instance, run the reconciler now). The
// handler knows nothing about sockets: ApiServer feeds it requests, tests call it directly.
// Every request needs "Authorization: Bearer <operator_api.token>".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "dispatch/dispatcher.hpp"
#include "dispatch/executor.hpp"
#include "dispatch/reconciler.hpp"
#include "dispatch/runner_directory.hpp"
#include "jobs/job_store.hpp"

namespace lxdrunner::operator_api {

struct ApiRequest {
  std::string method;
  std::string path;           // without the query
  std::string query;          // after '?', still URL-encoded
  std::string authorization;  // the Authorization header's value
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON, ending with a newline
  std::vector<std::pair<std::string, std::string>> headers;
};

struct OperatorApiContext {
  const config::Config* config = nullptr;
  jobs::JobStore* store = nullptr;
  dispatch::Dispatcher* dispatcher = nullptr;
  dispatch::Reconciler* reconciler = nullptr;    // null: POST /reconcile answers 503
  dispatch::Executor* executor = nullptr;        // backends' instance lists
  dispatch::RunnerDirectory* runners = nullptr;  // null: GET /runners answers 503
  std::string token;
  std::string version;
  int64_t started_at_ms = 0;
  std::function<int64_t()> now_ms;  // Unix ms; default: the system clock
  // How far back GET /runners looks for repositories (their jobs' queued_at).
  int64_t runner_lookback_ms = 24 * 3600 * 1000;
};

class OperatorApi {
 public:
  explicit OperatorApi(OperatorApiContext context);
  ApiResponse handle(const ApiRequest& request);

 private:
  ApiResponse route(const ApiRequest& request);
  ApiResponse status();
  ApiResponse listJobs(const std::string& query);
  ApiResponse job(const std::string& id_text);
  ApiResponse instances();
  ApiResponse devices();
  ApiResponse runners();
  ApiResponse drain(const std::string& entry, bool drain);
  ApiResponse deleteInstance(const std::string& name);
  ApiResponse reconcile();
  int64_t now() const;

  OperatorApiContext ctx_;
};

// {"error": message} with the status.
ApiResponse errorResponse(int status, const std::string& message);

}  // namespace lxdrunner::operator_api
