// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace lxdrunner::config {

// A credential from the configuration. It remembers where it came from so that logs, diagnostics
// and the effective-configuration dump can name the source without ever showing the value.
// There is deliberately no operator<<: printing a Secret must be an explicit choice.
class Secret {
 public:
  enum class Source { Inline, File, Env };

  Secret() = default;
  static Secret fromInline(std::string value);
  static Secret fromFile(std::string path, std::string value);
  static Secret fromEnv(std::string variable, std::string value);

  Source source() const { return source_; }
  // The file path or environment variable name; empty for inline secrets.
  const std::string& origin() const { return origin_; }

  bool empty() const { return value_.empty(); }
  const std::string& reveal() const { return value_; }
  // "****" for inline secrets, "<file:/path>" or "<env:NAME>" otherwise; "" when not set.
  std::string masked() const;

 private:
  Secret(Source source, std::string origin, std::string value);

  Source source_ = Source::Inline;
  std::string origin_;
  std::string value_;
};

}  // namespace lxdrunner::config
