// SPDX-License-Identifier: Apache-2.0
#include "container_fifo.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <system_error>

namespace lxdrunner::backends {

namespace {

constexpr size_t kMaxData = 65536;
constexpr size_t kMaxProcFile = 65536;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

std::string errnoText(int e) {
  return std::error_code(e, std::generic_category()).message();
}

// A small file of a process's /proc directory, whole; false when it cannot be read.
bool readProcFile(int pid_dir, const char* name, std::string& text) {
  Fd f(::openat(pid_dir, name, O_RDONLY | O_CLOEXEC));
  if (!f.ok()) return false;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(f.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxProcFile) return false;
  }
}

// True when one of the process's cgroup paths starts with the directory `payload`: its init
// may sit below it (systemd moves itself into init.scope), never outside it.
bool inPayloadCgroup(int pid_dir, const std::string& payload) {
  std::string text;
  if (!readProcFile(pid_dir, "cgroup", text)) return false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    // hierarchy-ID:controllers:path
    const size_t second = line.find(':', line.find(':') + 1);
    if (second == std::string::npos) continue;
    const std::string path = line.substr(second + 1) + "/";
    if (path.rfind("/" + payload + "/", 0) == 0) return true;
  }
  return false;
}

// True when the process is its pid namespace's init (the last NSpid is 1): any other process
// of the container (a service, a nested container with a root of its own) is refused.
bool isNamespaceInit(int pid_dir) {
  std::string text;
  if (!readProcFile(pid_dir, "status", text)) return false;
  const size_t at = text.find("\nNSpid:");
  if (at == std::string::npos) return false;
  const size_t end = text.find('\n', at + 1);
  const std::string line = text.substr(at + 7, end == std::string::npos ? end : end - at - 7);
  const size_t last = line.find_last_of(" \t");
  return last != std::string::npos && line.substr(last + 1) == "1";
}

// openat2(2) has no glibc wrapper in Debian 12.
int openInRoot(int root, const std::string& path, uint64_t flags) {
  open_how how{};
  how.flags = flags;
  // Not across mounts either: a FUSE or network mount on the way could stall the lookup,
  // and a bind mount could lead to the host's files. The state directory is on the root's.
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  const std::string relative = path.substr(path.find_first_not_of('/'));
  return static_cast<int>(::syscall(SYS_openat2, root, relative.c_str(), &how, sizeof how));
}

// SIGPIPE is held back while writing to a pipe whose reader may leave: EPIPE says enough,
// and the daemon must not die of it.
class PipeSignalBlocked {
 public:
  PipeSignalBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  PipeSignalBlocked(const PipeSignalBlocked&) = delete;
  PipeSignalBlocked& operator=(const PipeSignalBlocked&) = delete;
  ~PipeSignalBlocked() {
    if (raised_) {
      const timespec now{};
      while (sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  void raised() { raised_ = true; }

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool raised_ = false;
};

}  // namespace

std::string payloadCgroup(const std::string& project, const std::string& instance) {
  return "lxc.payload." + (project.empty() || project == "default" ? "" : project + "_") + instance;
}

FifoWrite writeContainerFifo(const ContainerFifo& target, const std::string& data, int timeout_ms,
                             std::string& why) {
  if (data.size() > kMaxData) throw std::runtime_error("more than 65536 bytes for a FIFO");
  if (target.path.empty() || target.path.front() != '/' ||
      target.path.find_first_not_of('/') == std::string::npos) {
    why = "'" + target.path + "' is not an absolute path to a file";
    return FifoWrite::kNoReader;
  }
  // The /proc directory holds on to this very process: were it gone and its pid reused,
  // what is opened through it fails instead of reaching the new process.
  const std::string pid_path = target.proc + "/" + std::to_string(target.init_pid);
  Fd pid_dir(::open(pid_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!pid_dir.ok()) {
    why = "cannot open " + pid_path + ": " + errnoText(errno);
    return FifoWrite::kUnreachable;
  }
  if (!inPayloadCgroup(pid_dir.get(), target.payload_cgroup)) {
    why = "process " + std::to_string(target.init_pid) + " is not in the container's cgroup " +
          target.payload_cgroup;
    return FifoWrite::kUnreachable;
  }
  if (!isNamespaceInit(pid_dir.get())) {
    why = "process " + std::to_string(target.init_pid) + " is not the container's init";
    return FifoWrite::kUnreachable;
  }
  Fd root(::openat(pid_dir.get(), "root", O_PATH | O_DIRECTORY | O_CLOEXEC));
  struct stat root_stat {};
  if (!root.ok() || ::fstat(root.get(), &root_stat) != 0) {
    why = "cannot open the root of process " + std::to_string(target.init_pid) + ": " +
          errnoText(errno);
    return FifoWrite::kUnreachable;
  }
  Fd node(openInRoot(root.get(), target.path, O_PATH | O_CLOEXEC));
  if (!node.ok()) {
    const int e = errno;
    why = target.path + ": " + errnoText(e);
    return e == ENOSYS || e == EPERM ? FifoWrite::kUnreachable : FifoWrite::kNoReader;
  }
  struct stat node_stat {};
  if (::fstat(node.get(), &node_stat) != 0 || !S_ISFIFO(node_stat.st_mode)) {
    why = target.path + " is not a FIFO";
    return FifoWrite::kNoReader;
  }
  if (node_stat.st_uid != root_stat.st_uid || (node_stat.st_mode & 077) != 0) {
    why = target.path + " is not the container root's own (owner and mode 0600 expected)";
    return FifoWrite::kNoReader;
  }
  // Opened for writing only now that it is known to be that FIFO (an O_PATH descriptor
  // reopens the node it names). Non-blocking: with nobody reading, this fails at once.
  const std::string reopen = "/proc/self/fd/" + std::to_string(node.get());
  Fd fifo(::open(reopen.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fifo.ok()) {
    const int e = errno;
    why = e == ENXIO ? target.path + ": nothing reads it" : target.path + ": " + errnoText(e);
    return FifoWrite::kNoReader;
  }

  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  PipeSignalBlocked blocked;
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fifo.get(), data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    const int e = n < 0 ? errno : EIO;
    if (e == EINTR) continue;
    if (e == EAGAIN) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            until - std::chrono::steady_clock::now())
                            .count();
      pollfd p{fifo.get(), POLLOUT, 0};
      if (left > 0 && (::poll(&p, 1, static_cast<int>(left)) >= 0 || errno == EINTR)) continue;
      throw std::runtime_error(target.path + ": no room in the FIFO within " +
                               std::to_string(timeout_ms) + " ms (" + std::to_string(written) +
                               " of " + std::to_string(data.size()) + " bytes written)");
    }
    if (e == EPIPE) blocked.raised();
    if (e == EPIPE && written == 0) {
      why = target.path + ": its reader left";
      return FifoWrite::kNoReader;
    }
    throw std::runtime_error(target.path + ": writing failed after " + std::to_string(written) +
                             " of " + std::to_string(data.size()) + " bytes: " + errnoText(e));
  }
  return FifoWrite::kWritten;
}

}  // namespace lxdrunner::backends
