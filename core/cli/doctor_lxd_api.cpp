// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor_lxd_api.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <sys/stat.h>

#include <cstdlib>
#include <stdexcept>

namespace lxdrunner::cli {
namespace {

bool isSocket(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

std::string localLxdSocket(const std::string& socket_setting, const std::string& addr) {
  if (!socket_setting.empty()) return socket_setting;
  if (!addr.empty()) return addr;
  // A variable that is set wins even when its socket is missing, as in the LXD client:
  // reporting that path beats silently checking another daemon.
  if (auto v = env("LXD_SOCKET"); !v.empty()) return v;
  if (auto v = env("LXD_DIR"); !v.empty()) return v + "/unix.socket";
  if (auto v = env("INCUS_SOCKET"); !v.empty()) return v;
  if (auto v = env("INCUS_DIR"); !v.empty()) return v + "/unix.socket";
  for (const char* path : {"/var/snap/lxd/common/lxd/unix.socket", "/var/lib/lxd/unix.socket",
                           "/run/incus/unix.socket", "/var/lib/incus/unix.socket"}) {
    if (isSocket(path)) return path;
  }
  return "/var/lib/lxd/unix.socket";
}

LxdSocketApi::LxdSocketApi(std::string socket_path, std::string project,
                           std::chrono::milliseconds timeout)
    : socket_path_(std::move(socket_path)), project_(std::move(project)), timeout_(timeout) {}

LxdAnswer LxdSocketApi::get(const std::string& path) const {
  const std::string where = "LXD socket " + socket_path_;
  struct stat st {};
  if (::stat(socket_path_.c_str(), &st) != 0) {
    throw std::runtime_error(where + " not found: is LXD running?");
  }
  std::string target = path;
  if (!project_.empty())
    target +=
        (path.find('?') == std::string::npos ? "?" : "&") + std::string("project=") + project_;
  std::string body;
  Poco::Net::HTTPResponse response;
  try {
    const Poco::Timespan timeout(static_cast<long>(timeout_.count() / 1000),
                                 static_cast<long>((timeout_.count() % 1000) * 1000));
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path_),
                   timeout);
    Poco::Net::HTTPClientSession session(socket);
    session.setTimeout(timeout);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost("lxd");
    session.sendRequest(request);
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  } catch (const Poco::Net::ConnectionRefusedException&) {
    throw std::runtime_error(where + " refuses connections: is LXD running?");
  } catch (const Poco::Exception& e) {
    if (e.code() == EACCES || e.code() == EPERM) {
      throw std::runtime_error(where +
                               ": permission denied (run as root or a member of the lxd "
                               "group)");
    }
    throw std::runtime_error(where + ": " + e.displayText());
  }
  LxdAnswer answer;
  answer.http_status = static_cast<int>(response.getStatus());
  try {
    Poco::JSON::Parser parser;
    auto envelope = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    answer.metadata = envelope->get("metadata");
    if (answer.http_status / 100 != 2) answer.error = envelope->optValue<std::string>("error", "");
  } catch (const Poco::Exception&) {
    throw std::runtime_error(where + " answered GET " + path + " with HTTP " +
                             std::to_string(answer.http_status) +
                             " and no LXD JSON: is this an LXD socket?");
  }
  return answer;
}

}  // namespace lxdrunner::cli
