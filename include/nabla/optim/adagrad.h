#pragma once
// Adagrad, PyTorch 1.13's update rule. With t the parameter's step count:
//   g = ±grad + weight_decay * p
//   sum += g²
//   p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
// State: "step", "sum" (starting at initial_accumulator_value).
#include "nabla/optim/optimizer.h"

namespace nabla::optim {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
  bool maximize = false;

  template <class F>
  void for_each(F&& f) {
    f("lr", lr);
    f("lr_decay", lr_decay);
    f("weight_decay", weight_decay);
    f("initial_accumulator_value", initial_accumulator_value);
    f("eps", eps);
    f("maximize", maximize);
  }
  void check(const char* op) const;
};

class Adagrad : public OptimizerWith<AdagradOptions> {
 public:
  Adagrad(std::vector<Tensor> params, AdagradOptions options = {})
      : Adagrad({ParamGroupSpec{std::move(params), {}}}, options) {}
  Adagrad(std::vector<ParamGroupSpec> groups, AdagradOptions defaults)
      : OptimizerWith("Adagrad", std::move(groups), defaults) {}

  void step() override;
};

}  // namespace nabla::optim
