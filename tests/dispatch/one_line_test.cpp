// SPDX-License-Identifier: Apache-2.0
// A plugin's multi-line error reaches the job's last_error whole, on one line.
#include <catch2/catch.hpp>

#include "dispatch/one_line.hpp"

using lxdrunner::dispatch::oneLine;

TEST_CASE("a multi-line error keeps every line, folded into one", "[dispatch]") {
  CHECK(oneLine("plugin 'x': provision: setup failed\n  apt-get: 404 Not Found  \n\n") ==
        "plugin 'x': provision: setup failed | apt-get: 404 Not Found");
  CHECK(oneLine("one line") == "one line");
  CHECK(oneLine("windows\r\nline\r\n") == "windows | line");
  CHECK(oneLine("\n \n").empty());
  CHECK(oneLine("").empty());
}
