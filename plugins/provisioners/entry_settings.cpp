// SPDX-License-Identifier: Apache-2.0
#include "entry_settings.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <limits>
#include <sstream>

#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::provisioners {

namespace {

using Poco::JSON::Object;

[[noreturn]] void invalid(const std::string& message) {
  throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT, message);
}

std::string readString(const Object& o, const std::string& key, const std::string& where,
                       std::string fallback) {
  if (!o.has(key) || o.isNull(key)) return fallback;
  Poco::Dynamic::Var v = o.get(key);
  if (!v.isString()) invalid(where + key + " must be a string");
  return v.extract<std::string>();
}

bool readBool(const Object& o, const std::string& key, const std::string& where, bool fallback) {
  if (!o.has(key) || o.isNull(key)) return fallback;
  Poco::Dynamic::Var v = o.get(key);
  if (!v.isBoolean()) invalid(where + key + " must be true or false");
  return v.extract<bool>();
}

uint32_t readCount(const Object& o, const std::string& key, const std::string& where,
                   uint32_t fallback, uint32_t minimum) {
  if (!o.has(key) || o.isNull(key)) return fallback;
  Poco::Dynamic::Var v = o.get(key);
  bool whole = v.isInteger();
  int64_t n = 0;
  if (whole) {
    n = v.convert<Poco::Int64>();
  } else if (v.isNumeric()) {
    double d = v.convert<double>();
    whole = d == static_cast<double>(static_cast<int64_t>(d));
    n = static_cast<int64_t>(d);
  }
  if (!whole || n < minimum || n > std::numeric_limits<int32_t>::max()) {
    invalid(where + key + " must be a whole number >= " + std::to_string(minimum));
  }
  return static_cast<uint32_t>(n);
}

std::string readAbsolutePath(const Object& o, const std::string& key, const std::string& where,
                             std::string fallback) {
  std::string path = readString(o, key, where, std::move(fallback));
  if (path.size() < 2 || path[0] != '/' || path.find_first_of("\n\r") != std::string::npos) {
    invalid(where + key + " must be an absolute path, not '" + path + "'");
  }
  return path;
}

// POSIX portable user names (what useradd and busybox adduser both accept).
bool isUserName(const std::string& name) {
  if (name.empty() || name.size() > 32 || name[0] == '-') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

void rejectUnknownKeys(const Object& o, std::initializer_list<const char*> known,
                       const std::string& where) {
  for (const auto& [key, value] : o) {
    (void)value;
    bool found = false;
    for (const char* k : known) found = found || key == k;
    if (!found) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      invalid(where + key + " is not a known option (known: " + list + ")");
    }
  }
}

StepTimeouts readTimeouts(const Object& options) {
  StepTimeouts t;
  if (!options.has("timeouts") || options.isNull("timeouts")) return t;
  Object::Ptr o = options.getObject("timeouts");
  if (o.isNull()) invalid("provisioner_options.timeouts must be a map of step: seconds");
  const std::string where = "provisioner_options.timeouts.";
  rejectUnknownKeys(*o, {"cloud_init", "user", "unpack", "configure", "start"}, where);
  t.cloud_init = readCount(*o, "cloud_init", where, t.cloud_init, 1);
  t.user = readCount(*o, "user", where, t.user, 1);
  t.unpack = readCount(*o, "unpack", where, t.unpack, 1);
  t.configure = readCount(*o, "configure", where, t.configure, 1);
  t.start = readCount(*o, "start", where, t.start, 1);
  return t;
}

// Variable names: what a POSIX shell can name, so the script can look each one up.
std::vector<std::string> readNames(const Object& o, const std::string& key,
                                   const std::string& where) {
  std::vector<std::string> names;
  if (!o.has(key)) return names;
  Poco::JSON::Array::Ptr list = o.getArray(key);
  if (list.isNull()) invalid(where + key + " must be a list of environment variable names");
  for (const Poco::Dynamic::Var& item : *list) {
    const std::string name = item.isString() ? item.extract<std::string>() : "";
    bool good = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name) good = good && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!good) invalid(where + key + ": '" + name + "' is not an environment variable name");
    if (name.rfind("LXDRUNNER_", 0) == 0) {
      invalid(where + key + ": " + name + " is the setup script's, never the runner's");
    }
    names.push_back(name);
  }
  return names;
}

