#include "nabla/optim/sgd.h"

#include "src/optim/fused.h"

namespace nabla::optim {

void SGDOptions::check(const char* op) const {
  NABLA_CHECK(!std::isnan(lr), op,
              "parameter group didn't specify a value of required optimization parameter lr");
  NABLA_CHECK(lr >= 0, op, "invalid learning rate: ", lr);
  NABLA_CHECK(momentum >= 0, op, "invalid momentum value: ", momentum);
  NABLA_CHECK(weight_decay >= 0, op, "invalid weight_decay value: ", weight_decay);
  NABLA_CHECK(!nesterov || (momentum > 0 && dampening == 0), op,
              "Nesterov momentum requires a momentum and zero dampening (momentum ", momentum, ", dampening ",
              dampening, ")");
}

namespace {

template <class T>
struct Scalars {
  T sign, weight_decay, momentum, one_minus_dampening, neg_lr;
};

// The update of n elements (see fused.h for the form).
template <class T, bool kDecay, bool kMomentum, bool kNesterov, bool kFirst>
void sgd_kernel(T* __restrict w, const T* __restrict g, T* __restrict buf, int64_t n, const Scalars<T> s) {
  for (int64_t i = 0; i < n; ++i) {
    T d = s.sign * g[i];
    if constexpr (kDecay) d = d + s.weight_decay * w[i];
    if constexpr (kMomentum) {
      const T b = kFirst ? d : buf[i] * s.momentum + s.one_minus_dampening * d;
      buf[i] = b;
      d = kNesterov ? d + s.momentum * b : b;
    }
    w[i] = w[i] + s.neg_lr * d;
  }
}

}  // namespace

void SGD::step() {
  for_each_update([&](const ParamGroup& group, const Tensor& p, ParamState& state) {
    const SGDOptions o = options_of(group);
    // PyTorch's buffer starts as a copy of the first direction, without dampening.
    const bool first = o.momentum != 0 && !state.contains("momentum_buffer");
    if (first) state.set("momentum_buffer", empty_like(p));
    const Tensor buf = o.momentum != 0 ? detail::state_buffer("SGD", state, "momentum_buffer", p) : Tensor();
    dispatch_floating(p.dtype(), "SGD", [&](auto tag) {
      using T = decltype(tag);
      const Scalars<T> s{.sign = static_cast<T>(o.maximize ? -1 : 1),
                         .weight_decay = static_cast<T>(o.weight_decay),
                         .momentum = static_cast<T>(o.momentum),
                         .one_minus_dampening = static_cast<T>(1 - o.dampening),
                         .neg_lr = static_cast<T>(-o.lr)};
      detail::with_flags(
          [&]<bool kDecay, bool kMomentum, bool kNesterov, bool kFirst>() {
            detail::fused_update<T, 1>(
                p, p.grad(), {buf}, [&](T* w, const T* g, std::array<T*, 1> b, int64_t n) {
                  sgd_kernel<T, kDecay, kMomentum, kNesterov, kFirst>(w, g, b[0], n, s);
                });
          },
          o.weight_decay != 0, o.momentum != 0, o.nesterov, first);
    });
  });
}

}  // namespace nabla::optim
