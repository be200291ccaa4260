#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
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
using testing::tensor_of;

template <int D>
MaxPoolOptions<D> max_pool_options(const json& c) {
  auto sizes = [](const json& v) -> ExpandingArray<D> {
    if constexpr (D == 1)
      return v.get<int64_t>();
    else
      return pair_of(v);
  };
  MaxPoolOptions<D> o{.kernel_size = sizes(c["kernel_size"]),
                      .padding = sizes(c["padding"]),
                      .dilation = sizes(c["dilation"]),
                      .ceil_mode = c["ceil_mode"].get<bool>()};
  if (!c["stride"].is_null()) o.stride = sizes(c["stride"]);
  return o;
}

template <int D, class Pool>
void expect_max_pool_cases(const char* key, Pool pool) {
  for (const json& c : conv_golden()[key]) {
    const MaxPoolOptions<D> o = max_pool_options<D>(c);
    const std::string what = std::string(key) + " " + c["kernel_size"].dump() + " stride " +
                             c["stride"].dump() + " padding " + c["padding"].dump() + " dilation " +
                             c["dilation"].dump() + (c["ceil_mode"].get<bool>() ? " ceil_mode" : "") + " x " +
                             c["x"]["shape"].dump();
    expect_golden(
        c, {"x"}, [&](const std::vector<Tensor>& in) { return pool(in[0], o).first; }, what);
    const Tensor indices = pool(tensor_of(c["x"]), o).second;
    EXPECT_EQ(indices.dtype(), kInt64);
    EXPECT_EQ(indices.to_vector<int64_t>(), c["indices"].get<std::vector<int64_t>>()) << what;
  }
}

TEST(MaxPool2d, MatchesPyTorchValuesIndicesAndGradients) {
  expect_max_pool_cases<2>("max_pool2d", F::max_pool2d_with_indices);
}

TEST(MaxPool1d, MatchesPyTorchValuesIndicesAndGradients) {
  expect_max_pool_cases<1>("max_pool1d", F::max_pool1d_with_indices);
}

TEST(AvgPool2d, MatchesPyTorch) {
  for (const json& c : conv_golden()["avg_pool2d"]) {
    AvgPool2dOptions o{.kernel_size = pair_of(c["kernel_size"]),
                       .padding = pair_of(c["padding"]),
                       .ceil_mode = c["ceil_mode"].get<bool>(),
                       .count_include_pad = c["count_include_pad"].get<bool>()};
    if (!c["stride"].is_null()) o.stride = pair_of(c["stride"]);
    if (!c["divisor_override"].is_null()) o.divisor_override = c["divisor_override"].get<int64_t>();
    const std::string what = "avg_pool2d " + c["kernel_size"].dump() + " stride " + c["stride"].dump() +
                             " padding " + c["padding"].dump() + (o.ceil_mode ? " ceil_mode" : "") +
                             (o.count_include_pad ? "" : " without the padding") + " x " +
                             c["x"]["shape"].dump();
    expect_golden(
        c, {"x"}, [&](const std::vector<Tensor>& in) { return F::avg_pool2d(in[0], o); }, what);
  }
}

TEST(AdaptiveAvgPool2d, MatchesPyTorch) {
  for (const json& c : conv_golden()["adaptive_avg_pool2d"]) {
    const ExpandingArray<2> size = pair_of(c["output_size"]);
    expect_golden(
        c, {"x"}, [&](const std::vector<Tensor>& in) { return F::adaptive_avg_pool2d(in[0], size); },
        "adaptive_avg_pool2d to " + c["output_size"].dump() + " from " + c["x"]["shape"].dump());
  }
}

