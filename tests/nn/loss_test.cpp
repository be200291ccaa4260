// Loss behaviour beyond the PyTorch golden values (loss_golden_test.cpp): gradient checks
// (first and second order) of the fused kernels and the composite losses, the fused
// paths against the composite ones on large and strided inputs, error cases, and the
// module forms.
#include "nabla/nn/loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <sstream>
#include <string>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::nn {
namespace {

namespace F = functional;
using autograd::Function;
using testing::expect_error;
using testing::f64;
using testing::param;
using testing::rand_param;

constexpr Reduction kReductions[] = {Reduction::None, Reduction::Mean, Reduction::Sum};

Tensor labels(const std::vector<int64_t>& v) { return from_vector(v, {static_cast<int64_t>(v.size())}); }

// ---- gradient checks -----------------------------------------------------------------

TEST(LossGradcheck, MseFusedKernel) {
  for (Reduction r : kReductions) {
    const Tensor x = rand_param({3, 4}, -1, 1, 1), y = rand_param({3, 4}, -1, 1, 2);
    const Function f = [r](const std::vector<Tensor>& in) {
      return F::mse_loss(in[0], in[1], {.reduction = r});
    };
    EXPECT_GRADCHECK(f, {x, y});
    EXPECT_GRADGRADCHECK(f, {x, y});
  }
}

TEST(LossGradcheck, CrossEntropyFusedKernel) {
  const Tensor t = labels({0, 3, -100, 2, 1});
  const Tensor w = f64({0.5, 2.0, 1.0, 1.5});
  for (Reduction r : kReductions) {
    for (bool weighted : {false, true}) {
      const Tensor x = rand_param({5, 4}, -2, 2, 3);
      const Function f = [&](const std::vector<Tensor>& in) {
        return F::cross_entropy(in[0], t, {.weight = weighted ? w : Tensor(), .reduction = r});
      };
      EXPECT_GRADCHECK(f, {x});
      EXPECT_GRADGRADCHECK(f, {x});
    }
  }
  // Unbatched: a [C] input with a 0-d target.
  const Tensor x1 = rand_param({4}, -2, 2, 4);
  const Function f1 = [](const std::vector<Tensor>& in) {
    return F::cross_entropy(in[0], from_vector(std::vector<int64_t>{2}, {}));
  };
  EXPECT_GRADCHECK(f1, {x1});
}

TEST(LossGradcheck, CompositeClassLosses) {
  const Tensor t = from_vector(std::vector<int64_t>{0, 2, 1, 1, 0, 2}, {2, 3});
  for (Reduction r : kReductions) {
    const Tensor x = rand_param({2, 3, 3}, -2, 2, 5);
    const Function smooth = [&](const std::vector<Tensor>& in) {
      return F::cross_entropy(in[0], t, {.ignore_index = 1, .reduction = r, .label_smoothing = 0.2});
    };
    EXPECT_GRADCHECK(smooth, {x});
    EXPECT_GRADGRADCHECK(smooth, {x});
    const Tensor p = rand_param({2, 3, 3}, 0.1, 1, 6);
    const Function probs = [r](const std::vector<Tensor>& in) {
      return F::cross_entropy(in[0], in[1], {.reduction = r, .label_smoothing = 0.1});
    };
    EXPECT_GRADCHECK(probs, {x, p});
  }
}

TEST(LossGradcheck, BinaryCrossEntropy) {
  for (Reduction r : kReductions) {
    const Tensor x = rand_param({3, 4}, 0.05, 0.95, 7), t = rand_param({3, 4}, 0, 1, 8);
    const Function f = [r](const std::vector<Tensor>& in) {
      return F::binary_cross_entropy(in[0], in[1], {.weight = f64({1, 2, 0.5, 1.5}), .reduction = r});
    };
    EXPECT_GRADCHECK(f, {x, t});
    EXPECT_GRADGRADCHECK(f, {x, t});
  }
}

TEST(LossGradcheck, BinaryCrossEntropyWithLogits) {
  for (Reduction r : kReductions) {
    for (bool pos : {false, true}) {
      const Tensor x = rand_param({3, 4}, -4, 4, 9), t = rand_param({3, 4}, 0, 1, 10);
      const Function f = [r, pos](const std::vector<Tensor>& in) {
        return F::binary_cross_entropy_with_logits(in[0], in[1],
                                                   {.weight = f64({2, 1, 0.5}, {3, 1}),
                                                    .reduction = r,
                                                    .pos_weight = pos ? f64({1, 3, 0.5, 2}) : Tensor()});
      };
      EXPECT_GRADCHECK(f, {x, t});
      EXPECT_GRADGRADCHECK(f, {x, t});
    }
  }
}

TEST(LossGradcheck, RegressionLosses) {
  for (Reduction r : kReductions) {
    const Tensor x = rand_param({3, 4}, -2, 2, 11), y = rand_param({3, 4}, -2, 2, 12);
    const Tensor var = rand_param({3, 1}, 0.2, 2, 13);
    const Function l1 = [r](const std::vector<Tensor>& in) {
      return F::l1_loss(in[0], in[1], {.reduction = r});
    };
    const Function smooth_l1 = [r](const std::vector<Tensor>& in) {
      return F::smooth_l1_loss(in[0], in[1], {.reduction = r, .beta = 0.7});
    };
    const Function huber = [r](const std::vector<Tensor>& in) {
      return F::huber_loss(in[0], in[1], {.reduction = r, .delta = 0.7});
    };
    const Function gaussian = [r](const std::vector<Tensor>& in) {
      return F::gaussian_nll_loss(in[0], in[1], in[2], {.full = true, .reduction = r});
    };
    EXPECT_GRADCHECK(l1, {x, y});
    EXPECT_GRADCHECK(smooth_l1, {x, y});
    EXPECT_GRADCHECK(huber, {x, y});
    EXPECT_GRADCHECK(gaussian, {x, y, var});
  }
}

TEST(LossGradcheck, Divergences) {
  for (KLDivReduction r :
       {KLDivReduction::None, KLDivReduction::Mean, KLDivReduction::Sum, KLDivReduction::BatchMean}) {
    for (bool log_target : {false, true}) {
      const Tensor x = rand_param({3, 4}, -3, 0, 14), t = rand_param({3, 4}, 0.05, 1, 15);
      const Function f = [r, log_target](const std::vector<Tensor>& in) {
        return F::kl_div(in[0], in[1], {.reduction = r, .log_target = log_target});
      };
      EXPECT_GRADCHECK(f, {x, t});
    }
  }
  const Tensor mu1 = rand_param({2, 3}, -1, 1, 16), lv1 = rand_param({2, 3}, -1, 1, 17);
  const Tensor mu2 = rand_param({2, 3}, -1, 1, 18), lv2 = rand_param({2, 3}, -1, 1, 19);
  const Function standard = [](const std::vector<Tensor>& in) { return F::kl_normal_standard(in[0], in[1]); };
  const Function general = [](const std::vector<Tensor>& in) {
    return F::kl_normal_normal(in[0], in[1], in[2], in[3]);
  };
  EXPECT_GRADCHECK(standard, {mu1, lv1});
  EXPECT_GRADGRADCHECK(standard, {mu1, lv1});
  EXPECT_GRADCHECK(general, {mu1, lv1, mu2, lv2});
}

// With create_graph the derivative rules take their composite (differentiable) form,
// which must agree with the fused loops used otherwise.
TEST(LossGradcheck, RecordedBackwardMatchesFusedBackward) {
  const Tensor t = labels({0, 3, -100, 2, 1});
  for (Reduction r : kReductions) {
    const Tensor x = rand_param({5, 4}, -2, 2, 40), y = rand_param({5, 4}, 0.05, 0.95, 41);
    const Tensor p = rand_param({5, 4}, 0.05, 0.95, 42);
    const std::vector<std::pair<const char*, Function>> losses = {
        {"mse_loss",
         [r](const std::vector<Tensor>& in) { return F::mse_loss(in[0], in[1], {.reduction = r}); }},
        {"cross_entropy",
         [&](const std::vector<Tensor>& in) {
           return F::cross_entropy(in[0], t, {.weight = f64({1, 2, 0.5, 1}), .reduction = r});
         }},
        {"binary_cross_entropy",
         [r](const std::vector<Tensor>& in) {
           return F::binary_cross_entropy(in[2], in[1], {.reduction = r});
         }},
        {"binary_cross_entropy_with_logits", [r](const std::vector<Tensor>& in) {
           return F::binary_cross_entropy_with_logits(in[0], in[1],
                                                      {.reduction = r, .pos_weight = f64({1, 3, 0.5, 2})});
         }}};
    for (const auto& [name, f] : losses) {
      SCOPED_TRACE(name);
      const Tensor out = f({x, y, p});
      const Tensor g = r == Reduction::None ? rand_param(out.shape(), -1, 1, 43).detach() : Tensor();
      const auto fused = autograd::grad({out}, {x, y, p}, {g}, true, false, true);
      const auto recorded = autograd::grad({out}, {x, y, p}, {g}, false, true, true);
      for (size_t i = 0; i < fused.size(); ++i) {
        ASSERT_EQ(fused[i].defined(), recorded[i].defined());
        if (fused[i].defined()) {
          EXPECT_TRUE(allclose(fused[i], recorded[i], 1e-12, 1e-14)) << "input " << i;
        }
      }
    }
  }
}

// ---- fused paths against the composite ones ------------------------------------------

// Large enough to run the kernels on several threads.
TEST(LossFused, CrossEntropyMatchesLogSoftmaxNll) {
  const int64_t n = 3000, c = 37;
  const Tensor x = rand_param({n, c}, -4, 4, 20);
  std::vector<int64_t> t(n);
  for (int64_t i = 0; i < n; ++i) t[i] = i % 7 == 3 ? -100 : (i * 13) % c;
  const Tensor target = labels(t);
  for (Reduction r : kReductions) {
    const Tensor fused = F::cross_entropy(x, target, {.reduction = r});
    const Tensor composite = F::nll_loss(log_softmax(x, 1), target, {.reduction = r});
    EXPECT_TRUE(allclose(fused, composite, 1e-12, 1e-14));
    const Tensor g = r == Reduction::None ? rand_param({n}, -1, 1, 21).detach() : Tensor();
    const auto gf = autograd::grad({fused}, {x}, {g});
    const auto gc = autograd::grad({composite}, {x}, {g});
    EXPECT_TRUE(allclose(gf[0], gc[0], 1e-10, 1e-15));
  }
}

TEST(LossFused, CrossEntropyFusedEqualsGeneralPath) {
  // [N, C] takes the fused kernel, [N, C, 1] the composite path.
  const Tensor x = rand_param({6, 5}, -3, 3, 22);
  const Tensor t = labels({4, 0, 2, 2, 1, 3});
  const Tensor w = f64({1, 0.5, 2, 1, 3});
  for (Reduction r : kReductions) {
    const CrossEntropyLossOptions o{.weight = w, .ignore_index = 2, .reduction = r};
    const Tensor fused = F::cross_entropy(x, t, o);
    const Tensor general = F::cross_entropy(unsqueeze(x, 2), unsqueeze(t, 1), o);
    EXPECT_TRUE(allclose(fused, r == Reduction::None ? squeeze(general, 1) : general, 1e-13, 1e-15));
    EXPECT_TRUE(
        allclose(autograd::grad({sum(fused)}, {x})[0], autograd::grad({sum(general)}, {x})[0], 1e-12, 1e-15));
  }
}

TEST(LossFused, MseMatchesComposite) {
  const Tensor x = rand_param({300001}, -2, 2, 23), y = rand_param({300001}, -2, 2, 24);
  for (Reduction r : kReductions) {
    const Tensor fused = F::mse_loss(x, y, {.reduction = r});
    const Tensor sq = square(sub(x, y));
    const Tensor composite = r == Reduction::None ? sq : r == Reduction::Mean ? mean(sq) : sum(sq);
    EXPECT_TRUE(allclose(fused, composite, 1e-12, 1e-14));
    const auto gf = autograd::grad({sum(fused)}, {x, y});
    const auto gc = autograd::grad({sum(composite)}, {x, y});
    EXPECT_TRUE(allclose(gf[0], gc[0], 1e-12, 1e-15));
    EXPECT_TRUE(allclose(gf[1], gc[1], 1e-12, 1e-15));
  }
}

TEST(LossFused, StridedInputs) {
  const Tensor base = rand_param({5, 6}, -2, 2, 25);
  const Tensor x = base.t();  // [6, 5], not contiguous
  const Tensor xc = x.contiguous();
  const Tensor y = rand_param({6, 5}, -2, 2, 26).detach();
  EXPECT_TRUE(allclose(F::mse_loss(x, y), F::mse_loss(xc, y), 1e-15, 0));
  const Tensor t = labels({0, 4, 1, 3, 2, 2});
  EXPECT_TRUE(allclose(F::cross_entropy(x, t), F::cross_entropy(xc, t), 1e-15, 0));
  F::cross_entropy(x, t).backward();
  const Tensor expected = autograd::grad({F::cross_entropy(xc, t)}, {xc})[0];
  EXPECT_TRUE(allclose(base.grad(), expected.t(), 1e-15, 0));
}

TEST(LossFused, Float32) {
  const Tensor x64 = rand_param({8, 10}, -3, 3, 27).detach();
  const Tensor x32 = x64.to(kFloat32).requires_grad_();
  const Tensor t = labels({0, 1, 2, 3, 4, 5, 6, 7});
  const Tensor l32 = F::cross_entropy(x32, t);
  EXPECT_EQ(l32.dtype(), kFloat32);
  EXPECT_NEAR(l32.item(), F::cross_entropy(x64, t).item(), 1e-5);
  l32.backward();
  EXPECT_EQ(x32.grad().dtype(), kFloat32);
  const Tensor y = rand_param({8, 10}, -3, 3, 28).detach();
  EXPECT_NEAR(F::mse_loss(x32, y.to(kFloat32)).item(), F::mse_loss(x64, y).item(), 1e-5);
}

// ---- semantics -------------------------------------------------------------------------

TEST(LossSemantics, AllTargetsIgnored) {
  const Tensor x = rand_param({3, 4}, -1, 1, 29);
  const Tensor t = labels({-100, -100, -100});
  EXPECT_TRUE(std::isnan(F::cross_entropy(x, t).item()));  // 0 / 0, as in PyTorch
  EXPECT_TRUE(std::isnan(F::nll_loss(x, t).item()));
  EXPECT_EQ(F::cross_entropy(x, t, {.reduction = Reduction::Sum}).item(), 0.0);
  F::cross_entropy(x, t).backward();
  EXPECT_TRUE(allclose(x.grad(), zeros({3, 4}, {.dtype = kFloat64})));
}

TEST(LossSemantics, EmptyBatchMeanIsNan) {
  const Tensor x = zeros({0, 3}, {.dtype = kFloat64});
  EXPECT_TRUE(std::isnan(F::cross_entropy(x, from_vector(std::vector<int64_t>{}, {0})).item()));
  EXPECT_TRUE(std::isnan(F::mse_loss(x, x).item()));
}

TEST(LossSemantics, IgnoredSampleWithInfiniteLogProbabilityCountsZero) {
  const Tensor logp = f64({-INFINITY, -0.5, -1.0, -0.2}, {2, 2});
  const Tensor loss = F::nll_loss(logp, labels({1, 0}), {.ignore_index = 1, .reduction = Reduction::None});
  testing::expect_values(loss, {0.0, 1.0});
}

TEST(LossSemantics, PromotesToCommonFloatingDtype) {
  const Tensor x = ones({3}), y = zeros({3}, {.dtype = kFloat64});
  EXPECT_EQ(F::mse_loss(x, y).dtype(), kFloat64);
  EXPECT_EQ(F::l1_loss(x, zeros({3}, {.dtype = kInt64})).dtype(), kFloat32);
}

TEST(LossSemantics, FusedBackwardFreesSavedTensors) {
  const Tensor x = rand_param({4, 3}, -1, 1, 30);
  const Tensor loss = F::cross_entropy(x, labels({0, 1, 2, 0}));
  loss.backward();
  expect_error([&] { loss.backward(); }, {"retain_graph"});
}

TEST(LossSemantics, InPlaceChangeOfSavedLogitsIsDetected) {
  const Tensor leaf = rand_param({4, 3}, -1, 1, 31);
  Tensor x = mul(leaf, 2.0);
  const Tensor loss = F::cross_entropy(x, labels({0, 1, 2, 0}));
  {
    NoGradGuard guard;  // while recording, the write itself would be refused
    x.add_(1.0);
  }
  expect_error([&] { loss.backward(); }, {"modified by an in-place operation"});
}

// ---- errors ------------------------------------------------------------------------------

TEST(LossErrors, ShapeMismatch) {
  const Tensor x = zeros({4, 1}, {.dtype = kFloat64}), y = zeros({4}, {.dtype = kFloat64});
  expect_error([&] { F::mse_loss(x, y); }, {"mse_loss", "[4]", "[4, 1]"});
  expect_error([&] { F::l1_loss(x, y); }, {"l1_loss", "[4]", "[4, 1]"});
  expect_error([&] { F::smooth_l1_loss(x, y); }, {"smooth_l1_loss"});
  expect_error([&] { F::huber_loss(x, y); }, {"huber_loss"});
  expect_error([&] { F::binary_cross_entropy(x, y); }, {"binary_cross_entropy", "[4]", "[4, 1]"});
  expect_error([&] { F::binary_cross_entropy_with_logits(x, y); }, {"binary_cross_entropy_with_logits"});
  expect_error([&] { F::kl_div(x, y); }, {"kl_div", "[4]", "[4, 1]"});
  expect_error([&] { F::gaussian_nll_loss(x, y, y); }, {"gaussian_nll_loss"});
  expect_error([&] { F::kl_normal_standard(x, y); }, {"kl_normal_standard", "logvar", "[4]", "[4, 1]"});
  expect_error([&] { F::kl_normal_normal(x, x, x, y); }, {"kl_normal_normal", "logvar2"});
}

TEST(LossErrors, ClassTargets) {
  const Tensor x = zeros({2, 3}, {.dtype = kFloat64});
  expect_error(
      [&] {
        F::cross_entropy(x, labels({0, 3}));
      },
      {"cross_entropy", "target 3 is out of bounds", "3 classes"});
  expect_error([&] { F::cross_entropy(x, labels({-1, 0})); }, {"cross_entropy", "target -1"});
  expect_error([&] { F::nll_loss(x, labels({0, 5})); }, {"nll_loss", "target 5"});
  expect_error(
      [&] {
        F::cross_entropy(unsqueeze(x, 2), labels({0, 3}));
      },
      {"cross_entropy", "[2]", "[2, 3, 1]"});
  expect_error(
      [&] {
        F::cross_entropy(x, labels({0, 1, 2}));
      },
      {"cross_entropy", "[3]", "[2, 3]", "expected"});
  expect_error([&] { F::nll_loss(x, zeros({2}, {.dtype = kFloat64})); }, {"nll_loss", "int64"});
  expect_error([&] { F::cross_entropy(x, zeros({2})); }, {"cross_entropy", "int64", "class probabilities"});
  expect_error([&] { F::cross_entropy(x, labels({0, 1}), {.weight = ones({4})}); }, {"weight", "[4]", "(3)"});
  expect_error(
      [&] {
        F::cross_entropy(x, labels({0, 1}), {.label_smoothing = 1.5});
      },
      {"label_smoothing", "1.5"});
  expect_error([&] { F::cross_entropy(x, x, {.ignore_index = 0}); }, {"ignore_index", "probabilities"});
  expect_error([&] { F::cross_entropy(zeros({3}, {.dtype = kFloat64}), labels({1})); }, {"0-d target"});
  expect_error([&] { F::nll_loss(scalar_tensor(0.0), labels({0})); }, {"nll_loss", "0-d"});
  expect_error([&] { F::nll_loss(labels({0, 1}), labels({0})); }, {"nll_loss", "floating-point input"});
}

TEST(LossErrors, Options) {
  const Tensor x = full({2, 2}, 0.5, {.dtype = kFloat64});
  expect_error([&] { F::binary_cross_entropy(add(x, 1.0), x); }, {"binary_cross_entropy", "between 0 and 1"});
  expect_error([&] { F::binary_cross_entropy(x, x, {.weight = ones({3})}); }, {"binary_cross_entropy"});
  expect_error(
      [&] {
        F::binary_cross_entropy_with_logits(x, x, {.pos_weight = ones({2, 2, 2})});
      },
      {"binary_cross_entropy_with_logits", "pos_weight", "[2, 2, 2]"});
  expect_error([&] { F::smooth_l1_loss(x, x, {.beta = -1}); }, {"smooth_l1_loss", "beta"});
  expect_error([&] { F::huber_loss(x, x, {.delta = 0}); }, {"huber_loss", "delta"});
  expect_error(
      [&] {
        F::gaussian_nll_loss(x, x, ones({2, 3}, {.dtype = kFloat64}));
      },
      {"gaussian_nll_loss", "var", "[2, 3]"});
  expect_error([&] { F::gaussian_nll_loss(x, x, full({2}, -1.0, {.dtype = kFloat64})); },
               {"gaussian_nll_loss", "negative"});
  expect_error([&] { F::mse_loss(labels({1}), labels({1})); }, {"mse_loss", "floating-point"});
  expect_error([&] { F::kl_normal_standard(scalar_tensor(0.0), scalar_tensor(0.0)); },
               {"kl_normal_standard", "0-d"});
}

// ---- modules ------------------------------------------------------------------------------

TEST(LossModules, WeightsAreBuffers) {
  CrossEntropyLoss plain;
  EXPECT_TRUE(plain.state_dict().empty());
  CrossEntropyLoss weighted({.weight = tensor({1, 2, 3}), .label_smoothing = 0.1});
  EXPECT_FALSE(weighted.options.weight.defined());
  ASSERT_EQ(weighted.state_dict().size(), 1u);
  EXPECT_EQ(weighted.state_dict()[0].first, "weight");
  weighted.to(kFloat64);
  EXPECT_EQ(weighted.weight.dtype(), kFloat64);
  BCEWithLogitsLoss logits({.pos_weight = tensor({2, 1})});
  ASSERT_EQ(logits.named_buffers().size(), 1u);
  EXPECT_EQ(logits.named_buffers()[0].first, "pos_weight");
}

TEST(LossModules, CallTheFunctionalForm) {
  const Tensor x = rand_param({4, 3}, -1, 1, 32).detach();
  const Tensor t = labels({2, 0, 1, 1});
  CrossEntropyLoss criterion({.weight = f64({1, 2, 3}), .reduction = Reduction::Sum});
  EXPECT_TRUE(equal(criterion(x, t),
                    F::cross_entropy(x, t, {.weight = f64({1, 2, 3}), .reduction = Reduction::Sum})));
  std::unique_ptr<Loss> loss = std::make_unique<MSELoss>();
  EXPECT_TRUE(equal((*loss)(x, x), scalar_tensor(0.0, {.dtype = kFloat64})));
  std::ostringstream os;
  os << criterion;
  EXPECT_NE(os.str().find("CrossEntropyLoss"), std::string::npos);
}

}  // namespace
}  // namespace nabla::nn
