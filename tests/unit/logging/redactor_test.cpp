// SPDX-License-Identifier: Apache-2.0
// The redactor stays bounded however many credentials it is given, masks GitHub tokens and
// JIT configs by shape after it has forgotten them, and serves loggers on many threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "logging/redactor.hpp"
#include "logging/token_shapes.hpp"

namespace lxdrunner::logging {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

struct FakeClock {
  std::atomic<int64_t> ms{1000};
  Redactor::Clock fn() {
    return [this] { return ms.load(); };
  }
  void advance(std::chrono::milliseconds d) { ms += d.count(); }
};

std::string randomFrom(const std::string& alphabet, size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (size_t i = 0; i < n; ++i) out += alphabet[pick(rng)];
  return out;
}
const std::string kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const std::string kBase64 = kAlnum + "+/";

std::string jitConfig(std::mt19937& rng) {
  return "eyJ" + randomFrom(kBase64, 1500, rng) + "==";
}
std::string installationToken(std::mt19937& rng) {
  return "ghs_" + randomFrom(kAlnum, 36, rng);
}
// GitHub's registration tokens have no prefix: only the list can mask them.
std::string registrationToken(std::mt19937& rng) {
  return randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 29, rng);
}

TEST_CASE("token shapes: GitHub prefixes and JIT blobs are masked, ordinary text is not",
          "[logging]") {
  std::mt19937 rng(1);
  const auto jit = jitConfig(rng);
  for (const std::string prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}) {
    INFO(prefix);
    std::string line = "token " + prefix + "ABCDEFGHIJklmnopqrst0123456789, done";
    CHECK(maskTokenShapes(line));
    CHECK(line == "token ****, done");
  }
  std::string line = "{\"encoded_jit_config\":\"" + jit + "\"}";
  CHECK(maskTokenShapes(line));
  CHECK(line == "{\"encoded_jit_config\":\"****\"}");
  // A JSON encoder's "\/" does not split the blob into pieces that escape the rule.
  std::string escaped = jit;
  for (size_t pos = escaped.find('/'); pos != std::string::npos; pos = escaped.find('/', pos + 2))
    escaped.replace(pos, 1, "\\/");
  CHECK(hasTokenShape(escaped));

  for (const std::string& ordinary : std::vector<std::string>{
           "ghs_short", "job 123 on lxdrunner-123-1abcd", "sha256 " + std::string(64, 'a') + "0",
           "/var/lib/lxdrunner/runner-cache/actions-runner-linux-x64-2.320.0.tar.gz",
           std::string(300, 'x')}) {
    std::string text = ordinary;
    CHECK_FALSE(maskTokenShapes(text));
    CHECK(text == ordinary);
  }
  CHECK(hasTokenShape(jit));
  CHECK(hasTokenShape(installationToken(rng)));
  CHECK_FALSE(hasTokenShape(registrationToken(rng)));
  CHECK_FALSE(hasTokenShape("x" + installationToken(rng) + " tail"));
}

TEST_CASE("redactor: a secret is masked; a permanent one for good", "[logging]") {
  FakeClock clock;
  Redactor r(clock.fn());
  r.addPermanent("hunter2-webhook-secret");
  r.addShortLived("AAGDSMFFO2DL6YNP5Y4LJ2LHJBOQI", hours(1));
  CHECK(r.redact("a hunter2-webhook-secret b AAGDSMFFO2DL6YNP5Y4LJ2LHJBOQI c") ==
        "a **** b **** c");
  clock.advance(hours(24 * 365));
  CHECK(r.redact("a hunter2-webhook-secret b") == "a **** b");
}

TEST_CASE("redactor: values sharing a prefix, overlapping or repeated are all masked",
          "[logging]") {
  FakeClock clock;
  Redactor r(clock.fn());
  r.addShortLived("ABCD1234", hours(1));
  r.addShortLived("ABCD123456789", hours(1));  // same first four bytes, longer
  r.addShortLived("WXYZ9876", hours(1));
  CHECK(r.redact("ABCD123456789 ABCD1234 xWXYZ9876WXYZ9876y ABC") == "**** **** x********y ABC");
}

TEST_CASE("redactor: an expired credential is forgotten but still masked by its shape",
          "[logging]") {
  FakeClock clock;
  Redactor r(clock.fn());
  std::mt19937 rng(2);
  const auto jit = jitConfig(rng);
  const auto token = installationToken(rng);
  const auto registration = registrationToken(rng);
  r.addShortLived(jit, hours(1));
  r.addShortLived(token, hours(1));
  r.addShortLived(registration, hours(1));
  CHECK(r.usage().short_lived == 1);  // the shaped ones need no entry at all
  const std::string line = "jit " + jit + " token " + token + " reg " + registration;
  CHECK(r.redact(line) == "jit **** token **** reg ****");

  clock.advance(hours(1) + seconds(1));
  // GitHub no longer accepts any of them; the shaped ones are masked all the same.
  CHECK(r.redact(line) == "jit **** token **** reg " + registration);
  r.addShortLived(registrationToken(rng), hours(1));  // a writer drops what expired
  CHECK(r.usage().short_lived == 1);
}

TEST_CASE("redactor: the list does not grow past its bound", "[logging]") {
  FakeClock clock;
  Redactor r(clock.fn());
  std::mt19937 rng(3);
  std::string last;
  for (size_t i = 0; i < Redactor::kMaxShortLived + 100; ++i) {
    last = registrationToken(rng);
    r.addShortLived(last, hours(1));  // a burst: none has expired yet
  }
  CHECK(r.usage().short_lived == Redactor::kMaxShortLived);
  CHECK(r.usage().bytes <= Redactor::kMaxShortLivedBytes);
  CHECK(r.redact(last) == "****");  // the newest are kept

  // Long values are bounded by bytes as well.
  for (int i = 0; i < 1200; ++i)
    r.addShortLived(std::string(1000, 'k') + std::to_string(i), hours(1));
  CHECK(r.usage().bytes <= Redactor::kMaxShortLivedBytes);

  // A steady trickle over a long time holds only what is still valid.
  Redactor steady(clock.fn());
  for (int job = 0; job < 10000; ++job) {
    steady.addShortLived(registrationToken(rng), hours(1));
    clock.advance(seconds(30));
  }
  CHECK(steady.usage().short_lived == 120);  // one hour of jobs, one every 30 s
}

TEST_CASE("redactor: loggers on many threads while credentials arrive", "[logging]") {
  Redactor r;
  r.addPermanent("permanent-secret-value");
  std::atomic<bool> stop{false};
  std::atomic<size_t> leaks{0};
  std::vector<std::thread> loggers;
  for (int t = 0; t < 4; ++t) {
    loggers.emplace_back([&] {
      while (!stop.load()) {
        const auto out = r.redact("x permanent-secret-value y");
        if (out != "x **** y") ++leaks;
      }
    });
  }
  std::mt19937 rng(4);
  for (int i = 0; i < 2000; ++i) {
    const auto token = registrationToken(rng);
    r.addShortLived(token, hours(1));
    if (r.redact("reg " + token) != "reg ****") ++leaks;
  }
  stop = true;
  for (auto& t : loggers) t.join();
  CHECK(leaks == 0);
}

}  // namespace
}  // namespace lxdrunner::logging
