// SPDX-License-Identifier: Apache-2.0
#include "original_contract.hpp"

namespace lxdrunner::provisioners::original {

namespace {

// Characters that mean nothing special to the shell in an unquoted word.
bool isPlain(const std::string& value) {
  if (value.empty()) return false;
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == ',' || c == ':' || c == '/' ||
                    c == '@' || c == '%' || c == '+' || c == '=';
    if (!ok) return false;
  }
  return true;
}

std::string shellWord(const std::string& value) {
  if (isPlain(value)) return value;
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// $1: the user, $2: 1 for sudo. The rule is written beside and renamed into place, so that
// sudo never reads half a file, with the mode visudo expects (0440).
constexpr const char* kPrepareScript = R"(set -e
mkdir -p -m 0755 /opt/runner
chmod 0755 /opt/runner
[ "$2" = 1 ] || exit 0
if ! command -v sudo >/dev/null 2>&1; then
  echo "warning: sudo is not installed in this image: $1 gets no sudo"
  exit 0
fi
rule=/etc/sudoers.d/90-lxdrunner-$1
mkdir -p /etc/sudoers.d
(umask 0337 && echo "$1 ALL=(ALL) NOPASSWD:ALL" >"$rule.tmp")
mv -f "$rule.tmp" "$rule"
echo "passwordless sudo for $1"
)";

}  // namespace

std::string guestScriptPath(const std::string& host_script) {
  const auto slash = host_script.find_last_of('/');
  std::string name = slash == std::string::npos ? host_script : host_script.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") name = "setuprunner.sh";
  return std::string(kDir) + "/" + name;
}

std::string setupVarsFile(const SetupVars& vars) {
  return "GHA_TOKEN=" + shellWord(vars.token) + "\n" + "GHA_URL=" + shellWord(vars.url) + "\n" +
         "GHA_NAME=" + shellWord(vars.name) + "\n" +
         "GHA_EXTRA_LABELS=" + shellWord(joined(vars.labels)) + "\n";
}

std::vector<std::string> setupEnvironment(const SetupVars& vars) {
  return {"GHA_URL=" + vars.url, "GHA_NAME=" + vars.name,
          "GHA_EXTRA_LABELS=" + joined(vars.labels)};
}

std::vector<std::string> prepareArgv(const std::string& user, bool sudo) {
  return {"/bin/sh", "-c", kPrepareScript, "lxdrunner-original-prepare", user, sudo ? "1" : "0"};
}

}  // namespace lxdrunner::provisioners::original
