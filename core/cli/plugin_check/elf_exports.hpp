// SPDX-License-Identifier: Apache-2.0
// The symbols a shared library exports, read from its ELF dynamic symbol table without
// loading it. A plugin should export its entry point and nothing else: anything more is
// merged by the dynamic linker with a same-named symbol of another library (another plugin,
// or the daemon), and STB_GNU_UNIQUE symbols are merged even under RTLD_LOCAL.
#pragma once

#include <string>
#include <vector>

namespace lxdrunner::cli::plugin_check {

struct ElfExports {
  std::vector<std::string> exported;  // defined, global or weak, default or protected
  std::vector<std::string> unique;    // of those, the STB_GNU_UNIQUE ones
  std::string error;                  // why the file could not be read; empty when it was
};

// Reads a 64-bit little-endian ELF file (x86-64, aarch64). Never throws.
ElfExports readElfExports(const std::string& path);

}  // namespace lxdrunner::cli::plugin_check
