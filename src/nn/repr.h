#pragma once
// Python's spelling of option values, so modules print exactly as PyTorch's do
// ("LeakyReLU(negative_slope=0.01)", "LayerNorm((10,), eps=1e-05, elementwise_affine=True)").
#include <cstdint>
#include <string>
#include <vector>

namespace nabla::nn::internal {

// repr() of a Python float: shortest round-trip digits, exponent form outside [1e-4, 1e16).
std::string py_float(double v);
// A value PyTorch declares as int by default (Softplus's beta): integral values print as ints.
std::string py_number(double v);
inline std::string py_bool(bool v) { return v ? "True" : "False"; }
// A Python tuple of ints: "(10,)", "(2, 5)".
std::string py_tuple(const std::vector<int64_t>& v);

}  // namespace nabla::nn::internal
