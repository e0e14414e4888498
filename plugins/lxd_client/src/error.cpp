// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/error.hpp"

namespace lxdrunner::lxd {

namespace {

bool contains(const std::string& text, const char* needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

lxdr_status statusForLxdError(int http_status, const std::string& lxd_message) {
  // LXD 5.0 reports some caller mistakes as 500; its messages are stable enough to sort
  // those out, and a wrong guess only changes whether the daemon retries.
  if (contains(lxd_message, "doesn't exist") || contains(lxd_message, "not found")) {
    return LXDR_ERR_NOT_FOUND;
  }
  if (contains(lxd_message, "already exists")) return LXDR_ERR_ALREADY_EXISTS;
  if (contains(lxd_message, "is busy")) return LXDR_ERR_TRANSIENT;  // another operation runs
  if (contains(lxd_message, "validation") || contains(lxd_message, "Invalid")) {
    return LXDR_ERR_INVALID_ARGUMENT;
  }
  switch (http_status) {
    case 400:
    case 403:
    case 412:
    case 413:
    case 415:
      return LXDR_ERR_INVALID_ARGUMENT;
    case 401:
      return LXDR_ERR_INVALID_ARGUMENT;  // not trusted: a configuration problem
    case 404:
      return LXDR_ERR_NOT_FOUND;
    case 409:
      return LXDR_ERR_ALREADY_EXISTS;
    case 501:
      return LXDR_ERR_UNSUPPORTED;
    case 408:
    case 429:
      return LXDR_ERR_TRANSIENT;
    default:
      break;
  }
  if (http_status >= 500 || http_status == 0) return LXDR_ERR_TRANSIENT;
  if (http_status >= 400) return LXDR_ERR_INVALID_ARGUMENT;
  return LXDR_ERR_INTERNAL;
}

}  // namespace lxdrunner::lxd
