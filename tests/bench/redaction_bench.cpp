// SPDX-License-Identifier: Apache-2.0
// The log redactor after N jobs: each job hands it a JIT config and a registration token (as
// the GitHub client does), an installation token arrives every hour, and simulated time
// passes one job every 26 s (100,000 jobs in about a month). At 0, 1k, 10k and 100k jobs it
// prints the values held, their bytes, and the time to redact an ordinary line and a line
// with a JIT config in it — both should stay flat. "unbounded" is what a list that keeps
// every value once would hold by then (the daemon used to keep two such lists).
//   bench_redaction [jobs]   (default 100000)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "logging/redactor.hpp"

using namespace lxdrunner;
using Steady = std::chrono::steady_clock;

namespace {

const std::string kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string randomFrom(const std::string& alphabet, size_t n, std::mt19937_64& rng) {
  std::string out(n, ' ');
  for (auto& c : out) c = alphabet[rng() % alphabet.size()];
  return out;
}

// Mean nanoseconds per redact() of `line`, over enough repetitions to take ~50 ms.
double nsPerLine(const logging::Redactor& r, const std::string& line) {
  size_t sink = 0;
  size_t n = 0;
  const auto start = Steady::now();
  auto elapsed = Steady::duration::zero();
  for (size_t batch = 64; elapsed < std::chrono::milliseconds(50); batch *= 2) {
    for (size_t i = 0; i < batch; ++i) sink += r.redact(line).size();
    n += batch;
    elapsed = Steady::now() - start;
  }
  if (sink == 0) std::puts("");  // keeps the loop from being optimised away
  return std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
  const long jobs = argc > 1 ? std::atol(argv[1]) : 100000;
  std::atomic<int64_t> clock_ms{0};
  logging::Redactor redactor([&] { return clock_ms.load(); });
  // Configured secrets: PAT, webhook secret, operator API token.
  redactor.addPermanent("ghp_" + std::string(36, 'P'));
  redactor.addPermanent("webhook-secret-0123456789abcdef");
  redactor.addPermanent("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

  std::mt19937_64 rng(42);
  const std::string base64 = kAlnum + "+/";
  const std::string ordinary =
      "2024-05-01T12:00:00.000Z Information [dispatcher] instance lxdrunner-123456-1abcd on "
      "main: runner started for job 123456";
  const std::string with_jit = "provisioner: writing .runner from " + randomFrom(base64, 1800, rng);
  const auto lifetime = std::chrono::hours(2);  // what the daemon gives GitHub's credentials
  const int64_t job_every_ms = 26000;
  const std::vector<long> checkpoints{0, 1000, 10000, 100000};

  std::printf("%8s %9s %10s %12s %15s %15s %17s\n", "jobs", "entries", "bytes", "ns/line",
              "ns/line(jit)", "unbounded", "unbounded bytes");
  size_t unbounded = 0;
  size_t unbounded_bytes = 0;
  int64_t next_installation_token = 0;
  long done = 0;
  for (long checkpoint : checkpoints) {
    if (checkpoint > jobs) break;
    for (; done < checkpoint; ++done) {
      clock_ms += job_every_ms;
      if (clock_ms >= next_installation_token) {
        const auto token = "ghs_" + randomFrom(kAlnum, 36, rng);
        redactor.addShortLived(token, lifetime);
        ++unbounded;
        unbounded_bytes += token.size();
        next_installation_token = clock_ms + 3600 * 1000;
      }
      const auto jit = "eyJ" + randomFrom(base64, 1800, rng);
      const auto registration = randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 29, rng);
      redactor.addShortLived(jit, lifetime);
      redactor.addShortLived(registration, lifetime);
      unbounded += 2;
      unbounded_bytes += jit.size() + registration.size();
    }
    const auto usage = redactor.usage();
    std::printf("%8ld %9zu %10zu %12.0f %15.0f %15zu %17zu\n", checkpoint,
                usage.permanent + usage.short_lived, usage.bytes, nsPerLine(redactor, ordinary),
                nsPerLine(redactor, with_jit), unbounded, unbounded_bytes);
  }
  return 0;
}
