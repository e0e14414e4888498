// SPDX-License-Identifier: Apache-2.0
#include "cli/cli_client_render.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace lxdrunner::cli {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string text(const Object& o, const std::string& key) {
  if (!o.has(key) || o.isNull(key)) return {};
  return o.get(key).convert<std::string>();
}

std::string yesNo(const Object& o, const std::string& key) {
  return o.has(key) && o.getValue<bool>(key) ? "yes" : "no";
}

std::string orDash(const std::string& s) {
  return s.empty() ? "-" : s;
}

// Long errors would break the table; the detail view has the whole text.
std::string clip(const std::string& s, size_t width) {
  if (s.size() <= width) return s;
  return s.substr(0, width - 3) + "...";
}

std::string stampTime(const Object& job, const std::string& phase) {
  const auto stamps = job.getObject("timestamps");
  if (!stamps || !stamps->has(phase)) return {};
  return text(*stamps->getObject(phase), "time");
}

int64_t stampMs(const Object& job, const std::string& phase) {
  const auto stamps = job.getObject("timestamps");
  if (!stamps || !stamps->has(phase)) return 0;
  return stamps->getObject(phase)->getValue<Poco::Int64>("unix_ms");
}

}  // namespace

void printAlignedTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << '\n';
  }
}

std::string humanDuration(double seconds) {
  char buffer[32];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", seconds);
  } else if (seconds < 3600) {
    const auto s = static_cast<long>(seconds);
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  } else {
    const auto s = static_cast<long>(seconds);
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  }
  return buffer;
}

namespace {

// "idle/target" for an entry with a warm pool ("cold only" when its provisioner cannot
// prepare), "-" without one.
std::string warmColumn(const Object& entry) {
  const auto pool = entry.getObject("warm_pool");
  if (!pool) return "-";
  if (!pool->optValue<bool>("served", true)) return "cold only";
  return text(*pool, "idle") + "/" + text(*pool, "size");
}

}  // namespace

void renderStatus(std::ostream& out, const Object& status) {
  out << "lxdrunner " << text(status, "version") << ", up "
      << humanDuration(status.getValue<double>("uptime_s")) << " (since "
      << text(status, "started_at") << ")\n";
  out << "slots: " << text(status, "slots_used") << " of " << text(status, "max_workers")
      << " used, " << text(status, "launches_in_flight") << " launch(es) in flight\n";
  if (const auto jobs = status.getObject("jobs")) {
    out << "jobs:";
    bool first = true;
    for (const auto& state :
         {"queued", "launching", "provisioning", "running", "completed", "failed", "cancelled"}) {
      out << (first ? " " : ", ") << state << " " << text(*jobs, state);
      first = false;
    }
    out << "\n";
  }
  out << "\n";
  std::vector<std::vector<std::string>> rows{
      {"ENTRY", "QUEUED", "SLOTS", "MAX", "WARM", "DRAINED", "BACKEND", "PROVISIONER"}};
  if (const auto entries = status.getArray("entries")) {
    for (size_t i = 0; i < entries->size(); ++i) {
      const auto e = entries->getObject(static_cast<unsigned>(i));
      rows.push_back({text(*e, "name"), text(*e, "queued"), text(*e, "slots_used"),
                      text(*e, "max_workers"), warmColumn(*e), yesNo(*e, "drained"),
                      text(*e, "backend"), text(*e, "provisioner")});
    }
  }
  printAlignedTable(out, rows);
  if (const auto counters = status.getObject("counters")) {
    out << "\ncounters since start:";
    std::vector<std::string> names;
    counters->getNames(names);
    bool first = true;
    for (const auto& name : names) {
      out << (first ? " " : ", ") << name << " " << text(*counters, name);
      first = false;
    }
    out << "\n";
  }
}

void renderJobs(std::ostream& out, const Object& list) {
  const auto jobs = list.getArray("jobs");
  if (!jobs || jobs->size() == 0) {
    out << "no " << text(list, "state") << " jobs\n";
    return;
  }
  std::vector<std::vector<std::string>> rows{
      {"JOB", "STATE", "ENTRY", "REPOSITORY", "INSTANCE", "QUEUED AT", "ATTEMPTS", "LAST ERROR"}};
  for (size_t i = 0; i < jobs->size(); ++i) {
    const auto j = jobs->getObject(static_cast<unsigned>(i));
    rows.push_back({text(*j, "job_id"), text(*j, "state"), text(*j, "entry"),
                    text(*j, "repository"), orDash(text(*j, "instance")), stampTime(*j, "queued"),
                    text(*j, "attempts"), orDash(clip(text(*j, "last_error"), 60))});
  }
  printAlignedTable(out, rows);
  const auto total = list.getValue<Poco::UInt64>("total");
  if (total > jobs->size()) {
    out << "(the newest " << jobs->size() << " of " << total << ")\n";
  }
}

