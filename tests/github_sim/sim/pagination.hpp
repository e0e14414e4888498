// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/http_types.hpp"

namespace lxdrunner::github_sim {

// ?page=&per_page= as GitHub reads them: per_page defaults to 30 and is capped at 100,
// page starts at 1; nonsense values fall back to the defaults.
struct PageRequest {
  std::int64_t page = 1;
  std::int64_t perPage = 30;

  static PageRequest from(const SimRequest& request);
  std::size_t begin(std::size_t total) const;
  std::size_t end(std::size_t total) const;
};

// The Link header of a page (rel prev/next/last/first in GitHub's order), keeping the request's
// other query parameters; empty when everything fits on one page and page is 1.
std::string pageLinkHeader(const SimRequest& request, const PageRequest& page, std::size_t total);

// The Link header of cursor-paginated lists (hook deliveries): rel="next" with ?cursor=.
std::string cursorLinkHeader(const SimRequest& request, std::int64_t perPage,
                             const std::string& nextCursor);

}  // namespace lxdrunner::github_sim