void readOptions(const Object& options, EntrySettings& s) {
  const std::string where = "provisioner_options.";
  for (const auto& [key, value] : options) {
    (void)value;
    bool known = false;
    for (const char* k :
         {"setup_contract", "credentials", "user", "uid", "runner_dir", "sudo", "poweroff",
          "start_grace", "mount_path", "timeouts", "runner_environment"}) {
      known = known || key == k;
    }
    if (!known) s.unknown_options.push_back(key);
  }
  std::ostringstream json;
  options.stringify(json);
  s.options_json = json.str();
  const std::string contract = readString(options, "setup_contract", where, "lxdrunner");
  if (contract == "lxdrunner") {
    s.setup_contract = SetupContract::kLxdrunner;
  } else if (contract == "original") {
    s.setup_contract = SetupContract::kOriginal;
  } else {
    invalid(where + "setup_contract must be lxdrunner or original, not '" + contract + "'");
  }
  const bool original = s.setup_contract == SetupContract::kOriginal;
  // The original's scripts run config.sh --token: they cannot take a JIT configuration.
  std::string mode =
      readString(options, "credentials", where, original ? "registration-token" : "jit");
  if (mode == "jit") {
    s.credentials = CredentialMode::kJit;
  } else if (mode == "registration-token") {
    s.credentials = CredentialMode::kRegistrationToken;
  } else {
    invalid(where + "credentials must be jit or registration-token, not '" + mode + "'");
  }
  if (original && s.credentials != CredentialMode::kRegistrationToken) {
    invalid(where +
            "credentials: jit cannot serve setup_contract: original (its scripts run "
            "config.sh --token); remove credentials or set it to registration-token");
  }
  s.user = readString(options, "user", where, s.user);
  if (!isUserName(s.user)) invalid(where + "user '" + s.user + "' is not a valid user name");
  if (s.user == "root") invalid(where + "user must not be root: the runner runs unprivileged");
  s.uid = readCount(options, "uid", where, s.uid, 1);
  s.runner_dir = readAbsolutePath(options, "runner_dir", where, s.runner_dir);
  // The original's runner user had passwordless sudo; its scripts may rely on it.
  s.sudo = readBool(options, "sudo", where, original);
  s.poweroff = readBool(options, "poweroff", where, s.poweroff);
  s.start_grace = readCount(options, "start_grace", where, s.start_grace, 0);
  s.mount_path = readAbsolutePath(options, "mount_path", where, s.mount_path);
  s.timeouts = readTimeouts(options);
  s.runner_environment = readNames(options, "runner_environment", where);
}

}  // namespace

std::string_view toString(CredentialMode mode) {
  return mode == CredentialMode::kJit ? "jit" : "registration-token";
}

EntrySettings parseEntrySettings(const std::string& entry_json) {
  EntrySettings s;
  if (entry_json.empty()) return s;
  Object::Ptr entry;
  try {
    Poco::JSON::Parser parser;
    entry = parser.parse(entry_json).extract<Object::Ptr>();
  } catch (const Poco::BadCastException&) {
    invalid("runnermap entry is not a JSON object");
  } catch (const Poco::Exception& e) {
    invalid("runnermap entry is not valid JSON: " + e.displayText());
  }
  if (entry.isNull()) invalid("runnermap entry is not a JSON object");
  s.setup_script = readString(*entry, "setup_script", "", "");
  s.runner_group = readString(*entry, "runner_group", "", "");
  s.ephemeral = readBool(*entry, "ephemeral", "", s.ephemeral);
  if (entry->has("provisioner_options") && !entry->isNull("provisioner_options")) {
    Object::Ptr options = entry->getObject("provisioner_options");
    if (options.isNull()) invalid("provisioner_options must be a map");
    readOptions(*options, s);
  }
  return s;
}

}  // namespace lxdrunner::provisioners
