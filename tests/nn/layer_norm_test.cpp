#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"
#include "tests/tensor/test_util.h"

namespace nabla::nn {
namespace {

namespace F = functional;
using testing::expect_close;
using testing::golden;
using testing::tensor_of;

Shape shape_of(const testing::json& j) { return Shape(j.get<std::vector<int64_t>>()); }

// layer_norm from elementary ops, as the reference for the fused kernels.
Tensor reference(const Tensor& x, int k, const Tensor& w, const Tensor& b, double eps) {
  DimList dims;
  for (int d = x.dim() - k; d < x.dim(); ++d) dims.push_back(d);
  const Tensor xc = x - mean(x, dims, true);
  Tensor y = xc * rsqrt(mean(xc * xc, dims, true) + eps);
  if (w.defined()) y = y * w;
  if (b.defined()) y = y + b;
  return y;
}

TEST(LayerNorm, MatchesPyTorch) {
  for (const auto& c : golden()["layer_norm"]) {
    const Shape ns = shape_of(c["normalized_shape"]);
    const bool affine = c.contains("w");
    const Tensor x = tensor_of(c["x"]).requires_grad_();
    const Tensor w = affine ? tensor_of(c["w"]).requires_grad_() : Tensor();
    const Tensor b = affine ? tensor_of(c["b"]).requires_grad_() : Tensor();
    const Tensor y = F::layer_norm(x, ns, w, b);
    const std::string what = "normalized_shape " + ns.str();
    expect_close(y, c["y"], 1e-12, what + " output");
    (y * tensor_of(c["gy"])).sum().backward();
    expect_close(x.grad(), c["gx"], 1e-12, what + " input gradient");
    if (!affine) continue;
    expect_close(w.grad(), c["gw"], 1e-12, what + " weight gradient");
    expect_close(b.grad(), c["gb"], 1e-12, what + " bias gradient");
  }
}

TEST(LayerNorm, ModuleMatchesPyTorch) {
  const auto& c = golden()["layer_norm"][1];
  LayerNorm ln({.normalized_shape = {3, 4}, .dtype = kFloat64});
  ln.load_state_dict({{"weight", tensor_of(c["w"])}, {"bias", tensor_of(c["b"])}});
  const Tensor x = tensor_of(c["x"]).requires_grad_();
  const Tensor y = ln(x);
  expect_close(y, c["y"], 1e-12, "output");
  (y * tensor_of(c["gy"])).sum().backward();
  expect_close(x.grad(), c["gx"], 1e-12, "input gradient");
  expect_close(ln.weight.grad(), c["gw"], 1e-12, "weight gradient");
  expect_close(ln.bias.grad(), c["gb"], 1e-12, "bias gradient");
}

TEST(LayerNorm, Gradcheck) {
  const Tensor x = nabla::testing::rand_param({3, 2, 5}, -2, 2, 1);
  const Tensor w = nabla::testing::rand_param({2, 5}, 0.5, 1.5, 2);
  const Tensor b = nabla::testing::rand_param({2, 5}, -1, 1, 3);
  auto affine = [](const std::vector<Tensor>& in) { return F::layer_norm(in[0], {2, 5}, in[1], in[2]); };
  auto plain = [](const std::vector<Tensor>& in) { return F::layer_norm(in[0], {5}, {}, {}, 0.1); };
  EXPECT_GRADCHECK(affine, {x, w, b});
  EXPECT_GRADCHECK(plain, {x});
  EXPECT_GRADGRADCHECK(affine, {x, w, b});
  EXPECT_GRADGRADCHECK(plain, {x});
}

TEST(LayerNorm, FusedKernelsMatchTheCompositeOnLargeInputs) {
  // 300 x 257 elements: above the parallel grain, so rows are split across threads.
  const Tensor x = nabla::testing::rand_param({300, 257}, -3, 5, 4);
  const Tensor w = nabla::testing::rand_param({257}, 0.5, 1.5, 5);
  const Tensor b = nabla::testing::rand_param({257}, -1, 1, 6);
  const Tensor gy = nabla::testing::rand_param({300, 257}, -1, 1, 7).detach();
  const Tensor y = F::layer_norm(x, {257}, w, b);
  const auto got = autograd::grad({y}, {x, w, b}, {gy});
  const Tensor y_ref = reference(x, 1, w, b, 1e-5);
  const auto want = autograd::grad({y_ref}, {x, w, b}, {gy});
  EXPECT_TRUE(allclose(y, y_ref, 1e-12, 1e-12));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(allclose(got[i], want[i], 1e-10, 1e-10)) << "gradient " << i;

  // float32 stays within float32 rounding of the float64 result.
  const Tensor y32 = F::layer_norm(x.detach().to(kFloat32), {257}, w.detach().to(kFloat32), b.detach().to(kFloat32));
  EXPECT_EQ(y32.dtype(), kFloat32);
  EXPECT_TRUE(allclose(y32.to(kFloat64), y, 1e-5, 1e-5));
}

TEST(LayerNorm, AcceptsNonContiguousInput) {
  const Tensor x = nabla::testing::rand_param({4, 6}, -1, 1, 8);
  const Tensor xt = x.t();  // [6, 4], strided
  EXPECT_TRUE(allclose(F::layer_norm(xt, {4}), reference(xt, 1, {}, {}, 1e-5), 1e-12, 1e-12));
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return F::layer_norm(in[0].t(), {4}); }, {x});
}

TEST(LayerNorm, RejectsMismatchedShapes) {
  const Tensor x = zeros({2, 3, 4});
  EXPECT_THROW(F::layer_norm(x, {3}), Error);
  EXPECT_THROW(F::layer_norm(x, {2, 2, 3, 4}), Error);
  EXPECT_THROW(F::layer_norm(x, {}), Error);
  EXPECT_THROW(F::layer_norm(x, {4}, ones({3})), Error);
  EXPECT_THROW(F::layer_norm(x, {4}, ones({4}), zeros({2, 2})), Error);
  EXPECT_THROW(F::layer_norm(x, {4}, ones({4}, {.dtype = kFloat64})), Error);
  EXPECT_THROW(F::layer_norm(zeros({2, 4}, {.dtype = kInt64}), {4}), Error);
  try {
    F::layer_norm(x, {3});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "layer_norm: given normalized_shape=[3], expected input with shape [*, 3], but got input of size "
                 "[2, 3, 4]");
  }
}

TEST(LayerNorm, ModuleParametersAndPrinting) {
  LayerNorm ln({.normalized_shape = {10}});
  EXPECT_EQ(testing::keys(ln.named_parameters()), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_TRUE(equal(ln.weight, ones({10})));
  EXPECT_TRUE(equal(ln.bias, zeros({10})));
  EXPECT_EQ(testing::repr(ln), golden()["repr"]["LayerNorm"]);
  LayerNorm plain({.normalized_shape = {2, 3}, .eps = 1e-6, .elementwise_affine = false});
  EXPECT_TRUE(plain.named_parameters().empty());
  EXPECT_EQ(testing::repr(plain), golden()["repr"]["LayerNorm_2d"]);
  EXPECT_THROW(LayerNorm({}), Error);
}

}  // namespace
}  // namespace nabla::nn
