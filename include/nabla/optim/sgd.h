#pragma once
// Stochastic gradient descent with momentum, PyTorch 1.13's update rule:
//   d = ±grad + weight_decay * p
//   b = d on the first step, then momentum * b + (1 - dampening) * d
//   d = nesterov ? d + momentum * b : b      (when momentum != 0)
//   p -= lr * d
// State: "momentum_buffer" (only when momentum != 0).
#include <cmath>
#include <limits>

#include "nabla/optim/optimizer.h"

namespace nabla::optim {

struct SGDOptions {
  // Required, as in PyTorch: the defaults or every param group must set it.
  double lr = std::numeric_limits<double>::quiet_NaN();
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
  bool maximize = false;

  template <class F>
  void for_each(F&& f) {
    f("lr", lr);
    f("momentum", momentum);
    f("dampening", dampening);
    f("weight_decay", weight_decay);
    f("nesterov", nesterov);
    f("maximize", maximize);
  }
  void check(const char* op) const;
};

class SGD : public OptimizerWith<SGDOptions> {
 public:
  SGD(std::vector<Tensor> params, SGDOptions options)
      : SGD({ParamGroupSpec{std::move(params), {}}}, options) {}
  SGD(std::vector<ParamGroupSpec> groups, SGDOptions defaults)
      : OptimizerWith("SGD", std::move(groups), defaults) {}

  void step() override;
};

}  // namespace nabla::optim
