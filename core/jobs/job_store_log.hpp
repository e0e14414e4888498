// SPDX-License-Identifier: Apache-2.0
// The per-job provisioning log is capped; when it overflows the newest output is what tells
// why a job failed, so the head is dropped and the tail kept.
#pragma once

#include <cstddef>
#include <string>

namespace lxdrunner::jobs {

// The last `cap` bytes of `text` at most, starting on a UTF-8 character boundary (so a cut
// never leaves half a character at the front).
std::string keepLogTail(std::string text, size_t cap);

}  // namespace lxdrunner::jobs
