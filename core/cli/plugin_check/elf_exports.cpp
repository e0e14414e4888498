// SPDX-License-Identifier: Apache-2.0
#include "cli/plugin_check/elf_exports.hpp"

#include <elf.h>

#include <cstring>

#include "config/detail/file_reading.hpp"

namespace lxdrunner::cli::plugin_check {
namespace {

// A bounds-checked view of the file: every read says whether the bytes were there.
class Bytes {
 public:
  explicit Bytes(std::string data) : data_(std::move(data)) {}
  template <class T>
  bool read(uint64_t offset, T& out) const {
    if (offset > data_.size() || data_.size() - offset < sizeof(T)) return false;
    std::memcpy(&out, data_.data() + offset, sizeof(T));
    return true;
  }
  // The NUL-terminated string at `offset` of the table [table, table + size).
  bool string(uint64_t table, uint64_t size, uint64_t offset, std::string& out) const {
    if (table > data_.size() || size > data_.size() - table || offset >= size) return false;
    const char* begin = data_.data() + table + offset;
    const size_t length = ::strnlen(begin, size - offset);
    if (length == size - offset) return false;  // no terminator inside the table
    out.assign(begin, length);
    return true;
  }
  size_t size() const noexcept { return data_.size(); }

 private:
  std::string data_;
};

}  // namespace

ElfExports readElfExports(const std::string& path) {
  ElfExports result;
  config::detail::FileContent content = config::detail::readWholeFile(path);
  if (!content.text) {
    result.error = "cannot read it: " + content.error;
    return result;
  }
  const Bytes file(std::move(*content.text));
  Elf64_Ehdr header{};
  if (!file.read(0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    result.error = "not an ELF file";
    return result;
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
    result.error = "not a 64-bit little-endian ELF file";
    return result;
  }
  if (header.e_shentsize != sizeof(Elf64_Shdr)) {
    result.error = "unexpected ELF section header size";
    return result;
  }
  for (uint16_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr section{};
    if (!file.read(header.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr), section)) {
      result.error = "truncated ELF section headers";
      return result;
    }
    if (section.sh_type != SHT_DYNSYM) continue;
    Elf64_Shdr strings{};
    if (!file.read(header.e_shoff + uint64_t{section.sh_link} * sizeof(Elf64_Shdr), strings)) {
      result.error = "truncated ELF section headers";
      return result;
    }
    const uint64_t count = section.sh_entsize == 0 ? 0 : section.sh_size / section.sh_entsize;
    for (uint64_t s = 1; s < count; ++s) {  // entry 0 is the null symbol
      Elf64_Sym symbol{};
      if (!file.read(section.sh_offset + s * section.sh_entsize, symbol)) {
        result.error = "truncated ELF symbol table";
        return result;
      }
      const unsigned bind = ELF64_ST_BIND(symbol.st_info);
      const unsigned type = ELF64_ST_TYPE(symbol.st_info);
      const unsigned visibility = ELF64_ST_VISIBILITY(symbol.st_other);
      const bool defined = symbol.st_shndx != SHN_UNDEF;
      const bool global = bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE;
      const bool visible = visibility == STV_DEFAULT || visibility == STV_PROTECTED;
      if (!defined || !global || !visible || type == STT_SECTION || type == STT_FILE) continue;
      std::string name;
      if (!file.string(strings.sh_offset, strings.sh_size, symbol.st_name, name)) {
        result.error = "a symbol name outside the ELF string table";
        return result;
      }
      result.exported.push_back(name);
      if (bind == STB_GNU_UNIQUE) result.unique.push_back(name);
    }
  }
  return result;
}

}  // namespace lxdrunner::cli::plugin_check
