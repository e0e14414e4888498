// SPDX-License-Identifier: Apache-2.0
#include "config/detail/url_check.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace lxdrunner::config::detail {

std::optional<std::string> httpUrlProblem(const std::string& url) {
  try {
    const Poco::URI uri(url);
    if (uri.getScheme() != "http" && uri.getScheme() != "https") {
      return "must start with https:// or http://";
    }
    if (uri.getHost().empty()) {
      return "has no host name";
    }
    if (!uri.getUserInfo().empty()) {
      return "must not contain credentials; configure them as secrets instead";
    }
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
      return "must not have a query (?...) or fragment (#...)";
    }
  } catch (const Poco::Exception&) {
    return "is not a valid URL";
  }
  return std::nullopt;
}

}  // namespace lxdrunner::config::detail
