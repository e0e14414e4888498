// SPDX-License-Identifier: Apache-2.0
// The webhook signature matches GitHub's published test vector.
#include <catch2/catch.hpp>

#include "sim/digests.hpp"

using lxdrunner::github_sim::sha256Hex;
using lxdrunner::github_sim::webhookSignature256;

TEST_CASE("github_sim: X-Hub-Signature-256 follows GitHub's test vector",
          "[github_sim][signature]") {
  CHECK(webhookSignature256("It's a Secret to Everybody", "Hello, World!") ==
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST_CASE("github_sim: SHA-256 checksums are lowercase hex of the bytes",
          "[github_sim][signature]") {
  CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
