// SPDX-License-Identifier: Apache-2.0
#include "dispatch/one_line.hpp"

namespace lxdrunner::dispatch {

std::string oneLine(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    size_t first = start;
    size_t last = end;
    while (first < last && (text[first] == ' ' || text[first] == '\t' || text[first] == '\r')) {
      ++first;
    }
    while (last > first &&
           (text[last - 1] == ' ' || text[last - 1] == '\t' || text[last - 1] == '\r')) {
      --last;
    }
    if (last > first) {
      if (!out.empty()) out += " | ";
      out.append(text, first, last - first);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace lxdrunner::dispatch
