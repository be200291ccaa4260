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
  // The examples on real data, and the file each needs.
  const std::map<std::string, std::string> data_files = {{"boston-housing", "boston_house_prices.csv"},
                                                         {"autoencoder-digits", "digits.csv.gz"}};
  if (const auto it = data_files.find(example.name);
      it != data_files.end() && !std::filesystem::exists(settings.data_dir / it->second))
    GTEST_SKIP() << "no " << (settings.data_dir / it->second) << ": run scripts/fetch-data.sh";
  if (example.name == "seed-network") settings.epochs = 500;
  if (example.name == "gan-ring") settings.epochs = 3000;  // all 8 modes are covered by then
  std::filesystem::create_directories(settings.out_dir);
  const Outcome outcome = example.run(settings);
  EXPECT_FALSE(outcome.checks.empty());
  for (const Check& check : outcome.checks) EXPECT_TRUE(check.met) << check.criterion << ": " << check.value;
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
