// SPDX-License-Identifier: Apache-2.0
// The doctor's findings: one line per check, ok / warn / FAIL, and for anything not ok what
// to do about it. Printed as text for people or as JSON for scripts.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace lxdrunner::cli {

enum class CheckLevel { Ok, Warn, Fail };

struct CheckResult {
  CheckLevel level = CheckLevel::Ok;
  std::string check;   // what was checked: "lxd remote 'main'", "github credentials", ...
  std::string detail;  // what was found
  std::string fix;     // what to do; empty when ok
};

class DoctorReport {
 public:
  void ok(std::string check, std::string detail);
  void warn(std::string check, std::string detail, std::string fix);
  void fail(std::string check, std::string detail, std::string fix);

  const std::vector<CheckResult>& results() const noexcept { return results_; }
  size_t count(CheckLevel level) const;
  // 0 when nothing failed, 1 otherwise.
  int exitCode() const { return count(CheckLevel::Fail) == 0 ? 0 : 1; }

  // "ok    CHECK: DETAIL" / "FAIL  CHECK: DETAIL -> FIX", then a summary line.
  void printText(std::ostream& out) const;
  // {"ok": bool, "checks": [{"check","status","detail","fix"}], "counts": {...}}
  void printJson(std::ostream& out) const;

 private:
  std::vector<CheckResult> results_;
};

std::string_view levelName(CheckLevel level);

}  // namespace lxdrunner::cli
