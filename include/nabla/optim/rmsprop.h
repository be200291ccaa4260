#pragma once
// RMSprop, PyTorch 1.13's update rule:
//   g = ±grad + weight_decay * p
//   sq = alpha * sq + (1 - alpha) * g²
//   avg = sqrt(centered ? sq - ga² : sq) + eps,  with ga = alpha * ga + (1 - alpha) * g
//   momentum > 0:  b = momentum * b + g / avg,  p -= lr * b
//   otherwise:     p -= lr * g / avg
// State: "step", "square_avg", "momentum_buffer" (momentum > 0), "grad_avg" (centered).
#include "nabla/optim/optimizer.h"

namespace nabla::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
  bool maximize = false;

  template <class F>
  void for_each(F&& f) {
    f("lr", lr);
    f("alpha", alpha);
    f("eps", eps);
    f("weight_decay", weight_decay);
    f("momentum", momentum);
    f("centered", centered);
    f("maximize", maximize);
  }
  void check(const char* op) const;
};

class RMSprop : public OptimizerWith<RMSpropOptions> {
 public:
  RMSprop(std::vector<Tensor> params, RMSpropOptions options = {})
      : RMSprop({ParamGroupSpec{std::move(params), {}}}, options) {}
  RMSprop(std::vector<ParamGroupSpec> groups, RMSpropOptions defaults)
      : OptimizerWith("RMSprop", std::move(groups), defaults) {}

  void step() override;
};

}  // namespace nabla::optim
