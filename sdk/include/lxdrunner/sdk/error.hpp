// SPDX-License-Identifier: Apache-2.0
// The C++ SDK's one exception type. It never crosses the ABI: the registration layer turns
// it into an lxdr_status plus last_error().
#pragma once

#include <stdexcept>
#include <string>

#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::sdk {

class Error : public std::runtime_error {
 public:
  Error(lxdr_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  lxdr_status status() const noexcept { return status_; }

 private:
  lxdr_status status_;
};

inline const char* statusName(lxdr_status status) noexcept {
  switch (status) {
    case LXDR_OK:
      return "ok";
    case LXDR_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case LXDR_ERR_NOT_FOUND:
      return "not found";
    case LXDR_ERR_ALREADY_EXISTS:
      return "already exists";
    case LXDR_ERR_TRANSIENT:
      return "transient failure";
    case LXDR_ERR_TIMEOUT:
      return "timeout";
    case LXDR_ERR_CANCELLED:
      return "cancelled";
    case LXDR_ERR_UNSUPPORTED:
      return "unsupported";
    case LXDR_ERR_INTERNAL:
      return "internal error";
  }
  return "unknown status";
}

}  // namespace lxdrunner::sdk