TEST(Pooling, GradcheckAndDoubleBackward) {
  const Tensor x = rand_param({2, 2, 5, 6}, -1, 1, 21);
  auto max2 = [](const std::vector<Tensor>& in) {
    return F::max_pool2d(
        in[0], {.kernel_size = 3, .stride = {2, 1}, .padding = 1, .dilation = {1, 2}, .ceil_mode = true});
  };
  auto max1 = [](const std::vector<Tensor>& in) {
    return F::max_pool1d(in[0], {.kernel_size = 2, .stride = 3, .padding = 1});
  };
  auto avg = [](const std::vector<Tensor>& in) {
    return F::avg_pool2d(
        in[0],
        {.kernel_size = {3, 2}, .stride = 2, .padding = 1, .ceil_mode = true, .count_include_pad = false});
  };
  auto adaptive = [](const std::vector<Tensor>& in) { return F::adaptive_avg_pool2d(in[0], {3, 4}); };
  const std::vector<std::pair<std::string, autograd::Function>> ops{
      {"max_pool2d", max2}, {"avg_pool2d", avg}, {"adaptive_avg_pool2d", adaptive}};
  for (const auto& [name, f] : ops) {
    const auto first = autograd::gradcheck(f, {x});
    EXPECT_TRUE(first.ok) << name << ": " << first.message;
    const auto second = autograd::gradgradcheck(f, {x});
    EXPECT_TRUE(second.ok) << name << ": " << second.message;
  }
  EXPECT_GRADCHECK(max1, {rand_param({2, 3, 8}, -1, 1, 22)});
}

// PyTorch's rule on ties, NaN and -inf: the first of equal values, the last NaN, and the
// window's first position when nothing beats -inf. An even width takes the 2 x 2 kernel, the
// extra column of an odd width the general one; both must follow the rule.
TEST(MaxPool2d, TiesNanAndInfinityFollowPyTorchOnBothKernels) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<float> top{1, 1, nan, 2, 0, 5, -inf, -inf}, bottom{1, 1, nan, 3, 5, 0, -inf, -inf};
  for (const int64_t width : {8, 9}) {
    std::vector<float> plane(top);
    plane.resize(width, 7);
    plane.insert(plane.end(), bottom.begin(), bottom.end());
    plane.resize(2 * width, 7);
    const auto [y, at] = F::max_pool2d_with_indices(from_vector(plane, {1, 2, width}), {.kernel_size = 2});
    const std::vector<float> v = y.to_vector<float>();
    EXPECT_EQ(v[0], 1);
    EXPECT_TRUE(std::isnan(v[1]));
    EXPECT_EQ(v[2], 5);
    EXPECT_EQ(v[3], -inf);
    EXPECT_EQ(at.to_vector<int64_t>(), (std::vector<int64_t>{0, width + 2, 5, 6})) << "width " << width;
  }
}

TEST(Pooling, LargeInputsSplitAcrossThreadsGiveTheSameResult) {
  manual_seed(4);
  // Above the parallel grain, planes go to different threads; each plane alone is the reference.
  const Tensor x = randn({8, 32, 24, 24}).requires_grad_();
  const auto [y, at] = F::max_pool2d_with_indices(x, {.kernel_size = 2});
  const Tensor a = F::avg_pool2d(x, {.kernel_size = 3, .stride = 2, .padding = 1});
  const Tensor gy = randn(y.shape()), ga = randn(a.shape());
  const auto g = autograd::grad({y, a}, {x}, {gy, ga});
  const Tensor plane = x.detach()[5].narrow(0, 7, 1).requires_grad_();
  const auto [yp, atp] = F::max_pool2d_with_indices(plane, {.kernel_size = 2});
  const Tensor ap = F::avg_pool2d(plane, {.kernel_size = 3, .stride = 2, .padding = 1});
  EXPECT_TRUE(equal(yp, y.detach()[5].narrow(0, 7, 1)));
  EXPECT_TRUE(equal(atp, at[5].narrow(0, 7, 1)));
  EXPECT_TRUE(allclose(ap, a.detach()[5].narrow(0, 7, 1), 1e-6, 1e-6));
  const auto gp = autograd::grad({yp, ap}, {plane}, {gy[5].narrow(0, 7, 1), ga[5].narrow(0, 7, 1)});
  EXPECT_TRUE(allclose(gp[0], g[0][5].narrow(0, 7, 1), 1e-6, 1e-6));
}

TEST(Pooling, ModulesRunTheirFunctionalForms) {
  manual_seed(2);
  const Tensor x = randn({2, 3, 9, 8});
  MaxPool2d pool({.kernel_size = 2});
  EXPECT_EQ(pool(x).shape(), (Shape{2, 3, 4, 4}));
  const auto [y, at] = pool.forward_with_indices(x);
  EXPECT_TRUE(equal(y, pool(x)));
  EXPECT_TRUE(equal(at, F::max_pool2d_with_indices(x, {.kernel_size = 2, .stride = 2}).second));
  EXPECT_EQ(MaxPool1d({.kernel_size = 3, .stride = 1})(randn({3, 7})).shape(), (Shape{3, 5}));
  AvgPool2d avg({.kernel_size = 3, .stride = 2, .padding = 1, .ceil_mode = true});
  EXPECT_EQ(avg(x).shape(), (Shape{2, 3, 5, 5}));
  AdaptiveAvgPool2d gap({.output_size = 1});
  EXPECT_TRUE(allclose(gap(x).flatten(1), mean(x, {2, 3}), 1e-5, 1e-6));
  EXPECT_TRUE(pool.parameters().empty());
}

