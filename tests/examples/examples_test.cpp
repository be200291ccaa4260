// Every seed example run as `nabla run` runs it (short settings where the default is long),
// and held to its success criteria. Examples on real data need scripts/fetch-data.sh first,
// which scripts/test.sh runs; without the data they are skipped, saying why.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "examples/example.h"
#include "examples/figure_data.h"
#include "nabla/data/csv.h"
#include "nabla/tensor/error.h"
#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"

namespace nabla::examples {
namespace {

class SeedExample : public ::testing::TestWithParam<std::string> {};

TEST_P(SeedExample, MeetsItsSuccessCriteria) {
  const Example& example = find_example(GetParam());
  std::ostringstream log;
  // A fresh folder per run, so runs of the same example in parallel processes never share one.
  const testing::TempDir out;
  Settings settings{.out_dir = out.path(), .data_dir = NABLA_DEFAULT_DATA_DIR, .log = &log};
  const std::map<std::string, std::string> data_files{{"boston-housing", "boston_house_prices.csv"},
                                                      {"sunspots", "sunspots.csv"},
                                                      {"autoencoder-digits", "digits.csv.gz"}};
  if (data_files.contains(example.name) &&
      !std::filesystem::exists(settings.data_dir / data_files.at(example.name)))
    GTEST_SKIP() << "no " << (settings.data_dir / data_files.at(example.name))
                 << ": run scripts/fetch-data.sh";
  if (example.name == "fashion-cnn" &&
      !std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "no Fashion-MNIST: apt-get install dataset-fashion-mnist";
  // Shorter runs where the criterion is already met; gan-ring covers all 8 modes by 3000 steps.
  const std::map<std::string, int64_t> short_epochs{
      {"seed-network", 500}, {"narx", 30}, {"sunspots", 60}, {"gan-ring", 3000}};
  if (short_epochs.contains(example.name)) settings.epochs = short_epochs.at(example.name);
  // fashion-cnn on a few thousand images, where its criteria are the CNN's 80% and its lead over the MLP.
  if (example.name == "fashion-cnn") settings.params = {{"train_samples", 3000}, {"test_samples", 1000}};
  const Outcome outcome = example.run(settings);
  EXPECT_FALSE(outcome.checks.empty());
  for (const Check& check : outcome.checks) EXPECT_TRUE(check.met) << check.criterion << ": " << check.value;
  for (const FigureFile& figure : outcome.figures)
    EXPECT_TRUE(std::filesystem::is_regular_file(settings.out_dir / figure.file)) << figure.file;
}

std::vector<std::string> example_names() {
  std::vector<std::string> names;
  for (const Example& e : all_examples()) names.push_back(e.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(All, SeedExample, ::testing::ValuesIn(example_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(Examples, FigureDataIsACsvTable) {
  const testing::TempDir out;
  const Settings settings{.out_dir = out.path()};
  write_figure_data(settings, "curve.csv", {{"t", {0, 1, 2}}, {"y", {0.5, -1.25, 1e-9}}});
  const data::Table table = data::read_csv((out / "curve.csv").string());
  EXPECT_EQ(table.columns(), (std::vector<std::string>{"t", "y"}));
  testing::expect_values(table.values(), {0, 0.5, 1, -1.25, 2, 1e-9});
  const auto ragged = [&] { write_figure_data(settings, "bad.csv", {{"t", {0, 1}}, {"y", {0}}}); };
  testing::expect_error(ragged, {"bad.csv", "column 'y' has 1 values", "column 't' 2"});
  EXPECT_FALSE(std::filesystem::exists(out / "bad.csv"));
}

TEST(Examples, UnknownNamesAreAnErrorListingTheKnownOnes) {
  testing::expect_error([] { find_example("no-such-example"); }, {"'no-such-example'", "house-prices"});
}

}  // namespace
}  // namespace nabla::examples
