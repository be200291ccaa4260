#pragma once
// Adam and AdamW, PyTorch 1.13's update rules. With t the parameter's step count:
//   g = ±grad (+ weight_decay * p for Adam; AdamW instead scales p by 1 - lr * weight_decay)
//   m = beta1 * m + (1 - beta1) * g,   v = beta2 * v + (1 - beta2) * g²
//   v̂ = amsgrad ? (vmax = max(vmax, v)) : v
//   p -= lr / (1 - beta1^t) * m / (sqrt(v̂) / sqrt(1 - beta2^t) + eps)
// State: "step", "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with amsgrad.
#include <array>

#include "nabla/optim/optimizer.h"

namespace nabla::optim {

// Adam's and AdamW's options, which differ only in the default weight decay.
template <double kDefaultWeightDecay>
struct BasicAdamOptions {
  double lr = 1e-3;
  std::array<double, 2> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = kDefaultWeightDecay;
  bool amsgrad = false;
  bool maximize = false;

  template <class F>
  void for_each(F&& f) {
    f("lr", lr);
    f("betas.0", betas[0]);
    f("betas.1", betas[1]);
    f("eps", eps);
    f("weight_decay", weight_decay);
    f("amsgrad", amsgrad);
    f("maximize", maximize);
  }
  void check(const char* op) const {
    NABLA_CHECK(lr >= 0, op, "invalid learning rate: ", lr);
    NABLA_CHECK(eps >= 0, op, "invalid epsilon value: ", eps);
    NABLA_CHECK(betas[0] >= 0 && betas[0] < 1, op, "invalid beta parameter at index 0: ", betas[0]);
    NABLA_CHECK(betas[1] >= 0 && betas[1] < 1, op, "invalid beta parameter at index 1: ", betas[1]);
    NABLA_CHECK(weight_decay >= 0, op, "invalid weight_decay value: ", weight_decay);
  }
};

using AdamOptions = BasicAdamOptions<0.0>;
using AdamWOptions = BasicAdamOptions<1e-2>;

class Adam : public OptimizerWith<AdamOptions> {
 public:
  Adam(std::vector<Tensor> params, AdamOptions options = {})
      : Adam({ParamGroupSpec{std::move(params), {}}}, options) {}
  Adam(std::vector<ParamGroupSpec> groups, AdamOptions defaults)
      : OptimizerWith("Adam", std::move(groups), defaults) {}

  void step() override;
};

class AdamW : public OptimizerWith<AdamWOptions> {
 public:
  AdamW(std::vector<Tensor> params, AdamWOptions options = {})
      : AdamW({ParamGroupSpec{std::move(params), {}}}, options) {}
  AdamW(std::vector<ParamGroupSpec> groups, AdamWOptions defaults)
      : OptimizerWith("AdamW", std::move(groups), defaults) {}

  void step() override;
};

}  // namespace nabla::optim
