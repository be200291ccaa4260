#pragma once
// Regularisation.
//
// L2 through the optimizers' weight_decay, applied to weights but not biases: the seeds'
// D = Δ/m + λθ for j ≠ 0 is SGD with weight_decay = λ on the weights only.
//   optim::SGD opt(optim::split_decay(model.named_parameters(), 1e-3), {.lr = 1e-4});
//
// L1 as a term added to the loss, since its (sub)gradient λ·sign(θ) is then handled by
// autograd like any other, for every optimizer:
//   Tensor loss = mse_loss(model(x), y) + optim::l1_penalty(optim::split_decay(...)[0].params, 1e-4);
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nabla/optim/optimizer.h"

namespace nabla::optim {

// Two param groups: parameters with two or more dimensions (weight matrices), which
// keep the optimizer's weight decay (or `weight_decay` when given), and 1-D and 0-d
// parameters (biases, normalisation scales and shifts) with weight_decay = 0. Either
// group may be empty.
std::vector<ParamGroupSpec> split_decay(const std::vector<Tensor>& params,
                                        std::optional<double> weight_decay = std::nullopt);
std::vector<ParamGroupSpec> split_decay(const std::vector<std::pair<std::string, Tensor>>& named_params,
                                        std::optional<double> weight_decay = std::nullopt);

// lambda · Σ |θ| over `params`, a differentiable 0-d tensor to add to the loss (its
// gradient is lambda · sign(θ), 0 at θ = 0). An empty list gives 0.
Tensor l1_penalty(const std::vector<Tensor>& params, double lambda);

}  // namespace nabla::optim
