#include "nabla/plot/charts.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <variant>
#include <vector>

#include "nabla/tensor/error.h"

namespace nabla::plot {
namespace {

// The range of the finite values seen.
struct Extent {
  double low = INFINITY, high = -INFINITY;
  void add(const std::vector<double>& values) {
    for (double v : values)
      if (std::isfinite(v)) {
        low = std::min(low, v);
        high = std::max(high, v);
      }
  }
};

// `values` against 1, 2, ... as a line called `label`.
Line numbered(const std::vector<double>& values, const std::string& label) {
  std::vector<double> x(values.size());
  std::iota(x.begin(), x.end(), 1.0);
  return Line{.x = std::move(x), .y = values, .label = label};
}

// A log scale for the lines of `axes` when their values are all positive and span more than
// two decades.
void choose_log_scale(Axes& axes) {
  Extent extent;
  for (const Series& series : axes.series)
    if (const auto* line = std::get_if<Line>(&series)) extent.add(line->y.values());
  axes.logy = extent.low > 0 && extent.high > 100 * extent.low;
}

}  // namespace

Axes loss_curves(const train::History& history, const std::string& title) {
  NABLA_CHECK(history.contains("loss"), "plot::loss_curves", "the history has no \"loss\" (", history.epochs(),
              " epochs recorded)");
  Axes axes{.title = title, .xlabel = "epoch", .ylabel = "loss"};
  for (const auto& [key, label] : {std::pair{"loss", "training"}, std::pair{"val_loss", "validation"}})
    if (history.contains(key)) axes.series.push_back(numbered(history[key], label));
  choose_log_scale(axes);
  return axes;
}

Axes history_curves(const train::History& history, const std::string& title, const std::string& xlabel) {
  NABLA_CHECK(!history.values().empty(), "plot::history_curves", "the history of '", title, "' is empty");
  Axes axes{.title = title, .xlabel = xlabel};
  for (const auto& [name, values] : history.values()) axes.series.push_back(numbered(values, name));
  choose_log_scale(axes);
  return axes;
}

Axes predicted_vs_true(const Values& truth, const Values& predicted, const std::string& title,
                       const std::string& label) {
  NABLA_CHECK(truth.size() == predicted.size(), "plot::predicted_vs_true", "there are ", truth.size(),
              " true values but ", predicted.size(), " predictions");
  Extent extent;
  extent.add(truth.values());
  extent.add(predicted.values());
  if (extent.low > extent.high) extent = {0, 1};
  // A 5% margin; all points on one value get an axis around it.
  const double span = extent.high - extent.low;
  const double margin = span > 0 ? 0.05 * span : std::max(0.5, 0.5 * std::abs(extent.low));
  const Range range{extent.low - margin, extent.high + margin};
  return {.title = title,
          .xlabel = "true",
          .ylabel = "predicted",
          .xrange = range,
          .yrange = range,
          .equal_aspect = true,
          .legend = Legend::TopLeft,
          .series = {Line{.x = {range.min, range.max},
                          .y = {range.min, range.max},
                          .label = "y = x",
                          .color = "black",
                          .dash = Dash::Dashed,
                          .width = 1},
                     Scatter{.x = truth, .y = predicted, .label = label}}};
}

}  // namespace nabla::plot
