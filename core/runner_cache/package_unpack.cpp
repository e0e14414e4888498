// SPDX-License-Identifier: Apache-2.0
#include "runner_cache/package_unpack.hpp"

#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <thread>

namespace lxdrunner::runner_cache {
namespace {

namespace fs = std::filesystem;

// Poco's child exits with 72 when exec fails (tar missing from PATH).
constexpr int kExecFailed = 72;

// Keeps the start of tar's output: enough to say what is wrong, bounded whatever tar prints.
std::string readBounded(Poco::Pipe& pipe) {
  Poco::PipeInputStream in(pipe);
  std::string kept;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const auto n = static_cast<size_t>(in.gcount());
    if (kept.size() < 2048) kept.append(buffer, std::min(n, 2048 - kept.size()));
  }
  while (!kept.empty() && (kept.back() == '\n' || kept.back() == '\r')) kept.pop_back();
  for (char& c : kept) {
    if (c == '\n') c = ' ';
  }
  return kept;
}

}  // namespace

void makeReadableByAll(const std::string& dir) {
  fs::permissions(dir, static_cast<fs::perms>(0755), fs::perm_options::replace);
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::file_status st = it->symlink_status();
    if (fs::is_symlink(st)) continue;
    if (fs::is_directory(st)) {
      fs::permissions(it->path(), static_cast<fs::perms>(0755), fs::perm_options::replace);
    } else if (fs::is_regular_file(st)) {
      const bool executable = (st.permissions() & fs::perms::owner_exec) != fs::perms::none;
      fs::permissions(it->path(), static_cast<fs::perms>(executable ? 0755 : 0644),
                      fs::perm_options::replace);
    }
  }
}

void unpackTarGz(const std::string& tarball, const std::string& into_dir,
                 std::chrono::steady_clock::time_point deadline,
                 const std::function<bool()>& cancelled) {
  Poco::Pipe output;
  Poco::Process::Args args{"-xzf", tarball, "-C", into_dir, "--no-same-owner"};
  std::optional<Poco::ProcessHandle> launched;
  try {
    launched.emplace(Poco::Process::launch("tar", args, nullptr, &output, &output));
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot start tar to unpack " + tarball + ": " + e.displayText());
  }
  Poco::ProcessHandle& tar = *launched;
  std::string said;
  std::thread reader([&] {
    try {
      said = readBounded(output);
    } catch (...) {
      // tar's words are only decoration for the error line; its exit status decides.
    }
  });
  int exit_code = -1;
  std::string stopped_because;
  while ((exit_code = tar.tryWait()) == -1) {
    if (cancelled && cancelled()) {
      stopped_because = "cancelled: lxdrunner is stopping";
    } else if (std::chrono::steady_clock::now() >= deadline) {
      stopped_because = "did not finish before its deadline";
    }
    if (!stopped_because.empty()) {
      Poco::Process::kill(tar);
      tar.wait();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  reader.join();
  if (!stopped_because.empty()) {
    throw std::runtime_error("unpacking " + tarball + " " + stopped_because);
  }
  if (exit_code == kExecFailed && said.empty()) {
    throw std::runtime_error("cannot run tar to unpack " + tarball + ": install tar (GNU tar)");
  }
  if (exit_code != 0) {
    throw std::runtime_error("tar could not unpack " + tarball + " (exit status " +
                             std::to_string(exit_code) + (said.empty() ? "" : ": " + said) + ")");
  }
  makeReadableByAll(into_dir);
}

}  // namespace lxdrunner::runner_cache
