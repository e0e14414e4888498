// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>

namespace lxdrunner::github_sim {

// Errors shared by handlers and the logic below them; the service maps each to GitHub's answer.
class BadInput : public std::runtime_error {  // 422 (400 for unparsable JSON)
 public:
  using std::runtime_error::runtime_error;
};

class BadJson : public BadInput {  // 400 "Problems parsing JSON"
 public:
  BadJson() : BadInput("Problems parsing JSON") {}
};

class Conflict : public std::runtime_error {  // 409
 public:
  using std::runtime_error::runtime_error;
};

class NotFoundError : public std::runtime_error {  // 404
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lxdrunner::github_sim
