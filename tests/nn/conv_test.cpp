#include <gtest/gtest.h>

#include <cmath>
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

template <int D>
ConvPadding<D> padding_of(const json& p) {
  if (p.is_string()) return ConvPadding<D>(std::string_view(p.get<std::string>()));
  if constexpr (D == 1) {
    return p.get<int64_t>();
  } else {
    const ExpandingArray<2> a = pair_of(p);
    return {a[0], a[1]};
  }
}

std::string describe(const json& c) {
  std::string s = "stride " + c["stride"].dump() + " padding " + c["padding"].dump();
  if (c.contains("dilation")) s += " dilation " + c["dilation"].dump();
  if (c.contains("output_padding")) s += " output_padding " + c["output_padding"].dump();
  return s + " groups " + c["groups"].dump() + " x " + c["x"]["shape"].dump();
}

TEST(Conv2d, MatchesPyTorchOverAGridOfStridesPaddingsDilationsAndGroups) {
  for (const json& c : conv_golden()["conv2d"]) {
    const Conv2dFuncOptions o{.stride = pair_of(c["stride"]),
                              .padding = padding_of<2>(c["padding"]),
                              .dilation = pair_of(c["dilation"]),
                              .groups = c["groups"].get<int64_t>()};
    expect_golden(
        c, {"x", "w", "b"},
        [&](const std::vector<Tensor>& in) {
          Conv2dFuncOptions with_bias = o;
          with_bias.bias = in[2];
          return F::conv2d(in[0], in[1], with_bias);
        },
        "conv2d " + describe(c));
  }
}

TEST(Conv1d, MatchesPyTorch) {
  for (const json& c : conv_golden()["conv1d"]) {
    expect_golden(
        c, {"x", "w", "b"},
        [&](const std::vector<Tensor>& in) {
          return F::conv1d(in[0], in[1],
                           {.bias = in[2],
                            .stride = c["stride"].get<int64_t>(),
                            .padding = padding_of<1>(c["padding"]),
                            .dilation = c["dilation"].get<int64_t>(),
                            .groups = c["groups"].get<int64_t>()});
        },
        "conv1d " + describe(c));
  }
}

TEST(ConvTranspose2d, MatchesPyTorch) {
  for (const json& c : conv_golden()["conv_transpose2d"]) {
    expect_golden(
        c, {"x", "w", "b"},
        [&](const std::vector<Tensor>& in) {
          return F::conv_transpose2d(in[0], in[1],
                                     {.bias = in[2],
                                      .stride = pair_of(c["stride"]),
                                      .padding = pair_of(c["padding"]),
                                      .output_padding = pair_of(c["output_padding"]),
                                      .groups = c["groups"].get<int64_t>(),
                                      .dilation = pair_of(c["dilation"])});
        },
        "conv_transpose2d " + describe(c));
  }
}

TEST(Conv2d, GradcheckAndDoubleBackward) {
  const Tensor x = rand_param({2, 4, 5, 4}, -1, 1, 1);
  const Tensor w = rand_param({6, 2, 3, 2}, -1, 1, 2);
  const Tensor b = rand_param({6}, -1, 1, 3);
  auto conv = [](const std::vector<Tensor>& in) {
    return F::conv2d(in[0], in[1],
                     {.bias = in[2], .stride = {2, 1}, .padding = {1, 0}, .dilation = {1, 2}, .groups = 2});
  };
  EXPECT_GRADCHECK(conv, {x, w, b});
  // The gradients are the op's other two products, recorded in turn: any order works.
  EXPECT_GRADGRADCHECK(conv, {x, w, b});
  auto same = [](const std::vector<Tensor>& in) {
    return F::conv2d(in[0], in[1], {.padding = "same", .groups = 2});
  };
  EXPECT_GRADCHECK(same, {x, rand_param({4, 2, 2, 3}, -1, 1, 4)});
}

TEST(Conv1d, Gradcheck) {
  auto conv = [](const std::vector<Tensor>& in) {
    return F::conv1d(in[0], in[1], {.bias = in[2], .stride = 2, .padding = 2, .dilation = 2});
  };
  EXPECT_GRADCHECK(
      conv, {rand_param({2, 3, 9}, -1, 1, 5), rand_param({4, 3, 3}, -1, 1, 6), rand_param({4}, -1, 1, 7)});
}

