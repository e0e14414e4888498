// SPDX-License-Identifier: Apache-2.0
// FilePush as a provisioner uses it through Host::pushFile: the same FilePush pushed again (a
// retry) sends its whole content again, from bytes or from a host file, and a read error
// reaches the caller with its own text.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "lxdrunner/sdk/fake_host.hpp"
#include "lxdrunner/sdk/host.hpp"

using lxdrunner::sdk::Error;
using lxdrunner::sdk::FakeHost;
using lxdrunner::sdk::FilePush;
using lxdrunner::sdk::InstanceRef;

namespace {

const InstanceRef kInstance{"lxdrunner-f1", "main", "test-backend"};

// A host file with `content`, removed at the end of the test.
class HostFile {
 public:
  explicit HostFile(const std::string& content)
      : path_((std::filesystem::temp_directory_path() /
               ("lxdrunner-file-push-" + std::to_string(::getpid())))
                  .string()) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
  }
  ~HostFile() { std::remove(path_.c_str()); }
  HostFile(const HostFile&) = delete;
  HostFile& operator=(const HostFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

TEST_CASE("a FilePush from content can be pushed any number of times", "[sdk][file_push]") {
  FakeHost fake;
  const std::string content = "line\n" + std::string(10000, 'x');  // several reads
  FilePush file = FilePush::fromContent("/etc/job.env", content, 0600);
  for (int push = 1; push <= 3; ++push) {
    INFO("push " << push);
    fake.host().pushFile(kInstance, file);
    CHECK(fake.files()["/etc/job.env"].content == content);
    CHECK(fake.files()["/etc/job.env"].mode == 0600);
  }
  // A copy is as good as the original.
  FilePush copy = file;
  copy.path = "/etc/copy";
  fake.host().pushFile(kInstance, copy);
  CHECK(fake.files()["/etc/copy"].content == content);
}

TEST_CASE("a FilePush from a host file is read anew for each push", "[sdk][file_push]") {
  FakeHost fake;
  const std::string content = std::string(9000, 'y') + "end";
  HostFile host_file(content);
  FilePush file = FilePush::fromFile("/opt/runner.tar.gz", host_file.path(), 0640);
  fake.host().pushFile(kInstance, file);
  fake.host().pushFile(kInstance, file);
  CHECK(fake.files()["/opt/runner.tar.gz"].content == content);
  CHECK(fake.files()["/opt/runner.tar.gz"].mode == 0640);
}

TEST_CASE("a missing host file fails before anything is pushed, naming it", "[sdk][file_push]") {
  const std::string missing = "/nonexistent/lxdrunner/file";
  try {
    (void)FilePush::fromFile("/x", missing);
    FAIL("fromFile() accepted a missing file");
  } catch (const Error& e) {
    CHECK(e.status() == LXDR_ERR_NOT_FOUND);
    CHECK(std::string(e.what()) ==
          "host file /nonexistent/lxdrunner/file cannot be opened: No such file or directory");
  }
}

TEST_CASE("a read error fails the push with the reader's own text", "[sdk][file_push]") {
  FakeHost fake;
  FilePush file;
  file.path = "/etc/broken";
  file.read = [](char*, size_t) -> size_t { throw std::runtime_error("the disk is on fire"); };
  try {
    fake.host().pushFile(kInstance, file);
    FAIL("the push succeeded");
  } catch (const Error& e) {
    CHECK(e.status() == LXDR_ERR_INTERNAL);
    CHECK(std::string(e.what()) == "the disk is on fire");
  }

  file.read = [](char*, size_t) -> size_t {
    throw Error(LXDR_ERR_TRANSIENT, "the NFS server went away");
  };
  try {
    fake.host().pushFile(kInstance, file);
    FAIL("the push succeeded");
  } catch (const Error& e) {
    CHECK(e.status() == LXDR_ERR_TRANSIENT);
    CHECK(std::string(e.what()) == "the NFS server went away");
  }
}
