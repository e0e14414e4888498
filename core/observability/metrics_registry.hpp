// SPDX-License-Identifier: Apache-2.0
// A small metrics registry rendered in the Prometheus text exposition format 0.0.4. Most of
// the daemon's numbers already live elsewhere (the job store, the dispatcher's counters, the
// GitHub client's stats): collectors copy them in right before each render, so the registry
// holds no second source of truth that could drift.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace lxdrunner::observability {

// Label name -> value, rendered in the order given.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double by = 1.0);
  // Mirrors a monotonic count kept elsewhere (e.g. an atomic in the dispatcher).
  void set(double total);
  double value() const noexcept { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double value) noexcept { value_.store(value); }
  void add(double by);
  double value() const noexcept { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // Upper bounds, strictly increasing; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0.0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; last is +Inf
  double sum_ = 0.0;
  uint64_t count_ = 0;
};

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Get-or-create one series. The first call for a name fixes its type and help; asking for
  // it again as another type, or with an invalid name, throws std::invalid_argument.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& bounds, const Labels& labels = {});
  // Forgets every series of a gauge family, for gauges whose label sets come and go (instances
  // per remote): the collector then sets only the ones that exist now.
  void clearGauges(const std::string& name);

  // Runs before each render, in the order added.
  void addCollector(std::function<void(MetricsRegistry&)> collect);

  // Runs the collectors, then writes every family in registration order, series sorted by
  // their labels.
  std::string render();
  // Renders waiting for the one in flight to share its result (for tests).
  std::size_t scrapesWaiting();

 private:
  enum class Type { Counter, Gauge, Histogram };
  struct Family {
    std::string name;
    std::string help;
    Type type = Type::Counter;
    // Key: the rendered label set ("a=\"x\",b=\"y\""), which sorts deterministically.
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& help, Type type);
  void write(std::string& out, const Family& f) const;
  std::string renderNow();

  std::mutex collect_mu_;  // one render at a time; collectors are not re-entrant
  std::mutex flight_mu_;   // the render in flight, which concurrent scrapes share
  std::condition_variable rendered_;
  bool rendering_ = false;
  bool last_ok_ = false;
  uint64_t renders_ = 0;
  std::size_t waiting_ = 0;
  std::string last_;
  std::vector<std::function<void(MetricsRegistry&)>> collectors_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
};

// Text-format helpers, exposed for tests.
// Label values: backslash, double quote and line feed escaped.
std::string escapeLabelValue(const std::string& value);
// HELP text: backslash and line feed escaped.
std::string escapeHelp(const std::string& text);
// The shortest text that reads back as the same double; +Inf, -Inf and NaN as Prometheus spells
// them.
std::string formatValue(double value);
// {a="x",b="y"}, or "" for no labels.
std::string renderLabels(const Labels& labels);

}  // namespace lxdrunner::observability
