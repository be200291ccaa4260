#include "nabla/nn/loss.h"

#include <utility>

namespace nabla::nn {

namespace F = functional;

Tensor MSELoss::forward(const Tensor& input, const Tensor& target) {
  return F::mse_loss(input, target, options);
}
Tensor L1Loss::forward(const Tensor& input, const Tensor& target) {
  return F::l1_loss(input, target, options);
}
Tensor SmoothL1Loss::forward(const Tensor& input, const Tensor& target) {
  return F::smooth_l1_loss(input, target, options);
}
Tensor HuberLoss::forward(const Tensor& input, const Tensor& target) {
  return F::huber_loss(input, target, options);
}
Tensor GaussianNLLLoss::forward(const Tensor& input, const Tensor& target, const Tensor& var) {
  return F::gaussian_nll_loss(input, target, var, options);
}
Tensor KLDivLoss::forward(const Tensor& input, const Tensor& target) {
  return F::kl_div(input, target, options);
}

// The weighted losses move their weights out of the options into buffers (a moved-from
// Tensor is undefined) and hand them back to the functional form at each call.

BCELoss::BCELoss(BCELossOptions o) : options(std::move(o)), weight(std::move(options.weight)) {
  register_buffer("weight", &BCELoss::weight);
}
Tensor BCELoss::forward(const Tensor& input, const Tensor& target) {
  BCELossOptions o = options;
  o.weight = weight;
  return F::binary_cross_entropy(input, target, o);
}

BCEWithLogitsLoss::BCEWithLogitsLoss(BCEWithLogitsLossOptions o)
    : options(std::move(o)), weight(std::move(options.weight)), pos_weight(std::move(options.pos_weight)) {
  register_buffer("weight", &BCEWithLogitsLoss::weight);
  register_buffer("pos_weight", &BCEWithLogitsLoss::pos_weight);
}
Tensor BCEWithLogitsLoss::forward(const Tensor& input, const Tensor& target) {
  BCEWithLogitsLossOptions o = options;
  o.weight = weight;
  o.pos_weight = pos_weight;
  return F::binary_cross_entropy_with_logits(input, target, o);
}

NLLLoss::NLLLoss(NLLLossOptions o) : options(std::move(o)), weight(std::move(options.weight)) {
  register_buffer("weight", &NLLLoss::weight);
}
Tensor NLLLoss::forward(const Tensor& input, const Tensor& target) {
  NLLLossOptions o = options;
  o.weight = weight;
  return F::nll_loss(input, target, o);
}

CrossEntropyLoss::CrossEntropyLoss(CrossEntropyLossOptions o)
    : options(std::move(o)), weight(std::move(options.weight)) {
  register_buffer("weight", &CrossEntropyLoss::weight);
}
Tensor CrossEntropyLoss::forward(const Tensor& input, const Tensor& target) {
  CrossEntropyLossOptions o = options;
  o.weight = weight;
  return F::cross_entropy(input, target, o);
}

}  // namespace nabla::nn
