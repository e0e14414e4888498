// SPDX-License-Identifier: Apache-2.0
// LxdClient: files in instances, streamed both ways.
#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/lxd/error.hpp"

namespace lxdrunner::lxd {

namespace {

std::string filesPath(const std::string& name) {
  return "/1.0/instances/" + urlEncode(name) + "/files";
}

std::string octal(uint32_t mode) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04o", mode & 07777u);
  return buffer;
}

}  // namespace

void LxdClient::pushFile(const std::string& name, const FileSpec& file, Deadline deadline) {
  if (file.path.empty() || file.path.front() != '/') {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   "push to instance '" + name + "': path '" + file.path + "' is not absolute");
  }
  const std::string prefix = serverInfo(deadline).headerPrefix();
  HttpRequest request;
  request.method = "POST";
  request.path = apiPath(filesPath(name), "path=" + urlEncode(file.path));
  request.content_type = "application/octet-stream";
  request.source = file.content;
  request.content_length = file.size;
  request.headers = {{prefix + "Uid", std::to_string(file.uid)},
                     {prefix + "Gid", std::to_string(file.gid)},
                     {prefix + "Mode", octal(file.mode)},
                     {prefix + "Type", "file"},
                     {prefix + "Write", "overwrite"}};
  if (!request.source) {
    request.source = [](char*, size_t) { return size_t{0}; };
    request.content_length = 0;
  }
  // Uploads can be large: the per-request timeout does not apply, the deadline does.
  request.timeout = std::chrono::hours(24);
  HttpResponse response = transport_.send(request, deadline);
  readEnvelope(response, "push " + file.path + " to instance '" + name + "' on " + remote().name);
}

void LxdClient::pullFile(const std::string& name, const std::string& path, const BodySink& out,
                         Deadline deadline) {
  HttpRequest request;
  request.path = apiPath(filesPath(name), "path=" + urlEncode(path));
  request.timeout = std::chrono::hours(24);
  const std::string what =
      "pull " + path + " from instance '" + name + "' on remote '" + remote().name + "'";
  // A directory answers with a JSON listing, which must not reach the sink as file content.
  request.on_headers = [&what](const HttpResponse& head) {
    if (head.status < 300 &&
        (head.header("x-lxd-type") == "directory" || head.header("x-incus-type") == "directory")) {
      throw LxdError(LXDR_ERR_INVALID_ARGUMENT, what + ": it is a directory");
    }
  };
  request.sink = out;
  HttpResponse response = transport_.send(request, deadline);
  if (response.status >= 300) {
    try {
      readEnvelope(response, what);
    } catch (const LxdError& e) {
      if (e.status() == LXDR_ERR_NOT_FOUND) {
        throw LxdError(LXDR_ERR_NOT_FOUND, what + ": no such file or instance");
      }
      throw;
    }
  }
}

void LxdClient::deleteFile(const std::string& name, const std::string& path, Deadline deadline) {
  try {
    call("DELETE", apiPath(filesPath(name), "path=" + urlEncode(path)), "", deadline);
  } catch (const LxdError& e) {
    if (e.status() != LXDR_ERR_NOT_FOUND) throw;
  }
}

}  // namespace lxdrunner::lxd
