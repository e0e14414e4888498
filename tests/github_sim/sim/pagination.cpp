// SPDX-License-Identifier: Apache-2.0
#include "sim/pagination.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <vector>

namespace lxdrunner::github_sim {
namespace {

std::int64_t positiveOr(const std::string& text, std::int64_t fallback) {
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return fallback;
  }
  const std::int64_t value = std::stoll(text);
  return value > 0 ? value : fallback;
}

std::string encode(const std::string& text) {
  std::string out;
  Poco::URI::encode(text, "!#$&'()*+,/:;=?@[]", out);
  return out;
}

// The request URL with every parameter except the paging ones, ready for "&page=..." or
// "cursor=..." to be appended.
std::string urlWithoutPaging(const SimRequest& request) {
  std::string url = request.baseUrl + request.apiPrefix + request.path + "?";
  for (const auto& [key, value] : request.query) {
    if (key == "page" || key == "per_page" || key == "cursor") continue;
    url += encode(key) + "=" + encode(value) + "&";
  }
  return url;
}

}  // namespace

PageRequest PageRequest::from(const SimRequest& request) {
  PageRequest page;
  page.page = positiveOr(request.queryValue("page"), 1);
  page.perPage = std::min<std::int64_t>(100, positiveOr(request.queryValue("per_page"), 30));
  return page;
}

std::size_t PageRequest::begin(std::size_t total) const {
  const auto offset = static_cast<std::size_t>((page - 1) * perPage);
  return std::min(offset, total);
}

std::size_t PageRequest::end(std::size_t total) const {
  return std::min(begin(total) + static_cast<std::size_t>(perPage), total);
}

std::string pageLinkHeader(const SimRequest& request, const PageRequest& page, std::size_t total) {
  const std::int64_t lastPage = std::max<std::int64_t>(
      1, (static_cast<std::int64_t>(total) + page.perPage - 1) / page.perPage);
  const std::string base = urlWithoutPaging(request);
  auto link = [&](std::int64_t number, const char* rel) {
    return "<" + base + "page=" + std::to_string(number) +
           "&per_page=" + std::to_string(page.perPage) + ">; rel=\"" + rel + "\"";
  };
  std::vector<std::string> parts;
  if (page.page > 1) parts.push_back(link(std::min(page.page - 1, lastPage), "prev"));
  if (page.page < lastPage) {
    parts.push_back(link(page.page + 1, "next"));
    parts.push_back(link(lastPage, "last"));
  }
  if (page.page > 1) parts.push_back(link(1, "first"));
  std::string header;
  for (const auto& part : parts) header += (header.empty() ? "" : ", ") + part;
  return header;
}

std::string cursorLinkHeader(const SimRequest& request, std::int64_t perPage,
                             const std::string& nextCursor) {
  if (nextCursor.empty()) return "";
  return "<" + urlWithoutPaging(request) + "per_page=" + std::to_string(perPage) +
         "&cursor=" + encode(nextCursor) + ">; rel=\"next\"";
}

}  // namespace lxdrunner::github_sim
