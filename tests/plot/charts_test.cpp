#include "nabla/plot/charts.h"

#include <gtest/gtest.h>

#include "tests/io/io_testing.h"
#include "tests/png_reader.h"

namespace nabla::plot {
namespace {

using testing::expect_error;

const std::vector<double>& y_of(const Axes& axes, size_t i) { return std::get<Line>(axes.series[i]).y.values(); }

TEST(PlotCharts, LossCurvesDrawTrainingAndValidationLossPerEpoch) {
  train::History history;
  history.append({{"loss", 1.0}, {"val_loss", 1.5}, {"lr", 0.1}});
  history.append({{"loss", 0.5}, {"val_loss", 0.9}, {"lr", 0.1}});
  history.append({{"loss", 0.2}, {"val_loss", 0.7}, {"lr", 0.1}});
  const Axes axes = loss_curves(history, "MLP");
  EXPECT_EQ(axes.title, "MLP");
  ASSERT_EQ(axes.series.size(), 2u);
  EXPECT_EQ(std::get<Line>(axes.series[0]).label, "training");
  EXPECT_EQ(std::get<Line>(axes.series[1]).label, "validation");
  EXPECT_EQ(std::get<Line>(axes.series[0]).x.values(), std::vector<double>({1, 2, 3}));
  EXPECT_EQ(y_of(axes, 1), std::vector<double>({1.5, 0.9, 0.7}));
  EXPECT_FALSE(axes.logy);  // one decade

  testing::TempDir dir;
  save({.axes = {axes}}, dir / "loss.png");
  EXPECT_EQ(testing::read_png(dir / "loss.png").height, 480u);
}

TEST(PlotCharts, LossCurvesUseALogScaleWhenTheLossFallsByMoreThanTwoDecades) {
  train::History history;
  for (double loss : {10.0, 1.0, 0.01}) history.append({{"loss", loss}});
  const Axes axes = loss_curves(history);
  EXPECT_EQ(axes.series.size(), 1u);  // no validation loss
  EXPECT_TRUE(axes.logy);
  history.append({{"loss", 0.0}});  // a log scale cannot show 0
  EXPECT_FALSE(loss_curves(history).logy);
  expect_error([] { loss_curves(train::History()); }, {"plot::loss_curves", "no \"loss\""});
}

TEST(PlotCharts, HistoryCurvesDrawEverySeriesUnderItsName) {
  train::History history;
  for (int step = 1; step <= 4; ++step)
    history.append({{"discriminator", 1.0 / step}, {"generator", 1000.0 / step}});
  const Axes axes = history_curves(history, "GAN", "step");
  EXPECT_EQ(axes.title, "GAN");
  EXPECT_EQ(axes.xlabel, "step");
  ASSERT_EQ(axes.series.size(), 2u);
  EXPECT_EQ(std::get<Line>(axes.series[0]).label, "discriminator");
  EXPECT_EQ(std::get<Line>(axes.series[1]).label, "generator");
  EXPECT_EQ(std::get<Line>(axes.series[1]).x.values(), std::vector<double>({1, 2, 3, 4}));
  EXPECT_EQ(y_of(axes, 1), std::vector<double>({1000, 500, 1000.0 / 3, 250}));
  EXPECT_TRUE(axes.logy);  // 0.25 to 1000, over all the series
  expect_error([] { history_curves(train::History(), "VAE", "epoch"); },
               {"plot::history_curves", "'VAE'", "empty"});
}

TEST(PlotCharts, PredictedVsTrueSharesOneRangeWithTheDiagonal) {
  const Axes axes = predicted_vs_true(tensor({1.0, 2.0, 3.0}), std::vector<double>{1.5, 2.0, 5.0}, "test", "MLP");
  ASSERT_TRUE(axes.xrange && axes.yrange);
  EXPECT_DOUBLE_EQ(axes.xrange->min, 1 - 0.2);  // [1, 5] and a 5% margin
  EXPECT_DOUBLE_EQ(axes.xrange->max, 5 + 0.2);
  EXPECT_EQ(axes.yrange->min, axes.xrange->min);
  EXPECT_TRUE(axes.equal_aspect);
  EXPECT_EQ(std::get<Line>(axes.series[0]).x.values(), y_of(axes, 0));  // y = x
  EXPECT_EQ(std::get<Scatter>(axes.series[1]).label, "MLP");
  // One value only: still a range around it.
  const Axes single = predicted_vs_true({2.0}, {2.0});
  EXPECT_LT(single.xrange->min, 2);
  EXPECT_GT(single.xrange->max, 2);
  expect_error([] { predicted_vs_true({1, 2}, {1}); }, {"plot::predicted_vs_true", "2 true values but 1"});
}

}  // namespace
}  // namespace nabla::plot
