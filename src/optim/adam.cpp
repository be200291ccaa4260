#include "nabla/optim/adam.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "src/optim/fused.h"

namespace nabla::optim {
namespace {

// The denominator's reciprocal, 1 / (sqrt(v̂) / sqrt(bc2) + eps). For float32 it is the
// hardware's approximate reciprocal refined by one Newton step (within 2 ulp), computed for
// 8 elements at a time with a padded tail so every element takes the same path: the two
// divisions of the plain formula are what bound this loop (2 cycles an element, a third
// of the seed network's Adam step). float64 keeps the exact formula.
template <class T>
struct InverseDenominator {
  T inv_bias_correction2_sqrt, eps;
  void operator()(const T* vhat, T* out, int64_t n) const {
    for (int64_t i = 0; i < n; ++i) out[i] = T(1) / (std::sqrt(vhat[i]) * inv_bias_correction2_sqrt + eps);
  }
};

template <>
struct InverseDenominator<float> {
  float inv_bias_correction2_sqrt, eps;
  static __m256 block(__m256 vhat, __m256 scale, __m256 eps) {
    const __m256 d = _mm256_fmadd_ps(_mm256_sqrt_ps(vhat), scale, eps);
    const __m256 r = _mm256_rcp_ps(d);
    return _mm256_mul_ps(r, _mm256_fnmadd_ps(d, r, _mm256_set1_ps(2.f)));  // r (2 - d r)
  }
  void operator()(const float* vhat, float* out, int64_t n) const {
    const __m256 scale = _mm256_set1_ps(inv_bias_correction2_sqrt), e = _mm256_set1_ps(eps);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, block(_mm256_loadu_ps(vhat + i), scale, e));
    if (i < n) {
      alignas(32) float tail[8] = {};
      std::copy(vhat + i, vhat + n, tail);
      _mm256_store_ps(tail, block(_mm256_load_ps(tail), scale, e));
      std::copy(tail, tail + (n - i), out + i);
    }
  }
};

template <class T>
struct Scalars {
  T sign, weight_decay, shrink, beta1, beta2, one_minus_beta1, one_minus_beta2, neg_step_size;
  InverseDenominator<T> inverse_denominator;
};

// Elements per block: the moments pass writes v̂ for a block into a stack buffer, the
// reciprocal pass turns it into 1/denominator in place, and the final pass updates w.
inline constexpr int64_t kAdamBlock = 256;

// The update of n elements (see fused.h for the form).
template <class T, bool kDecay, bool kDecoupled, bool kAmsgrad>
void adam_block(T* __restrict w, const T* __restrict g, T* __restrict m, T* __restrict v, T* __restrict vmax,
                T* __restrict scratch, int64_t n, const Scalars<T>& s) {
  for (int64_t i = 0; i < n; ++i) {
    T gi = s.sign * g[i];
    if constexpr (kDecay) gi = gi + s.weight_decay * w[i];
    const T mi = m[i] * s.beta1 + s.one_minus_beta1 * gi;
    const T vi = v[i] * s.beta2 + s.one_minus_beta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    T vhat = vi;
    if constexpr (kAmsgrad) {
      vhat = vi > vmax[i] || vi != vi ? vi : vmax[i];  // torch.maximum: NaN wins
      vmax[i] = vhat;
    }
    scratch[i] = vhat;
  }
  s.inverse_denominator(scratch, scratch, n);
  for (int64_t i = 0; i < n; ++i) {
    T wi = w[i];
    if constexpr (kDecoupled) wi = wi * s.shrink;
    w[i] = wi + s.neg_step_size * m[i] * scratch[i];
  }
}

template <class T, bool kDecay, bool kDecoupled, bool kAmsgrad>
void adam_kernel(T* w, const T* g, T* m, T* v, T* vmax, int64_t n, const Scalars<T>& s) {
  alignas(64) T scratch[kAdamBlock];
  for (int64_t b = 0; b < n; b += kAdamBlock)
    adam_block<T, kDecay, kDecoupled, kAmsgrad>(w + b, g + b, m + b, v + b, vmax ? vmax + b : nullptr, scratch,
                                                std::min(kAdamBlock, n - b), s);
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
                       .neg_step_size = static_cast<T>(-(o.lr / bias_correction1)),
                       .inverse_denominator = {.inv_bias_correction2_sqrt = static_cast<T>(1 / std::sqrt(bias_correction2)),
                                               .eps = static_cast<T>(o.eps)}};
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
