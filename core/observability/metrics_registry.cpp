// SPDX-License-Identifier: Apache-2.0
#include "observability/metrics_registry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace lxdrunner::observability {
namespace {

bool validName(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

void requireLabels(const std::string& metric, const Labels& labels) {
  for (const auto& [name, value] : labels) {
    (void)value;
    // "__" is reserved for Prometheus itself; "le" belongs to histogram buckets.
    if (!validName(name, false) || name.rfind("__", 0) == 0 || name == "le") {
      throw std::invalid_argument("metric " + metric + ": invalid label name '" + name + "'");
    }
  }
}

std::string labelKey(const Labels& labels) {
  std::string key;
  for (const auto& [name, value] : labels) {
    if (!key.empty()) key += ',';
    key += name + "=\"" + escapeLabelValue(value) + "\"";
  }
  return key;
}

std::string braces(const std::string& key) {
  return key.empty() ? std::string() : "{" + key + "}";
}

void atomicAdd(std::atomic<double>& target, double by) {
  double current = target.load();
  while (!target.compare_exchange_weak(current, current + by)) {
  }
}

}  // namespace

std::string escapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escapeHelp(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string formatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[32];
  // Whole numbers (counts, most bucket bounds) read best without an exponent.
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(text, sizeof text, "%.0f", value);
    return text;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

std::string renderLabels(const Labels& labels) {
  return braces(labelKey(labels));
}

void Counter::inc(double by) {
  if (by < 0) throw std::invalid_argument("a counter only goes up");
  atomicAdd(value_, by);
}

void Counter::set(double total) {
  value_.store(total);
}

void Gauge::add(double by) {
  atomicAdd(value_, by);
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::invalid_argument("histogram bounds must be strictly increasing");
  }
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double value) {
  const auto bucket = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                          bounds_.begin());
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[bucket];
  sum_ += value;
  ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (const auto n : counts_) {
    running += n;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 Type type) {
  for (auto& f : families_) {
    if (f->name != name) continue;
    if (f->type != type) {
      throw std::invalid_argument("metric " + name + " is already registered as another type");
    }
    return *f;
  }
  if (!validName(name, true)) throw std::invalid_argument("invalid metric name '" + name + "'");
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = type;
  families_.push_back(std::move(f));
  return *families_.back();
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const Labels& labels) {
  requireLabels(name, labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, Type::Counter).counters[labelKey(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              const Labels& labels) {
  requireLabels(name, labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, Type::Gauge).gauges[labelKey(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      const std::vector<double>& bounds, const Labels& labels) {
  requireLabels(name, labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, Type::Histogram).histograms[labelKey(labels)];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void MetricsRegistry::clearGauges(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& f : families_) {
    if (f->name == name) f->gauges.clear();
  }
}

void MetricsRegistry::addCollector(std::function<void(MetricsRegistry&)> collect) {
  std::lock_guard<std::mutex> lock(collect_mu_);
  collectors_.push_back(std::move(collect));
}

std::string MetricsRegistry::render() {
  std::unique_lock<std::mutex> flight(flight_mu_);
  if (rendering_) {
    // Scrapes that come while one renders take its result: many scrapers (or a scraper
    // retrying against a busy job store) cost one render, and hold no thread for long.
    const uint64_t joined = renders_;
    ++waiting_;
    rendered_.wait(flight, [&] { return renders_ != joined; });
    --waiting_;
    if (last_ok_) return last_;
    flight.unlock();
    return renderNow();
  }
  rendering_ = true;
  flight.unlock();
  std::string out;
  bool ok = false;
  try {
    out = renderNow();
    ok = true;
  } catch (...) {
    flight.lock();
    rendering_ = false;
    last_ok_ = false;
    ++renders_;
    rendered_.notify_all();
    throw;
  }
  flight.lock();
  rendering_ = false;
  last_ok_ = ok;
  last_ = out;
  ++renders_;
  rendered_.notify_all();
  return out;
}

std::size_t MetricsRegistry::scrapesWaiting() {
  std::lock_guard<std::mutex> lock(flight_mu_);
  return waiting_;
}

std::string MetricsRegistry::renderNow() {
  std::lock_guard<std::mutex> collect_lock(collect_mu_);
  for (auto& collect : collectors_) collect(*this);
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& f : families_) write(out, *f);
  return out;
}

void MetricsRegistry::write(std::string& out, const Family& f) const {
  static const char* const kTypeNames[] = {"counter", "gauge", "histogram"};
  out += "# HELP " + f.name + " " + escapeHelp(f.help) + "\n";
  out += "# TYPE " + f.name + " " + kTypeNames[static_cast<int>(f.type)] + "\n";
  for (const auto& [key, c] : f.counters) {
    out += f.name + braces(key) + " " + formatValue(c->value()) + "\n";
  }
  for (const auto& [key, g] : f.gauges) {
    out += f.name + braces(key) + " " + formatValue(g->value()) + "\n";
  }
  for (const auto& [key, h] : f.histograms) {
    const auto s = h->snapshot();
    const std::string prefix = key.empty() ? std::string() : key + ",";
    for (size_t i = 0; i <= s.bounds.size(); ++i) {
      const std::string le = i < s.bounds.size() ? formatValue(s.bounds[i]) : "+Inf";
      out += f.name + "_bucket{" + prefix + "le=\"" + le + "\"} " +
             std::to_string(s.cumulative[i]) + "\n";
    }
    out += f.name + "_sum" + braces(key) + " " + formatValue(s.sum) + "\n";
    out += f.name + "_count" + braces(key) + " " + std::to_string(s.count) + "\n";
  }
}

}  // namespace lxdrunner::observability
