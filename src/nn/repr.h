#pragma once
// Python's spelling of option values, so modules print exactly as PyTorch's do
// ("LeakyReLU(negative_slope=0.01)", "LayerNorm((10,), eps=1e-05, elementwise_affine=True)").
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "nabla/nn/expanding_array.h"

namespace nabla::nn::internal {

// repr() of a Python float: shortest round-trip digits, exponent form outside [1e-4, 1e16).
std::string py_float(double v);
// A value PyTorch declares as int by default (Softplus's beta): integral values print as ints.
std::string py_number(double v);
inline std::string py_bool(bool v) { return v ? "True" : "False"; }
// A Python tuple of ints: "(10,)", "(2, 5)".
std::string py_tuple(const std::vector<int64_t>& v);
// A Python tuple of items already spelled: "(a,)", "(a, b)".
std::string py_tuple(const std::vector<std::string>& items);
// Window sizes or scale factors as they were given ("2", "2.0"), or always as a tuple ("(2, 2)").
template <int D, class T>
std::string py_sizes(const ExpandingArray<D, T>& a, bool as_tuple = false) {
  std::vector<std::string> items;
  for (T v : a.values()) items.push_back(std::is_floating_point_v<T> ? py_float(v) : std::to_string(v));
  return a.is_scalar() && !as_tuple ? items[0] : py_tuple(items);
}

}  // namespace nabla::nn::internal
