// SPDX-License-Identifier: Apache-2.0
// Image import (unified tarball and split metadata + rootfs), aliases and listing, on the
// real daemon. The images are made here, a few kilobytes each, and deleted afterwards.
#include <sys/utsname.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>

#include "real_lxd.hpp"

using namespace lxdrunner::lxd;
using namespace lxdrunner::lxdtest;

namespace {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/lxdrt-image-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void sh(const std::string& command) {
  REQUIRE(std::system(command.c_str()) == 0);
}

// A tree for an image: metadata.yaml (unique, so every run gets a new fingerprint) and a
// rootfs with one file.
void writeImageTree(const std::string& dir, const std::string& tag) {
  utsname u{};
  ::uname(&u);
  std::ofstream(dir + "/metadata.yaml")
      << "architecture: " << u.machine << "\ncreation_date: " << std::time(nullptr)
      << "\nproperties:\n  description: lxdrunner test " << tag << " " << ::getpid() << "\n";
  sh("mkdir -p '" + dir + "/rootfs/etc' && echo " + tag + " > '" + dir + "/rootfs/etc/marker'");
}

StreamedBody fileBody(const std::string& path) {
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  REQUIRE(*in);
  in->seekg(0, std::ios::end);
  StreamedBody body;
  body.size = static_cast<int64_t>(in->tellg());
  in->seekg(0);
  body.read = [in](char* buffer, size_t capacity) {
    in->read(buffer, static_cast<std::streamsize>(capacity));
    return static_cast<size_t>(in->gcount());
  };
  return body;
}

// Deletes an image and alias when the test ends.
struct ImageCleanup {
  LxdClient& client;
  std::string alias;
  std::string fingerprint;
  ~ImageCleanup() {
    try {
      client.deleteImageAlias(alias, seconds(10));
    } catch (...) {
    }
    try {
      if (!fingerprint.empty()) client.deleteImage(fingerprint, seconds(30));
    } catch (...) {
    }
  }
};

}  // namespace

TEST_CASE("import a unified image, alias it, list it, delete it", "[lxd][real][images]") {
  LxdClient client(localRemote());
  TempDir dir;
  writeImageTree(dir.path(), "unified");
  sh("tar -C '" + dir.path() + "' -czf '" + dir.path() + "/image.tar.gz' metadata.yaml rootfs");
  ImageCleanup cleanup{client, uniqueName("alias-unified"), ""};

  cleanup.fingerprint = client.importImage(fileBody(dir.path() + "/image.tar.gz"), seconds(120));
  CHECK(cleanup.fingerprint.size() == 64);
  client.createImageAlias(cleanup.alias, cleanup.fingerprint, "test alias", seconds(10));
  CHECK(client.imageAlias(cleanup.alias, seconds(10)) == cleanup.fingerprint);
  CHECK_FALSE(client.imageAlias(cleanup.alias + "-none", seconds(10)));

  bool listed = false;
  for (const auto& image : client.listImages(seconds(10))) {
    if (image.fingerprint != cleanup.fingerprint) continue;
    listed = true;
    CHECK(image.aliases == std::vector<std::string>{cleanup.alias});
    CHECK(image.type == "container");
  }
  CHECK(listed);
  // The test image itself is there too, under its alias.
  CHECK(client.imageAlias(kTestImage, seconds(10)));
}

TEST_CASE("import a split image (metadata + squashfs rootfs)", "[lxd][real][images]") {
  if (std::system("command -v mksquashfs >/dev/null 2>&1") != 0) {
    WARN("mksquashfs (squashfs-tools) is not installed: split import not exercised");
    return;
  }
  LxdClient client(localRemote());
  TempDir dir;
  writeImageTree(dir.path(), "split");
  sh("tar -C '" + dir.path() + "' -czf '" + dir.path() + "/meta.tar.gz' metadata.yaml");
  sh("mksquashfs '" + dir.path() + "/rootfs' '" + dir.path() +
     "/rootfs.squashfs' -noappend -quiet -no-progress >/dev/null");
  ImageCleanup cleanup{client, uniqueName("alias-split"), ""};
  cleanup.fingerprint =
      client.importSplitImage(fileBody(dir.path() + "/meta.tar.gz"),
                              fileBody(dir.path() + "/rootfs.squashfs"), false, seconds(120));
  CHECK(cleanup.fingerprint.size() == 64);
  client.createImageAlias(cleanup.alias, cleanup.fingerprint, "", seconds(10));
  CHECK(client.imageAlias(cleanup.alias, seconds(10)) == cleanup.fingerprint);
}
