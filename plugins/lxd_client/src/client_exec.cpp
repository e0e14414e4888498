// SPDX-License-Identifier: Apache-2.0
// LxdClient: exec without websockets. LXD records stdout/stderr to files that are fetched
// once the command ends; the exit status is the operation's `return`.
#include <Poco/JSON/Object.h>

#include <atomic>
#include <random>

#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/json.hpp"

namespace lxdrunner::lxd {

namespace {

constexpr int kNotFound = 127;
constexpr int kNotExecutable = 126;

std::string stdinFileName() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return "/tmp/.lxdrunner-stdin-" + std::to_string(random()) + "-" +
         std::to_string(counter.fetch_add(1));
}

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

  std::vector<std::string> command = spec.command;
  std::string stdin_file;
  if (!spec.stdin_data.empty()) {
    stdin_file = stdinFileName();
    FileSpec file;
    file.path = stdin_file;
    file.mode = 0600;
    file.uid = spec.uid.value_or(0);
    file.gid = spec.gid.value_or(0);
    auto offset = std::make_shared<size_t>(0);
    const std::string* data = &spec.stdin_data;
    file.size = static_cast<int64_t>(data->size());
    file.content = [data, offset](char* buffer, size_t capacity) {
      size_t n = std::min(capacity, data->size() - *offset);
      data->copy(buffer, n, *offset);
      *offset += n;
      return n;
    };
    pushFile(name, file, deadline);
    // The file is opened as stdin and unlinked before the command starts.
    command.insert(command.begin(),
                   {"/bin/sh", "-c", "exec <\"$0\" && rm -f \"$0\" && exec \"$@\"", stdin_file});
  }

  Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
  body->set("command", json::toArray(command));
  body->set("environment", json::toObject(spec.environment));
  body->set("wait-for-websocket", false);
  body->set("record-output", true);
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
  Operation op = wait(id, what, deadline);

  int status = static_cast<int>(json::integer(op.metadata, "return", -1));
  if (!op.succeeded()) {
    std::optional<int> from_message = exitStatusFromFailure(op.err);
    if (status < 0 && from_message) status = *from_message;
    if (status != kNotFound && status != kNotExecutable) {
      if (!stdin_file.empty()) deleteFile(name, stdin_file, deadline);
      throwOperationFailed(op, what);
    }
  }
  Poco::JSON::Object::Ptr output = json::object(op.metadata, "output");
  fetchExecOutput(output, "1", out, deadline);
  fetchExecOutput(output, "2", err, deadline);
  if (!op.succeeded() && err) {
    // LXD itself failed to start the command and says why only in the operation.
    const std::string line = spec.command.front() + ": " + op.err + "\n";
    err(line.data(), line.size());
  }
  return status < 0 ? 0 : status;
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
