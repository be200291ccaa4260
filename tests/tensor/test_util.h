#pragma once
// Small helpers shared by the tensor tests: float64 tensors from literals, deterministic
// random parameters, value comparison, error-message and gradient-check assertions.
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "nabla/nabla.h"

namespace nabla::testing {

// A float64 tensor of `shape` holding `values` in row-major order.
inline Tensor f64(const std::vector<double>& values, const Shape& shape) {
  return from_vector(values, shape);
}
inline Tensor f64(const std::vector<double>& values) {
  return from_vector(values, {static_cast<int64_t>(values.size())});
}

// A float64 leaf requiring grad.
inline Tensor param(const std::vector<double>& values, const Shape& shape) {
  return f64(values, shape).requires_grad_();
}

// A float64 leaf requiring grad, uniform in [lo, hi) from its own generator (so tests do
// not depend on the global random state or on each other).
inline Tensor rand_param(const Shape& shape, double lo = -1, double hi = 1, uint64_t seed = 7) {
  Generator gen(seed);
  std::vector<double> v(static_cast<size_t>(shape.numel()));
  for (double& x : v) x = lo + (hi - lo) * gen.uniform();
  return param(v, shape);
}

// Every element of t (converted to double) is within tol * max(1, |expected|) of expected;
// NaN and infinities must match exactly.
inline void expect_values(const Tensor& t, const std::vector<double>& expected, double tol = 0) {
  const std::vector<double> got = t.to_vector<double>();
  ASSERT_EQ(got.size(), expected.size()) << "shape " << t.shape();
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "element " << i << ": " << got[i] << ", expected NaN";
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(got[i], expected[i]) << "element " << i;
    } else {
      EXPECT_NEAR(got[i], expected[i], tol * std::max(1.0, std::abs(expected[i]))) << "element " << i;
    }
  }
}

// Runs f, which must throw nabla::Error with every one of `parts` in its message.
template <class Fn>
void expect_error(Fn&& f, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no nabla::Error thrown";
  } catch (const Error& e) {
    for (const std::string& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}
template <class Fn>
void expect_error(Fn&& f, const std::string& part) {
  expect_error(std::forward<Fn>(f), {part});
}

}  // namespace nabla::testing

// Gradient checks as assertions that print the first mismatch.
#define EXPECT_GRADCHECK(f, ...)                                          \
  do {                                                                    \
    const auto gc_result_ = ::nabla::autograd::gradcheck(f, __VA_ARGS__); \
    EXPECT_TRUE(gc_result_.ok) << gc_result_.message;                     \
  } while (0)
#define EXPECT_GRADGRADCHECK(f, ...)                                          \
  do {                                                                        \
    const auto gc_result_ = ::nabla::autograd::gradgradcheck(f, __VA_ARGS__); \
    EXPECT_TRUE(gc_result_.ok) << gc_result_.message;                         \
  } while (0)
