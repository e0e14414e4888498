// SPDX-License-Identifier: Apache-2.0
// LxdClient: server info, the request/operation plumbing every other call uses.
#include "lxdrunner/lxd/client.hpp"

#include <Poco/URI.h>

#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/json.hpp"

namespace lxdrunner::lxd {

namespace {

// LXD's wait endpoint takes whole seconds; a long poll of this size keeps one request per
// operation in the common case while still noticing a dead connection.
constexpr std::chrono::seconds kWaitSlice{30};
// How much longer than LXD's own wait timeout we give the answer to arrive.
constexpr std::chrono::seconds kWaitGrace{10};

}  // namespace

std::string urlEncode(const std::string& text) {
  std::string out;
  Poco::URI::encode(text, "!#$&'()*+,/:;=?@[]% \"<>\\^`{|}", out);
  return out;
}

LxdClient::LxdClient(const RemoteConfig& remote) : transport_(remote) {}

std::string LxdClient::describeRemote() const {
  return "remote '" + remote().name + "'";
}

ServerInfo LxdClient::serverInfo(Deadline deadline) {
  {
    std::lock_guard<std::mutex> lock(info_mu_);
    if (info_) return *info_;
  }
  return refreshServerInfo(deadline);
}

ServerInfo LxdClient::refreshServerInfo(Deadline deadline) {
  HttpRequest request;
  request.path = "/1.0";
  HttpResponse response = transport_.send(request, deadline);
  Envelope e = readEnvelope(response, "GET /1.0 on " + transport_.where());
  Poco::JSON::Object::Ptr meta = json::asObject(e.metadata);
  Poco::JSON::Object::Ptr env = json::object(meta, "environment");
  ServerInfo info;
  info.api_version = json::text(meta, "api_version");
  info.auth = json::text(meta, "auth");
  info.server = json::text(env, "server", "lxd");
  info.server_version = json::text(env, "server_version");
  info.server_name = json::text(env, "server_name");
  info.clustered = json::boolean(env, "server_clustered");
  info.certificate_fingerprint = json::text(env, "certificate_fingerprint");
  for (const auto& ext : json::stringList(json::array(meta, "api_extensions"))) {
    info.extensions.insert(ext);
  }
  // Incus identifies itself in headers as well as in environment.server.
  for (const auto& header : response.headers) {
    if (header.first.rfind("x-incus-", 0) == 0) info.server = "incus";
  }
  if (info.auth != "trusted") {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   transport_.where() + " (" + describeRemote() +
                       ") does not trust our client certificate: add it with `lxc config trust "
                       "add` on that server");
  }
  std::lock_guard<std::mutex> lock(info_mu_);
  info_ = info;
  return info;
}

std::string LxdClient::apiPath(const std::string& path, const std::string& query) const {
  std::string q = query;
  if (!remote().project.empty()) {
    q += (q.empty() ? "" : "&") + std::string("project=") + urlEncode(remote().project);
  }
  return q.empty() ? path : path + "?" + q;
}

Envelope LxdClient::call(const std::string& method, const std::string& path,
                         const std::string& body, Deadline deadline) {
  HttpRequest request;
  request.method = method;
  request.path = path;
  request.body = body;
  HttpResponse response = transport_.send(request, deadline);
  return readEnvelope(response,
                      method + " " + path.substr(0, path.find('?')) + " on " + describeRemote());
}

Operation LxdClient::run(const std::string& method, const std::string& path,
                         const std::string& body, const std::string& what, Deadline deadline) {
  HttpRequest request;
  request.method = method;
  request.path = path;
  request.body = body;
  return run(std::move(request), what, deadline);
}

Operation LxdClient::run(HttpRequest request, const std::string& what, Deadline deadline) {
  HttpResponse response = transport_.send(request, deadline);
  Envelope e = readEnvelope(response, what + " on " + describeRemote());
  if (e.type != "async") {
    // Some endpoints answer synchronously on some versions; that is a finished success.
    Operation done;
    done.status = "Success";
    done.status_code = 200;
    done.metadata = json::asObject(e.metadata);
    return done;
  }
  std::string id = operationId(!e.operation.empty() ? e.operation : response.header("location"));
  Operation op = wait(id, what, deadline);
  if (!op.succeeded()) throwOperationFailed(op, what);
  return op;
}

Operation LxdClient::wait(const std::string& id, const std::string& what, Deadline deadline) {
  for (;;) {
    const auto slice = deadline.remaining(kWaitSlice);
    if (!deadline.unlimited() && slice.count() <= 0) {
      LxdError::Details d;
      d.operation = id;
      d.outcome_unknown = true;
      throw LxdError(LXDR_ERR_TIMEOUT,
                     what + " on " + describeRemote() + " was still running at the deadline", d);
    }
    const auto seconds =
        std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(slice).count());
    HttpRequest request;
    request.path = "/1.0/operations/" + urlEncode(id) + "/wait?timeout=" + std::to_string(seconds);
    request.timeout = std::chrono::seconds(seconds) + kWaitGrace;
    HttpResponse response = transport_.send(request, deadline);
    Envelope e;
    try {
      e = readEnvelope(response, what);
    } catch (const LxdError& error) {
      LxdError::Details d;
      d.http_status = error.httpStatus();
      d.lxd_error_code = error.lxdErrorCode();
      d.lxd_message = error.lxdMessage();
      d.operation = id;
      if (error.status() == LXDR_ERR_NOT_FOUND &&
          error.lxdMessage().find("peration") != std::string::npos) {
        // LXD keeps operations in memory only: after a restart (or 5 s after the end on
        // 5.0) it no longer knows this one, so whether it happened must be looked up.
        d.outcome_unknown = true;
        throw LxdError(LXDR_ERR_TRANSIENT,
                       what + " on " + describeRemote() + ": LXD lost operation " + id +
                           " (did the daemon restart?); its outcome is unknown",
                       d);
      }
      if (response.status == 200) {
        // LXD 5.21+: a failed operation's wait is an error envelope with HTTP 200.
        Operation failed;
        failed.id = id;
        failed.status = "Failure";
        failed.status_code = 400;
        failed.err = error.lxdMessage();
        return failed;
      }
      throw;
    }
    Operation op = readOperation(json::asObject(e.metadata));
    if (op.id.empty()) op.id = id;
    if (op.finished()) return op;
  }
}

void LxdClient::throwOperationFailed(const Operation& op, const std::string& what) const {
  LxdError::Details d;
  d.lxd_message = op.err;
  d.operation = op.id;
  const lxdr_status status =
      op.status_code == 401 ? LXDR_ERR_CANCELLED : statusForLxdError(400, op.err);
  throw LxdError(
      status,
      what + " on " + describeRemote() + " failed: " + (op.err.empty() ? op.status : op.err), d);
}

}  // namespace lxdrunner::lxd
