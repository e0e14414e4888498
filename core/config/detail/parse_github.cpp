// SPDX-License-Identifier: Apache-2.0
#include "config/detail/schema.hpp"
#include "config/detail/secret_reader.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/url_check.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

void readSecretInto(const MappingView& top, std::string_view key, Secret& target,
                    DiagnosticSink& sink) {
  if (const Field* const field = top.find(key)) {
    if (auto secret = readSecret(*field, sink)) {
      target = std::move(*secret);
    }
  }
}

void parseApiUrl(const MappingView& top, Config& config, DiagnosticSink& sink) {
  const Field* const field = top.find("github_api_url");
  if (field == nullptr) {
    return;
  }
  auto url = readString(*field, sink);
  if (!url) {
    return;
  }
  // Both "https://host/api/v3" and ".../api/v3/" are written in the wild; paths are appended.
  if (!url->empty() && url->back() == '/') {
    url->pop_back();
  }
  if (const auto problem = httpUrlProblem(*url)) {
    sink.error(positionOf(*field), field->path,
               *problem +
                   " (expected https://api.github.com or https://HOST/api/v3 for GitHub "
                   "Enterprise Server)");
    return;
  }
  config.github_api_url = std::move(*url);
}

void parseGithubApp(const MappingView& top, Config& config, DiagnosticSink& sink) {
  const Field* const field = top.find("github_app");
  if (field == nullptr || !expectMapping(*field, sink)) {
    return;
  }
  const MappingView app_view(*field, schema::githubAppKeys(), sink);
  bool complete = true;
  for (const auto key : schema::githubAppKeys()) {
    if (!app_view.has(key)) {
      sink.error(positionOf(*field), field->path + "." + std::string(key),
                 "required key is missing");
      complete = false;
    }
  }
  GithubApp app;
  const auto readId = [&](std::string_view key, std::int64_t& target) {
    if (const Field* const id = app_view.find(key)) {
      const auto value = readInteger(*id, sink, 1);
      complete = complete && value.has_value();
      target = value.value_or(0);
    }
  };
  readId("app_id", app.app_id);
  readId("installation_id", app.installation_id);
  if (const Field* const key = app_view.find("private_key")) {
    auto secret = readSecret(*key, sink);
    complete = complete && secret.has_value();
    app.private_key = secret ? std::move(*secret) : Secret();
  }
  if (complete) {
    config.github_app = std::move(app);
  }
}

}  // namespace

void parseGithub(const MappingView& top, Config& config, DiagnosticSink& sink) {
  readSecretInto(top, "pat", config.pat, sink);
  readSecretInto(top, "hooksecret", config.hooksecret, sink);
  parseApiUrl(top, config, sink);
  parseGithubApp(top, config, sink);
}

}  // namespace lxdrunner::config::detail
