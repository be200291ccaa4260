// Every seed example run as `nabla run` runs it (short settings where the default is long),
// and held to its success criteria. Examples on real data need scripts/fetch-data.sh first,
// which scripts/test.sh runs; without the data they are skipped, saying why.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "examples/example.h"
#include "nabla/tensor/error.h"
#include "tests/tensor/test_util.h"

namespace nabla::examples {
namespace {

class SeedExample : public ::testing::TestWithParam<std::string> {};

TEST_P(SeedExample, MeetsItsSuccessCriteria) {
  const Example& example = find_example(GetParam());
  std::ostringstream log;
  Settings settings{.out_dir = std::filesystem::temp_directory_path() / ("nabla_example_" + example.name),
                    .data_dir = NABLA_DEFAULT_DATA_DIR,
                    .log = &log};
  const std::map<std::string, std::string> data_files{{"boston-housing", "boston_house_prices.csv"},
                                                      {"sunspots", "sunspots.csv"}};
  if (data_files.contains(example.name) &&
      !std::filesystem::exists(settings.data_dir / data_files.at(example.name)))
    GTEST_SKIP() << "no " << (settings.data_dir / data_files.at(example.name))
                 << ": run scripts/fetch-data.sh";
  const std::map<std::string, int64_t> short_epochs{{"seed-network", 500}, {"narx", 30}, {"sunspots", 60}};
  if (short_epochs.contains(example.name)) settings.epochs = short_epochs.at(example.name);
  std::filesystem::create_directories(settings.out_dir);
  const Outcome outcome = example.run(settings);
  EXPECT_FALSE(outcome.checks.empty());
  for (const Check& check : outcome.checks) EXPECT_TRUE(check.met) << check.criterion << ": " << check.value;
  for (const FigureFile& figure : outcome.figures)
    EXPECT_TRUE(std::filesystem::is_regular_file(settings.out_dir / figure.file)) << figure.file;
  std::filesystem::remove_all(settings.out_dir);
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

TEST(Examples, UnknownNamesAreAnErrorListingTheKnownOnes) {
  testing::expect_error([] { find_example("no-such-example"); }, {"'no-such-example'", "house-prices"});
}

}  // namespace
}  // namespace nabla::examples
