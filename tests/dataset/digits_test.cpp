// load_digits on scikit-learn's file (when scripts/fetch-data.sh has extracted it) and on
// files the tests write; a small CNN learns the digits.
#include "nabla/data/digits.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "nabla/nabla.h"
#include "tests/dataset/image_files.h"
#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::TempDir;

const std::string kDigits = std::string(NABLA_DEFAULT_DATA_DIR) + "/digits.csv.gz";

#define SKIP_WITHOUT_DIGITS() \
  if (!std::filesystem::exists(kDigits)) GTEST_SKIP() << "no " << kDigits << ": run scripts/fetch-data.sh"

TEST(Digits, LoadsScikitLearnsFile) {
  SKIP_WITHOUT_DIGITS();
  const Example d = load_digits(kDigits);
  EXPECT_EQ(d.input.shape(), (Shape{1797, 1, 8, 8}));
  EXPECT_EQ(d.input.dtype(), kFloat32);
  EXPECT_EQ(d.target.shape(), (Shape{1797}));
  // The file's first line: 0,0,5,13,9,1,0,0, 0,0,13,15,10,15,5,0, ... and the label 0.
  expect_values(d.input[0][0][0], {0, 0, 5 / 16.0, 13 / 16.0, 9 / 16.0, 1 / 16.0, 0, 0}, 1e-7);
  expect_values(d.input[0][0][1], {0, 0, 13 / 16.0, 15 / 16.0, 10 / 16.0, 15 / 16.0, 5 / 16.0, 0}, 1e-7);
  EXPECT_EQ(d.target[0].item<int64_t>(), 0);
  EXPECT_EQ(d.target[1].item<int64_t>(), 1);
  // Every class, about 180 times each.
  const Tensor counts = one_hot(d.target, 10).sum({0});
  EXPECT_GE(min(counts).item(), 170);
  EXPECT_LE(max(counts).item(), 190);
}

TEST(Digits, ReadsPlainOrCompressedAndRejectsBadLines) {
  TempDir dir;
  std::string line;
  for (int i = 0; i < 64; ++i) line += std::to_string(i % 17) + ",";
  const std::string two = line + "7\n" + line + "3\r\n";
  const Example plain = load_digits(dir.write("d.csv", two));
  const Example packed = load_digits(dir.write("d.csv.gz", testing::gzip(two)));
  EXPECT_EQ(plain.input.shape(), (Shape{2, 1, 8, 8}));
  EXPECT_TRUE(equal(plain.input, packed.input));
  expect_values(plain.target, {7, 3});
  EXPECT_EQ(plain.input[1][0][2][0].item(), 16 / 16.0);  // pixel 16 holds 16 % 17
  expect_error([&] { load_digits(dir.write("a", line + "1\n" + line + "\n")); },
               {"load_digits", "line 2", "field 65", "not an integer"});
  expect_error([&] { load_digits(dir.write("b", line + "1,2\n")); },
               {"load_digits", "line 1", "more than 65 fields"});
  expect_error([&] { load_digits(dir.write("c", "1,2,3\n")); },
               {"load_digits", "expected 65 fields", "got 3"});
  expect_error([&] { load_digits(dir.write("d", "17" + line.substr(1) + "1\n")); },
               {"load_digits", "pixel 1 is 17", "outside 0..16"});
  expect_error([&] { load_digits(dir.write("e", line + "10\n")); }, {"load_digits", "label 10"});
  expect_error([&] { load_digits(dir.write("f", "")); }, {"load_digits", "holds no digits"});
  const std::string cut = testing::gzip(two);
  expect_error([&] { load_digits(dir.write("g.gz", cut.substr(0, cut.size() - 4))); },
               {"load_digits", "ends early"});
}

// Conv2d - ReLU - MaxPool2d twice, then a linear layer: well above chance on held-out digits
// after a few epochs (a check that the layers train together, not a benchmark).
TEST(Digits, ASmallCnnLearnsThem) {
  SKIP_WITHOUT_DIGITS();
  manual_seed(0);
  const Example d = load_digits(kDigits);
  const Tensor train_x = d.input.narrow(0, 0, 1500), train_y = d.target.narrow(0, 0, 1500);
  const Tensor test_x = d.input.narrow(0, 1500, 297), test_y = d.target.narrow(0, 1500, 297);
  nn::Sequential model(nn::Conv2d({.in_channels = 1, .out_channels = 8, .kernel_size = 3, .padding = 1}),
                       nn::ReLU(), nn::MaxPool2d({.kernel_size = 2}),
                       nn::Conv2d({.in_channels = 8, .out_channels = 16, .kernel_size = 3, .padding = 1}),
                       nn::ReLU(), nn::MaxPool2d({.kernel_size = 2}), nn::Flatten(),
                       nn::Linear({.in_features = 64, .out_features = 10}));
  optim::Adam optimizer(model.parameters(), {.lr = 1e-2});
  DataLoader loader(TensorDataset(train_x, train_y), {.batch_size = 50, .shuffle = true, .seed = 0});
  for (int epoch = 0; epoch < 6; ++epoch)
    for (const auto& [x, y] : loader) {
      optimizer.zero_grad();
      nn::functional::cross_entropy(model(x), y).backward();
      optimizer.step();
    }
  model.eval();
  NoGradGuard guard;
  EXPECT_GT(accuracy(model(test_x), test_y), 0.9);  // 0.93 with this seed
}

}  // namespace
}  // namespace nabla::data
