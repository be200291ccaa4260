#include "nabla/nn/pooling.h"

#include "src/nn/repr.h"

namespace nabla::nn {

template <int D>
Tensor MaxPoolNd<D>::forward(const Tensor& x) {
  return forward_with_indices(x).first;
}

template <int D>
std::pair<Tensor, Tensor> MaxPoolNd<D>::forward_with_indices(const Tensor& x) {
  if constexpr (D == 1)
    return functional::max_pool1d_with_indices(x, options);
  else
    return functional::max_pool2d_with_indices(x, options);
}

template <int D>
std::string MaxPoolNd<D>::extra_repr() const {
  using internal::py_sizes;
  return "kernel_size=" + py_sizes(options.kernel_size) +
         ", stride=" + py_sizes(options.stride.value_or(options.kernel_size)) +
         ", padding=" + py_sizes(options.padding) + ", dilation=" + py_sizes(options.dilation) +
         ", ceil_mode=" + internal::py_bool(options.ceil_mode);
}

template class MaxPoolNd<1>;
template class MaxPoolNd<2>;

std::string AvgPool2d::extra_repr() const {
  using internal::py_sizes;
  return "kernel_size=" + py_sizes(options.kernel_size) +
         ", stride=" + py_sizes(options.stride.value_or(options.kernel_size)) +
         ", padding=" + py_sizes(options.padding);
}

std::string AdaptiveAvgPool2d::extra_repr() const {
  return "output_size=" + internal::py_sizes(options.output_size);
}

}  // namespace nabla::nn
