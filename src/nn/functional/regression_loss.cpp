// Regression losses: mse_loss (one fused pass forward and one backward, since it is the
// regression hot path), and l1, smooth_l1, huber and gaussian_nll composed of
// differentiable ops.
#include <cmath>
#include <numbers>
#include <vector>

#include "nabla/nn/functional/loss.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "nabla/tensor/shape_ops.h"
#include "src/autograd/op_node.h"
#include "src/nn/functional/loss_util.h"
#include "src/tensor/loops.h"

namespace nabla::nn::functional {
namespace {

using autograd::OpNode;
using autograd::TensorList;

// Σ (x - y)² over n contiguous elements. Blocks are summed in parallel and then in order,
// so the result does not depend on the number of threads.
template <class T>
T sum_squared_difference(const T* x, const T* y, int64_t n) {
  constexpr int64_t kBlock = 8192;
  auto block = [&](int64_t b, int64_t e) {
    T acc[16] = {};
    int64_t i = b;
    for (; i + 16 <= e; i += 16) {
      for (int k = 0; k < 16; ++k) {
        const T d = x[i + k] - y[i + k];
        acc[k] += d * d;
      }
    }
    T s = 0;
    for (; i < e; ++i) s += (x[i] - y[i]) * (x[i] - y[i]);
    for (T a : acc) s += a;
    return s;
  };
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  if (blocks <= 1) return block(0, n);
  std::vector<T> part(static_cast<size_t>(blocks));
  nabla::detail::parallel_for(blocks, nabla::detail::kParallelGrain / kBlock, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) part[k] = block(k * kBlock, std::min(n, (k + 1) * kBlock));
  });
  T s = 0;
  for (T p : part) s += p;
  return s;
}

// Saved: 0 input, 1 target (both contiguous); arg[0]: the reduction. The gradient of the
// input is 2 (x - y) g (divided by the element count for the mean); the target's is its
// negation.
TensorList mse_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0), y = n.saved(1);
  const auto reduction = static_cast<Reduction>(n.arg[0]);
  const double scale = reduction == Reduction::Mean ? 2.0 / static_cast<double>(x.numel()) : 2.0;
  Tensor gx;
  if (GradMode::is_enabled()) {
    gx = mul(mul(sub(x, y), g), scale);
  } else {
    gx = nabla::detail::empty(x.shape(), x.dtype());
    const Tensor gc = g.contiguous();
    dispatch_floating(x.dtype(), "mse_loss", [&](auto v) {
      using T = decltype(v);
      const T *px = x.data_ptr<T>(), *py = y.data_ptr<T>(), *pg = gc.data_ptr<T>();
      T* out = gx.data_ptr<T>();
      if (reduction == Reduction::None) {
        nabla::detail::parallel_for(x.numel(), nabla::detail::kParallelGrain, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) out[i] = T(2) * (px[i] - py[i]) * pg[i];
        });
      } else {
        const T s = static_cast<T>(scale) * pg[0];
        nabla::detail::parallel_for(x.numel(), nabla::detail::kParallelGrain, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) out[i] = s * (px[i] - py[i]);
        });
      }
    });
  }
  return {n.needs(0) ? gx : Tensor(), n.needs(1) ? neg(gx) : Tensor()};
}

// clamp_min whose gradient passes through unchanged: PyTorch clamps gaussian_nll_loss's
// var in place under no_grad, so the clamp is invisible to autograd.
TensorList pass_through_rule(OpNode&, const Tensor& g) { return {g}; }
Tensor clamp_min_pass_through(const Tensor& x, double min) {
  Tensor out;
  {
    NoGradGuard guard;
    out = clamp_min(x, min);
  }
  autograd::record("ClampMinBackward", pass_through_rule, {&x}, out);
  return out;
}

