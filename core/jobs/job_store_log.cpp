// SPDX-License-Identifier: Apache-2.0
#include "jobs/job_store_log.hpp"

namespace lxdrunner::jobs {

std::string keepLogTail(std::string text, size_t cap) {
  if (text.size() <= cap) return text;
  size_t start = text.size() - cap;
  // Skip UTF-8 continuation bytes (10xxxxxx) left over from a character cut in two.
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0U) == 0x80U) {
    ++start;
  }
  return text.substr(start);
}

}  // namespace lxdrunner::jobs
