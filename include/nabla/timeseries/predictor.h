#pragma once
// Predictor: a model as the prediction functions of nabla::timeseries call it, one tensor in
// and one out. Either a module, held by reference (so it must outlive the Predictor), or any
// function, for a baseline or a model that reshapes its input first:
//
//   timeseries::forecast(mlp, windows, {.steps = 10});                         // a module
//   timeseries::forecast([](const Tensor& w) { return w.select(1, -1); }, ...); // persistence
#include <concepts>
#include <functional>
#include <type_traits>

#include "nabla/nn/unary_module.h"

namespace nabla::timeseries {

// A function of one tensor that a Predictor copies; a module is held by reference instead.
template <class F>
concept TensorFunction = std::invocable<const F&, const Tensor&> && std::copy_constructible<F> &&
    !std::derived_from<std::remove_cvref_t<F>, nn::Module>;

class Predictor {
 public:
  // Implicit, so a module or a lambda is passed where a Predictor is expected.
  Predictor(nn::UnaryModule& module) : function_([&module](const Tensor& x) { return module(x); }) {}
  template <TensorFunction F>
  Predictor(F function) : function_(std::move(function)) {}

  Tensor operator()(const Tensor& x) const { return function_(x); }

 private:
  std::function<Tensor(const Tensor&)> function_;
};

}  // namespace nabla::timeseries
