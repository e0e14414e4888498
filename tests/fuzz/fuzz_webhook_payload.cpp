// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the webhook payload library: signature check and parsers on
// arbitrary bytes. Besides "no crash, no sanitizer report" it checks invariants, aborting
// (which libFuzzer reports as a crash) when one breaks:
//  - a freshly computed signature verifies; the same with one digit changed does not;
//  - a body parses only if it is valid JSON, a schema error only comes with valid JSON,
//    and a syntax error is the one validateJson reports (same byte, same message);
//  - round trip: what parses, written back by the writer and parsed again, gives the
//    same fields.
// Built without LXDRUNNER_FUZZ, replay_main.cpp drives it over the seed corpus instead.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lxdrunner/webhook/json_scanner.hpp"
#include "lxdrunner/webhook/payload_writer.hpp"
#include "lxdrunner/webhook/ping_parser.hpp"
#include "lxdrunner/webhook/signature.hpp"
#include "lxdrunner/webhook/workflow_job_parser.hpp"

namespace {

using namespace lxdrunner::webhook;

[[noreturn]] void broken(const char* invariant, std::string_view detail = {}) {
  std::fprintf(stderr, "invariant broken: %s %.*s\n", invariant, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void checkSignature(std::string_view input) {
  static const std::string kSecret = "It's a Secret to Everybody";
  const std::string header = signature256(kSecret, input);
  if (!verifySignature256(kSecret, input, header)) broken("own signature rejected");
  if (!input.empty()) {
    std::string changed = header;
    const std::size_t at = 7 + static_cast<unsigned char>(input[0]) % 64;
    changed[at] = changed[at] == '0' ? '1' : '0';
    if (verifySignature256(kSecret, input, changed)) broken("changed signature accepted");
  }
  // The input as a header: never valid for another body (that would be a forged HMAC).
  if (verifySignature256(kSecret, "Hello, World!", input)) broken("arbitrary header accepted");
}

// Whatever the parse said must agree with the plain validator.
void checkAgainstValidator(std::string_view input, const ParseError* error) {
  const auto invalid = validateJson(input);
  if (error == nullptr || error->kind != ParseErrorKind::kSyntax) {
    if (invalid) broken("accepted or schema error on invalid JSON", invalid->describe());
    if (error != nullptr && error->position != ParseError::kNoPosition &&
        error->position >= input.size()) {
      broken("schema error position out of range", error->describe());
    }
    return;
  }
  if (!invalid) broken("syntax error on valid JSON", error->describe());
  if (invalid->position != error->position || invalid->message != error->message) {
    broken("parser and validator disagree", error->describe() + " vs " + invalid->describe());
  }
  if (error->position > input.size()) broken("syntax error position out of range");
}

void checkWorkflowJob(std::string_view input) {
  const auto parsed = parseWorkflowJob(input);
  checkAgainstValidator(input, parsed.ok() ? nullptr : &parsed.error());
  if (!parsed) return;
  const std::string written = writeWorkflowJob(parsed.value());
  const auto again = parseWorkflowJob(written);
  if (!again) broken("written workflow_job does not parse", again.error().describe());
  if (again.value() != parsed.value()) broken("workflow_job round trip changed fields", written);
  const auto event = toJobEvent(parsed.value(), "delivery");
  if (event.job_id != parsed.value().job_id || event.labels != parsed.value().labels) {
    broken("toJobEvent lost fields");
  }
}

void checkPing(std::string_view input) {
  const auto parsed = parsePing(input);
  checkAgainstValidator(input, parsed.ok() ? nullptr : &parsed.error());
  if (!parsed) return;
  const std::string written = writePing(parsed.value());
  const auto again = parsePing(written);
  if (!again) broken("written ping does not parse", again.error().describe());
  if (again.value().zen != parsed.value().zen || again.value().hook_id != parsed.value().hook_id) {
    broken("ping round trip changed fields", written);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  checkSignature(input);
  checkWorkflowJob(input);
  checkPing(input);
  return 0;
}
