// SPDX-License-Identifier: Apache-2.0
// Writing into a container's FIFO from the host (container_fifo): against a directory tree
// laid out as /proc would show a container's init, with a real FIFO and a real reader.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>

#include "container_fifo.hpp"

using namespace lxdrunner::backends;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kPid = 4242;

struct ProcTree {
  fs::path top;
  fs::path root;  // the container's root, as /proc/<pid>/root

  ProcTree() {
    char tmpl[] = "/tmp/lxdrunner-fifo-XXXXXX";
    top = mkdtemp(tmpl);
    root = top / "proc" / std::to_string(kPid) / "root";
    fs::create_directories(root / "var/lib/lxdrunner");
    cgroup("0::/lxc.payload.c1\n");
    status("4242\t1");
  }
  ~ProcTree() {
    std::error_code ignored;
    fs::remove_all(top, ignored);
  }
  ProcTree(const ProcTree&) = delete;
  ProcTree& operator=(const ProcTree&) = delete;

  void cgroup(const std::string& text) const {
    std::ofstream(top / "proc" / std::to_string(kPid) / "cgroup") << text;
  }
  void status(const std::string& nspid) const {
    std::ofstream(top / "proc" / std::to_string(kPid) / "status")
        << "Name:\tinit\nPid:\t4242\nNSpid:\t" << nspid << "\nVmRSS:\t1 kB\n";
  }
  fs::path fifo(mode_t mode = 0600) const {
    fs::path p = root / "var/lib/lxdrunner/start.fifo";
    REQUIRE(mkfifo(p.c_str(), mode) == 0);
    REQUIRE(chmod(p.c_str(), mode) == 0);  // whatever the umask
    return p;
  }
  ContainerFifo target() const {
    ContainerFifo t;
    t.proc = (top / "proc").string();
    t.init_pid = kPid;
    t.payload_cgroup = "lxc.payload.c1";
    t.path = "/var/lib/lxdrunner/start.fifo";
    return t;
  }
};

// A reader that is there before the write, as the armed supervisor is: O_RDWR opens a FIFO
// at once on Linux and counts as a reader.
int heldOpen(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  return fd;
}

// Exactly `size` bytes from `fd`, read in the background (the write may need the room).
std::future<std::string> drain(int fd, size_t size) {
  return std::async(std::launch::async, [fd, size] {
    std::string got;
    char buffer[4096];
    while (got.size() < size) {
      ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, size - got.size()));
      if (n <= 0) break;
      got.append(buffer, size_t(n));
    }
    return got;
  });
}

// What is in the FIFO now, without waiting.
std::string pending(int fd) {
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  std::string got;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) got.append(buffer, size_t(n));
  return got;
}

}  // namespace

TEST_CASE("container FIFO: the line reaches the process that waits on it", "[lxd][fifo]") {
  ProcTree tree;
  const int reader = heldOpen(tree.fifo());
  std::string why;
  REQUIRE(writeContainerFifo(tree.target(), "jit-config\n", 1000, why) == FifoWrite::kWritten);
  CHECK(pending(reader) == "jit-config\n");
  ::close(reader);
}

TEST_CASE("container FIFO: more than a pipe holds at once reaches a reader", "[lxd][fifo]") {
  ProcTree tree;
  const int reader = heldOpen(tree.fifo());
  const std::string data(65536, 'x');
  auto got = drain(reader, data.size());
  std::string why;
  REQUIRE(writeContainerFifo(tree.target(), data, 5000, why) == FifoWrite::kWritten);
  CHECK(got.get() == data);
  CHECK_THROWS(writeContainerFifo(tree.target(), std::string(65537, 'x'), 100, why));
  ::close(reader);
}

TEST_CASE("container FIFO: nothing is written where nobody waits", "[lxd][fifo]") {
  ProcTree tree;
  std::string why;
  SECTION("no FIFO at the path") {
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kNoReader);
  }
  SECTION("a FIFO nobody reads") {
    tree.fifo();
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kNoReader);
    CHECK(why.find("nothing reads it") != std::string::npos);
  }
  SECTION("a regular file is never opened for writing") {
    const fs::path file = tree.root / "var/lib/lxdrunner/start.fifo";
    std::ofstream(file) << "";
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kNoReader);
    CHECK(why.find("not a FIFO") != std::string::npos);
    CHECK(fs::file_size(file) == 0);
  }
  SECTION("a FIFO others may open is not the supervisor's") {
    const int reader = heldOpen(tree.fifo(0622));
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kNoReader);
    CHECK(why.find("mode 0600") != std::string::npos);
    CHECK(pending(reader).empty());
    ::close(reader);
  }
}

TEST_CASE("container FIFO: a symlink cannot lead out of the container's root", "[lxd][fifo]") {
  ProcTree tree;
  // A FIFO on the host, with a reader: what a link inside the container must not reach.
  const fs::path outside = tree.top / "host.fifo";
  REQUIRE(mkfifo(outside.c_str(), 0600) == 0);
  const int reader = heldOpen(outside);
  const fs::path link = tree.root / "var/lib/lxdrunner/start.fifo";
  std::string why;
  SECTION("absolute") {
    fs::create_symlink(outside, link);
  }
  SECTION("relative, up past the root") {
    fs::create_symlink("../../../../../../host.fifo", link);
  }
  CHECK(writeContainerFifo(tree.target(), "secret\n", 100, why) == FifoWrite::kNoReader);
  CHECK(pending(reader).empty());
  ::close(reader);
}

TEST_CASE("container FIFO: a process other than the container's init is refused", "[lxd][fifo]") {
  ProcTree tree;
  tree.fifo();
  std::string why;
  SECTION("another container's") {
    tree.cgroup("0::/lxc.payload.c10\n");
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kUnreachable);
    CHECK(why.find("lxc.payload.c1") != std::string::npos);
  }
  SECTION("a same-named container nested in another") {
    tree.cgroup("0::/lxc.payload.outer/lxc.payload.c1\n");
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kUnreachable);
  }
  SECTION("a process of the container that is not its init") {
    tree.status("4242\t37");
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kUnreachable);
    CHECK(why.find("not the container's init") != std::string::npos);
  }
  SECTION("a process of the host (no pid namespace of its own)") {
    tree.status("4242");
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kUnreachable);
    CHECK(why.find("not the container's init") != std::string::npos);
  }
  SECTION("the host's") {
    tree.cgroup("12:cpuset:/\n0::/init.scope\n");
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kUnreachable);
  }
  SECTION("no such process") {
    ContainerFifo t = tree.target();
    t.init_pid = kPid + 1;
    CHECK(writeContainerFifo(t, "x\n", 100, why) == FifoWrite::kUnreachable);
  }
  SECTION("init below the payload cgroup (systemd's init.scope) is the container's") {
    tree.cgroup("12:cpuset:/lxc.payload.c1\n0::/lxc.payload.c1/init.scope\n");
    CHECK(writeContainerFifo(tree.target(), "x\n", 100, why) == FifoWrite::kNoReader);
  }
}
