// SPDX-License-Identifier: Apache-2.0
#include "sim/jit_config.hpp"

#include <stdexcept>

#include "sim/base64.hpp"
#include "sim/json_util.hpp"
#include "sim/random_tokens.hpp"

namespace lxdrunner::github_sim {
namespace {

std::string runnerFile(const JitConfigInput& input) {
  JsonObject runner = newObject();
  runner->set("agentId", input.runnerId);
  runner->set("agentName", input.runnerName);
  runner->set("poolId", input.poolId);
  runner->set("poolName", input.poolName);
  runner->set("serverUrl", input.serverUrl);
  runner->set("gitHubUrl", input.gitHubUrl);
  runner->set("workFolder", input.workFolder);
  runner->set("ephemeral", true);
  return toJson(runner);
}

// The real file holds an OAuth client registration; the simulator adds its own single-use
// token so a runner can present it to /_sim/runner/session.
std::string credentialsFile(const JitConfigInput& input) {
  JsonObject data = newObject();
  data->set("clientId", newGuid());
  data->set("authorizationUrl", input.serverUrl + "/_sim/runner/session");
  data->set("requireFipsCryptography", "False");
  data->set("token", input.token);
  JsonObject credentials = newObject();
  credentials->set("scheme", "OAuth");
  credentials->set("data", data);
  return toJson(credentials);
}

// Random values of the sizes of a 2048-bit RSA key: the simulator never checks a signature made
// with it, and generating real keys per runner would cost tens of milliseconds each.
std::string rsaParamsFile() {
  JsonObject params = newObject();
  params->set("d", base64Encode(randomBytes(256)));
  params->set("dp", base64Encode(randomBytes(128)));
  params->set("dq", base64Encode(randomBytes(128)));
  params->set("exponent", base64Encode(std::string("\x01\x00\x01", 3)));
  params->set("inverseQ", base64Encode(randomBytes(128)));
  params->set("modulus", base64Encode(randomBytes(256)));
  params->set("p", base64Encode(randomBytes(128)));
  params->set("q", base64Encode(randomBytes(128)));
  return toJson(params);
}

}  // namespace

std::string encodeJitConfig(const JitConfigInput& input) {
  JsonObject files = newObject();
  files->set(".runner", base64Encode(runnerFile(input)));
  files->set(".credentials", base64Encode(credentialsFile(input)));
  files->set(".credentials_rsaparams", base64Encode(rsaParamsFile()));
  return base64Encode(toJson(files));
}

std::map<std::string, std::string> decodeJitConfig(const std::string& encoded) {
  std::map<std::string, std::string> files;
  try {
    JsonObject map = parseObject(base64Decode(encoded));
    for (const auto& name : map->getNames()) {
      const auto content = optString(map, name);
      if (!content) throw BadInput("JIT config entry " + name + " is not a string");
      files[name] = base64Decode(*content);
    }
  } catch (const std::invalid_argument&) {
    throw BadInput("JIT config is not valid base64");
  }
  return files;
}

std::string jitConfigToken(const std::string& encoded) {
  const auto files = decodeJitConfig(encoded);
  auto it = files.find(".credentials");
  if (it == files.end()) throw BadInput("JIT config has no .credentials");
  JsonObject credentials = parseObject(it->second);
  JsonObject data = optObject(credentials, "data");
  if (data.isNull()) throw BadInput(".credentials has no data");
  const auto token = optString(data, "token");
  if (!token || token->empty()) throw BadInput(".credentials has no token");
  return *token;
}

}  // namespace lxdrunner::github_sim
