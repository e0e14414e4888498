// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace lxdrunner::config {

enum class InstanceType { Container, VirtualMachine };
enum class RunnerOs { Linux, Win, Osx };
enum class RunnerArch { X64, Arm, Arm64 };
// Subset: an entry serves a job whose labels are all among the entry's labels (GitHub's rule).
// Exact: the job must ask for exactly the entry's labels, no fewer.
enum class LabelMatch { Subset, Exact };
enum class RemoteProtocol { Lxd, SimpleStreams };
enum class LogFormat { Text, Json };
// Where a job's runner registers: Auto = in the job's organisation when it has one, else in its
// repository (the original lxdrunner's rule); Repo / Org = always there.
enum class RunnerScope { Auto, Repo, Org };
// The LXD device types a device pool may hold (docs/custom-hardware.md).
enum class DevicePoolType { Gpu, Usb, UnixChar, UnixBlock, Disk, Nic, Pci };

template <class Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

// The spellings accepted in the configuration file; toString() returns the same spellings, so the
// parser, the effective-configuration dump and the plugin JSON cannot disagree.
inline constexpr std::array<EnumName<InstanceType>, 2> kInstanceTypeNames{{
    {InstanceType::Container, "container"},
    {InstanceType::VirtualMachine, "virtual-machine"},
}};
inline constexpr std::array<EnumName<RunnerOs>, 3> kRunnerOsNames{{
    {RunnerOs::Linux, "linux"},
    {RunnerOs::Win, "win"},
    {RunnerOs::Osx, "osx"},
}};
inline constexpr std::array<EnumName<RunnerArch>, 3> kRunnerArchNames{{
    {RunnerArch::X64, "x64"},
    {RunnerArch::Arm, "arm"},
    {RunnerArch::Arm64, "arm64"},
}};
inline constexpr std::array<EnumName<LabelMatch>, 2> kLabelMatchNames{{
    {LabelMatch::Subset, "subset"},
    {LabelMatch::Exact, "exact"},
}};
inline constexpr std::array<EnumName<RemoteProtocol>, 2> kRemoteProtocolNames{{
    {RemoteProtocol::Lxd, "lxd"},
    {RemoteProtocol::SimpleStreams, "simplestreams"},
}};
inline constexpr std::array<EnumName<LogFormat>, 2> kLogFormatNames{{
    {LogFormat::Text, "text"},
    {LogFormat::Json, "json"},
}};

inline constexpr std::array<EnumName<RunnerScope>, 3> kRunnerScopeNames{{
    {RunnerScope::Auto, "auto"},
    {RunnerScope::Repo, "repo"},
    {RunnerScope::Org, "org"},
}};

inline constexpr std::array<EnumName<DevicePoolType>, 7> kDevicePoolTypeNames{{
    {DevicePoolType::Gpu, "gpu"},
    {DevicePoolType::Usb, "usb"},
    {DevicePoolType::UnixChar, "unix-char"},
    {DevicePoolType::UnixBlock, "unix-block"},
    {DevicePoolType::Disk, "disk"},
    {DevicePoolType::Nic, "nic"},
    {DevicePoolType::Pci, "pci"},
}};

template <class Enum, std::size_t N>
constexpr std::string_view nameOf(const std::array<EnumName<Enum>, N>& names, Enum value) {
  for (const auto& entry : names) {
    if (entry.value == value) {
      return entry.name;
    }
  }
  return {};
}

inline std::string_view toString(InstanceType value) {
  return nameOf(kInstanceTypeNames, value);
}
inline std::string_view toString(RunnerOs value) {
  return nameOf(kRunnerOsNames, value);
}
inline std::string_view toString(RunnerArch value) {
  return nameOf(kRunnerArchNames, value);
}
inline std::string_view toString(LabelMatch value) {
  return nameOf(kLabelMatchNames, value);
}
inline std::string_view toString(RemoteProtocol value) {
  return nameOf(kRemoteProtocolNames, value);
}
inline std::string_view toString(LogFormat value) {
  return nameOf(kLogFormatNames, value);
}
inline std::string_view toString(RunnerScope value) {
  return nameOf(kRunnerScopeNames, value);
}
inline std::string_view toString(DevicePoolType value) {
  return nameOf(kDevicePoolTypeNames, value);
}

}  // namespace lxdrunner::config
