#include "nabla/optim/rmsprop.h"

#include <cmath>

#include "src/optim/fused.h"

namespace nabla::optim {

void RMSpropOptions::check(const char* op) const {
  NABLA_CHECK(lr >= 0, op, "invalid learning rate: ", lr);
  NABLA_CHECK(eps >= 0, op, "invalid epsilon value: ", eps);
  NABLA_CHECK(momentum >= 0, op, "invalid momentum value: ", momentum);
  NABLA_CHECK(weight_decay >= 0, op, "invalid weight_decay value: ", weight_decay);
  NABLA_CHECK(alpha >= 0, op, "invalid alpha value: ", alpha);
}

namespace {

template <class T>
struct Scalars {
  T sign, weight_decay, alpha, one_minus_alpha, eps, momentum, neg_lr;
};

// The update of n elements (see fused.h for the form).
template <class T, bool kDecay, bool kCentered, bool kMomentum>
void rmsprop_kernel(T* __restrict w, const T* __restrict g, T* __restrict square_avg, T* __restrict grad_avg,
                    T* __restrict buf, int64_t n, const Scalars<T> s) {
  for (int64_t i = 0; i < n; ++i) {
    T gi = s.sign * g[i];
    if constexpr (kDecay) gi = gi + s.weight_decay * w[i];
    const T sq = square_avg[i] * s.alpha + s.one_minus_alpha * gi * gi;
    square_avg[i] = sq;
    T avg;
    if constexpr (kCentered) {
      const T ga = grad_avg[i] * s.alpha + s.one_minus_alpha * gi;
      grad_avg[i] = ga;
      avg = std::sqrt(sq + T(-1) * ga * ga);
    } else {
      avg = std::sqrt(sq);
    }
    avg = avg + s.eps;
    if constexpr (kMomentum) {
      const T b = buf[i] * s.momentum + gi / avg;
      buf[i] = b;
      w[i] = w[i] + s.neg_lr * b;
    } else {
      w[i] = w[i] + s.neg_lr * gi / avg;
    }
  }
}

}  // namespace

void RMSprop::step() {
  for_each_update([&](const ParamGroup& group, const Tensor& p, ParamState& state) {
    const RMSpropOptions o = options_of(group);
    if (!state.contains("square_avg")) {
      state.set("step", scalar_tensor(0, {.dtype = kFloat64}));
      state.set("square_avg", zeros_like(p));
      if (o.momentum > 0) state.set("momentum_buffer", zeros_like(p));
      if (o.centered) state.set("grad_avg", zeros_like(p));
    }
    detail::increment_step("RMSprop", state);
    const Tensor sq = detail::state_buffer("RMSprop", state, "square_avg", p);
    const Tensor ga = o.centered ? detail::state_buffer("RMSprop", state, "grad_avg", p) : Tensor();
    const Tensor buf =
        o.momentum > 0 ? detail::state_buffer("RMSprop", state, "momentum_buffer", p) : Tensor();
    dispatch_floating(p.dtype(), "RMSprop", [&](auto tag) {
      using T = decltype(tag);
      const Scalars<T> s{.sign = static_cast<T>(o.maximize ? -1 : 1),
                         .weight_decay = static_cast<T>(o.weight_decay),
                         .alpha = static_cast<T>(o.alpha),
                         .one_minus_alpha = static_cast<T>(1 - o.alpha),
                         .eps = static_cast<T>(o.eps),
                         .momentum = static_cast<T>(o.momentum),
                         .neg_lr = static_cast<T>(-o.lr)};
      detail::with_flags(
          [&]<bool kDecay, bool kCentered, bool kMomentum>() {
            detail::fused_update<T, 3>(
                p, p.grad(), {sq, ga, buf}, [&](T* w, const T* g, std::array<T*, 3> b, int64_t n) {
                  rmsprop_kernel<T, kDecay, kCentered, kMomentum>(w, g, b[0], b[1], b[2], n, s);
                });
          },
          o.weight_decay != 0, o.centered, o.momentum > 0);
    });
  });
}

}  // namespace nabla::optim
