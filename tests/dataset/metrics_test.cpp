// Metrics against hand-computed values and the examples of scikit-learn's documentation.
#include "nabla/data/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;
using testing::f64;

Tensor labels(const std::vector<int64_t>& v) { return from_vector(v, {static_cast<int64_t>(v.size())}); }

// Row argmaxes 0, 1, 0, 2 against labels 0, 1, 2, 2.
Tensor logits() { return tensor({{2, 1, 0}, {0, 3, 1}, {1, 0, 0.5}, {0, 0, 5}}); }

TEST(Metrics, AccuracyFromLogitsOrLabels) {
  EXPECT_DOUBLE_EQ(accuracy(logits(), labels({0, 1, 2, 2})), 0.75);
  EXPECT_DOUBLE_EQ(accuracy(logits().to(kFloat64), labels({0, 1, 0, 2})), 1.0);
  EXPECT_DOUBLE_EQ(accuracy(labels({0, 1, 0, 2}), labels({0, 1, 2, 2})), 0.75);
  EXPECT_DOUBLE_EQ(accuracy(labels({1, 1, 1}), labels({0, 0, 0})), 0.0);
  // Ties go to the first class, like argmax.
  EXPECT_DOUBLE_EQ(accuracy(tensor({{1, 1}, {0, 0}}), labels({0, 1})), 0.5);
  // Logits that require grad: no graph is recorded.
  EXPECT_DOUBLE_EQ(accuracy(logits().requires_grad_(), labels({0, 1, 2, 2})), 0.75);
}

TEST(Metrics, AccuracyRejectsMismatchedInputs) {
  expect_error(
      [] {
        accuracy(logits(), labels({0, 1, 2}));
      },
      {"accuracy", "[4, 3]", "[3]", "numbers of samples"});
  expect_error([] { accuracy(logits(), tensor({0, 1, 2, 2})); }, {"int64 class labels", "float32"});
  expect_error([] { accuracy(logits(), labels({0, 1, 3, 2})); }, {"target label 3", "[0, 3)"});
  expect_error([] { accuracy(tensor({0, 1}), labels({0, 1})); }, {"scores [N, C] or int64 class labels [N]"});
  expect_error([] { accuracy(zeros({2, 2, 2}), labels({0, 1})); }, {"[2, 2, 2]"});
  expect_error([] { accuracy(zeros({0, 3}), labels({})); }, {"no samples"});
  expect_error([] { accuracy(Tensor{}, labels({0})); }, {"undefined predictions"});
}

TEST(Metrics, ConfusionMatrixRowsAreTrueClasses) {
  // scikit-learn: confusion_matrix(y_true=[0, 1, 2, 2], y_pred=[0, 1, 0, 2]).
  const Tensor cm = confusion_matrix(logits(), labels({0, 1, 2, 2}));
  EXPECT_EQ(cm.dtype(), kInt64);
  EXPECT_EQ(cm.shape(), Shape({3, 3}));
  EXPECT_EQ(cm.to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 0, 0, 1, 0, 1, 0, 1}));
  EXPECT_TRUE(equal(confusion_matrix(labels({0, 1, 0, 2}), labels({0, 1, 2, 2})), cm));
  // From labels the size is the largest label + 1, or num_classes.
  EXPECT_EQ(confusion_matrix(labels({1, 1}), labels({0, 1})).to_vector<int64_t>(),
            (std::vector<int64_t>{0, 1, 0, 1}));
  const Tensor wide = confusion_matrix(labels({1, 1}), labels({0, 1}), 4);
  EXPECT_EQ(wide.shape(), Shape({4, 4}));
  EXPECT_EQ(wide.sum().item<int64_t>(), 2);
}

TEST(Metrics, ConfusionMatrixRejectsBadLabels) {
  expect_error(
      [] {
        confusion_matrix(logits(), labels({0, 1, 2, 2}), 4);
      },
      {"num_classes is 4", "3 classes"});
  expect_error([] { confusion_matrix(labels({0, 3}), labels({0, 1}), 3); }, {"predicted label 3", "[0, 3)"});
  expect_error([] { confusion_matrix(labels({0, -1}), labels({0, 1})); }, {"predicted label -1"});
  expect_error([] { confusion_matrix(labels({0, 1}), labels({0, 1}), 0); }, {"num_classes must be positive"});
  expect_error([] { confusion_matrix(labels({0, 1 << 20}), labels({0, 1})); }, {"1048577 classes", "16384"});
}

