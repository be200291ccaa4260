#include "nabla/data/metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/reduce.h"

namespace nabla::data {
namespace {

constexpr int64_t kMaxClasses = 16384;

void check_defined(const Tensor& predictions, const Tensor& targets, const char* op) {
  NABLA_CHECK(predictions.defined() && targets.defined(), op, "undefined ",
              predictions.defined() ? "targets" : "predictions");
}

// Predicted and true class labels, checked against each other; `classes` is the scores' C, or
// -1 for label predictions.
struct Labels {
  std::vector<int64_t> predicted, truth;
  int64_t classes = -1;
};

Labels labels(const Tensor& predictions, const Tensor& targets, const char* op) {
  check_defined(predictions, targets, op);
  NABLA_CHECK(targets.dtype() == kInt64 && targets.dim() == 1, op,
              "targets must be int64 class labels [N], got ", targets.dtype(), " of shape ", targets.shape());
  NABLA_CHECK(targets.numel() > 0, op, "no samples");
  const bool scores = predictions.dim() == 2 && predictions.dtype() != kBool;
  NABLA_CHECK(scores || (predictions.dim() == 1 && predictions.dtype() == kInt64), op,
              "predictions must be scores [N, C] or int64 class labels [N], got ", predictions.dtype(),
              " of shape ", predictions.shape());
  NABLA_CHECK(predictions.size(0) == targets.size(0), op, "predictions of shape ", predictions.shape(),
              " and targets of shape ", targets.shape(), " have different numbers of samples");
  Labels l;
  if (scores) {
    NABLA_CHECK(predictions.size(1) > 0, op, "scores [N, C] need at least one class, got shape ",
                predictions.shape());
    NoGradGuard no_grad;
    l.predicted = argmax(predictions.detach(), 1).to_vector<int64_t>();
    l.classes = predictions.size(1);
  } else {
    l.predicted = predictions.to_vector<int64_t>();
  }
  l.truth = targets.to_vector<int64_t>();
  return l;
}

void check_labels(const std::vector<int64_t>& v, int64_t classes, const char* what, const char* op) {
  for (int64_t c : v)
    NABLA_CHECK(c >= 0 && c < classes, op, what, " label ", c, " is outside [0, ", classes, ")");
}

// Both tensors' elements as doubles, after checking they have the same non-empty shape.
std::pair<std::vector<double>, std::vector<double>> regression_values(const Tensor& predictions,
                                                                      const Tensor& targets, const char* op) {
  check_defined(predictions, targets, op);
  NABLA_CHECK(predictions.shape() == targets.shape(), op, "predictions of shape ", predictions.shape(),
              " and targets of shape ", targets.shape(), " differ (no broadcasting here)");
  NABLA_CHECK(predictions.numel() > 0, op, "no samples");
  NABLA_CHECK(predictions.dtype() != kBool && targets.dtype() != kBool, op,
              "expected numbers, got bool tensors");
  return {predictions.to_vector<double>(), targets.to_vector<double>()};
}

}  // namespace

double accuracy(const Tensor& predictions, const Tensor& targets) {
  const Labels l = labels(predictions, targets, "accuracy");
  if (l.classes >= 0) check_labels(l.truth, l.classes, "target", "accuracy");
  int64_t correct = 0;
  for (size_t i = 0; i < l.truth.size(); ++i) correct += l.predicted[i] == l.truth[i];
  return static_cast<double>(correct) / static_cast<double>(l.truth.size());
}

Tensor confusion_matrix(const Tensor& predictions, const Tensor& targets, int64_t num_classes) {
  const char* op = "confusion_matrix";
  const Labels l = labels(predictions, targets, op);
  NABLA_CHECK(num_classes == -1 || num_classes > 0, op, "num_classes must be positive or -1, got ",
              num_classes);
  NABLA_CHECK(num_classes == -1 || l.classes == -1 || num_classes == l.classes, op, "num_classes is ",
              num_classes, " but the scores have ", l.classes, " classes");
  int64_t c = num_classes > 0 ? num_classes : l.classes;
  if (c < 0)
    c = std::max(*std::max_element(l.predicted.begin(), l.predicted.end()),
                 *std::max_element(l.truth.begin(), l.truth.end())) +
        1;
  // Guards against a stray huge label allocating an absurd matrix (16384^2 counts are 2 GiB).
  NABLA_CHECK(c <= kMaxClasses, op, c, " classes: at most ", kMaxClasses, " are supported");
  check_labels(l.predicted, c, "predicted", op);
  check_labels(l.truth, c, "target", op);
  Tensor counts = zeros({c, c}, {.dtype = kInt64});
  int64_t* p = counts.data_ptr<int64_t>();
  for (size_t i = 0; i < l.truth.size(); ++i) ++p[l.truth[i] * c + l.predicted[i]];
  return counts;
}

double rmse(const Tensor& predictions, const Tensor& targets) {
  const auto [p, t] = regression_values(predictions, targets, "rmse");
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) sum += (p[i] - t[i]) * (p[i] - t[i]);
  return std::sqrt(sum / static_cast<double>(p.size()));
}

double mae(const Tensor& predictions, const Tensor& targets) {
  const auto [p, t] = regression_values(predictions, targets, "mae");
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) sum += std::abs(p[i] - t[i]);
  return sum / static_cast<double>(p.size());
}

double r2_score(const Tensor& predictions, const Tensor& targets) {
  const char* op = "r2_score";
  const auto [p, t] = regression_values(predictions, targets, op);
  NABLA_CHECK(targets.dim() == 1 || targets.dim() == 2, op, "expected [N] or [N, K] tensors, got shape ",
              targets.shape());
  const int64_t n = targets.size(0), k = targets.dim() == 2 ? targets.size(1) : 1;
  NABLA_CHECK(n >= 2, op, "needs at least 2 samples, got ", n);
  double total = 0;
  for (int64_t j = 0; j < k; ++j) {
    double mean = 0;
    for (int64_t i = 0; i < n; ++i) mean += t[i * k + j];
    mean /= static_cast<double>(n);
    double residual = 0, spread = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double r = t[i * k + j] - p[i * k + j], d = t[i * k + j] - mean;
      residual += r * r;
      spread += d * d;
    }
    total += spread != 0 ? 1 - residual / spread : residual == 0 ? 1.0 : 0.0;
  }
  return total / static_cast<double>(k);
}

}  // namespace nabla::data