TEST(ConvTranspose2d, GradcheckAndDoubleBackward) {
  const Tensor x = rand_param({2, 4, 3, 3}, -1, 1, 8);
  const Tensor w = rand_param({4, 3, 3, 2}, -1, 1, 9);
  const Tensor b = rand_param({6}, -1, 1, 10);
  auto up = [](const std::vector<Tensor>& in) {
    return F::conv_transpose2d(in[0], in[1],
                               {.bias = in[2],
                                .stride = 2,
                                .padding = 1,
                                .output_padding = {1, 0},
                                .groups = 2,
                                .dilation = {1, 2}});
  };
  EXPECT_GRADCHECK(up, {x, w, b});
  EXPECT_GRADGRADCHECK(up, {x, w, b});
}

// Batches whose columns exceed one block are run in several; the result must be the same as
// one sample at a time (the single-sample path writes the output in place).
TEST(Conv2d, LargeBatchesAgreeWithOneSampleAtATime) {
  manual_seed(3);
  const int64_t n = 40;
  Conv2d conv({.in_channels = 16, .out_channels = 8, .kernel_size = 3, .stride = 1, .padding = 1});
  const Tensor x = randn({n, 16, 32, 32}).requires_grad_();
  const Tensor y = conv(x);
  const Tensor gy = randn(y.shape());
  const auto grads = autograd::grad({y}, {x, conv.weight, conv.bias}, {gy});
  Tensor gw = zeros_like(conv.weight), gb = zeros_like(conv.bias);
  for (int64_t i = 0; i < n; i += 13) {
    const Tensor xi = x.detach().narrow(0, i, 1).requires_grad_();
    const Tensor yi = conv(xi);
    EXPECT_TRUE(allclose(yi, y.detach().narrow(0, i, 1), 1e-5, 1e-5)) << "sample " << i;
    const auto gi = autograd::grad({yi}, {xi}, {gy.narrow(0, i, 1)});
    EXPECT_TRUE(allclose(gi[0], grads[0].narrow(0, i, 1), 1e-5, 1e-5)) << "sample " << i;
  }
  // The weight gradient sums over every block: compare it with float64.
  Conv2d conv64({.in_channels = 16, .out_channels = 8, .kernel_size = 3, .padding = 1, .dtype = kFloat64});
  {
    NoGradGuard guard;
    conv64.weight.copy_(conv.weight);
    conv64.bias.copy_(conv.bias);
  }
  const Tensor x64 = x.detach().to(kFloat64);
  const auto g64 = autograd::grad({conv64(x64)}, {conv64.weight, conv64.bias}, {gy.to(kFloat64)});
  EXPECT_TRUE(allclose(grads[1].to(kFloat64), g64[0], 1e-4, 1e-3));
  EXPECT_TRUE(allclose(grads[2].to(kFloat64), g64[1], 1e-4, 1e-3));
}