// The gaussian_nll_loss var of shape fitting the input's: PyTorch accepts the input's
// shape, the input's shape without its last dim (unsqueezed here), or that with a last
// dim of 1.
Tensor fit_variance(const Tensor& input, const Tensor& var) {
  if (var.shape() == input.shape()) return var;
  Shape batch = input.shape();
  if (!batch.empty()) batch.erase(batch.size() - 1);
  if (var.shape() == batch) return unsqueeze(var, -1);
  Shape var_batch = var.shape();
  if (!var_batch.empty()) var_batch.erase(var_batch.size() - 1);
  NABLA_CHECK(var.dim() > 0 && var_batch == batch && var.size(-1) == 1, "gaussian_nll_loss", "var of shape ",
              var.shape(), " does not fit the input of shape ", input.shape(),
              " (expected the input's shape, or it without its last dim, or with a last dim of 1)");
  return var;
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossOptions& options) {
  auto [x, y] = loss_detail::promote(input, target, "mse_loss");
  loss_detail::check_same_shape(x, y, "mse_loss");
  x = x.contiguous();
  y = y.contiguous();
  Tensor out = options.reduction == Reduction::None ? nabla::detail::empty(x.shape(), x.dtype())
                                                    : nabla::detail::empty({}, x.dtype());
  dispatch_floating(x.dtype(), "mse_loss", [&](auto v) {
    using T = decltype(v);
    if (options.reduction == Reduction::None) {
      nabla::detail::binary_loop<T, T, T>(out, x, y, [](T a, T b) { return (a - b) * (a - b); });
      return;
    }
    T s = sum_squared_difference(x.data_ptr<T>(), y.data_ptr<T>(), x.numel());
    if (options.reduction == Reduction::Mean) s /= static_cast<T>(x.numel());
    *out.data_ptr<T>() = s;
  });
  if (auto n = autograd::record("MseLossBackward", mse_rule, {&x, &y}, out)) {
    n->save(0, x);
    n->save(1, y);
    n->arg[0] = static_cast<int64_t>(options.reduction);
  }
  return out;
}

Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossOptions& options) {
  const auto [x, y] = loss_detail::promote(input, target, "l1_loss");
  loss_detail::check_same_shape(x, y, "l1_loss");
  return loss_detail::reduce(abs(sub(x, y)), options.reduction);
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossOptions& options) {
  const auto [x, y] = loss_detail::promote(input, target, "smooth_l1_loss");
  loss_detail::check_same_shape(x, y, "smooth_l1_loss");
  const double beta = options.beta;
  NABLA_CHECK(beta >= 0, "smooth_l1_loss", "beta must be non-negative, got ", beta);
  if (beta == 0) return l1_loss(x, y, {.reduction = options.reduction});
  const Tensor z = abs(sub(x, y));
  const Tensor loss = where(lt(z, beta), div(mul(mul(z, 0.5), z), beta), sub(z, 0.5 * beta));
  return loss_detail::reduce(loss, options.reduction);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossOptions& options) {
  const auto [x, y] = loss_detail::promote(input, target, "huber_loss");
  loss_detail::check_same_shape(x, y, "huber_loss");
  const double delta = options.delta;
  NABLA_CHECK(delta > 0, "huber_loss", "delta must be positive, got ", delta);
  const Tensor z = abs(sub(x, y));
  const Tensor loss = where(lt(z, delta), mul(mul(z, 0.5), z), mul(sub(z, 0.5 * delta), delta));
  return loss_detail::reduce(loss, options.reduction);
}

Tensor gaussian_nll_loss(const Tensor& input, const Tensor& target, const Tensor& var,
                         const GaussianNLLLossOptions& options) {
  const auto [x, y] = loss_detail::promote(input, target, "gaussian_nll_loss");
  loss_detail::check_same_shape(x, y, "gaussian_nll_loss");
  NABLA_CHECK(var.defined() && var.is_floating_point(), "gaussian_nll_loss",
              "var must be a floating-point tensor");
  NABLA_CHECK(options.eps >= 0, "gaussian_nll_loss", "eps must be non-negative, got ", options.eps);
  const Tensor v = fit_variance(x, var.to(x.dtype()));
  {
    NoGradGuard guard;
    NABLA_CHECK(!lt(v, 0.0).to(kInt64).sum().item<int64_t>(), "gaussian_nll_loss",
                "var has negative entries");
  }
  const Tensor vc = clamp_min_pass_through(v, options.eps);
  Tensor loss = mul(add(log(vc), div(square(sub(x, y)), vc)), 0.5);
  if (options.full) loss = add(loss, 0.5 * std::log(2 * std::numbers::pi));
  return loss_detail::reduce(loss, options.reduction);
}

}  // namespace nabla::nn::functional
