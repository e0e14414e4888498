// SPDX-License-Identifier: Apache-2.0
// The client's one exception type. It is an sdk::Error, so a backend can let it fly and the
// SDK turns it into the right lxdr_status with LXD's own message intact.
#pragma once

#include <string>
#include <utility>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::lxd {

// What LXD said, beyond the one-line message.
struct LxdErrorDetails {
  int http_status = 0;           // 0 when no HTTP answer was received
  int lxd_error_code = 0;        // error_code of LXD's error envelope, 0 when absent
  std::string lxd_message;       // LXD's own error text, unchanged
  std::string operation;         // operation id when the failure came from an operation
  bool outcome_unknown = false;  // the connection or the operation was lost mid-way
};

class LxdError : public sdk::Error {
 public:
  using Details = LxdErrorDetails;

  LxdError(lxdr_status status, const std::string& message, Details details = {})
      : sdk::Error(status, message), details_(std::move(details)) {}

  int httpStatus() const noexcept { return details_.http_status; }
  int lxdErrorCode() const noexcept { return details_.lxd_error_code; }
  const std::string& lxdMessage() const noexcept { return details_.lxd_message; }
  const std::string& operation() const noexcept { return details_.operation; }
  // True when LXD may or may not have done what was asked (daemon restarted, connection
  // dropped after the request was sent): the caller should look at the real state.
  bool outcomeUnknown() const noexcept { return details_.outcome_unknown; }

 private:
  Details details_;
};

// The status for an LXD answer: 404 → NOT_FOUND, 409 → ALREADY_EXISTS, 5xx → TRANSIENT, ...
// LXD 5.0 answers some client mistakes with 500 (a missing profile, a bad device), so the
// message is consulted as well.
lxdr_status statusForLxdError(int http_status, const std::string& lxd_message);

}  // namespace lxdrunner::lxd
