// SPDX-License-Identifier: Apache-2.0
// Everything a plugin author includes: the C ABI, the C++ base classes and the registration
// macro. The fake host for unit tests is separate: lxdrunner/sdk/fake_host.hpp.
#pragma once

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"
#include "lxdrunner/sdk/host.hpp"
#include "lxdrunner/sdk/plugin.hpp"
#include "lxdrunner/sdk/register.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"
