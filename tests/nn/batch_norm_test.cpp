#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/nn/conv_golden.h"
#include "tests/nn/layers_golden.h"
#include "tests/tensor/test_util.h"

namespace nabla::nn {
namespace {

namespace F = functional;
using testing::expect_close;
using testing::golden;
using testing::json;
using testing::tensor_of;

// Three training steps and one in eval mode of each case (make_nn_layers.py's batch_norm_case).
template <class Layer>
void expect_batch_norm_cases(const json& cases) {
  for (const auto& c : cases) {
    const std::vector<int64_t> shape = c["shape"].get<std::vector<int64_t>>();
    const bool affine = c["affine"], track = c["track_running_stats"];
    std::optional<double> momentum;
    if (!c["momentum"].is_null()) momentum = c["momentum"].get<double>();
    Layer bn({.num_features = shape[1],
              .momentum = momentum,
              .affine = affine,
              .track_running_stats = track,
              .dtype = kFloat64});
    if (affine) {
      NoGradGuard guard;
      bn.weight.copy_(tensor_of(c["weight"]));
      bn.bias.copy_(tensor_of(c["bias"]));
    }
    const std::string what = "shape " + Shape(shape).str() + (momentum ? "" : " cumulative");
    int step = 0;
    for (const auto& s : c["steps"]) {
      const std::string at = what + " step " + std::to_string(++step);
      const Tensor x = tensor_of(s["x"]).requires_grad_();
      const Tensor y = bn(x);
      expect_close(y, s["y"], 1e-12, at + " output");
      bn.zero_grad();
      (y * tensor_of(s["gy"])).sum().backward();
      expect_close(x.grad(), s["gx"], 1e-11, at + " input gradient");
      if (affine) {
        expect_close(bn.weight.grad(), s["gw"], 1e-12, at + " weight gradient");
        expect_close(bn.bias.grad(), s["gb"], 1e-12, at + " bias gradient");
      }
      if (!track) continue;
      expect_close(bn.running_mean, s["running_mean"], 1e-14, at + " running_mean");
      expect_close(bn.running_var, s["running_var"], 1e-14, at + " running_var");
      EXPECT_EQ(bn.num_batches_tracked.template item<int64_t>(),
                s["num_batches_tracked"].template get<int64_t>())
          << at;
    }
    bn.eval();
    const auto& e = c["eval"];
    const Tensor x = tensor_of(e["x"]).requires_grad_();
    const Tensor y = bn(x);
    expect_close(y, e["y"], 1e-12, what + " eval output");
    (y * tensor_of(e["gy"])).sum().backward();
    expect_close(x.grad(), e["gx"], 1e-11, what + " eval input gradient");
  }
}

TEST(BatchNorm1d, MatchesPyTorchInTrainingAndEval) {
  expect_batch_norm_cases<BatchNorm1d>(golden()["batch_norm"]);
}

TEST(BatchNorm2d, MatchesPyTorchInTrainingAndEval) {
  expect_batch_norm_cases<BatchNorm2d>(testing::conv_golden()["batch_norm2d"]);
}

// batch_norm in training from elementary ops, as the reference for the fused kernels.
Tensor reference(const Tensor& x, const Tensor& w, const Tensor& b, double eps) {
  DimList dims{0};
  if (x.dim() == 3) dims.push_back(2);
  const Shape cs = x.dim() == 3 ? Shape{1, x.size(1), 1} : Shape{1, x.size(1)};
  const Tensor xc = x - mean(x, dims, true);
  return xc * rsqrt(mean(xc * xc, dims, true) + eps) * w.reshape(cs) + b.reshape(cs);
}

TEST(BatchNorm1d, FusedKernelsMatchTheCompositeOnLargeInputs) {
  // Both layouts, above the parallel grain so that samples are split across threads.
  for (const Shape& shape : {Shape{600, 64}, Shape{64, 16, 40}}) {
    const Tensor x = nabla::testing::rand_param(shape, -3, 5, 11);
    const Tensor w = nabla::testing::rand_param({shape[1]}, 0.5, 1.5, 12);
    const Tensor b = nabla::testing::rand_param({shape[1]}, -1, 1, 13);
    const Tensor gy = nabla::testing::rand_param(shape, -1, 1, 14).detach();
    const Tensor rm = zeros({shape[1]}, {.dtype = kFloat64}), rv = ones({shape[1]}, {.dtype = kFloat64});
    const Tensor y = F::batch_norm(x, rm, rv, w, b, true, 0.5);
    const auto got = autograd::grad({y}, {x, w, b}, {gy});
    const Tensor y_ref = reference(x, w, b, 1e-5);
    const auto want = autograd::grad({y_ref}, {x, w, b}, {gy});
    EXPECT_TRUE(allclose(y, y_ref, 1e-12, 1e-12)) << shape;
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(allclose(got[i], want[i], 1e-10, 1e-10)) << shape << " gradient " << i;
    DimList dims{0};
    if (shape.size() == 3) dims.push_back(2);
    EXPECT_TRUE(allclose(rm, mean(x.detach(), dims) * 0.5, 1e-12, 1e-12)) << shape;
    EXPECT_TRUE(allclose(rv, var(x.detach(), dims) * 0.5 + 0.5, 1e-12, 1e-12)) << shape;

    // float32 stays within float32 rounding of the float64 result.
    const Tensor y32 = F::batch_norm(x.detach().to(kFloat32), {}, {}, w.detach().to(kFloat32),
                                     b.detach().to(kFloat32), true);
    EXPECT_TRUE(allclose(y32.to(kFloat64), y, 1e-5, 1e-5)) << shape;
  }
}

TEST(BatchNorm1d, EvalDoesNotTouchTheRunningStats) {
  BatchNorm1d bn({.num_features = 3});
  bn.eval();
  bn(randn({4, 3}));
  EXPECT_TRUE(equal(bn.running_mean, zeros({3})));
  EXPECT_TRUE(equal(bn.running_var, ones({3})));
  EXPECT_EQ(bn.num_batches_tracked.item<int64_t>(), 0);
}

TEST(BatchNorm1d, Gradcheck) {
  const Tensor x = nabla::testing::rand_param({4, 3, 2}, -2, 2, 1);
  const Tensor w = nabla::testing::rand_param({3}, 0.5, 1.5, 2);
  const Tensor b = nabla::testing::rand_param({3}, -1, 1, 3);
  auto train = [](const std::vector<Tensor>& in) { return F::batch_norm(in[0], {}, {}, in[1], in[2], true); };
  EXPECT_GRADCHECK(train, {x, w, b});
  EXPECT_GRADGRADCHECK(train, {x, w, b});
  const Tensor rm = nabla::testing::rand_param({3}, -1, 1, 4).detach();
  const Tensor rv = nabla::testing::rand_param({3}, 0.5, 2, 5).detach();
  auto eval = [&](const std::vector<Tensor>& in) { return F::batch_norm(in[0], rm, rv, in[1], in[2], false); };
  EXPECT_GRADCHECK(eval, {x, w, b});
}

TEST(BatchNorm1d, BuffersAndStateDictUsePyTorchNames) {
  BatchNorm1d bn({.num_features = 4});
  EXPECT_EQ(testing::keys(bn.state_dict()), (std::vector<std::string>{"weight", "bias", "running_mean", "running_var",
                                                                       "num_batches_tracked"}));
  EXPECT_EQ(testing::keys(bn.named_parameters()), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(bn.num_batches_tracked.dim(), 0);
  bn.to(kFloat64);
  EXPECT_EQ(bn.running_var.dtype(), kFloat64);
  EXPECT_EQ(bn.num_batches_tracked.dtype(), kInt64);
  BatchNorm1d bare({.num_features = 4, .affine = false, .track_running_stats = false});
  EXPECT_TRUE(bare.state_dict().empty());
}

TEST(BatchNorm1d, RejectsBadInput) {
  BatchNorm1d bn({.num_features = 3});
  EXPECT_THROW(bn(zeros({1, 3})), Error);  // one value per channel in training
  EXPECT_EQ(bn.num_batches_tracked.item<int64_t>(), 0);  // a failed pass changes nothing
  EXPECT_TRUE(equal(bn.running_var, ones({3})));
  EXPECT_NO_THROW(bn(zeros({1, 3, 2})));
  EXPECT_THROW(bn(zeros({2, 4})), Error);
  EXPECT_THROW(bn(zeros({3})), Error);
  EXPECT_THROW(bn(zeros({2, 3, 2, 2})), Error);
  EXPECT_THROW(BatchNorm1d({.num_features = 0}), Error);
  bn.eval();
  EXPECT_NO_THROW(bn(zeros({1, 3})));
  EXPECT_THROW(F::batch_norm(zeros({2, 3}), {}, {}), Error);  // eval needs running stats
}

TEST(BatchNorm2d, NormalisesEachChannelOverBatchAndPlane) {
  BatchNorm2d bn({.num_features = 3, .dtype = kFloat64});
  const Tensor x = nabla::testing::rand_param({4, 3, 5, 6}, -3, 5, 15).detach();
  const Tensor y = bn(x);
  EXPECT_TRUE(allclose(mean(y, {0, 2, 3}), zeros({3}, {.dtype = kFloat64}), 1e-12, 1e-12));
  EXPECT_TRUE(allclose(var(y, {0, 2, 3}, false), ones({3}, {.dtype = kFloat64}), 1e-4, 1e-4));
  EXPECT_TRUE(allclose(bn.running_mean, mean(x, {0, 2, 3}) * 0.1, 1e-12, 1e-12));
  EXPECT_EQ(testing::keys(bn.state_dict()), (std::vector<std::string>{"weight", "bias", "running_mean",
                                                                      "running_var", "num_batches_tracked"}));
  nabla::testing::expect_error(
      [&] {
        bn(zeros({4, 3, 5}));
      },
      {"BatchNorm2d", "expected 4D input", "[4, 3, 5]"});
  nabla::testing::expect_error([&] { bn(zeros({4, 2, 5, 5})); }, {"batch_norm", "3", "2"});
  nabla::testing::expect_error([] { BatchNorm2d({.num_features = 0}); }, {"BatchNorm2d", "num_features"});
  EXPECT_EQ(testing::repr(BatchNorm2d({.num_features = 3})), testing::conv_golden()["repr"]["BatchNorm2d"]);
}

TEST(BatchNorm1d, PrintsLikePyTorch) {
  EXPECT_EQ(testing::repr(BatchNorm1d({.num_features = 3})), golden()["repr"]["BatchNorm1d"]);
  EXPECT_EQ(testing::repr(BatchNorm1d({.num_features = 3, .eps = 1e-3, .momentum = std::nullopt, .affine = false,
                                       .track_running_stats = false})),
            golden()["repr"]["BatchNorm1d_cma"]);
}

}  // namespace
}  // namespace nabla::nn
