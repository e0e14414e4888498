// SPDX-License-Identifier: Apache-2.0
// The plugin author's test kit: header-only, no test framework required. See
// docs/plugin-authoring.md, "Testing without a daemon".
#pragma once

#include "lxdrunner/sdk/fake_host.hpp"
#include "lxdrunner/testkit/calls.hpp"
#include "lxdrunner/testkit/concurrent.hpp"
#include "lxdrunner/testkit/plugin_file.hpp"
