// clip_grad_norm_ and clip_grad_value_ against PyTorch 1.13.
#include <cmath>
#include <string>

#include "tests/optim/golden.h"

namespace nabla::optim::testing {
namespace {

// Parameters with the golden gradients, in `dtype`.
std::vector<Tensor> params_with_grads(DType dtype) {
  const json& c = golden()["clip"];
  std::vector<Tensor> params;
  for (size_t i = 0; i < c["shapes"].size(); ++i) {
    const Shape shape = shape_of(c["shapes"][i]);
    Tensor p = zeros(shape, {.dtype = dtype}).requires_grad_();
    p.mutable_grad() = tensor_of(c["grads"][i], shape, dtype);
    params.push_back(p);
  }
  return params;
}

TEST(ClipGradGolden, Norm) {
  for (DType dtype : {kFloat64, kFloat32}) {
    const double tol = dtype == kFloat64 ? 1e-13 : 1e-6;
    for (const json& c : golden()["clip"]["norm"]) {
      const double norm_type = c["norm_type"].is_string() ? kInf : c["norm_type"].get<double>();
      SCOPED_TRACE("max_norm " + std::to_string(c["max_norm"].get<double>()) + ", norm_type " +
                   std::to_string(norm_type) + ", " + dtype_name(dtype));
      const std::vector<Tensor> params = params_with_grads(dtype);
      const double total = clip_grad_norm_(params, c["max_norm"], norm_type);
      EXPECT_NEAR(total, c["total_norm"].get<double>(), tol * c["total_norm"].get<double>());
      for (size_t i = 0; i < params.size(); ++i)
        expect_close(params[i].grad(), c["grads"][i].get<std::vector<double>>(), tol,
                     "grad " + std::to_string(i));
    }
  }
}

TEST(ClipGradGolden, Value) {
  for (const json& c : golden()["clip"]["value"]) {
    const std::vector<Tensor> params = params_with_grads(kFloat64);
    clip_grad_value_(params, c["clip_value"]);
    for (size_t i = 0; i < params.size(); ++i)
      expect_close(params[i].grad(), c["grads"][i].get<std::vector<double>>(), 0,
                   "grad " + std::to_string(i));
  }
}

TEST(ClipGrad, LargeGradientsSplitAcrossThreads) {
  // 100000 elements, blocks reduced in parallel: the exact sum of squares of 0.5s.
  Tensor p = zeros({100000}, {.dtype = kFloat64}).requires_grad_();
  p.mutable_grad() = full({100000}, 0.5, {.dtype = kFloat64});
  const double total = clip_grad_norm_({p}, 1.0);
  EXPECT_DOUBLE_EQ(total, std::sqrt(25000.0));
  EXPECT_NEAR(p.grad().to_vector<double>()[99999], 0.5 / (total + 1e-6), 1e-17);
}

TEST(ClipGrad, IgnoresParametersWithoutGradients) {
  Tensor a = zeros({2}, {.dtype = kFloat64}).requires_grad_(),
         b = zeros({2}, {.dtype = kFloat64}).requires_grad_();
  EXPECT_EQ(clip_grad_norm_({a, b}, 1.0), 0);
  a.mutable_grad() = tensor({3, 4}, {.dtype = kFloat64});
  EXPECT_DOUBLE_EQ(clip_grad_norm_({a, b}, 100.0), 5);
  EXPECT_FALSE(b.grad().defined());
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{3, 4}));  // not scaled: below max_norm
}

TEST(ClipGrad, NonFiniteNorms) {
  Tensor a = zeros({2}, {.dtype = kFloat64}).requires_grad_();
  a.mutable_grad() = tensor({NAN, 1}, {.dtype = kFloat64});
  try {
    clip_grad_norm_({a}, 1.0, 2, true);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("non-finite"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::isnan(a.grad().to_vector<double>()[0]));
  EXPECT_EQ(a.grad().to_vector<double>()[1], 1);  // untouched by the refused call
  // Without the check the gradients are scaled by the NaN norm, as in PyTorch.
  EXPECT_TRUE(std::isnan(clip_grad_norm_({a}, 1.0, kInf)));
  EXPECT_TRUE(std::isnan(a.grad().to_vector<double>()[1]));
}

TEST(ClipGrad, ExpandedGradientIsNotWrittenThrough) {
  // The gradient of a sum may be one value expanded to the parameter's shape.
  Tensor p = zeros({3}, {.dtype = kFloat64}).requires_grad_();
  p.mutable_grad() = full({1}, 2.0, {.dtype = kFloat64}).expand({3});
  EXPECT_NEAR(clip_grad_norm_({p}, 1.0), std::sqrt(12.0), 1e-15);
  const double expected = 2.0 / (std::sqrt(12.0) + 1e-6);
  for (double g : p.grad().to_vector<double>()) EXPECT_NEAR(g, expected, 1e-15);
  p.mutable_grad() = full({1}, 2.0, {.dtype = kFloat64}).expand({3});
  clip_grad_value_({p}, 0.5);
  EXPECT_EQ(p.grad().to_vector<double>(), (std::vector<double>{0.5, 0.5, 0.5}));
}

TEST(ClipGrad, RejectsInvalidArguments) {
  Tensor p = zeros({3}).requires_grad_();
  EXPECT_THROW(clip_grad_norm_({p}, -1.0), Error);
  EXPECT_THROW(clip_grad_norm_({p}, 1.0, 0), Error);
  EXPECT_THROW(clip_grad_value_({p}, -1.0), Error);
}

}  // namespace
}  // namespace nabla::optim::testing
