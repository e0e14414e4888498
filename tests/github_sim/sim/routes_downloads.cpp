// SPDX-License-Identifier: Apache-2.0
// The files behind GET /{scope}/actions/runners/downloads: served here, registered and
// corrupted through the control API.
#include "sim/base64.hpp"
#include "sim/github_errors.hpp"
#include "sim/routes.hpp"

namespace lxdrunner::github_sim {
namespace {

SimResponse serveFile(SimContext& ctx, RouteContext& rc) {
  const auto bytes = ctx.downloads.bytesFor(rc.param("filename"));
  if (!bytes) return notFound();
  SimResponse response;
  response.contentType = "application/octet-stream";
  response.body = *bytes;
  return response;
}

// {os, architecture, filename?, path? | content_base64?}
SimResponse addFile(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  DownloadFile file;
  file.os = optString(body, "os").value_or("linux");
  file.architecture = optString(body, "architecture").value_or("x64");
  file.filename = optString(body, "filename").value_or("");
  file.path = optString(body, "path").value_or("");
  if (auto content = optString(body, "content_base64")) {
    try {
      file.content = base64Decode(*content);
    } catch (const std::invalid_argument&) {
      throw BadInput("content_base64 is not base64");
    }
  }
  if (file.path.empty() && file.content.empty()) throw BadInput("give path or content_base64");
  try {
    ctx.downloads.add(file);
  } catch (const std::runtime_error& e) {
    throw BadInput(e.what());
  }
  return jsonResponse(201, ctx.downloads.toJson(ctx.publicUrl));
}

// {corrupt: bool, filename?}: serve bytes that do not match the listed checksum.
SimResponse setCorrupt(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  ctx.downloads.setCorrupt(optString(body, "filename").value_or(""),
                           optBool(body, "corrupt").value_or(true));
  return jsonResponse(200, ctx.downloads.toJson(ctx.publicUrl));
}

}  // namespace

void addDownloadRoutes(Router& router, SimContext& ctx) {
  router.add("GET", "/_sim/downloads/{filename}", Access::Open,
             [&ctx](RouteContext& rc) { return serveFile(ctx, rc); });
  router.add("POST", "/_sim/downloads", Access::Open,
             [&ctx](RouteContext& rc) { return addFile(ctx, rc); });
  router.add("POST", "/_sim/downloads/corrupt", Access::Open,
             [&ctx](RouteContext& rc) { return setCorrupt(ctx, rc); });
}

}  // namespace lxdrunner::github_sim
