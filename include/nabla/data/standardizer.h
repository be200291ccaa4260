#pragma once
// Feature standardisation (scikit-learn's StandardScaler): per-column mean and POPULATION
// standard deviation (dividing by N, as the seeds and scikit-learn do, not by N - 1 as
// torch.std does by default), fitted on the training set and applied to every set:
//
//   data::Standardizer scaler;
//   Tensor train_x = scaler.fit_transform(raw_train_x);  // [N, F] -> columns of mean 0, std 1
//   Tensor test_x = scaler.transform(raw_test_x);
//   Tensor price = scaler_y.inverse_transform(model(test_x));  // back to the original units
//
// A column whose values are all equal has no spread to divide by: its scale is 1 and its
// mean that value, so it transforms to exact zeros instead of inf or NaN (scikit-learn also
// uses scale 1 there).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::data {

// Ordered (name, tensor) pairs; the same type as nn::StateDict.
using StateDict = std::vector<std::pair<std::string, Tensor>>;

class Standardizer {
 public:
  // Fits the columns of x [N, F] (floating, N >= 1, every value finite); returns *this.
  Standardizer& fit(const Tensor& x);
  // (x - mean) / scale for x [..., F] of a floating dtype, in x's dtype; differentiable.
  Tensor transform(const Tensor& x) const;
  // x * scale + mean: the inverse of transform.
  Tensor inverse_transform(const Tensor& x) const;
  Tensor fit_transform(const Tensor& x) { return fit(x).transform(x); }

  bool fitted() const { return mean_.defined(); }
  int64_t num_features() const { return fitted() ? mean_.numel() : 0; }
  // float64 [F]; undefined before fit.
  const Tensor& mean() const { return mean_; }
  // float64 [F]: the population standard deviation, or 1 for a constant column.
  const Tensor& scale() const { return scale_; }

  // {"mean", mean()}, {"scale", scale()}: saved with a model's state dict, loaded into any
  // Standardizer, fitted or not. Loading checks everything before changing anything.
  StateDict state_dict() const;
  void load_state_dict(const StateDict& state);

 private:
  // Checks that the standardizer is fitted and x is floating with F features in its last dim.
  void check_input(const Tensor& x, const char* op) const;

  Tensor mean_;
  Tensor scale_;
};

}  // namespace nabla::data
