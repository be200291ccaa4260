#include "nabla/plot/charts.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
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

}  // namespace

Axes loss_curves(const train::History& history, const std::string& title) {
  NABLA_CHECK(history.contains("loss"), "plot::loss_curves", "the history has no \"loss\" (", history.epochs(),
              " epochs recorded)");
  Axes axes{.title = title, .xlabel = "epoch", .ylabel = "loss"};
  Extent extent;
  for (const auto& [key, label] : {std::pair{"loss", "training"}, std::pair{"val_loss", "validation"}}) {
    if (!history.contains(key)) continue;
    const std::vector<double>& loss = history[key];
    std::vector<double> epochs(loss.size());
    std::iota(epochs.begin(), epochs.end(), 1.0);
    axes.series.push_back(Line{.x = std::move(epochs), .y = loss, .label = label});
    extent.add(loss);
  }
  axes.logy = extent.low > 0 && extent.high > 100 * extent.low;
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
