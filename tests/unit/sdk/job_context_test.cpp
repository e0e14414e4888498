// SPDX-License-Identifier: Apache-2.0
// ABI 1.1's job context through the SDK: a round trip through the C view, a request from a
// 1.0 host (no job), and the counter service as FakeHost offers it.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>

#include "lxdrunner/sdk/fake_host.hpp"
#include "lxdrunner/sdk/types.hpp"

using namespace lxdrunner::sdk;

namespace {

JobContext sample() {
  JobContext j;
  j.job_id = 18446744073709551615ULL;
  j.run_id = 2;
  j.run_attempt = 3;
  j.installation_id = 4;
  j.repository = "octo-org/app";
  j.owner = "octo-org";
  j.organization = "octo-org";
  j.workflow_name = "CI";
  j.job_name = "test (3.12)";
  j.head_branch = "main";
  j.job_labels = {"self-hosted", "gpu"};
  j.entry_name = "gpu";
  j.entry_labels = {"self-hosted", "linux", "gpu"};
  return j;
}

}  // namespace

TEST_CASE("a job context survives the C view both ways") {
  const JobContext in = sample();
  BorrowedJobContext c(in);
  lxdr_provision_request req{};
  req.struct_size = sizeof req;
  req.job = c.get();
  const ProvisionRequest r = ProvisionRequest::fromC(&req);
  REQUIRE(r.job.has_value());
  const JobContext& out = *r.job;
  CHECK(out.job_id == in.job_id);
  CHECK(out.run_id == 2);
  CHECK(out.run_attempt == 3);
  CHECK(out.installation_id == 4);
  CHECK(out.repository == in.repository);
  CHECK(out.owner == in.owner);
  CHECK(out.organization == in.organization);
  CHECK(out.workflow_name == in.workflow_name);
  CHECK(out.job_name == in.job_name);
  CHECK(out.head_branch == in.head_branch);
  CHECK(out.job_labels == in.job_labels);
  CHECK(out.entry_name == in.entry_name);
  CHECK(out.entry_labels == in.entry_labels);
}

TEST_CASE("a request from a 1.0 host has no job context, whatever follows it in memory") {
  // A 1.0 host's request ends before `job`: what lies beyond its struct_size is not read.
  const JobContext j = sample();  // the view borrows its strings: it must outlive the view
  BorrowedJobContext c(j);
  lxdr_provision_request req{};
  req.job = c.get();
  req.struct_size = static_cast<uint32_t>(offsetof(lxdr_provision_request, job));
  CHECK_FALSE(ProvisionRequest::fromC(&req).job.has_value());
  req.struct_size = sizeof req;
  req.job = nullptr;  // prepare(): no job yet
  CHECK_FALSE(ProvisionRequest::fromC(&req).job.has_value());
}

TEST_CASE("a job context from an older 1.1 writer reads its missing tail as empty") {
  const JobContext kept = sample();
  BorrowedJobContext c(kept);
  lxdr_job_context shorter;
  std::memcpy(&shorter, c.get(), sizeof shorter);
  shorter.struct_size = static_cast<uint32_t>(offsetof(lxdr_job_context, job_label_count));
  const JobContext j = JobContext::fromC(&shorter);
  CHECK(j.head_branch == "main");
  CHECK(j.job_labels.empty());
  CHECK(j.entry_name.empty());
}

TEST_CASE("job events carry workflow, job name and branch (1.1)") {
  JobEvent e;
  e.workflow_name = "CI";
  e.job_name = "build";
  e.head_branch = "release/1.0";
  BorrowedJobEvent c(e);
  const JobEvent back = JobEvent::fromC(c.get());
  CHECK(back.workflow_name == "CI");
  CHECK(back.job_name == "build");
  CHECK(back.head_branch == "release/1.0");
  // A 1.0 source's event is shorter: the three read as empty.
  lxdr_job_event old = *c.get();
  old.struct_size = static_cast<uint32_t>(offsetof(lxdr_job_event, workflow_name));
  CHECK(JobEvent::fromC(&old).workflow_name.empty());
}

TEST_CASE("Host::count through FakeHost, with the daemon's name rules") {
  FakeHost fake;
  Host host = fake.host();
  CHECK(host.count("refused"));
  CHECK(host.count("refused", 4));
  CHECK(fake.counters().at("refused") == 5);
  CHECK_THROWS_AS(host.count("Not-OK"), Error);
  // A host without the service (older than 1.1): nothing counted, no error.
  lxdr_host_api old = *fake.api();
  old.struct_size = static_cast<uint32_t>(offsetof(lxdr_host_api, counter_add));
  Host older(&old, fake.context());
  CHECK_FALSE(older.count("refused"));
  CHECK(fake.counters().at("refused") == 5);
}
