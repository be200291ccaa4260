#pragma once
// Shape: a small inline array of sizes (also used for strides). Tensors of up to
// kMaxDims dimensions never touch the heap for their geometry.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "nabla/tensor/error.h"

namespace nabla {

inline constexpr int kMaxDims = 8;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) { assign(dims.begin(), dims.end()); }
  Shape(std::span<const int64_t> dims) { assign(dims.begin(), dims.end()); }
  Shape(const std::vector<int64_t>& dims) { assign(dims.begin(), dims.end()); }
  static Shape filled(int n, int64_t value) {
    Shape s;
    s.resize(n, value);
    return s;
  }

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t operator[](int i) const { return d_[i]; }
  int64_t& operator[](int i) { return d_[i]; }
  int64_t back() const { return d_[n_ - 1]; }
  const int64_t* begin() const { return d_; }
  const int64_t* end() const { return d_ + n_; }
  int64_t* begin() { return d_; }
  int64_t* end() { return d_ + n_; }
  const int64_t* data() const { return d_; }

  void push_back(int64_t v) {
    NABLA_CHECK(n_ < kMaxDims, "shape", "tensors have at most ", kMaxDims, " dimensions");
    d_[n_++] = v;
  }
  void insert(int pos, int64_t v) {
    push_back(0);
    std::copy_backward(d_ + pos, d_ + n_ - 1, d_ + n_);
    d_[pos] = v;
  }
  void erase(int pos) {
    std::copy(d_ + pos + 1, d_ + n_, d_ + pos);
    --n_;
  }
  void resize(int n, int64_t value = 0) {
    NABLA_CHECK(n >= 0 && n <= kMaxDims, "shape", "tensors have at most ", kMaxDims, " dimensions");
    for (int i = n_; i < n; ++i) d_[i] = value;
    n_ = static_cast<uint8_t>(n);
  }

  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < n_; ++i) n *= d_[i];
    return n;
  }
  std::vector<int64_t> vec() const { return {begin(), end()}; }
  std::string str() const;

  friend bool operator==(const Shape& a, const Shape& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  template <class It>
  void assign(It first, It last) {
    NABLA_CHECK(last - first <= kMaxDims, "shape", "tensors have at most ", kMaxDims,
                " dimensions, got ", last - first);
    n_ = static_cast<uint8_t>(std::copy(first, last, d_) - d_);
  }

  int64_t d_[kMaxDims] = {};
  uint8_t n_ = 0;
};

std::ostream& operator<<(std::ostream& os, const Shape& s);

// Row-major (contiguous) strides of a shape.
Shape contiguous_strides(const Shape& shape);

// NumPy broadcasting of two shapes; throws naming `op` when they are incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// Wraps a possibly negative dim into [0, ndim); throws naming `op` when out of range.
int wrap_dim(int64_t dim, int ndim, const char* op);

}  // namespace nabla
