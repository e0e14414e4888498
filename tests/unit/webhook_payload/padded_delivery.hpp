// SPDX-License-Identifier: Apache-2.0
// Real `workflow_job` deliveries are about 11 KB of compact JSON, most of it the repository
// object; the octokit examples are pretty-printed and 8-10 KB. padDelivery() grows a
// fixture's repository object with keys of the same shape (URLs, a non-ASCII description
// with escapes) up to `target` bytes, and minify() drops the whitespace between tokens, so
// the benchmark and tests see what GitHub actually sends. The extracted fields do not
// change: the parser skips the extra keys (still validating them).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace lxdrunner::webhook::test {

inline std::string padDelivery(std::string body, std::size_t target) {
  // Follow the body's layout: pretty-printed like the fixtures, or compact after minify().
  bool compact = false;
  std::string anchor = "\"repository\": {";
  std::size_t at = body.find(anchor);
  if (at == std::string::npos) {
    compact = true;
    anchor = "\"repository\":{";
    at = body.find(anchor);
  }
  if (at == std::string::npos) throw std::logic_error("padDelivery: no repository object");
  at += anchor.size();
  const std::string indent = compact ? "" : "\n    ";
  const std::string colon = compact ? ":" : ": ";
  std::string pad = indent + "\"description_full\"" + colon +
                    "\"Hello-World \xE2\x80\x94 r\xC3\xA9sum\xC3\xA9 of the "
                    "\\\"octo\\\" tests \\u2713\\n\",";
  for (int n = 0; body.size() + pad.size() < target; ++n) {
    const std::string index = std::to_string(n);
    pad += indent + "\"extra_url_" + index + "\"" + colon +
           "\"https://api.github.com/repos/Codertocat/Hello-World/extra/" + index + "{/sha}\",";
  }
  return body.insert(at, pad);
}

// Removes the whitespace between tokens of a valid JSON text (strings are kept as they are).
inline std::string minify(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        out.push_back(json[++i]);  // an escaped quote does not end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      out.push_back(c);
      in_string = c == '"';
    }
  }
  return out;
}

// The size the issue and the reference measurements use for a real delivery.
constexpr std::size_t kRealDeliverySize = 11 * 1024;

}  // namespace lxdrunner::webhook::test
