// SPDX-License-Identifier: Apache-2.0
#pragma once

// The configuration module: YAML file -> validated Config. Include this header for all of it.
#include "config/config_search.hpp"
#include "config/defaults.hpp"
#include "config/diagnostic.hpp"
#include "config/enums.hpp"
#include "config/known_keys.hpp"
#include "config/loader.hpp"
#include "config/model.hpp"
#include "config/operator_client.hpp"
#include "config/placeholders.hpp"
#include "config/render.hpp"
#include "config/secret.hpp"
