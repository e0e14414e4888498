// SPDX-License-Identifier: Apache-2.0
#include "config/secret.hpp"

#include <utility>

namespace lxdrunner::config {

Secret::Secret(Source source, std::string origin, std::string value)
    : source_(source), origin_(std::move(origin)), value_(std::move(value)) {}

Secret Secret::fromInline(std::string value) {
  return Secret(Source::Inline, {}, std::move(value));
}

Secret Secret::fromFile(std::string path, std::string value) {
  return Secret(Source::File, std::move(path), std::move(value));
}

Secret Secret::fromEnv(std::string variable, std::string value) {
  return Secret(Source::Env, std::move(variable), std::move(value));
}

std::string Secret::masked() const {
  switch (source_) {
    case Source::File:
      return "<file:" + origin_ + ">";
    case Source::Env:
      return "<env:" + origin_ + ">";
    case Source::Inline:
      break;
  }
  return value_.empty() ? std::string() : std::string("****");
}

}  // namespace lxdrunner::config