void renderJob(std::ostream& out, const Object& job) {
  std::vector<std::vector<std::string>> fields{
      {"job:", text(job, "job_id")},
      {"state:", text(job, "state")},
      {"entry:", text(job, "entry")},
      {"repository:", text(job, "repository")},
      {"run:", text(job, "run_id") + " (attempt " + text(job, "run_attempt") + ")"},
      {"instance:",
       orDash(text(job, "instance")) + (job.getValue<bool>("instance_live") ? " (live)" : "")},
      {"backend:", orDash(text(job, "backend")) + " on " + orDash(text(job, "remote"))},
      {"runner:", orDash(text(job, "runner_name"))},
      {"source:", orDash(text(job, "source"))},
      {"attempts:", text(job, "attempts")},
      {"served:", job.optValue<bool>("served_warm", false) ? "warm (from the pool)" : "cold"},
      {"last error:", orDash(text(job, "last_error"))},
  };
  printAlignedTable(out, fields);
  out << "\nphase history:\n";
  std::vector<std::vector<std::string>> rows{{"PHASE", "ENTERED AT", "TIME IN PHASE"}};
  const char* const phases[] = {"queued", "launching", "provisioning", "running", "finished"};
  for (size_t i = 0; i < sizeof phases / sizeof phases[0]; ++i) {
    const int64_t at = stampMs(job, phases[i]);
    if (at == 0) continue;
    std::string spent = "-";
    for (size_t k = i + 1; k < sizeof phases / sizeof phases[0]; ++k) {
      const int64_t next = stampMs(job, phases[k]);
      if (next >= at && next != 0) {
        spent = humanDuration(static_cast<double>(next - at) / 1000.0);
        break;
      }
    }
    if (std::string(phases[i]) == "finished") spent = "";
    rows.push_back({phases[i], stampTime(job, phases[i]), spent});
  }
  printAlignedTable(out, rows);
  if (stampMs(job, "instance_gone") != 0) {
    out << "instance removed at " << stampTime(job, "instance_gone") << "\n";
  }
  const std::string log = text(job, "log");
  out << "\nprovisioning log" << (log.empty() ? ": (empty)\n" : ":\n") << log;
  if (!log.empty() && log.back() != '\n') out << '\n';
}

void renderInstances(std::ostream& out, const Object& list) {
  const auto instances = list.getArray("instances");
  if (!instances || instances->size() == 0) {
    out << "no instances\n";
  } else {
    std::vector<std::vector<std::string>> rows{
        {"NAME", "JOB", "JOB STATE", "ENTRY", "BACKEND", "REMOTE", "STATUS", "NOTE"}};
    for (size_t i = 0; i < instances->size(); ++i) {
      const auto o = instances->getObject(static_cast<unsigned>(i));
      std::string note;
      if (o->has("orphan")) note = "no job owns it";
      if (o->has("launching") && o->getValue<bool>("launching")) note = "launching";
      rows.push_back({text(*o, "name"), text(*o, "job_id"), orDash(text(*o, "job_state")),
                      orDash(text(*o, "entry")), text(*o, "backend"), orDash(text(*o, "remote")),
                      text(*o, "backend_status"), orDash(note)});
    }
    printAlignedTable(out, rows);
  }
  if (const auto errors = list.getArray("errors")) {
    for (size_t i = 0; i < errors->size(); ++i) {
      out << "warning: " << errors->getElement<std::string>(static_cast<unsigned>(i)) << "\n";
    }
  }
}

void renderDevices(std::ostream& out, const Object& list) {
  const auto items = list.getArray("items");
  if (!items || items->size() == 0) {
    out << "no device pools\n";
    return;
  }
  std::vector<std::vector<std::string>> rows{{"POOL", "REMOTE", "ITEM", "STATE"}};
  for (size_t i = 0; i < items->size(); ++i) {
    const auto o = items->getObject(static_cast<unsigned>(i));
    std::string state = text(*o, "state");
    if (state == "held") {
      state += " by " + text(*o, "instance") + " as " + text(*o, "device");
      const std::string job = text(*o, "job_id");
      if (!job.empty() && job != "0") state += " (job " + job + ")";
    } else if (state == "unavailable") {
      state += ": " + text(*o, "unavailable");
    }
    rows.push_back({text(*o, "pool"), text(*o, "remote"), text(*o, "item"), state});
  }
  printAlignedTable(out, rows);
}

}  // namespace lxdrunner::cli
