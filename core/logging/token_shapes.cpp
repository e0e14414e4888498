// SPDX-License-Identifier: Apache-2.0
#include "logging/token_shapes.hpp"

#include <utility>

namespace lxdrunner::logging {
namespace {

constexpr std::string_view kMask = "****";
constexpr std::string_view kTokenPrefixes[] = {"ghp_", "gho_", "ghu_",
                                               "ghs_", "ghr_", "github_pat_"};

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool isTokenChar(char c) {
  return isAlnum(c) || c == '_';
}
// Base64 plus the backslash: a JSON encoder may write '/' as "\/", which must not split a
// blob into pieces short enough to escape the rule.
bool isBlobChar(char c) {
  return isAlnum(c) || c == '+' || c == '/' || c == '=' || c == '\\';
}

// End of the GitHub token starting at `i`, or 0 when none starts there.
size_t tokenEnd(std::string_view text, size_t i) {
  for (const auto prefix : kTokenPrefixes) {
    if (text.compare(i, prefix.size(), prefix) != 0) continue;
    size_t end = i + prefix.size();
    while (end < text.size() && isTokenChar(text[end])) ++end;
    if (end - i - prefix.size() >= kMinTokenTail) return end;
  }
  return 0;
}

// Rewrites `text` with the runs [begin, end) found by `next` replaced by the mask.
template <typename NextRun>
bool replaceRuns(std::string& text, NextRun next) {
  std::string out;
  size_t copied = 0;
  bool changed = false;
  size_t pos = 0;
  for (;;) {
    const auto [begin, end] = next(std::string_view(text), pos);
    if (begin == std::string::npos) break;
    if (!changed) out.reserve(text.size());
    changed = true;
    out.append(text, copied, begin - copied);
    out += kMask;
    copied = pos = end;
  }
  if (!changed) return false;
  out.append(text, copied, std::string::npos);
  text = std::move(out);
  return true;
}

std::pair<size_t, size_t> nextToken(std::string_view text, size_t pos) {
  for (size_t i = text.find('g', pos); i != std::string_view::npos; i = text.find('g', i + 1)) {
    if (const size_t end = tokenEnd(text, i)) return {i, end};
  }
  return {std::string::npos, 0};
}

std::pair<size_t, size_t> nextBlob(std::string_view text, size_t pos) {
  size_t i = pos;
  while (i < text.size()) {
    if (!isBlobChar(text[i])) {
      ++i;
      continue;
    }
    const size_t begin = i;
    bool upper = false, lower = false, digit = false;
    for (; i < text.size() && isBlobChar(text[i]); ++i) {
      const char c = text[i];
      upper = upper || (c >= 'A' && c <= 'Z');
      lower = lower || (c >= 'a' && c <= 'z');
      digit = digit || (c >= '0' && c <= '9');
    }
    if (i - begin >= kMinBlobLength && upper && lower && digit) return {begin, i};
  }
  return {std::string::npos, 0};
}

}  // namespace

bool maskTokenShapes(std::string& text) {
  // Tokens first: their '_' is not base64, so the blob pass cannot swallow half of one.
  const bool tokens = replaceRuns(text, nextToken);
  const bool blobs = replaceRuns(text, nextBlob);
  return tokens || blobs;
}

bool hasTokenShape(std::string_view secret) {
  std::string text(secret);
  return maskTokenShapes(text) && text == kMask;
}

}  // namespace lxdrunner::logging
