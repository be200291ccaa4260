#include <gtest/gtest.h>

#include <string>

#include "nabla/nabla.h"
#include "tests/nn/conv_golden.h"
#include "tests/nn/layers_golden.h"
#include "tests/tensor/test_util.h"

namespace nabla::nn {
namespace {

namespace F = functional;
using nabla::testing::expect_error;
using nabla::testing::rand_param;
using testing::conv_golden;
using testing::expect_golden;
using testing::json;
using testing::pair_of;

TEST(Upsample, MatchesPyTorchNearestAndBilinear) {
  for (const json& c : conv_golden()["interpolate"]) {
    InterpolateOptions o{.mode =
                             c["mode"] == "nearest" ? InterpolateMode::Nearest : InterpolateMode::Bilinear};
    if (!c["size"].is_null()) o.size = pair_of(c["size"]);
    const json& s = c["scale_factor"];
    if (s.is_number()) o.scale_factor = s.get<double>();
    if (s.is_array()) o.scale_factor = {s[0].get<double>(), s[1].get<double>()};
    if (!c["align_corners"].is_null()) o.align_corners = c["align_corners"].get<bool>();
    const std::string what = "interpolate " + c["mode"].get<std::string>() + " size " + c["size"].dump() +
                             " scale_factor " + s.dump() + " align_corners " + c["align_corners"].dump() +
                             " from " + c["x"]["shape"].dump();
    expect_golden(
        c, {"x"}, [&](const std::vector<Tensor>& in) { return F::interpolate(in[0], o); }, what);
  }
}

TEST(Upsample, GradcheckAndDoubleBackward) {
  const Tensor x = rand_param({2, 2, 3, 4}, -1, 1, 31);
  auto bilinear = [](const std::vector<Tensor>& in) {
    return F::interpolate(in[0], {.scale_factor = {1.5, 2}, .mode = InterpolateMode::Bilinear});
  };
  auto corners = [](const std::vector<Tensor>& in) {
    return F::interpolate(in[0], {.size = {5, 2}, .mode = InterpolateMode::Bilinear, .align_corners = true});
  };
  auto nearest = [](const std::vector<Tensor>& in) { return F::interpolate(in[0], {.size = {7, 3}}); };
  EXPECT_GRADCHECK(bilinear, {x});
  EXPECT_GRADGRADCHECK(bilinear, {x});
  EXPECT_GRADCHECK(corners, {x});
  EXPECT_GRADCHECK(nearest, {x});
}

TEST(Upsample, ModuleRunsInterpolate) {
  manual_seed(5);
  const Tensor x = randn({1, 2, 3, 3});
  Upsample up({.scale_factor = 2});
  const Tensor y = up(x);
  EXPECT_EQ(y.shape(), (Shape{1, 2, 6, 6}));
  // Nearest doubling repeats each pixel in a 2 x 2 block.
  EXPECT_TRUE(equal(y.slice(2, 0, 6, 2).slice(3, 1, 6, 2), x));
  EXPECT_TRUE(up.parameters().empty());
}

TEST(Upsample, PrintsLikePyTorch) {
  const json& r = conv_golden()["repr"];
  EXPECT_EQ(testing::repr(Upsample({.scale_factor = 2})), r["Upsample"]);
  EXPECT_EQ(
      testing::repr(Upsample({.size = {4, 5}, .mode = InterpolateMode::Bilinear, .align_corners = true})),
      r["Upsample_size"]);
  EXPECT_EQ(testing::repr(Upsample({.scale_factor = {2, 1.5}, .mode = InterpolateMode::Bilinear})),
            r["Upsample_pair"]);
}

TEST(Upsample, RejectsBadInput) {
  const Tensor x = zeros({1, 2, 3, 3});
  expect_error([&] { F::interpolate(x, {}); }, {"interpolate", "either size or scale_factor"});
  expect_error([&] { F::interpolate(x, {.size = 4, .scale_factor = 2}); }, {"interpolate", "only one of"});
  expect_error([&] { F::interpolate(x, {.scale_factor = 2, .align_corners = true}); },
               {"interpolate", "align_corners", "bilinear"});
  expect_error(
      [&] {
        F::interpolate(zeros({2, 3, 3}), {.scale_factor = 2});
      },
      {"interpolate", "4D", "[2, 3, 3]"});
  expect_error([&] { F::interpolate(x, {.scale_factor = 0.2}); }, {"interpolate", "output (H: 0, W: 0)"});
  expect_error([&] { F::interpolate(x, {.scale_factor = -1}); }, {"interpolate", "positive"});
  expect_error([&] { F::interpolate(x, {.size = {0, 2}}); }, {"interpolate", "greater than 0"});
}

}  // namespace
}  // namespace nabla::nn
