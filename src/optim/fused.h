#pragma once
// Shared machinery of the fused optimizer updates. Each update is one pass over a
// parameter's elements that reads the gradient, the parameter and the state and writes
// the parameter and the state; the options become template flags, so every combination
// is its own branch-free, vectorisable loop. Large tensors are split across threads.
// Each optimizer's loop is a free function taking restrict pointers and its scalars by
// value: GCC does not vectorise the same loop written inside a capturing lambda.
#include <array>
#include <type_traits>

#include "nabla/optim/optimizer.h"
#include "nabla/tensor/factory.h"
#include "src/tensor/inplace.h"
#include "src/tensor/loops.h"

namespace nabla::optim::detail {

// Calls f.template operator()<flags...>() with the runtime flags as compile-time bools.
template <bool... Fs, class F>
void with_flags(F&& f) {
  f.template operator()<Fs...>();
}
template <bool... Fs, class F, class... Rest>
void with_flags(F&& f, bool flag, Rest... rest) {
  if (flag)
    with_flags<Fs..., true>(f, rest...);
  else
    with_flags<Fs..., false>(f, rest...);
}

// The state buffer `name` of `param`. It must still match the parameter: a model
// converted with to() after some steps no longer does.
inline const Tensor& state_buffer(const char* op, const ParamState& state, const char* name,
                                  const Tensor& param) {
  const Tensor* t = state.find(name);
  NABLA_CHECK(t != nullptr, op, "a parameter's state has no '", name,
              "' (was the state loaded from another configuration?)");
  NABLA_CHECK(t->dtype() == param.dtype() && t->shape() == param.shape() && t->is_contiguous(), op, "state '",
              name, "' (", t->dtype(), ", shape ", t->shape(), ") does not match its parameter (",
              param.dtype(), ", shape ", param.shape(), ")");
  return *t;
}

// Increments the state's "step" (a 0-d float64 tensor, created at 0 if absent) and
// returns the new count.
inline double increment_step(const char* op, ParamState& state) {
  if (!state.contains("step")) state.set("step", scalar_tensor(0, {.dtype = kFloat64}));
  const Tensor& t = state.at("step");
  NABLA_CHECK(t.dtype() == kFloat64 && t.numel() == 1, op, "state 'step' must be one float64 value, got ",
              t.dtype(), " of shape ", t.shape());
  double& step = *t.data_ptr<double>();
  step += 1;
  t.storage()->bump_version();
  return step;
}

// Elements of one parameter below which its update runs on one thread. An update costs
// about a nanosecond per element (SGD far less), so for smaller tensors a fork/join, or
// on a busy machine the wait for a descheduled thread, costs more than it saves.
inline constexpr int64_t kUpdateGrain = int64_t{1} << 17;

// Runs kernel(param, grad, state, n) over contiguous runs of one parameter, where state
// holds a pointer into each of `buffers` (nullptr for an undefined one) and all pointers
// are offset to the run's start. A non-contiguous gradient is read from a copy; a
// non-contiguous parameter is updated in a copy that is written back.
template <class T, size_t N, class Kernel>
void fused_update(const Tensor& param, const Tensor& grad, const std::array<Tensor, N>& buffers,
                  Kernel&& kernel) {
  const Tensor p = param.is_contiguous() ? param : param.contiguous();
  const Tensor g = grad.is_contiguous() ? grad : grad.contiguous();
  T* const pp = p.data_ptr<T>();
  const T* const gp = g.data_ptr<T>();
  std::array<T*, N> sp;
  for (size_t k = 0; k < N; ++k) sp[k] = buffers[k].defined() ? buffers[k].template data_ptr<T>() : nullptr;
  nabla::detail::parallel_for(param.numel(), kUpdateGrain, [&](int64_t b, int64_t e) {
    std::array<T*, N> s;
    for (size_t k = 0; k < N; ++k) s[k] = sp[k] ? sp[k] + b : nullptr;
    kernel(pp + b, gp + b, s, e - b);
  });
  if (!p.is_same(param)) nabla::detail::copy_into(param, p);
  param.storage()->bump_version();
}

}  // namespace nabla::optim::detail
