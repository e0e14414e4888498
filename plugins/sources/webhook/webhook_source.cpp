// SPDX-License-Identifier: Apache-2.0
#include "webhook_source.hpp"

#include <string_view>

#include "lxdrunner/webhook/ping_parser.hpp"
#include "lxdrunner/webhook/signature.hpp"
#include "lxdrunner/webhook/workflow_job_parser.hpp"

namespace lxdrunner::webhook {
namespace {

uint64_t toU64(const std::string& text, const char* key) {
  try {
    size_t used = 0;
    unsigned long long v = std::stoull(text, &used);
    if (used == text.size()) return v;
  } catch (...) {
  }
  throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                   std::string("event_sources.webhook.") + key + " must be a positive integer");
}

void reply(const sdk::HttpResponse& out, int status, std::string_view text) {
  out.status(status);
  out.header("Content-Type", "text/plain; charset=utf-8");
  out.body(text);
  out.body("\n");
}

// Compares a media type, ignoring parameters ("; charset=utf-8") and case.
bool isJson(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  static constexpr std::string_view kJson = "application/json";
  if (type.size() != kJson.size()) return false;
  for (size_t i = 0; i < type.size(); ++i) {
    if ((type[i] | 0x20) != kJson[i]) return false;
  }
  return true;
}

}  // namespace

WebhookSource::WebhookSource(sdk::Host host, std::string config_json)
    : EventSource(std::move(host), std::move(config_json)),
      path_(this->host().config("path", "/hooks/lxdrunner")),
      secret_(this->host().config("hooksecret", "")),
      max_body_(toU64(this->host().config("max_body", "1048576"), "max_body")),
      dedup_(toU64(this->host().config("dedup_capacity", "65536"), "dedup_capacity")) {
  if (secret_.empty()) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "no webhook secret: set hooksecret (the secret configured on the GitHub "
                     "webhook); unsigned deliveries are never accepted");
  }
  if (path_.empty() || path_[0] != '/') {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "event_sources.webhook.path must start with '/' (got '" + path_ + "')");
  }
}

void WebhookSource::start() {
  stopped_ = false;
  host().registerRoute(path_, max_body_, &WebhookSource::handle, this);
  host().info("accepting GitHub webhooks on " + path_);
}

void WebhookSource::stop() {
  stopped_ = true;
}

lxdr_status WebhookSource::handle(void* ctx, const lxdr_http_request* request,
                                  const lxdr_http_response* response) {
  auto* self = static_cast<WebhookSource*>(ctx);
  sdk::HttpRequest req;
  req.method = sdk::view(request->method);
  req.path = sdk::view(request->path);
  req.body = sdk::view(request->body);
  req.remote_address = sdk::view(request->remote_address);
  req.headers = request->headers;
  req.header_count = request->header_count;
  sdk::HttpResponse out(response);
  try {
    self->answer(req, out);
  } catch (const std::exception& e) {
    reply(out, 500, "internal error");
    self->host().error(std::string("webhook: ") + e.what());
  }
  return LXDR_OK;
}

// Counts here (tests read it) and on /metrics (lxdrunner_plugin_events_total). A host older
// than ABI 1.1 has no counters; a failure to count never fails the delivery.
void WebhookSource::tally(std::atomic<uint64_t>& local, std::string_view event) {
  ++local;
  try {
    host().count(event);
  } catch (const std::exception&) {
  }
}

void WebhookSource::answer(const sdk::HttpRequest& req, const sdk::HttpResponse& out) {
  if (req.method != "POST") {
    out.header("Allow", "POST");
    reply(out, 405, "only POST is accepted here");
    return;
  }
  if (stopped_) {
    reply(out, 503, "shutting down");
    return;
  }
  // The signature is checked before a single byte of the body is parsed.
  const std::string_view signature = req.header("X-Hub-Signature-256");
  if (signature.empty() || !verifySignature256(secret_, req.body, signature)) {
    tally(counters_.bad_signature, "bad_signature");
    host().warning(std::string("webhook: ") + (signature.empty() ? "missing" : "wrong") +
                   " X-Hub-Signature-256 from " + std::string(req.remote_address) +
                   ": check that the GitHub webhook's secret equals hooksecret");
    reply(out, 401, signature.empty() ? "missing X-Hub-Signature-256" : "signature mismatch");
    return;
  }
  if (!isJson(req.header("Content-Type"))) {
    tally(counters_.bad_request, "unsupported_media_type");
    reply(out, 415, "set the webhook's content type to application/json");
    return;
  }

  const std::string_view event = req.header("X-GitHub-Event");
  const std::string delivery(req.header("X-GitHub-Delivery"));
  if (event == "ping") {
    auto ping = parsePing(req.body);
    if (!ping) {
      tally(counters_.bad_request, "bad_request");
      reply(out, 400, ping.error().describe());
      return;
    }
    tally(counters_.ping, "ping");
    host().info("webhook: ping from hook " + std::to_string(ping.value().hook_id) + ": " +
                ping.value().zen);
    reply(out, 200, "pong");
    return;
  }
  if (event != "workflow_job") {
    tally(counters_.ignored, "ignored");
    reply(out, 200, "ignored: lxdrunner only needs workflow_job events");
    return;
  }
  if (dedup_.seen(delivery)) {
    tally(counters_.duplicate, "duplicate");
    reply(out, 200, "duplicate delivery: already queued");
    return;
  }
  auto parsed = parseWorkflowJob(req.body);
  if (!parsed) {
    if (parsed.error().kind == ParseErrorKind::kUnknownAction) {
      tally(counters_.ignored, "ignored");
      reply(out, 200, "ignored: " + parsed.error().message);
      return;
    }
    tally(counters_.bad_request, "bad_request");
    reply(out, 400, parsed.error().describe());
    return;
  }
  sdk::JobEvent job = toJobEvent(parsed.value(), delivery);
  try {
    host().emit(job);
  } catch (const sdk::Error& e) {
    if (e.status() == LXDR_ERR_NOT_FOUND) {
      tally(counters_.unwanted, "unwanted");
      dedup_.remember(delivery);
      reply(out, 200, "ignored: no runnermap entry wants these labels");
      return;
    }
    tally(counters_.overloaded, "not_queued");
    // Not accepted: GitHub marks the delivery failed, and redelivery or the poll source
    // brings it back.
    reply(out, 503, std::string("not queued: ") + e.what());
    return;
  }
  tally(counters_.accepted, "accepted");
  dedup_.remember(delivery);
  reply(out, 200, "queued");
}

}  // namespace lxdrunner::webhook

LXDRUNNER_PLUGINS(lxdrunner::webhook::WebhookSource);
