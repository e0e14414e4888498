// SPDX-License-Identifier: Apache-2.0
// LxdClient: exec. Without standard input LXD records stdout/stderr to files that are
// fetched once the command ends; with it, the command's streams go over the exec's
// websockets (no file is pushed, so LXD's per-instance file server is never started for
// it). The exit status is the operation's `return` either way.
#include <Poco/JSON/Object.h>

#include <optional>

#include "exec_streams.hpp"
#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/json.hpp"

namespace lxdrunner::lxd {

namespace {

constexpr int kNotFound = 127;
constexpr int kNotExecutable = 126;

// LXD 5.21+ reports a missing command only as the failed operation's message.
std::optional<int> exitStatusFromFailure(const std::string& err) {
  if (err.find("not found") != std::string::npos) return kNotFound;
  if (err.find("not executable") != std::string::npos) return kNotExecutable;
  return std::nullopt;
}

// The path part of an output URL (LXD 5.0 gives a path, newer ones may give a full URL).
std::string pathOf(const std::string& url) {
  if (url.rfind("/", 0) == 0) return url;
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return "/" + url;
  auto slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

}  // namespace

int LxdClient::exec(const std::string& name, const ExecSpec& spec, Deadline deadline,
                    const BodySink& out, const BodySink& err) {
  if (spec.command.empty()) throw LxdError(LXDR_ERR_INVALID_ARGUMENT, "exec: empty command");
  const ServerInfo info = serverInfo(deadline);
  if ((spec.uid || spec.gid || !spec.cwd.empty()) && !info.has("container_exec_user_group_cwd")) {
    throw LxdError(LXDR_ERR_UNSUPPORTED,
                   "exec as another user or in a directory needs LXD API extension "
                   "container_exec_user_group_cwd, which " +
                       describeRemote() + " lacks");
  }

  const bool with_input = !spec.stdin_data.empty();
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
  body->set("command", json::toArray(spec.command));
  body->set("environment", json::toObject(spec.environment));
  body->set("wait-for-websocket", with_input);
  body->set("record-output", !with_input);
  body->set("interactive", false);
  if (spec.uid) body->set("user", *spec.uid);
  if (spec.gid) body->set("group", *spec.gid);
  if (!spec.cwd.empty()) body->set("cwd", spec.cwd);

  const std::string what = "exec '" + spec.command.front() + "' in instance '" + name + "'";
  HttpResponse response;
  {
    HttpRequest request;
    request.method = "POST";
    request.path = apiPath("/1.0/instances/" + urlEncode(name) + "/exec");
    request.body = json::stringify(body);
    response = transport_.send(request, deadline);
  }
  Envelope started = readEnvelope(response, what + " on " + describeRemote());
  std::string id =
      operationId(started.operation.empty() ? response.header("location") : started.operation);
  // The control socket stays open until the operation has ended: LXD may end a command
  // whose control connection goes away.
  std::optional<ExecSockets> sockets;
  if (with_input) sockets = streamExec(id, started, spec.stdin_data, out, err, what, deadline);
  Operation op = wait(id, what, deadline);
  sockets.reset();

  int status = static_cast<int>(json::integer(op.metadata, "return", -1));
  if (!op.succeeded()) {
    std::optional<int> from_message = exitStatusFromFailure(op.err);
    if (status < 0 && from_message) status = *from_message;
    if (status != kNotFound && status != kNotExecutable) throwOperationFailed(op, what);
  }
  if (!with_input) {
    Poco::JSON::Object::Ptr output = json::object(op.metadata, "output");
    fetchExecOutput(output, "1", out, deadline);
    fetchExecOutput(output, "2", err, deadline);
  }
  if (!op.succeeded() && err) {
    // LXD itself failed to start the command and says why only in the operation.
    const std::string line = spec.command.front() + ": " + op.err + "\n";
    err(line.data(), line.size());
  }
  return status < 0 ? 0 : status;
}

ExecSockets LxdClient::streamExec(const std::string& id, const Envelope& started,
                                  const std::string& input, const BodySink& out,
                                  const BodySink& err, const std::string& what, Deadline deadline) {
  const Poco::JSON::Object::Ptr operation = json::asObject(started.metadata);
  const Poco::JSON::Object::Ptr fds = json::object(json::object(operation, "metadata"), "fds");
  auto open = [&](const std::string& fd) {
    const std::string secret = json::text(fds, fd);
    if (secret.empty()) {
      throw LxdError(LXDR_ERR_INTERNAL, what + ": LXD gave no websocket for fd " + fd);
    }
    return transport_.openWebSocket(
        apiPath("/1.0/operations/" + urlEncode(id) + "/websocket", "secret=" + urlEncode(secret)),
        deadline);
  };
  try {
    // LXD starts the command once all four are connected.
    ExecSockets sockets{open("0"), open("1"), open("2"), open("control")};
    pumpExecStreams(sockets, input, out, err, deadline, what);
    return sockets;
  } catch (const LxdError&) {
    // An exec whose sockets never all connected would wait in LXD: cancel it.
    try {
      call("DELETE", apiPath("/1.0/operations/" + urlEncode(id)), "", deadline);
    } catch (const LxdError&) {
    }
    throw;
  }
}

void LxdClient::fetchExecOutput(const Poco::JSON::Object::Ptr& output, const std::string& stream,
                                const BodySink& sink, Deadline deadline) {
  const std::string url = json::text(output, stream);
  if (url.empty()) return;
  const std::string path = pathOf(url);
  if (sink) {
    HttpRequest request;
    request.path = path;
    request.sink = sink;
    HttpResponse response = transport_.send(request, deadline);
    if (response.status >= 300) readEnvelope(response, "GET exec output on " + describeRemote());
  }
  // The log files stay on the host until the instance is deleted; a long-lived instance
  // would collect one pair per exec.
  try {
    HttpRequest remove;
    remove.method = "DELETE";
    remove.path = path;
    transport_.send(remove, deadline);
  } catch (const LxdError&) {
    // Only disk space is at stake.
  }
}

}  // namespace lxdrunner::lxd
