#include "nabla/nn/conv.h"

#include <cmath>
#include <utility>
#include <vector>

#include "nabla/nn/init.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/random.h"
#include "src/nn/functional/window.h"
#include "src/nn/repr.h"

namespace nabla::nn {
namespace {

template <int D>
Shape weight_shape(int64_t rows, int64_t cols, const ExpandingArray<D>& kernel) {
  Shape s{rows, cols};
  for (int64_t k : kernel.values()) s.push_back(k);
  return s;
}

// Checks the options every convolution layer shares, then draws the weight ([out, in / groups,
// *kernel], or [in, out / groups, *kernel] when transposed) and the bias as
// _ConvNd.reset_parameters does: kaiming_uniform_(a = √5), and U(±1/√fan_in) for the bias.
template <class Options>
void init_parameters(const char* layer, const Options& o, bool transposed, Tensor& weight, Tensor& bias) {
  NABLA_CHECK(o.in_channels > 0 && o.out_channels > 0, layer,
              "in_channels and out_channels must be positive, got ", o.in_channels, " and ", o.out_channels);
  NABLA_CHECK(o.groups > 0, layer, "groups must be positive, got ", o.groups);
  NABLA_CHECK(o.in_channels % o.groups == 0 && o.out_channels % o.groups == 0, layer, "in_channels (",
              o.in_channels, ") and out_channels (", o.out_channels, ") must be divisible by groups (",
              o.groups, ")");
  internal::check_at_least(layer, "kernel_size", o.kernel_size, 1);
  NABLA_CHECK(o.padding_mode == "zeros", layer, "padding_mode '", o.padding_mode,
              "' is not supported (only 'zeros')");
  const int64_t rows = transposed ? o.in_channels : o.out_channels;
  const int64_t cols = (transposed ? o.out_channels : o.in_channels) / o.groups;
  weight = init::kaiming_uniform_(empty(weight_shape(rows, cols, o.kernel_size), {.dtype = o.dtype}),
                                  std::sqrt(5.0));
  if (!o.bias) return;
  const int64_t fan_in = init::calculate_fan_in_and_fan_out(weight).first;
  const double bound = fan_in > 0 ? 1 / std::sqrt(static_cast<double>(fan_in)) : 0;
  bias = uniform_(empty({o.out_channels}, {.dtype = o.dtype}), -bound, bound);
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
  NABLA_CHECK(!options.padding.is_same() || all_equal(options.stride, 1), layer,
              "padding='same' is not supported for strided convolutions");
  init_parameters(layer, options, false, weight, bias);
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
  init_parameters("ConvTranspose2d", options, true, weight, bias);
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
