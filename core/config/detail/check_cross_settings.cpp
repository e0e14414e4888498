// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/schema.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"
#include "config/web_tls.hpp"

namespace lxdrunner::config::detail {

namespace {

// Presence of the keys, not of usable values: a `pat: {env: UNSET}` already has its own error,
// and adding "set pat or github_app" to it would only mislead.
void checkAuthentication(const MappingView& top, DiagnosticSink& sink) {
  const bool has_pat = top.has("pat");
  const bool has_app = top.has("github_app");
  if (has_pat && has_app) {
    sink.error(positionOf(*top.find("github_app")), "github_app",
               "set either pat or github_app, not both");
  } else if (!has_pat && !has_app) {
    sink.error(positionOf(top.self()), {}, "no GitHub credentials: set pat or github_app");
  }
}

// event_sources.webhook.hooksecret is present. Presence, as for credentials: an unreadable one
// already has its own error.
bool webhookHasOwnSecret(const MappingView& top) {
  const Field* const sources = top.find("event_sources");
  if (!isSet(sources) || !sources->value.IsMap()) return false;
  const YAML::Node webhook = sources->value[std::string(defaults::kWebhookSource)];
  if (!webhook.IsMap()) return false;
  const YAML::Node secret = webhook[std::string(schema::kSourceHooksecretKey)];
  return secret.IsDefined() && !secret.IsNull();
}

void checkHookSecret(const MappingView& top, const Config& config, DiagnosticSink& sink) {
  const bool webhook_enabled = std::any_of(
      config.event_sources.begin(), config.event_sources.end(), [](const EventSource& source) {
        return source.enabled && source.name == defaults::kWebhookSource;
      });
  if (webhook_enabled && !top.has("hooksecret") && !webhookHasOwnSecret(top)) {
    sink.error(positionOf(top.self()), "hooksecret",
               "required key is missing: the webhook event source (enabled by default) needs it "
               "to verify that deliveries come from GitHub");
  }
}

void checkTlsFiles(const MappingView& top, const Config& config, DiagnosticSink& sink) {
  const Field* const tls = top.find("web_tls");
  // `web_tls: maybe` has its own error already; whether a certificate is needed is unknown.
  DiagnosticSink already_reported("");
  if (isSet(tls) && !readBool(*tls, already_reported).has_value()) return;
  const YAML::Mark tls_position = tls != nullptr ? positionOf(*tls) : positionOf(top.self());
  const bool has_cert = !config.web_tls_cert.empty();
  const bool has_key = !config.web_tls_key.empty();
  if (!config.web_tls) {
    for (const auto key : {"web_tls_cert", "web_tls_key"}) {
      if (top.has(key)) {
        sink.warning(positionOf(*top.find(key)), key, "has no effect because web_tls is false");
      }
    }
  } else if (!has_cert && !has_key) {
    // An error, not a warning: the HTTP server cannot start without them, and check-config
    // passing a file the daemon then refuses would only move the surprise to deployment.
    sink.error(tls_position, "web_tls", std::string(kWebTlsWithoutCertificate));
  } else if (has_cert != has_key) {
    const char* const missing = has_cert ? "web_tls_key" : "web_tls_cert";
    const char* const present = has_cert ? "web_tls_cert" : "web_tls_key";
    sink.error(positionOf(*top.find(present)), missing,
               std::string("is required when ") + present + " is set");
  }
}

}  // namespace

void checkCrossSettings(const MappingView& top, const Config& config, DiagnosticSink& sink) {
  checkAuthentication(top, sink);
  checkHookSecret(top, config, sink);
  checkTlsFiles(top, config, sink);
}

}  // namespace lxdrunner::config::detail