TEST(Conv2d, ParametersFollowPyTorch) {
  manual_seed(0);
  Conv2d conv({.in_channels = 4, .out_channels = 6, .kernel_size = {3, 5}, .groups = 2});
  EXPECT_EQ(testing::keys(conv.named_parameters()), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(conv.weight.shape(), (Shape{6, 2, 3, 5}));
  EXPECT_EQ(conv.bias.shape(), (Shape{6}));
  // kaiming_uniform_(a = √5) and the bias are both uniform in ±1/√fan_in, fan_in = 2 · 3 · 5.
  const double bound = 1 / std::sqrt(30.0);
  EXPECT_LE(max(conv.weight.abs()).item(), bound);
  EXPECT_GT(max(conv.weight.abs()).item(), 0.8 * bound);
  EXPECT_LE(max(conv.bias.abs()).item(), bound);
  EXPECT_TRUE(conv.weight.requires_grad());
  EXPECT_FALSE(Conv1d({.in_channels = 2, .out_channels = 3, .kernel_size = 4, .bias = false}).bias.defined());
  EXPECT_EQ(Conv1d({.in_channels = 2, .out_channels = 3, .kernel_size = 4}).weight.shape(), (Shape{3, 2, 4}));
  ConvTranspose2d up({.in_channels = 4, .out_channels = 6, .kernel_size = 3, .groups = 2, .dtype = kFloat64});
  EXPECT_EQ(up.weight.shape(), (Shape{4, 3, 3, 3}));
  EXPECT_EQ(up.weight.dtype(), kFloat64);
  EXPECT_LE(max(up.bias.abs()).item(), 1 / std::sqrt(27.0));
}

TEST(Conv2d, ModulesRunTheirFunctionalForms) {
  manual_seed(1);
  const Tensor x = randn({2, 3, 6, 5});
  Conv2d conv({.in_channels = 3, .out_channels = 4, .kernel_size = 3, .stride = 2, .padding = "valid"});
  EXPECT_TRUE(equal(conv(x), F::conv2d(x, conv.weight, {.bias = conv.bias, .stride = 2})));
  EXPECT_EQ(conv(x).shape(), (Shape{2, 4, 2, 2}));
  // An unbatched input gives an unbatched output.
  EXPECT_TRUE(allclose(conv(x[1]), conv(x)[1], 1e-6, 1e-6));
  ConvTranspose2d up(
      {.in_channels = 4, .out_channels = 3, .kernel_size = 3, .stride = 2, .output_padding = 1});
  EXPECT_EQ(up(conv(x)).shape(), (Shape{2, 3, 6, 6}));
  Conv1d conv1({.in_channels = 3, .out_channels = 2, .kernel_size = 2, .padding = "same"});
  EXPECT_EQ(conv1(randn({4, 3, 7})).shape(), (Shape{4, 2, 7}));
}

TEST(Conv2d, PrintsLikePyTorch) {
  const json& r = conv_golden()["repr"];
  EXPECT_EQ(testing::repr(Conv2d({.in_channels = 1, .out_channels = 32, .kernel_size = 3, .padding = 1})),
            r["Conv2d"]);
  EXPECT_EQ(testing::repr(Conv2d({.in_channels = 4,
                                  .out_channels = 8,
                                  .kernel_size = {3, 5},
                                  .stride = 2,
                                  .dilation = 2,
                                  .groups = 2,
                                  .bias = false})),
            r["Conv2d_full"]);
  EXPECT_EQ(
      testing::repr(Conv2d({.in_channels = 2, .out_channels = 4, .kernel_size = 3, .padding = "valid"})),
      r["Conv2d_valid"]);
  EXPECT_EQ(testing::repr(Conv1d({.in_channels = 2, .out_channels = 4, .kernel_size = 3, .padding = "same"})),
            r["Conv1d_same"]);
  EXPECT_EQ(testing::repr(ConvTranspose2d({.in_channels = 4,
                                           .out_channels = 2,
                                           .kernel_size = 3,
                                           .stride = 2,
                                           .padding = 1,
                                           .output_padding = 1})),
            r["ConvTranspose2d"]);
  EXPECT_EQ(testing::repr(ConvTranspose2d({.in_channels = 4,
                                           .out_channels = 2,
                                           .kernel_size = 3,
                                           .groups = 2,
                                           .bias = false,
                                           .dilation = 2})),
            r["ConvTranspose2d_full"]);
}

TEST(Conv2d, RejectsBadInput) {
  const Tensor x = zeros({2, 4, 5, 5}), w = zeros({6, 2, 3, 3});
  // A kernel larger than the padded input.
  expect_error(
      [&] {
        F::conv2d(x, zeros({6, 4, 7, 7}), {.padding = {1, 0}});
      },
      {"conv2d", "padded input size per channel [7, 5]", "kernel size [7, 7]", "[2, 4, 5, 5]",
       "[6, 4, 7, 7]"});
  expect_error([&] { F::conv2d(x, zeros({6, 4, 3, 3}), {.dilation = 3}); }, {"conv2d", "kernel size [7, 7]"});
  // Channels that do not match the weight or do not divide by groups.
  expect_error([&] { F::conv2d(x, w); },
               {"conv2d", "groups=1", "[6, 2, 3, 3]", "[2, 4, 5, 5]", "to have 2 channels"});
  expect_error(
      [&] {
        F::conv2d(x, zeros({5, 2, 3, 3}), {.groups = 2});
      },
      {"conv2d", "groups=2", "[5, 2, 3, 3]"});
  expect_error(
      [&] {
        F::conv2d(x, zeros({6, 1, 3, 3}), {.groups = 3});
      },
      {"conv2d", "groups=3", "to have 3 channels"});
  expect_error(
      [&] {
        F::conv_transpose2d(zeros({1, 3, 4, 4}), zeros({3, 2, 3, 3}), {.groups = 2});
      },
      {"conv_transpose2d", "input channels (3)", "groups (2)"});
  expect_error(
      [&] {
        F::conv_transpose2d(zeros({1, 3, 4, 4}), zeros({4, 2, 3, 3}));
      },
      {"conv_transpose2d", "[4, 2, 3, 3]", "to have 4 channels"});
  // Wrong ranks.
  expect_error(
      [&] {
        F::conv2d(zeros({4, 5, 5, 1, 1}), w);
      },
      {"conv2d", "3D (unbatched) or 4D (batched)", "[4, 5, 5, 1, 1]"});
  expect_error([&] { F::conv2d(zeros({4, 5}), w); }, {"conv2d", "[4, 5]"});
  expect_error([&] { F::conv2d(x, zeros({6, 4, 3})); }, {"conv2d", "4D weight", "[6, 4, 3]"});
  expect_error(
      [&] {
        F::conv1d(x, zeros({6, 4, 3}));
      },
      {"conv1d", "2D (unbatched) or 3D (batched)", "[2, 4, 5, 5]"});
  // Options and operands.
  expect_error(
      [&] {
        F::conv2d(x, zeros({6, 4, 3, 3}), {.stride = 0});
      },
      {"conv2d", "stride must be positive"});
  expect_error(
      [&] {
        F::conv2d(x, zeros({6, 4, 3, 3}), {.padding = -1});
      },
      {"conv2d", "padding must be non-negative"});
  expect_error(
      [&] {
        F::conv2d(x, zeros({6, 4, 3, 3}), {.stride = 2, .padding = "same"});
      },
      {"conv2d", "padding='same'", "strided"});
  expect_error(
      [&] {
        F::conv2d(x, zeros({6, 4, 3, 3}), {.bias = zeros({5})});
      },
      {"conv2d", "bias of shape [6]", "[5]"});
  expect_error(
      [&] {
        F::conv2d(x, zeros({6, 4, 3, 3}, {.dtype = kFloat64}));
      },
      {"conv2d", "float32", "float64"});
  expect_error(
      [&] {
        F::conv2d(zeros({2, 4, 5, 5}, {.dtype = kInt64}), zeros({6, 4, 3, 3}, {.dtype = kInt64}));
      },
      {"conv2d", "floating-point", "int64"});
  expect_error(
      [&] {
        F::conv_transpose2d(zeros({1, 4, 3, 3}), zeros({4, 2, 3, 3}), {.stride = 2, .output_padding = 2});
      },
      {"conv_transpose2d", "output padding must be smaller than either stride or dilation"});
  expect_error(
      [&] {
        F::conv_transpose2d(zeros({1, 4, 1, 1}), zeros({4, 2, 1, 1}), {.padding = 1});
      },
      {"conv_transpose2d", "too small"});
  expect_error([&] { ConvPadding<2>(std::string_view("full")); }, {"invalid padding string 'full'"});
  // Module options.
  expect_error([] { Conv2d({.in_channels = 3, .out_channels = 4, .kernel_size = 3, .groups = 2}); },
               {"Conv2d", "in_channels (3)", "groups (2)"});
  expect_error([] { Conv2d({.in_channels = 3, .out_channels = 4}); },
               {"Conv2d", "kernel_size must be positive"});
  expect_error(
      [] { Conv2d({.in_channels = 3, .out_channels = 4, .kernel_size = 3, .padding_mode = "reflect"}); },
      {"Conv2d", "padding_mode 'reflect'"});
  expect_error(
      [] { Conv1d({.in_channels = 3, .out_channels = 4, .kernel_size = 3, .stride = 2, .padding = "same"}); },
      {"Conv1d", "padding='same'"});
  expect_error([] { ConvTranspose2d({.in_channels = 4, .out_channels = 3, .kernel_size = 3, .groups = 2}); },
               {"ConvTranspose2d", "out_channels (3)"});
  expect_error([] { ExpandingArray<2>{1, 2, 3}; }, {"expected 2 values, got 3"});
}

}  // namespace
}  // namespace nabla::nn
