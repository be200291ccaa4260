#include "examples/tuning.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"

namespace nabla::examples {
namespace {

TEST(Tuning, ParsesAGrid) {
  const std::vector<Axis> axes = parse_grid(" lr = 1e-3, 3e-3 ; hidden=32,64,128;");
  ASSERT_EQ(axes.size(), 2u);
  EXPECT_EQ(axes[0].name, "lr");
  EXPECT_EQ(axes[0].values, (std::vector<double>{1e-3, 3e-3}));
  EXPECT_EQ(axes[1].name, "hidden");
  EXPECT_EQ(axes[1].values, (std::vector<double>{32, 64, 128}));
}

TEST(Tuning, BadGridsAreErrorsNamingThePart) {
  testing::expect_error([] { parse_grid("lr"); }, {"'lr'", "name=value"});
  testing::expect_error([] { parse_grid("lr=1e-3,fast"); }, {"'fast'", "lr"});
  testing::expect_error([] { parse_grid("lr=1e-3,"); }, {"''", "lr"});
  testing::expect_error([] { parse_grid("lr=1;lr=2"); }, {"lr", "twice"});
  testing::expect_error([] { parse_grid(" ; "); }, "no hyper-parameter");
}

TEST(Tuning, GridSearchVisitsEveryCombinationOnce) {
  const auto trials = search_trials(parse_grid("a=1,2;b=10,20,30"), std::nullopt, 0);
  ASSERT_EQ(trials.size(), 6u);
  EXPECT_EQ(trials[0], (Trial{{"a", 1}, {"b", 10}}));
  EXPECT_EQ(trials[1], (Trial{{"a", 1}, {"b", 20}}));
  EXPECT_EQ(trials[5], (Trial{{"a", 2}, {"b", 30}}));
  std::set<Trial> distinct(trials.begin(), trials.end());
  EXPECT_EQ(distinct.size(), 6u);
}

TEST(Tuning, RandomSearchDrawsDistinctTrialsRepeatably) {
  const auto axes = parse_grid("a=1,2,3,4;b=1,2,3,4");
  const auto trials = search_trials(axes, 5, 7);
  ASSERT_EQ(trials.size(), 5u);
  EXPECT_EQ(std::set<Trial>(trials.begin(), trials.end()).size(), 5u);
  EXPECT_EQ(search_trials(axes, 5, 7), trials);
  EXPECT_NE(search_trials(axes, 5, 8), trials);
  EXPECT_EQ(search_trials(axes, 100, 7).size(), 16u);  // more samples than combinations: all of them
  testing::expect_error([&] { search_trials(axes, 0, 7); }, {"--trials", "0"});
}

Example fake_example() {
  // Its objective is (lr - 0.01)^2 + (hidden - 64)^2 / 1e4, smallest at lr 0.01, hidden 64.
  return {.name = "fake",
          .seed = "none",
          .title = "a fake example",
          .run = [](const Settings& s) {
            const double lr = s.lr.value_or(1), hidden = s.param("hidden", 0);
            const double objective = (lr - 0.01) * (lr - 0.01) + (hidden - 64) * (hidden - 64) / 1e4;
            return Outcome{.metrics = {{"val_loss", objective}}, .curves = {{"val_loss", {2 * objective, objective}}}};
          },
          .hyperparameters = {"hidden"},
          .objective = "val_loss"};
}

TEST(Tuning, SettingsTakeTheTrialsValues) {
  const Example example = fake_example();
  const Settings s = settings_for(example, {.seed = 3}, {{"lr", 0.5}, {"batch_size", 16}, {"epochs", 7}, {"hidden", 9}});
  EXPECT_EQ(s.lr, 0.5);
  EXPECT_EQ(s.batch_size, 16);
  EXPECT_EQ(s.epochs, 7);
  EXPECT_EQ(s.param("hidden", 0), 9);
  EXPECT_EQ(s.seed, 3u);
  testing::expect_error([&] { settings_for(example, {}, {{"width", 3}}); }, {"'width'", "fake", "hidden"});
  testing::expect_error([&] { settings_for(example, {}, {{"lr", -1}}); }, {"lr", "positive", "-1"});
  testing::expect_error([&] { settings_for(example, {}, {{"batch_size", 2.5}}); }, {"batch_size", "integer", "2.5"});
}

TEST(Tuning, RanksTrialsByTheObjective) {
  const testing::TempDir dir;
  std::ostringstream log;
  const auto trials = search_trials(parse_grid("lr=1,0.01;hidden=32,64"), std::nullopt, 0);
  const auto results = tune(fake_example(), {.out_dir = dir.path(), .log = &log}, trials);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].trial, (Trial{{"lr", 0.01}, {"hidden", 64}}));
  EXPECT_EQ(results[0].index, 3);
  EXPECT_DOUBLE_EQ(results[0].objective, 0);
  for (size_t k = 1; k < results.size(); ++k) EXPECT_LE(results[k - 1].objective, results[k].objective);
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "trial-3"));
  EXPECT_NE(log.str().find("trial 3: lr=0.01 hidden=64"), std::string::npos);

  const std::filesystem::path table = write_tuning_results(results, "val_loss", dir.path());
  std::ifstream in(table);
  std::string header, best;
  std::getline(in, header);
  std::getline(in, best);
  EXPECT_EQ(header, "rank,trial,lr,hidden,val_loss");
  EXPECT_EQ(best, "1,3,0.01,64,0");
  EXPECT_GT(std::filesystem::file_size(dir.path() / "tuning.png"), 1000u);
}

TEST(Tuning, AnExampleWithoutAnObjectiveCannotBeTuned) {
  Example example = fake_example();
  example.objective.clear();
  testing::expect_error([&] { tune(example, {}, {{{"lr", 1}}}); }, {"fake", "no validation objective", "boston-housing"});
}

}  // namespace
}  // namespace nabla::examples