TEST(Metrics, RmseAndMae) {
  // Differences 0, -1, 1, -2: squares average 1.5, absolute values 1.
  const Tensor p = f64({1, 2, 3, 4}), t = f64({1, 3, 2, 6});
  EXPECT_DOUBLE_EQ(rmse(p, t), std::sqrt(1.5));
  EXPECT_DOUBLE_EQ(mae(p, t), 1.0);
  EXPECT_DOUBLE_EQ(rmse(p.to(kFloat32).view({2, 2}), t.to(kFloat32).view({2, 2})), std::sqrt(1.5));
  EXPECT_DOUBLE_EQ(rmse(p, p), 0.0);
  // Integer tensors are numbers too.
  EXPECT_DOUBLE_EQ(mae(labels({1, 2}), labels({2, 4})), 1.5);
}

TEST(Metrics, RegressionMetricsRefuseToBroadcast) {
  const Tensor column = zeros({4, 1}), flat = zeros({4});
  expect_error([&] { rmse(column, flat); }, {"rmse", "[4, 1]", "[4]", "no broadcasting"});
  expect_error([&] { mae(flat, column); }, {"mae", "[4]", "[4, 1]"});
  expect_error([&] { r2_score(column, flat); }, {"r2_score"});
  expect_error([] { rmse(zeros({0}), zeros({0})); }, {"no samples"});
  expect_error([] { mae(ones({2}, {.dtype = kBool}), ones({2}, {.dtype = kBool})); }, {"bool"});
}

TEST(Metrics, R2ScoreMatchesScikitLearn) {
  // The examples of sklearn.metrics.r2_score's documentation (y_true first there).
  EXPECT_NEAR(r2_score(f64({2.5, 0.0, 2, 8}), f64({3, -0.5, 2, 7})), 0.9486081370449679, 1e-15);
  EXPECT_DOUBLE_EQ(r2_score(f64({1, 2, 3}), f64({1, 2, 3})), 1.0);
  EXPECT_DOUBLE_EQ(r2_score(f64({2, 2, 2}), f64({1, 2, 3})), 0.0);
  EXPECT_DOUBLE_EQ(r2_score(f64({3, 2, 1}), f64({1, 2, 3})), -3.0);
  // A constant target: 1 when predicted exactly, else 0 (force_finite), never NaN or -inf.
  EXPECT_DOUBLE_EQ(r2_score(f64({-2, -2, -2}), f64({-2, -2, -2})), 1.0);
  EXPECT_DOUBLE_EQ(r2_score(f64({-2, -2, -2 + 1e-8}), f64({-2, -2, -2})), 0.0);
  // Two outputs, averaged: column r2s 1 - 1.25 / (217 / 6) and 1 - 3 / (98 / 3).
  const Tensor p = f64({0, 2, -1, 2, 8, -5}, {3, 2}), t = f64({0.5, 1, -1, 1, 7, -6}, {3, 2});
  EXPECT_NEAR(r2_score(p, t), 0.9368005266622779, 1e-15);
  EXPECT_NEAR(r2_score(p, t), ((1 - 1.25 / (217.0 / 6)) + (1 - 3 / (98.0 / 3))) / 2, 1e-15);
  // [N, 1] is one output, like [N].
  EXPECT_DOUBLE_EQ(r2_score(f64({3, 2, 1}, {3, 1}), f64({1, 2, 3}, {3, 1})), -3.0);
  expect_error([] { r2_score(f64({1}), f64({1})); }, {"at least 2 samples"});
  expect_error([] { r2_score(zeros({2, 2, 2}), zeros({2, 2, 2})); }, {"[N] or [N, K]"});
}

}  // namespace
}  // namespace nabla::data
