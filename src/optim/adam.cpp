#include "nabla/optim/adam.h"

#include <cmath>

#include "src/optim/fused.h"

namespace nabla::optim {
namespace {

template <class T>
struct Scalars {
  T sign, weight_decay, shrink, beta1, beta2, one_minus_beta1, one_minus_beta2, bias_correction2_sqrt, eps,
      neg_step_size;
};

// The update of n elements (see fused.h for the form).
template <class T, bool kDecay, bool kDecoupled, bool kAmsgrad>
void adam_kernel(T* __restrict w, const T* __restrict g, T* __restrict m, T* __restrict v, T* __restrict vmax,
                 int64_t n, const Scalars<T> s) {
  for (int64_t i = 0; i < n; ++i) {
    T gi = s.sign * g[i];
    T wi = w[i];
    if constexpr (kDecoupled) wi = wi * s.shrink;
    if constexpr (kDecay) gi = gi + s.weight_decay * wi;
    const T mi = m[i] * s.beta1 + s.one_minus_beta1 * gi;
    const T vi = v[i] * s.beta2 + s.one_minus_beta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    T vhat = vi;
    if constexpr (kAmsgrad) {
      vhat = vi > vmax[i] || vi != vi ? vi : vmax[i];  // torch.maximum: NaN wins
      vmax[i] = vhat;
    }
    const T denom = std::sqrt(vhat) / s.bias_correction2_sqrt + s.eps;
    w[i] = wi + s.neg_step_size * mi / denom;
  }
}

// One Adam (decoupled = false) or AdamW (decoupled = true) step of one parameter.
template <class Options>
void adam_update(const char* op, const Tensor& p, ParamState& state, const Options& o, bool decoupled) {
  if (!state.contains("exp_avg")) {
    state.set("step", scalar_tensor(0, {.dtype = kFloat64}));
    state.set("exp_avg", zeros_like(p));
    state.set("exp_avg_sq", zeros_like(p));
    if (o.amsgrad) state.set("max_exp_avg_sq", zeros_like(p));
  }
  const double step = detail::increment_step(op, state);
  const Tensor m = detail::state_buffer(op, state, "exp_avg", p);
  const Tensor v = detail::state_buffer(op, state, "exp_avg_sq", p);
  const Tensor vmax = o.amsgrad ? detail::state_buffer(op, state, "max_exp_avg_sq", p) : Tensor();
  const auto [beta1, beta2] = o.betas;
  const double bias_correction1 = 1 - std::pow(beta1, step);
  const double bias_correction2 = 1 - std::pow(beta2, step);
  dispatch_floating(p.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    const Scalars<T> s{.sign = static_cast<T>(o.maximize ? -1 : 1),
                       .weight_decay = static_cast<T>(o.weight_decay),
                       .shrink = static_cast<T>(1 - o.lr * o.weight_decay),
                       .beta1 = static_cast<T>(beta1),
                       .beta2 = static_cast<T>(beta2),
                       .one_minus_beta1 = static_cast<T>(1 - beta1),
                       .one_minus_beta2 = static_cast<T>(1 - beta2),
                       .bias_correction2_sqrt = static_cast<T>(std::sqrt(bias_correction2)),
                       .eps = static_cast<T>(o.eps),
                       .neg_step_size = static_cast<T>(-(o.lr / bias_correction1))};
    detail::with_flags(
        [&]<bool kDecay, bool kDecoupled, bool kAmsgrad>() {
          detail::fused_update<T, 3>(
              p, p.grad(), {m, v, vmax}, [&](T* w, const T* g, std::array<T*, 3> b, int64_t n) {
                adam_kernel<T, kDecay, kDecoupled, kAmsgrad>(w, g, b[0], b[1], b[2], n, s);
              });
        },
        !decoupled && o.weight_decay != 0, decoupled, o.amsgrad);
  });
}

}  // namespace

void Adam::step() {
  for_each_update([&](const ParamGroup& group, const Tensor& p, ParamState& state) {
    adam_update("Adam", p, state, options_of(group), false);
  });
}

void AdamW::step() {
  for_each_update([&](const ParamGroup& group, const Tensor& p, ParamState& state) {
    adam_update("AdamW", p, state, options_of(group), true);
  });
}

}  // namespace nabla::optim
