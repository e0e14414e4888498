// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/envelope.hpp"

#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/json.hpp"

namespace lxdrunner::lxd {

Envelope readEnvelope(const HttpResponse& response, const std::string& what) {
  Envelope e;
  Poco::JSON::Object::Ptr root;
  if (!response.body.empty() && (response.body.front() == '{')) {
    root = json::parseObject(response.body, "LXD's answer to " + what);
  }
  if (root.isNull()) {
    if (response.status >= 400 || response.status == 0) {
      LxdError::Details d;
      d.http_status = response.status;
      throw LxdError(statusForLxdError(response.status, ""),
                     what + ": HTTP " + std::to_string(response.status) + " without a message", d);
    }
    e.type = "sync";
    e.status_code = 200;
    return e;
  }
  e.type = json::text(root, "type");
  e.status_code = static_cast<int>(json::integer(root, "status_code"));
  e.error_code = static_cast<int>(json::integer(root, "error_code"));
  e.error = json::text(root, "error");
  e.operation = json::text(root, "operation");
  if (root->has("metadata")) e.metadata = root->get("metadata");
  if (e.type == "error" || response.status >= 400) {
    LxdError::Details d;
    d.http_status = response.status;
    d.lxd_error_code = e.error_code;
    d.lxd_message = e.error;
    const int code = e.error_code != 0 ? e.error_code : response.status;
    throw LxdError(statusForLxdError(code, e.error),
                   what + ": " + (e.error.empty() ? "HTTP " + std::to_string(code) : e.error), d);
  }
  return e;
}

Operation readOperation(const Poco::JSON::Object::Ptr& object) {
  Operation op;
  op.id = json::text(object, "id");
  op.description = json::text(object, "description");
  op.status = json::text(object, "status");
  op.status_code = static_cast<int>(json::integer(object, "status_code"));
  op.err = json::text(object, "err");
  op.metadata = json::object(object, "metadata");
  return op;
}

std::string operationId(const std::string& operation_url) {
  std::string id = operation_url.substr(0, operation_url.find('?'));
  while (!id.empty() && id.back() == '/') id.pop_back();
  auto slash = id.rfind('/');
  return slash == std::string::npos ? id : id.substr(slash + 1);
}

}  // namespace lxdrunner::lxd
