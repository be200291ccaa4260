#pragma once
// Loss functions with PyTorch 1.13's formulas, names and options (torch.nn.functional):
//
//   namespace F = nabla::nn::functional;
//   Tensor l = F::cross_entropy(logits, labels, {.label_smoothing = 0.1});
//   Tensor m = F::mse_loss(pred, y, {.reduction = nn::Reduction::Sum});
//
// The option structs are shared with the loss modules of nabla/nn/loss.h. Input and
// target must have the same shape where PyTorch expects it (PyTorch merely warns and
// broadcasts for the regression losses, which is almost always a bug); floating
// operands are promoted to a common dtype, and weight tensors are converted to it.
// Weights are constants: like PyTorch, no gradient flows into them.
#include <cstdint>

#include "nabla/tensor/tensor.h"

namespace nabla::nn {

// How a loss combines its per-element values: reduction='none' | 'mean' | 'sum'.
enum class Reduction { None, Mean, Sum };

struct MSELossOptions {
  Reduction reduction = Reduction::Mean;
};

struct L1LossOptions {
  Reduction reduction = Reduction::Mean;
};

// 0.5 d² / beta where |d| < beta, else |d| - 0.5 beta; beta = 0 is the L1 loss.
struct SmoothL1LossOptions {
  Reduction reduction = Reduction::Mean;
  double beta = 1.0;
};

// 0.5 d² where |d| < delta, else delta (|d| - 0.5 delta); delta must be positive.
struct HuberLossOptions {
  Reduction reduction = Reduction::Mean;
  double delta = 1.0;
};

// 0.5 (log var + (input - target)² / var) [+ 0.5 log 2π when full], with var clamped
// to at least eps. The clamp does not block the gradient (PyTorch clamps under no_grad).
struct GaussianNLLLossOptions {
  bool full = false;
  double eps = 1e-6;
  Reduction reduction = Reduction::Mean;
};

// -weight (target log(input) + (1 - target) log(1 - input)), each log clamped to >= -100.
// weight broadcasts to the input's shape.
struct BCELossOptions {
  Tensor weight{};
  Reduction reduction = Reduction::Mean;
};

// Binary cross-entropy of sigmoid(input), computed from the logits in a stable form.
// pos_weight scales the positive term and broadcasts along the last dims (one per class).
struct BCEWithLogitsLossOptions {
  Tensor weight{};
  Reduction reduction = Reduction::Mean;
  Tensor pos_weight{};
};

// input holds log-probabilities [N, C] or [N, C, d1, ...] (or [C]); target the int64
// class of each sample [N] or [N, d1, ...] (or 0-d). Samples whose target equals
// ignore_index contribute nothing; the mean divides by the summed weight of the
// targets that count (their number when there is no weight).
struct NLLLossOptions {
  Tensor weight{};  // [C]
  int64_t ignore_index = -100;
  Reduction reduction = Reduction::Mean;
};

// log_softmax over the class dim (1, or 0 for an unbatched [C] input) followed by the
// NLL loss. The target is either int64 class indices (as for nll_loss) or class
// probabilities of the input's shape; label_smoothing mixes the target with the
// uniform distribution. With probabilities the mean divides by the batch size.
struct CrossEntropyLossOptions {
  Tensor weight{};  // [C]
  int64_t ignore_index = -100;
  Reduction reduction = Reduction::Mean;
  double label_smoothing = 0.0;
};

// kl_div's reductions: Mean divides by the number of elements (PyTorch's default, which
// it warns about); BatchMean by the batch size (input.size(0)), which is the true KL.
enum class KLDivReduction { None, Mean, Sum, BatchMean };

// target (log target when log_target) · (log target - input), with input holding
// log-probabilities; a zero target contributes 0.
struct KLDivLossOptions {
  KLDivReduction reduction = KLDivReduction::Mean;
  bool log_target = false;
};

namespace functional {

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossOptions& options = {});
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossOptions& options = {});
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossOptions& options = {});
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossOptions& options = {});
// var has the input's shape (heteroscedastic), or one fewer dim, or a last dim of 1
// (one variance per sample, shared by its last dim).
Tensor gaussian_nll_loss(const Tensor& input, const Tensor& target, const Tensor& var,
                         const GaussianNLLLossOptions& options = {});

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BCELossOptions& options = {});
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BCEWithLogitsLossOptions& options = {});

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossOptions& options = {});
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyLossOptions& options = {});

Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivLossOptions& options = {});

// Closed-form KL divergences of diagonal Gaussians given by means and log-variances,
// summed over the last dim (the latent dim): the result has the batch shape
// mu.shape()[:-1], to be averaged (or summed) over the batch by the caller. This is the
// VAE regulariser, equal to torch.distributions.kl_divergence(...).sum(-1).
//   KL(N(mu, exp(logvar)) || N(0, I)) = 0.5 Σ (exp(logvar) + mu² - 1 - logvar)
Tensor kl_normal_standard(const Tensor& mu, const Tensor& logvar);
//   KL(N(mu1, exp(logvar1)) || N(mu2, exp(logvar2)))
//     = 0.5 Σ (logvar2 - logvar1 + (exp(logvar1) + (mu1 - mu2)²) / exp(logvar2) - 1)
Tensor kl_normal_normal(const Tensor& mu1, const Tensor& logvar1, const Tensor& mu2, const Tensor& logvar2);

}  // namespace functional
}  // namespace nabla::nn
