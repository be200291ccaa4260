#include "nabla/nn/conv.h"

#include <cmath>
#include <utility>
#include <vector>

#include "nabla/nn/init.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/random.h"
#include "src/nn/repr.h"

namespace nabla::nn {
namespace {

template <int D>
void check_options(const char* layer, int64_t in, int64_t out, const ExpandingArray<D>& kernel,
                   int64_t groups, const std::string& padding_mode) {
  NABLA_CHECK(in > 0 && out > 0, layer, "in_channels and out_channels must be positive, got ", in, " and ",
              out);
  NABLA_CHECK(groups > 0, layer, "groups must be positive, got ", groups);
  NABLA_CHECK(in % groups == 0 && out % groups == 0, layer, "in_channels (", in, ") and out_channels (", out,
              ") must be divisible by groups (", groups, ")");
  for (int64_t k : kernel.values())
    NABLA_CHECK(k > 0, layer, "kernel_size must be positive, got ", internal::py_sizes(kernel));
  NABLA_CHECK(padding_mode == "zeros", layer, "padding_mode '", padding_mode,
              "' is not supported (only 'zeros')");
}

// _ConvNd.reset_parameters: kaiming_uniform_(a = √5) for the weight, U(±1/√fan_in) for the bias.
void init_parameters(Tensor& weight, Tensor& bias, const Shape& shape, int64_t out_channels, bool with_bias,
                     DType dtype) {
  weight = init::kaiming_uniform_(empty(shape, {.dtype = dtype}), std::sqrt(5.0));
  if (!with_bias) return;
  const int64_t fan_in = init::calculate_fan_in_and_fan_out(weight).first;
  const double bound = fan_in > 0 ? 1 / std::sqrt(static_cast<double>(fan_in)) : 0;
  bias = uniform_(empty({out_channels}, {.dtype = dtype}), -bound, bound);
}

template <int D>
Shape weight_shape(int64_t rows, int64_t cols, const ExpandingArray<D>& kernel) {
  Shape s{rows, cols};
  for (int64_t k : kernel.values()) s.push_back(k);
  return s;
}

template <int D>
bool all_equal(const ExpandingArray<D>& a, int64_t value) {
  for (int64_t v : a.values())
    if (v != value) return false;
  return true;
}

// _ConvNd.extra_repr: channels, kernel and stride always; then the other settings that differ
// from their defaults, given as (name, value) with an empty value for a default.
std::string conv_repr(int64_t in, int64_t out, const std::string& kernel, const std::string& stride,
                      const std::vector<std::pair<std::string, std::string>>& settings) {
  std::string s =
      std::to_string(in) + ", " + std::to_string(out) + ", kernel_size=" + kernel + ", stride=" + stride;
  for (const auto& [name, value] : settings)
    if (!value.empty()) s += ", " + name + "=" + value;
  return s;
}

template <int D>
std::string unless(const ExpandingArray<D>& a, int64_t default_value) {
  return all_equal(a, default_value) ? "" : internal::py_sizes(a, true);
}

}  // namespace

template <int D>
ConvNd<D>::ConvNd(ConvOptions<D> o) : options(std::move(o)) {
  const char* layer = D == 1 ? "Conv1d" : "Conv2d";
  check_options(layer, options.in_channels, options.out_channels, options.kernel_size, options.groups,
                options.padding_mode);
  NABLA_CHECK(!options.padding.is_same() || all_equal(options.stride, 1), layer,
              "padding='same' is not supported for strided convolutions");
  init_parameters(
      weight, bias,
      weight_shape(options.out_channels, options.in_channels / options.groups, options.kernel_size),
      options.out_channels, options.bias, options.dtype);
  register_parameter("weight", &ConvNd::weight);
  register_parameter("bias", &ConvNd::bias);
}

template <int D>
Tensor ConvNd<D>::forward(const Tensor& x) {
  const ConvFuncOptions<D> o{.bias = bias,
                             .stride = options.stride,
                             .padding = options.padding,
                             .dilation = options.dilation,
                             .groups = options.groups};
  if constexpr (D == 1)
    return functional::conv1d(x, weight, o);
  else
    return functional::conv2d(x, weight, o);
}

template <int D>
std::string ConvNd<D>::extra_repr() const {
  const ConvPadding<D>& p = options.padding;
  const std::string padding = p.is_same() ? "same" : p.is_valid() ? "valid" : unless(p.sizes(), 0);
  return conv_repr(options.in_channels, options.out_channels, internal::py_sizes(options.kernel_size, true),
                   internal::py_sizes(options.stride, true),
                   {{"padding", padding},
                    {"dilation", unless(options.dilation, 1)},
                    {"groups", options.groups != 1 ? std::to_string(options.groups) : ""},
                    {"bias", options.bias ? "" : "False"}});
}

template class ConvNd<1>;
template class ConvNd<2>;

ConvTranspose2d::ConvTranspose2d(ConvTranspose2dOptions o) : options(std::move(o)) {
  check_options("ConvTranspose2d", options.in_channels, options.out_channels, options.kernel_size,
                options.groups, options.padding_mode);
  init_parameters(
      weight, bias,
      weight_shape(options.in_channels, options.out_channels / options.groups, options.kernel_size),
      options.out_channels, options.bias, options.dtype);
  register_parameter("weight", &ConvTranspose2d::weight);
  register_parameter("bias", &ConvTranspose2d::bias);
}

Tensor ConvTranspose2d::forward(const Tensor& x) {
  return functional::conv_transpose2d(x, weight,
                                      {.bias = bias,
                                       .stride = options.stride,
                                       .padding = options.padding,
                                       .output_padding = options.output_padding,
                                       .groups = options.groups,
                                       .dilation = options.dilation});
}

std::string ConvTranspose2d::extra_repr() const {
  return conv_repr(options.in_channels, options.out_channels, internal::py_sizes(options.kernel_size, true),
                   internal::py_sizes(options.stride, true),
                   {{"padding", unless(options.padding, 0)},
                    {"dilation", unless(options.dilation, 1)},
                    {"output_padding", unless(options.output_padding, 0)},
                    {"groups", options.groups != 1 ? std::to_string(options.groups) : ""},
                    {"bias", options.bias ? "" : "False"}});
}

}  // namespace nabla::nn
