#include "examples/tuning.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <ostream>
#include <sstream>

#include "nabla/io/atomic_file.h"
#include "nabla/plot/figure.h"
#include "nabla/tensor/error.h"
#include "nabla/tensor/random.h"

namespace nabla::examples {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Every part, the empty ones after a trailing separator included.
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  for (size_t begin = 0;;) {
    const size_t end = s.find(sep, begin);
    parts.push_back(trim(s.substr(begin, end == std::string::npos ? std::string::npos : end - begin)));
    if (end == std::string::npos) return parts;
    begin = end + 1;
  }
}

double parse_value(const std::string& text, const std::string& name) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  NABLA_CHECK(used == text.size() && !text.empty() && std::isfinite(v), "nabla tune", "'", text,
              "' is not a number (in the values of ", name, ")");
  return v;
}

// The trial numbered `k` in mixed radix over the axes' sizes, the last axis fastest.
Trial combination(const std::vector<Axis>& axes, int64_t k) {
  Trial trial(axes.size());
  for (size_t a = axes.size(); a-- > 0;) {
    const auto n = static_cast<int64_t>(axes[a].values.size());
    trial[a] = {axes[a].name, axes[a].values[static_cast<size_t>(k % n)]};
    k /= n;
  }
  return trial;
}

}  // namespace

std::vector<Axis> parse_grid(const std::string& text) {
  std::vector<Axis> axes;
  for (const std::string& part : split(text, ';')) {
    if (part.empty()) continue;
    const auto eq = part.find('=');
    NABLA_CHECK(eq != std::string::npos && eq > 0, "nabla tune", "'", part,
                "' is not name=value,value,... (as in 'lr=1e-3,3e-3;hidden=32,64')");
    Axis axis{trim(part.substr(0, eq)), {}};
    for (const std::string& v : split(part.substr(eq + 1), ',')) axis.values.push_back(parse_value(v, axis.name));
    NABLA_CHECK(!axis.values.empty(), "nabla tune", axis.name, " has no values");
    for (const Axis& other : axes)
      NABLA_CHECK(other.name != axis.name, "nabla tune", axis.name, " is given twice");
    axes.push_back(std::move(axis));
  }
  NABLA_CHECK(!axes.empty(), "nabla tune", "the grid '", text, "' names no hyper-parameter");
  return axes;
}

std::vector<Trial> search_trials(const std::vector<Axis>& axes, std::optional<int64_t> samples, uint64_t seed) {
  int64_t total = 1;
  for (const Axis& axis : axes) total *= static_cast<int64_t>(axis.values.size());
  std::vector<int64_t> order(static_cast<size_t>(total));
  std::iota(order.begin(), order.end(), 0);
  if (samples) {
    NABLA_CHECK(*samples > 0, "nabla tune", "--trials must be positive, got ", *samples);
    if (*samples < total) {
      Generator generator(seed);
      const Tensor perm = randperm(total, generator);
      order.assign(perm.data_ptr<int64_t>(), perm.data_ptr<int64_t>() + *samples);
    }
  }
  std::vector<Trial> trials;
  for (int64_t k : order) trials.push_back(combination(axes, k));
  return trials;
}

Settings settings_for(const Example& example, const Settings& base, const Trial& trial) {
  Settings s = base;
  for (const auto& [name, value] : trial) {
    const bool is_count = name == "batch_size" || name == "epochs";
    if (name == "lr" || is_count) {
      NABLA_CHECK(value > 0 && (!is_count || value == std::floor(value)), "nabla tune", name, " must be a positive ",
                  is_count ? "integer" : "number", ", got ", value);
      if (name == "lr") s.lr = value;
      if (name == "batch_size") s.batch_size = static_cast<int64_t>(value);
      if (name == "epochs") s.epochs = static_cast<int64_t>(value);
      continue;
    }
    const auto& known = example.hyperparameters;
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string names = "lr, batch_size, epochs";
      for (const std::string& k : known) names += ", " + k;
      detail::fail("nabla tune", example.name, " has no hyper-parameter '", name, "' (it has: ", names, ")");
    }
    s.params[name] = value;
  }
  return s;
}

std::vector<TrialResult> tune(const Example& example, const Settings& base, const std::vector<Trial>& trials) {
  if (example.objective.empty()) {
    std::string tunable;
    for (const Example& e : all_examples())
      if (!e.objective.empty()) tunable += (tunable.empty() ? "" : ", ") + e.name;
    detail::fail("nabla tune", example.name, " has no validation objective to tune (examples that have one: ", tunable,
                 ")");
  }
  std::vector<TrialResult> results;
  for (size_t k = 0; k < trials.size(); ++k) {
    Settings settings = settings_for(example, base, trials[k]);
    settings.out_dir = base.out_dir / ("trial-" + std::to_string(k));
    std::filesystem::create_directories(settings.out_dir);
    std::ostream& log = log_of(base);
    log << "trial " << k << ":";
    for (const auto& [name, value] : trials[k]) log << ' ' << name << '=' << value;
    log << '\n';
    Outcome outcome = example.run(settings);
    const auto it = std::find_if(outcome.metrics.begin(), outcome.metrics.end(),
                                 [&](const auto& m) { return m.first == example.objective; });
    NABLA_CHECK(it != outcome.metrics.end(), "nabla tune", example.name, " did not report its objective ",
                example.objective);
    log << "  " << example.objective << " = " << it->second << '\n';
    results.push_back({static_cast<int64_t>(k), trials[k], it->second, std::move(outcome)});
  }
  std::stable_sort(results.begin(), results.end(),
                   [](const TrialResult& a, const TrialResult& b) { return a.objective < b.objective; });
  return results;
}

std::filesystem::path write_tuning_results(const std::vector<TrialResult>& results, const std::string& objective,
                                           const std::filesystem::path& dir) {
  NABLA_CHECK(!results.empty(), "nabla tune", "no trials to write");
  std::filesystem::create_directories(dir);
  const std::filesystem::path table = dir / "tuning.csv";
  io::write_atomically(table, [&](std::ostream& os) {
    os << "rank,trial";
    for (const auto& [name, value] : results.front().trial) os << ',' << name;
    os << ',' << objective << '\n';
    os.precision(10);
    for (size_t rank = 0; rank < results.size(); ++rank) {
      os << rank + 1 << ',' << results[rank].index;
      for (const auto& [name, value] : results[rank].trial) os << ',' << value;
      os << ',' << results[rank].objective << '\n';
    }
  });
  plot::Axes curves{.title = "validation per trial (best first)", .xlabel = "epoch", .ylabel = objective,
                    .logy = true};
  for (const TrialResult& r : results) {
    const auto it = r.outcome.curves.find(objective);
    if (it == r.outcome.curves.end() || it->second.empty()) continue;
    std::vector<double> epochs(it->second.size());
    std::iota(epochs.begin(), epochs.end(), 1.0);
    std::string label = "trial " + std::to_string(r.index) + ":";
    for (const auto& [name, value] : r.trial) {
      std::ostringstream v;
      v << value;
      label += " " + name + "=" + v.str();
    }
    curves.series.push_back(plot::Line{.x = epochs, .y = it->second, .label = label});
  }
  if (!curves.series.empty()) plot::save({.axes = {curves}, .width = 8, .height = 5}, dir / "tuning.png");
  return table;
}

}  // namespace nabla::examples
