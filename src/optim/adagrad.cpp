#include "nabla/optim/adagrad.h"

#include <cmath>

#include "src/optim/fused.h"

namespace nabla::optim {

void AdagradOptions::check(const char* op) const {
  NABLA_CHECK(lr >= 0, op, "invalid learning rate: ", lr);
  NABLA_CHECK(lr_decay >= 0, op, "invalid lr_decay value: ", lr_decay);
  NABLA_CHECK(weight_decay >= 0, op, "invalid weight_decay value: ", weight_decay);
  NABLA_CHECK(initial_accumulator_value >= 0, op,
              "invalid initial_accumulator_value value: ", initial_accumulator_value);
  NABLA_CHECK(eps >= 0, op, "invalid epsilon value: ", eps);
}

namespace {

template <class T>
struct Scalars {
  T sign, weight_decay, eps, neg_clr;
};

// The update of n elements (see fused.h for the form).
template <class T, bool kDecay>
void adagrad_kernel(T* __restrict w, const T* __restrict g, T* __restrict sum, int64_t n,
                    const Scalars<T> s) {
  for (int64_t i = 0; i < n; ++i) {
    T gi = s.sign * g[i];
    if constexpr (kDecay) gi = gi + s.weight_decay * w[i];
    const T si = sum[i] + gi * gi;
    sum[i] = si;
    w[i] = w[i] + s.neg_clr * gi / (std::sqrt(si) + s.eps);
  }
}

}  // namespace

void Adagrad::step() {
  for_each_update([&](const ParamGroup& group, const Tensor& p, ParamState& state) {
    const AdagradOptions o = options_of(group);
    if (!state.contains("sum")) {
      state.set("step", scalar_tensor(0, {.dtype = kFloat64}));
      state.set("sum", full_like(p, o.initial_accumulator_value));
    }
    const double step = detail::increment_step("Adagrad", state);
    const Tensor sum = detail::state_buffer("Adagrad", state, "sum", p);
    const double clr = o.lr / (1 + (step - 1) * o.lr_decay);
    dispatch_floating(p.dtype(), "Adagrad", [&](auto tag) {
      using T = decltype(tag);
      const Scalars<T> s{.sign = static_cast<T>(o.maximize ? -1 : 1),
                         .weight_decay = static_cast<T>(o.weight_decay),
                         .eps = static_cast<T>(o.eps),
                         .neg_clr = static_cast<T>(-clr)};
      detail::with_flags(
          [&]<bool kDecay>() {
            detail::fused_update<T, 1>(p, p.grad(), {sum},
                                       [&](T* w, const T* g, std::array<T*, 1> b, int64_t n) {
                                         adagrad_kernel<T, kDecay>(w, g, b[0], n, s);
                                       });
          },
          o.weight_decay != 0);
    });
  });
}

}  // namespace nabla::optim