TEST(Pooling, PrintsLikePyTorch) {
  const json& r = conv_golden()["repr"];
  EXPECT_EQ(testing::repr(MaxPool2d({.kernel_size = 2})), r["MaxPool2d"]);
  EXPECT_EQ(testing::repr(MaxPool2d(
                {.kernel_size = {2, 3}, .stride = 1, .padding = 1, .dilation = 2, .ceil_mode = true})),
            r["MaxPool2d_full"]);
  EXPECT_EQ(testing::repr(MaxPool1d({.kernel_size = 3})), r["MaxPool1d"]);
  EXPECT_EQ(testing::repr(AvgPool2d({.kernel_size = 2})), r["AvgPool2d"]);
  EXPECT_EQ(testing::repr(AvgPool2d({.kernel_size = {3, 3},
                                     .stride = {2, 1},
                                     .padding = 1,
                                     .ceil_mode = true,
                                     .count_include_pad = false})),
            r["AvgPool2d_full"]);
  EXPECT_EQ(testing::repr(AdaptiveAvgPool2d({.output_size = 1})), r["AdaptiveAvgPool2d"]);
  EXPECT_EQ(testing::repr(AdaptiveAvgPool2d({.output_size = {5, 7}})), r["AdaptiveAvgPool2d_pair"]);
}

TEST(Pooling, RejectsBadInput) {
  const Tensor x = zeros({2, 3, 4, 4});
  expect_error([&] { F::max_pool2d(x, {.kernel_size = 3, .padding = 2}); },
               {"max_pool2d", "pad should be at most half of kernel size", "padding 2", "kernel_size 3"});
  expect_error([&] { F::max_pool2d(x, {.kernel_size = 5}); },
               {"max_pool2d", "[2, 3, 4, 4]", "output size [0, 0]", "too small"});
  expect_error(
      [&] {
        F::max_pool2d(zeros({4, 4}), {.kernel_size = 2});
      },
      {"max_pool2d", "3D (unbatched) or 4D (batched)", "[4, 4]"});
  expect_error([&] { F::max_pool1d(x, {.kernel_size = 2}); },
               {"max_pool1d", "2D (unbatched) or 3D (batched)"});
  expect_error([&] { F::max_pool2d(x, {.kernel_size = 0}); }, {"max_pool2d", "kernel_size must be positive"});
  expect_error([&] { F::max_pool2d(x, {.kernel_size = 2, .stride = 0}); },
               {"max_pool2d", "stride must be positive"});
  expect_error([&] { F::max_pool2d(x, {.kernel_size = 2, .dilation = 0}); }, {"max_pool2d", "dilation"});
  expect_error(
      [&] {
        F::max_pool2d(zeros({1, 2, 3}, {.dtype = kInt64}), {.kernel_size = 2});
      },
      {"max_pool2d", "floating-point"});
  expect_error([&] { F::avg_pool2d(x, {.kernel_size = 2, .padding = 3}); },
               {"avg_pool2d", "pad should be at most"});
  expect_error([&] { F::avg_pool2d(x, {.kernel_size = 2, .divisor_override = 0}); },
               {"avg_pool2d", "divisor"});
  expect_error([&] { F::avg_pool2d(zeros({2, 3, 1, 1}), {.kernel_size = 2}); }, {"avg_pool2d", "too small"});
  expect_error([&] { F::adaptive_avg_pool2d(x, 0); },
               {"adaptive_avg_pool2d", "output_size must be positive"});
  expect_error(
      [&] {
        F::adaptive_avg_pool2d(zeros({2, 3, 0, 4}), 2);
      },
      {"adaptive_avg_pool2d", "non-zero size"});
  expect_error([&] { F::adaptive_avg_pool2d(zeros({3}), 2); }, {"adaptive_avg_pool2d", "[3]"});
}

}  // namespace
}  // namespace nabla::nn
