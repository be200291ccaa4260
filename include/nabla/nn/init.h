#pragma once
// torch.nn.init: in-place initialisers for parameters (no autograd record; they return
// the tensor they filled). Draws come from the global generator (nabla::manual_seed).
#include <optional>
#include <string_view>
#include <utility>

#include "nabla/tensor/tensor.h"

namespace nabla::nn::init {

// The recommended gain for a nonlinearity: "linear", "conv1d".."conv_transpose3d" and
// "sigmoid" 1, "tanh" 5/3, "relu" √2, "leaky_relu" √(2 / (1 + slope²)) with the slope
// `param` (0.01 when absent), "selu" 3/4.
double calculate_gain(std::string_view nonlinearity, std::optional<double> param = std::nullopt);
// (fan_in, fan_out) = (size(1), size(0)) times the receptive field (product of dims 2..).
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t);

Tensor uniform_(const Tensor& t, double a = 0, double b = 1);
Tensor normal_(const Tensor& t, double mean = 0, double std = 1);
Tensor constant_(const Tensor& t, double value);
Tensor zeros_(const Tensor& t);
Tensor ones_(const Tensor& t);
// The identity matrix (2-D tensors only), as used for recurrent weights.
Tensor eye_(const Tensor& t);

// Glorot: U(-a, a) with a = gain √(6 / (fan_in + fan_out)), or N(0, gain² 2 / (fan_in + fan_out)).
Tensor xavier_uniform_(const Tensor& t, double gain = 1);
Tensor xavier_normal_(const Tensor& t, double gain = 1);
// He: std = calculate_gain(nonlinearity, a) / √fan, fan chosen by mode ("fan_in" or "fan_out");
// the uniform form draws from U(-√3 std, √3 std).
Tensor kaiming_uniform_(const Tensor& t, double a = 0, std::string_view mode = "fan_in",
                        std::string_view nonlinearity = "leaky_relu");
Tensor kaiming_normal_(const Tensor& t, double a = 0, std::string_view mode = "fan_in",
                       std::string_view nonlinearity = "leaky_relu");
// A (semi-)orthogonal matrix times gain, over the tensor flattened to [size(0), rest]: the
// Q of a QR decomposition of a standard normal matrix, with columns signed so that R has a
// positive diagonal (making Q uniformly distributed), as PyTorch does.
Tensor orthogonal_(const Tensor& t, double gain = 1);

}  // namespace nabla::nn::init
