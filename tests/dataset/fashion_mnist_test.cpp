// Fashion-MNIST from Debian's dataset-fashion-mnist: a few records against Python's own reading
// of the files (scripts/golden/make_fashion_mnist.py), and the loader's checks on files the tests
// write. No test reads more than the first records of the image files.
#include "nabla/data/fashion_mnist.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "nabla/nabla.h"
#include "tests/dataset/image_files.h"
#include "tests/golden.h"
#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;
using testing::gzip;
using testing::idx_file;
using testing::TempDir;

const std::string kRoot = FashionMNISTOptions{}.root;

bool installed() { return std::filesystem::exists(kRoot + "/t10k-labels-idx1-ubyte.gz"); }

#define SKIP_UNLESS_INSTALLED() \
  if (!installed()) GTEST_SKIP() << kRoot << " is missing: apt-get install dataset-fashion-mnist"

TEST(FashionMNIST, FirstRecordsMatchPythonsReading) {
  SKIP_UNLESS_INSTALLED();
  const auto& golden = nabla::testing::golden("golden_fashion_mnist.json");
  for (const bool train : {true, false}) {
    const auto& g = golden[train ? "train" : "test"];
    const std::vector<int64_t> labels = g["labels"].get<std::vector<int64_t>>();
    const FashionMNIST set({.train = train, .limit = static_cast<int64_t>(labels.size())});
    ASSERT_EQ(set.size(), static_cast<int64_t>(labels.size()));
    EXPECT_EQ(set.targets().to_vector<int64_t>(), labels);
    const Example first = set.get_batch(arange(3, {.dtype = kInt64}));
    EXPECT_EQ(first.input.dtype(), kFloat32);
    // Pixels / 255, within float32 rounding.
    nabla::testing::expect_close(first.input.to(kFloat64) * 255.0, g["images"], 1e-5, 1e-4,
                                 train ? "train images" : "test images");
    const Example one = set.get(1);
    EXPECT_EQ(one.input.shape(), (Shape{1, 28, 28}));
    EXPECT_EQ(one.target.dim(), 0);
    EXPECT_EQ(one.target.item<int64_t>(), labels[1]);
  }
  // The whole test set's labels (10,000 bytes): the counts in the headers.
  EXPECT_EQ(read_idx(kRoot + "/t10k-labels-idx1-ubyte.gz").shape(),
            Shape(golden["test"]["label_dims"].get<std::vector<int64_t>>()));
  EXPECT_EQ(read_idx(kRoot + "/train-images-idx3-ubyte.gz", {.limit = 0}).shape(), (Shape{0, 28, 28}));
}

TEST(FashionMNIST, NormalisesWithMeanAndStd) {
  SKIP_UNLESS_INSTALLED();
  const FashionMNIST raw({.train = false, .limit = 4});
  const FashionMNIST normal({.train = false, .limit = 4, .mean = 0.2860, .stddev = 0.3530});
  const Tensor at = arange(4, {.dtype = kInt64});
  const Tensor x = raw.get_batch(at).input, z = normal.get_batch(at).input;
  EXPECT_GE(min(x).item(), 0.0);
  EXPECT_LE(max(x).item(), 1.0);
  EXPECT_TRUE(allclose(z, (x - 0.2860) / 0.3530, 1e-5, 1e-5));
  EXPECT_EQ(FashionMNIST::classes().size(), 10u);
  EXPECT_EQ(FashionMNIST::classes()[9], "Ankle boot");
}

TEST(FashionMNIST, NamesThePackageWhenTheFilesAreMissing) {
  TempDir dir;
  expect_error(
      [&] { FashionMNIST({.root = dir.path().string()}); },
      {"FashionMNIST", "train-images-idx3-ubyte.gz", "not found", "apt-get install dataset-fashion-mnist"});
}

TEST(FashionMNIST, ChecksTheFilesItReads) {
  TempDir dir;
  const auto write = [&](const std::string& name, const std::string& file) { dir.write(name, gzip(file)); };
  const std::string pixels(2 * 28 * 28, '\x80');
  write("t10k-images-idx3-ubyte.gz", idx_file(0x08, {2, 28, 28}, pixels));
  write("t10k-labels-idx1-ubyte.gz", idx_file(0x08, {2}, std::string{'\x03', '\x09'}));
  const FashionMNIST ok({.root = dir.path().string(), .train = false});
  EXPECT_EQ(ok.size(), 2);
  EXPECT_NEAR(ok.get(0).input.flatten()[5].item(), 128.0 / 255, 1e-6);
  const std::string root = dir.path().string();
  write("t10k-labels-idx1-ubyte.gz", idx_file(0x08, {3}, "\x01\x02\x03"));
  expect_error([&] { FashionMNIST({.root = root, .train = false}); },
               {"FashionMNIST", "expected 2 uint8 labels", "[3]"});
  write("t10k-labels-idx1-ubyte.gz", idx_file(0x08, {2}, "\x01\x0c"));
  expect_error([&] { FashionMNIST({.root = root, .train = false}); }, {"FashionMNIST", "label 1 is 12"});
  write("t10k-images-idx3-ubyte.gz", idx_file(0x08, {2, 27, 28}, std::string(2 * 27 * 28, '\0')));
  expect_error([&] { FashionMNIST({.root = root, .train = false}); },
               {"FashionMNIST", "expected uint8 images [N, 28, 28]", "[2, 27, 28]"});
  expect_error([&] { FashionMNIST({.root = root, .train = false, .stddev = 0}); },
               {"FashionMNIST", "stddev"});
  expect_error([&] { ok.get(2); }, {"FashionMNIST", "index 2"});
}

}  // namespace
}  // namespace nabla::data
