// SPDX-License-Identifier: Apache-2.0
// bench_webhook_payload: ns per delivery for the costs of a webhook request — signature
// check (OpenSSL HMAC), our parse, and Poco::JSON::Parser for comparison — on each fixture
// as shipped (pretty-printed, 8-10 KB), padded to the ~11 KB of a real delivery, and padded
// compact JSON, which is what GitHub actually sends.
//
// Run it from an optimised build:
//   cmake --preset release -B /tmp/lxdr-release
//   cmake --build /tmp/lxdr-release --target bench_webhook_payload
//   /tmp/lxdr-release/tests/unit/webhook_payload/bench_webhook_payload
// Each figure is the best of 7 batches (the least disturbed by other load), with the
// median beside it. An optional argument scales the batch size (default 1.0).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "lxdrunner/webhook/json_scanner.hpp"
#include "lxdrunner/webhook/signature.hpp"
#include "lxdrunner/webhook/workflow_job_parser.hpp"
#include "padded_delivery.hpp"

namespace {

using lxdrunner::webhook::test::kRealDeliverySize;
using lxdrunner::webhook::test::minify;
using lxdrunner::webhook::test::padDelivery;

// Results feed this so the optimiser cannot drop the work being measured.
volatile std::uint64_t g_sink = 0;

struct Timing {
  double best_ns = 0;
  double median_ns = 0;
};

Timing measure(const std::function<void()>& work, long iterations) {
  for (long i = 0; i < iterations / 10 + 1; ++i) work();  // warm caches and allocator
  std::vector<double> per_op;
  for (int batch = 0; batch < 7; ++batch) {
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) work();
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    per_op.push_back(took.count() / static_cast<double>(iterations));
  }
  std::sort(per_op.begin(), per_op.end());
  return {per_op.front(), per_op[per_op.size() / 2]};
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::ostringstream content;  // not istreambuf_iterator: gcc -O2 -Wnull-dereference trips on it
  content << in.rdbuf();
  return content.str();
}

void report(const char* what, const std::string& body, const Timing& t) {
  std::printf("%-22s %6zu B %10.0f ns/op  (median %8.0f)  %9.0f /s\n", what, body.size(), t.best_ns,
              t.median_ns, 1e9 / t.best_ns);
}

void benchBody(const std::string& label, const std::string& body, long scale_iterations) {
  const std::string secret = "It's a Secret to Everybody";
  const std::string header = lxdrunner::webhook::signature256(secret, body);
  std::printf("%s\n", label.c_str());

  report(
      "  hmac verify", body,
      measure(
          [&] { g_sink = g_sink + lxdrunner::webhook::verifySignature256(secret, body, header); },
          scale_iterations));
  report("  validate only", body,
         measure([&] { g_sink = g_sink + !lxdrunner::webhook::validateJson(body).has_value(); },
                 scale_iterations));
  report("  parseWorkflowJob", body,
         measure(
             [&] {
               const auto result = lxdrunner::webhook::parseWorkflowJob(body);
               g_sink = g_sink + result.value().job_id;
             },
             scale_iterations));
  report("  verify + parse", body,
         measure(
             [&] {
               const bool ok = lxdrunner::webhook::verifySignature256(secret, body, header);
               const auto result = lxdrunner::webhook::parseWorkflowJob(body);
               g_sink = g_sink + ok + result.value().labels.size();
             },
             scale_iterations));
  // What the reference measured: parse to an Object, read action, workflow_job.id, labels.
  report("  Poco::JSON::Parser", body,
         measure(
             [&] {
               Poco::JSON::Parser parser;
               const auto root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
               const auto job = root->getObject("workflow_job");
               g_sink = g_sink + root->getValue<std::string>("action").size() +
                        job->getValue<Poco::UInt64>("id") + job->getArray("labels")->size();
             },
             std::max(1L, scale_iterations / 10)));
}

}  // namespace

int main(int argc, char** argv) {
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  const auto iterations = static_cast<long>(3000 * (scale > 0 ? scale : 1.0));
  const std::string dir = std::string(LXDRUNNER_TEST_DATA_DIR) + "/fixtures/";
  for (const char* name :
       {"workflow_job.queued.payload.json", "workflow_job.in_progress.payload.json",
        "workflow_job.completed.success.with-organization.payload.json"}) {
    const std::string body = readFile(dir + name);
    benchBody(std::string(name) + " (as shipped)", body, iterations);
    benchBody(std::string(name) + " (padded)", padDelivery(body, kRealDeliverySize), iterations);
    benchBody(std::string(name) + " (padded, compact: a real delivery)",
              padDelivery(minify(body), kRealDeliverySize), iterations);
  }
  return 0;
}
