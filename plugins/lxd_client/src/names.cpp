// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/names.hpp"

namespace lxdrunner::lxd {

namespace {

bool isAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::string instanceNameProblem(const std::string& name) {
  if (name.empty()) return "it is empty";
  if (name.size() > 63) return "it is longer than 63 characters";
  if (isDigit(name.front())) return "it starts with a digit";
  if (name.front() == '-') return "it starts with '-'";
  if (name.back() == '-') return "it ends with '-'";
  for (char c : name) {
    if (!isAsciiLetter(c) && !isDigit(c) && c != '-') {
      return std::string("it contains '") + c + "' (only letters, digits and '-' are allowed)";
    }
  }
  return {};
}

}  // namespace lxdrunner::lxd
