// SPDX-License-Identifier: Apache-2.0
#include "config/detail/secret_reader.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/detail/file_reading.hpp"
#include "config/detail/mapping_view.hpp"
#include "config/detail/schema.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

// Editors and `echo` add a final newline that is never part of a token.
void stripOneTrailingNewline(std::string& text) {
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
  }
}

std::string octalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

void warnIfReadableByOthers(const Field& path_field, const std::string& path,
                            DiagnosticSink& sink) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    return;
  }
  if ((status.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    sink.warning(positionOf(path_field), path_field.path,
                 "secret file '" + path + "' is readable by other users (mode " +
                     octalMode(status.st_mode) + "): run chmod 600 '" + path + "'");
  }
}

std::optional<Secret> readFileSecret(const Field& path_field, DiagnosticSink& sink) {
  const auto path = readString(path_field, sink);
  if (!path || path->empty()) {
    if (path || !isSet(&path_field)) {
      sink.error(positionOf(path_field), path_field.path, "needs the path of the secret file");
    }
    return std::nullopt;
  }
  auto content = readWholeFile(*path);
  if (!content.text) {
    sink.error(positionOf(path_field), path_field.path,
               "cannot read secret file '" + *path + "': " + content.error);
    return std::nullopt;
  }
  stripOneTrailingNewline(*content.text);
  if (content.text->empty()) {
    sink.error(positionOf(path_field), path_field.path, "secret file '" + *path + "' is empty");
    return std::nullopt;
  }
  warnIfReadableByOthers(path_field, *path, sink);
  return Secret::fromFile(*path, std::move(*content.text));
}

std::optional<Secret> readEnvSecret(const Field& name_field, DiagnosticSink& sink) {
  const auto name = readString(name_field, sink);
  if (!name || name->empty()) {
    if (name || !isSet(&name_field)) {
      sink.error(positionOf(name_field), name_field.path,
                 "needs the name of an environment variable");
    }
    return std::nullopt;
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in lxdrunner calls setenv.
  const char* const value = std::getenv(name->c_str());
  if (value == nullptr || *value == '\0') {
    sink.error(positionOf(name_field), name_field.path,
               "environment variable " + *name + (value == nullptr ? " is not set" : " is empty"));
    return std::nullopt;
  }
  return Secret::fromEnv(*name, value);
}

}  // namespace

std::optional<Secret> readSecret(const Field& field, DiagnosticSink& sink) {
  if (!isSet(&field)) {
    return std::nullopt;
  }
  if (field.value.IsScalar()) {
    if (field.value.Scalar().empty()) {
      sink.error(positionOf(field), field.path, "is empty");
      return std::nullopt;
    }
    return Secret::fromInline(field.value.Scalar());
  }
  if (!field.value.IsMap()) {
    sink.error(
        positionOf(field), field.path,
        "must be a string, {file: PATH} or {env: NAME} (got " + describeValue(field.value) + ")");
    return std::nullopt;
  }
  const MappingView source(field, schema::secretKeys(), sink);
  const Field* const file = source.find("file");
  const Field* const env = source.find("env");
  if (file != nullptr && env != nullptr) {
    sink.error(positionOf(field), field.path, "set either file or env, not both");
    return std::nullopt;
  }
  if (file != nullptr) {
    return readFileSecret(*file, sink);
  }
  if (env != nullptr) {
    return readEnvSecret(*env, sink);
  }
  sink.error(positionOf(field), field.path, "must contain file: PATH or env: NAME");
  return std::nullopt;
}

}  // namespace lxdrunner::config::detail
