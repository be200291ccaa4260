// Every seed example run as `nabla run` runs it (short settings where the default is long),
// and held to its success criteria. Examples on real data need scripts/fetch-data.sh first,
// which scripts/test.sh runs; without the data they are skipped, saying why.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include "examples/example.h"
#include "examples/images.h"
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
  // Fashion-MNIST comes from a Debian package: its absolute path replaces data_dir.
  const std::string fashion = (std::filesystem::path(kFashionMNISTRoot) / "train-images-idx3-ubyte.gz").string();
  const std::map<std::string, std::string> data_files{{"boston-housing", "boston_house_prices.csv"},
                                                      {"sunspots", "sunspots.csv"},
                                                      {"autoencoder-digits", "digits.csv.gz"},
                                                      {"fashion-cnn", fashion},
                                                      {"fashion-vae", fashion},
                                                      {"fashion-denoise", fashion},
                                                      {"fashion-dcgan", fashion}};
  if (data_files.contains(example.name) &&
      !std::filesystem::exists(settings.data_dir / data_files.at(example.name)))
    GTEST_SKIP() << "no " << (settings.data_dir / data_files.at(example.name))
                 << ": run scripts/fetch-data.sh";
  // Shorter runs where the criterion is already met; gan-ring covers all 8 modes by 3000 steps.
  const std::map<std::string, int64_t> short_epochs{{"seed-network", 500},      {"narx", 30},
                                                    {"sunspots", 60},           {"gan-ring", 3000},
                                                    {"bidirectional-rnn", 100}, {"long-dependency", 500},
                                                    {"regularisation", 1500}};
  if (short_epochs.contains(example.name)) settings.epochs = short_epochs.at(example.name);
  // The adding problem over 50 steps instead of 100: the plain RNN fails there too, and the LSTM
  // and the GRU learn it within 500 iterations.
  if (example.name == "long-dependency") settings.params = {{"length", 50}};
  // The Fashion-MNIST examples on the first images only (their epochs, or steps for the DCGAN).
  // fashion-cnn's criteria there are the CNN's 80% and its lead over the MLP; the DCGAN's samples
  // come within its distance bound from 300 steps (1.47 < 1.5), so 400 leave a margin.
  const std::map<std::string, std::tuple<double, double, int64_t>> fashion_subsets{
      {"fashion-cnn", {3000, 1000, 4}},
      {"fashion-vae", {3000, 1000, 3}},
      {"fashion-denoise", {8000, 1000, 4}},
      {"fashion-dcgan", {3000, 500, 400}}};
  if (fashion_subsets.contains(example.name)) {
    const auto [train_images, test_images, epochs] = fashion_subsets.at(example.name);
    settings.params = {{"train_images", train_images}, {"test_images", test_images}};
    settings.epochs = epochs;
  }
#ifdef NABLA_SANITIZED
  // Under the sanitizers the run is there to check memory and undefined behaviour along the same
  // code: a few epochs (or steps) on few images, criteria not held (the Release run holds them).
  settings.epochs = 3;
  if (fashion_subsets.contains(example.name)) settings.params = {{"train_images", 300}, {"test_images", 100}};
  constexpr bool kHoldCriteria = false;
#else
  constexpr bool kHoldCriteria = true;
#endif
  const Outcome outcome = example.run(settings);
  EXPECT_FALSE(outcome.checks.empty());
  for (const Check& check : outcome.checks) {
    if (kHoldCriteria) {
      EXPECT_TRUE(check.met) << check.criterion << ": " << check.value;
    }
  }
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

TEST(Examples, UnknownNamesAreAnErrorListingTheKnownOnes) {
  testing::expect_error([] { find_example("no-such-example"); }, {"'no-such-example'", "house-prices"});
}

}  // namespace
}  // namespace nabla::examples
