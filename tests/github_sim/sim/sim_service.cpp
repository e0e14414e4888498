// SPDX-License-Identifier: Apache-2.0
#include "sim/sim_service.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "sim/authenticator.hpp"
#include "sim/github_errors.hpp"
#include "sim/random_tokens.hpp"
#include "sim/routes.hpp"
#include "sim/state_snapshot.hpp"

namespace lxdrunner::github_sim {
namespace {

const char* const kApiVersion = "2022-11-28";
const char* const kGhesPrefix = "/api/v3";

void addRateHeaders(SimResponse& response, const RateStatus& status) {
  response.addHeader("x-ratelimit-limit", std::to_string(status.limit));
  response.addHeader("x-ratelimit-remaining", std::to_string(status.remaining));
  response.addHeader("x-ratelimit-used", std::to_string(status.used));
  response.addHeader("x-ratelimit-reset", std::to_string(status.reset));
  response.addHeader("x-ratelimit-resource", status.resource);
}

SimResponse secondaryLimited(int status, std::int64_t retryAfter, const RateStatus& rate) {
  SimResponse response = githubError(status, kSecondaryLimitMessage, kSecondaryLimitDocs);
  response.addHeader("retry-after", std::to_string(retryAfter));
  addRateHeaders(response, rate);
  return response;
}

SimResponse primaryLimited(int status, RateStatus rate) {
  SimResponse response = githubError(
      status, "API rate limit exceeded. Wait until the time in x-ratelimit-reset.", kRateLimitDocs);
  rate.remaining = 0;
  rate.used = rate.limit;
  addRateHeaders(response, rate);
  return response;
}

SimResponse serverError(int status) {
  switch (status) {
    case 502:
      return githubError(status, "Server Error: Bad Gateway");
    case 503:
      return githubError(status, "Service Unavailable");
    case 504:
      return githubError(status, "We couldn't respond to your request in time. Sorry about that.");
    default:
      return githubError(status, "Server Error");
  }
}

void sleepMs(std::int64_t ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace

SimService::SimService(const SimulatorOptions& options) : ctx_(options) {
  addRunnerRoutes(router_, ctx_);
  addRunnerGroupRoutes(router_, ctx_);
  addWorkflowRunRoutes(router_, ctx_);
  addRepositoryRoutes(router_, ctx_);
  addHookRoutes(router_, ctx_);
  addAppRoutes(router_, ctx_);
  addControlRoutes(router_, ctx_);
  addSimJobRoutes(router_, ctx_);
  addDownloadRoutes(router_, ctx_);
  addRunnerProtocolRoutes(router_, ctx_);
}

SimService::~SimService() {
  stop();
}

void SimService::start(const std::string& publicUrl) {
  ctx_.publicUrl = publicUrl;
  for (const auto& file : ctx_.options.downloads) ctx_.downloads.add(file);
  {
    std::lock_guard<std::mutex> lock(ctx_.state.mutex);
    const std::string& path = ctx_.options.stateFile;
    std::ifstream in(path);
    if (!path.empty() && in) {
      std::ostringstream text;
      text << in.rdbuf();
      restoreSnapshot(ctx_, parseObject(text.str()));
    }
    if (!ctx_.options.webhookUrl.empty()) {
      Hook& hook = ctx_.state.hooks[ctx_.options.appHookId];
      const bool fresh = hook.id == 0;
      hook.id = ctx_.options.appHookId;
      hook.isApp = true;
      hook.url = ctx_.options.webhookUrl;
      hook.secret = ctx_.options.webhookSecret;
      hook.active = true;
      if (fresh) hook.createdAt = hook.updatedAt = ctx_.clock.nowSeconds();
    }
  }
  ctx_.stopping = false;
  ctx_.sender.start();
}

void SimService::stop() {
  {
    std::lock_guard<std::mutex> lock(ctx_.state.mutex);
    ctx_.stopping = true;
    ctx_.state.changed.notify_all();
  }
  ctx_.sender.stop();
  std::lock_guard<std::mutex> lock(ctx_.state.mutex);
  ctx_.persist();
}

void SimService::count(const SimRequest& request, const std::string& routeName, bool rest) {
  std::lock_guard<std::mutex> lock(ctx_.state.mutex);
  ++ctx_.state.requestCounts[request.method + " " + routeName];
  if (rest) {
    const std::string version = request.header("x-github-api-version");
    ++ctx_.state.apiVersions[version.empty() ? "(none)" : version];
    // Recorded, never enforced: GitHub answers JSON whatever Accept says.
    const std::string accept = request.header("accept");
    ++ctx_.state.acceptHeaders[accept.empty() ? "(none)" : accept];
  }
}

void SimService::log(const SimRequest& request, int status) {
  if (!ctx_.options.verbose) return;
  static std::mutex logMutex;
  std::lock_guard<std::mutex> lock(logMutex);
  std::cerr << "github-sim: " << request.method << " " << request.apiPrefix << request.path
            << " -> " << status << std::endl;
}

SimResponse SimService::handle(SimRequest request) {
  if (request.path == kGhesPrefix || request.path.rfind(std::string(kGhesPrefix) + "/", 0) == 0) {
    request.apiPrefix = kGhesPrefix;
    request.path = request.path.substr(request.apiPrefix.size());
    if (request.path.empty()) request.path = "/";
  }
  RouteContext rc{request, {}, {}};
  const Route* route = router_.match(request.method, request.path, rc.params);
  SimResponse response;
  if (route == nullptr) {
    count(request, "(no route)", false);
    response = notFound();
  } else if (route->access == Access::Open) {
    count(request, route->pattern, false);
    response = runHandler(*route, rc);
  } else {
    count(request, route->pattern, true);
    response = handleRest(*route, rc);
  }
  response.addHeader("x-github-request-id", randomAlphanumeric(16, true));
  log(request, response.status);
  return response;
}

SimResponse SimService::handleRest(const Route& route, RouteContext& rc) {
  const SimRequest& request = rc.request;
  sleepMs(ctx_.faults.latencyMs());
  const std::string version = request.header("x-github-api-version");
  if (!version.empty() && version != kApiVersion) {
    return githubError(400, "Unsupported 'X-GitHub-Api-Version' header: " + version +
                                ". Supported versions are: " + kApiVersion);
  }
  const AuthOutcome auth = authenticate(ctx_, request, route.access);
  if (!auth.ok) return auth.failure;
  rc.identity = auth.identity;

  if (auto fault = ctx_.faults.take(request.method, request.path)) {
    const RateStatus rate = ctx_.limiter.peek(rc.identity.bucket);
    switch (fault->kind) {
      case Fault::Kind::Delay:
        sleepMs(fault->delayMs);
        break;
      case Fault::Kind::ServerError:
        return serverError(fault->effectiveStatus());
      case Fault::Kind::TooManyRequests:
      case Fault::Kind::SecondaryLimit:
        return secondaryLimited(fault->effectiveStatus(), fault->retryAfterSeconds, rate);
      case Fault::Kind::PrimaryLimit: {
        RateStatus exhausted = rate;
        exhausted.reset = ctx_.clock.nowSeconds() + fault->resetInSeconds;
        return primaryLimited(fault->effectiveStatus(), exhausted);
      }
    }
  }

  RateStatus rate;
  if (route.access == Access::TokenUncounted) {
    rate = ctx_.limiter.peek(rc.identity.bucket);
  } else {
    rate = ctx_.limiter.consume(rc.identity.bucket);
    if (rate.exceeded) return primaryLimited(403, rate);
    if (auto wait = ctx_.limiter.consumeSecondary(rc.identity.bucket, request.method == "GET")) {
      return secondaryLimited(403, *wait, rate);
    }
  }
  SimResponse response = runHandler(route, rc);
  addRateHeaders(response, rate);
  response.addHeader("x-github-api-version-selected", kApiVersion);
  response.addHeader("x-github-media-type", "github.v3; format=json");
  if (request.method != "GET") {
    std::lock_guard<std::mutex> lock(ctx_.state.mutex);
    ctx_.persist();
  }
  return response;
}

SimResponse SimService::runHandler(const Route& route, RouteContext& rc) {
  const bool rest = route.access != Access::Open;
  try {
    return route.handler(rc);
  } catch (const BadJson&) {
    return githubError(400, "Problems parsing JSON");
  } catch (const BadInput& e) {
    return rest ? validationFailed(e.what()) : githubError(422, e.what());
  } catch (const Conflict& e) {
    return githubError(409, e.what());
  } catch (const NotFoundError& e) {
    return githubError(404, e.what());
  } catch (const std::exception& e) {
    return githubError(500, std::string("simulator error: ") + e.what());
  }
}

}  // namespace lxdrunner::github_sim
