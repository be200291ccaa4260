#pragma once
// Evaluation metrics with scikit-learn's definitions, computed in float64 from tensors of any
// numeric dtype, recording no graph. Arguments come in the order of nabla's losses:
// (predictions, targets), where scikit-learn writes (y_true, y_pred).
//
//   double acc = data::accuracy(model(x), labels);         // logits [N, C], int64 labels [N]
//   Tensor cm = data::confusion_matrix(model(x), labels);  // int64 [C, C], rows: true class
//   double err = data::rmse(model(x), y);                  // same shapes: [N, 1] and [N, 1]
//
// Metrics live with the data, not in nn: they are not differentiable, hold no parameters, and
// compare a model's outputs with a dataset's targets after training (or per epoch in a
// Trainer), returning plain numbers.
#include <cstdint>

#include "nabla/tensor/tensor.h"

namespace nabla::data {

// The fraction of samples whose predicted class is the target. `predictions` is either scores
// [N, C] (logits or probabilities; the class is the argmax, the first on ties) or int64
// class labels [N]; `targets` is int64 [N], each in [0, C) when scores give C.
double accuracy(const Tensor& predictions, const Tensor& targets);

// int64 [C, C]: entry [i][j] counts the samples of true class i predicted as class j.
// Predictions as for accuracy. C is num_classes when given, else the scores' C, else the
// largest label (predicted or true) + 1; every label must lie in [0, C).
Tensor confusion_matrix(const Tensor& predictions, const Tensor& targets, int64_t num_classes = -1);

// Regression metrics over tensors of exactly the same shape: no broadcasting, so [N, 1]
// against [N] is an error rather than a silent [N, N] comparison.
// sqrt(mean((predictions - targets)^2)) over all elements.
double rmse(const Tensor& predictions, const Tensor& targets);
// mean(|predictions - targets|) over all elements.
double mae(const Tensor& predictions, const Tensor& targets);
// The coefficient of determination 1 - sum((t - p)^2) / sum((t - mean(t))^2), for [N] (one
// output) or [N, K] (each column separately, then averaged: scikit-learn's multioutput
// "uniform_average"); N >= 2. A constant target column scores 1 when predicted exactly and 0
// otherwise, as scikit-learn's force_finite does, instead of NaN or -inf.
double r2_score(const Tensor& predictions, const Tensor& targets);

}  // namespace nabla::data
