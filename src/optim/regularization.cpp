#include "nabla/optim/regularization.h"

#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"

namespace nabla::optim {

std::vector<ParamGroupSpec> split_decay(const std::vector<Tensor>& params,
                                        std::optional<double> weight_decay) {
  ParamGroupSpec decay, no_decay{{}, {{"weight_decay", 0.0}}};
  if (weight_decay) decay.options.set("weight_decay", *weight_decay);
  for (const Tensor& p : params) {
    NABLA_CHECK(p.defined(), "split_decay", "a parameter is an undefined tensor");
    (p.dim() >= 2 ? decay : no_decay).params.push_back(p);
  }
  return {std::move(decay), std::move(no_decay)};
}

std::vector<ParamGroupSpec> split_decay(const std::vector<std::pair<std::string, Tensor>>& named_params,
                                        std::optional<double> weight_decay) {
  std::vector<Tensor> params;
  params.reserve(named_params.size());
  for (const auto& [name, p] : named_params) {
    NABLA_CHECK(p.defined(), "split_decay", "parameter '", name, "' is an undefined tensor");
    params.push_back(p);
  }
  return split_decay(params, weight_decay);
}

Tensor l1_penalty(const std::vector<Tensor>& params, double lambda) {
  Tensor total;
  for (const Tensor& p : params) {
    NABLA_CHECK(p.defined(), "l1_penalty", "a parameter is an undefined tensor");
    const Tensor s = abs(p).sum();
    total = total.defined() ? total + s : s;
  }
  return total.defined() ? mul(total, lambda) : scalar_tensor(0);
}

}  // namespace nabla::optim
