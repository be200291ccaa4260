#pragma once
// ExpandingArray<D>: the sizes of a D-dimensional window (kernel, stride, padding, ...), given
// as one int for every dim or as D ints, as PyTorch's layers take them (libtorch's name; T is
// double for scale factors):
//
//   nn::Conv2d conv({.in_channels = 1, .out_channels = 8, .kernel_size = 3, .stride = {2, 1}});
//
// It remembers which form it was given in, so modules print the way PyTorch's do
// (kernel_size=2 or kernel_size=(2, 2)).
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>

#include "nabla/tensor/error.h"

namespace nabla::nn {

template <int D, class T = int64_t>
class ExpandingArray {
 public:
  ExpandingArray(T value) : scalar_(true) { values_.fill(value); }
  ExpandingArray(std::initializer_list<T> values) {
    NABLA_CHECK(values.size() == D, "ExpandingArray", "expected ", D, " values, got ", values.size());
    std::copy(values.begin(), values.end(), values_.begin());
  }

  T operator[](int i) const { return values_[i]; }
  const std::array<T, D>& values() const { return values_; }
  // Given as one int (PyTorch's pooling layers print it back that way).
  bool is_scalar() const { return scalar_; }

 private:
  std::array<T, D> values_{};
  bool scalar_ = false;
};

// An ExpandingArray that may be absent (a pooling's stride, an upsampling's size). Unlike a plain
// std::optional it takes D values in braces: .stride = {2, 1}.
template <int D, class T = int64_t>
class OptionalExpandingArray : public std::optional<ExpandingArray<D, T>> {
 public:
  using std::optional<ExpandingArray<D, T>>::optional;
  OptionalExpandingArray(std::initializer_list<T> values) : std::optional<ExpandingArray<D, T>>(values) {}
};

}  // namespace nabla::nn
