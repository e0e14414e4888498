// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor_report.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>

namespace lxdrunner::cli {

std::string_view levelName(CheckLevel level) {
  switch (level) {
    case CheckLevel::Ok:
      return "ok";
    case CheckLevel::Warn:
      return "warn";
    case CheckLevel::Fail:
      return "FAIL";
  }
  return "FAIL";
}

void DoctorReport::ok(std::string check, std::string detail) {
  results_.push_back({CheckLevel::Ok, std::move(check), std::move(detail), {}});
}

void DoctorReport::warn(std::string check, std::string detail, std::string fix) {
  results_.push_back({CheckLevel::Warn, std::move(check), std::move(detail), std::move(fix)});
}

void DoctorReport::fail(std::string check, std::string detail, std::string fix) {
  results_.push_back({CheckLevel::Fail, std::move(check), std::move(detail), std::move(fix)});
}

size_t DoctorReport::count(CheckLevel level) const {
  return static_cast<size_t>(std::count_if(results_.begin(), results_.end(),
                                           [level](const auto& r) { return r.level == level; }));
}

void DoctorReport::printText(std::ostream& out) const {
  for (const auto& r : results_) {
    std::string status(levelName(r.level));
    status.resize(6, ' ');
    out << status << r.check << ": " << r.detail;
    if (!r.fix.empty()) out << " -> " << r.fix;
    out << '\n';
  }
  out << "doctor: " << count(CheckLevel::Ok) << " ok, " << count(CheckLevel::Warn)
      << " warning(s), " << count(CheckLevel::Fail) << " failure(s)\n";
}

void DoctorReport::printJson(std::ostream& out) const {
  Poco::JSON::Object root;
  Poco::JSON::Array::Ptr checks = new Poco::JSON::Array();
  for (const auto& r : results_) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object();
    item->set("check", r.check);
    item->set("status",
              r.level == CheckLevel::Fail ? std::string("fail") : std::string(levelName(r.level)));
    item->set("detail", r.detail);
    item->set("fix", r.fix);
    checks->add(item);
  }
  Poco::JSON::Object::Ptr counts = new Poco::JSON::Object();
  counts->set("ok", count(CheckLevel::Ok));
  counts->set("warn", count(CheckLevel::Warn));
  counts->set("fail", count(CheckLevel::Fail));
  root.set("ok", exitCode() == 0);
  root.set("checks", checks);
  root.set("counts", counts);
  root.stringify(out);
  out << '\n';
}

}  // namespace lxdrunner::cli
