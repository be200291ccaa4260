#pragma once
// Hyper-parameter search over an example, as `nabla tune` runs it:
//
//   nabla tune boston-housing --grid 'lr=1e-3,3e-3;hidden=32,64,128'             # grid search
//   nabla tune boston-housing --grid 'lr=1e-4,3e-4,1e-3,3e-3;hidden=16,32,64' --trials 5  # random
//
// Every trial runs the example (whose validation split and early stopping choose its epochs)
// with the trial's values and is ranked by the example's objective, a validation metric.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "examples/example.h"

namespace nabla::examples {

// One hyper-parameter and the values to try.
struct Axis {
  std::string name;
  std::vector<double> values;
};

// A trial's values, in the grid's order of names.
using Trial = std::vector<std::pair<std::string, double>>;

// "lr=1e-3,3e-3;hidden=32,64" -> {lr: [1e-3, 3e-3]}, {hidden: [32, 64]}. Throws nabla::Error
// naming the part that does not parse, an empty list or a name given twice.
std::vector<Axis> parse_grid(const std::string& text);

// Every combination (grid search), or `samples` distinct ones drawn at random (random search,
// repeatable for a seed); all of them when samples is at least their number.
std::vector<Trial> search_trials(const std::vector<Axis>& axes, std::optional<int64_t> samples, uint64_t seed);

// `base` with a trial's values: lr, batch_size and epochs set those settings, other names the
// example's hyper-parameters. Throws nabla::Error for a name the example does not have or a
// value out of range (a non-positive lr, batch size or epoch count).
Settings settings_for(const Example& example, const Settings& base, const Trial& trial);

struct TrialResult {
  int64_t index = 0;  // in the order run: its folder is trial-<index>
  Trial trial{};
  double objective = 0;
  Outcome outcome{};
};

// Runs the example once per trial, each in base.out_dir / "trial-<k>", and returns the
// results sorted by objective, best (lowest) first. The example must have an objective.
std::vector<TrialResult> tune(const Example& example, const Settings& base, const std::vector<Trial>& trials);

// Writes dir/tuning.csv, the ranked table (rank, trial, each hyper-parameter, objective), and
// dir/tuning.png, the curve named `objective` of every trial per epoch (the trials that
// report one); returns the table's path.
std::filesystem::path write_tuning_results(const std::vector<TrialResult>& results, const std::string& objective,
                                           const std::filesystem::path& dir);

}  // namespace nabla::examples
