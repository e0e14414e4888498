// SPDX-License-Identifier: Apache-2.0
#include "setup_run.hpp"

#include <chrono>
#include <vector>

#include "guest_paths.hpp"
#include "lxdrunner/sdk/error.hpp"
#include "redaction.hpp"

namespace lxdrunner::provisioners {

namespace {

constexpr size_t kErrorLines = 5;
constexpr size_t kRunnerLogLines = 50;
constexpr int64_t kRunnerLogPullMs = 10000;
constexpr int kExitTimedOut = 124;
constexpr int kExitBadInput = 2;

void appendBlock(std::string& log, const std::string& text) {
  if (text.empty()) return;
  log += text;
  if (text.back() != '\n') log += '\n';
}

std::vector<std::string> nonEmptyLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// Best effort: the runner log may not exist (the script failed before starting it), and a
// failure to read it must not hide the script's own error.
void appendRunnerLog(const sdk::Host& host, const SetupInvocation& run, std::string& log) {
  std::string text;
  try {
    int64_t deadline = host.deadlineIn(std::chrono::milliseconds(kRunnerLogPullMs));
    text = host.pullFile(run.instance, guest::kRunnerLog, deadline);
  } catch (const std::exception&) {
    return;
  }
  std::vector<std::string> lines = nonEmptyLines(redacted(std::move(text), run.secret));
  if (lines.empty()) return;
  size_t first = lines.size() > kRunnerLogLines ? lines.size() - kRunnerLogLines : 0;
  log += "--- runner log " + std::string(guest::kRunnerLog) + " (last " +
         std::to_string(lines.size() - first) + " lines) ---\n";
  for (size_t i = first; i < lines.size(); ++i) log += lines[i] + "\n";
}

lxdr_status statusForExit(int exit_code) {
  if (exit_code == kExitTimedOut) return LXDR_ERR_TIMEOUT;
  if (exit_code == kExitBadInput) return LXDR_ERR_INVALID_ARGUMENT;
  return LXDR_ERR_INTERNAL;
}

}  // namespace

std::string lastLines(const std::string& text, size_t count) {
  std::vector<std::string> lines = nonEmptyLines(text);
  size_t first = lines.size() > count ? lines.size() - count : 0;
  std::string out;
  for (size_t i = first; i < lines.size(); ++i) out += (out.empty() ? "" : " | ") + lines[i];
  return out;
}

void runSetupScript(const sdk::Host& host, const SetupInvocation& run, std::string& log) {
  sdk::ExecRequest exec;
  exec.argv = run.argv;
  exec.env = run.env;
  exec.stdin_data = run.stdin_data;
  exec.deadline_ms = run.deadline_ms;
  sdk::ExecResult result;
  try {
    result = host.exec(run.instance, exec);
  } catch (const sdk::Error& e) {
    std::string message = redacted(e.what(), run.secret);
    log += "setup script did not complete: " + message + "\n";
    appendRunnerLog(host, run, log);
    throw sdk::Error(e.status(), "provisioner " + run.provisioner + ": setup script in " +
                                     run.instance.name + " did not complete: " + message);
  }
  // The script merges stderr into stdout; a custom one may not, so keep both.
  std::string output = redacted(result.out, run.secret);
  std::string errors = redacted(result.err, run.secret);
  appendBlock(log, output);
  appendBlock(log, errors);
  if (result.exit_code == 0) return;

  appendRunnerLog(host, run, log);
  std::string tail = lastLines(output + "\n" + errors, kErrorLines);
  throw sdk::Error(statusForExit(result.exit_code),
                   "provisioner " + run.provisioner + ": setup script exited " +
                       std::to_string(result.exit_code) + " in " + run.instance.name +
                       (tail.empty() ? std::string(" with no output") : "; last output: " + tail));
}

}  // namespace lxdrunner::provisioners
