#pragma once
// The PyTorch golden values of tests/data/golden_optim.json (scripts/golden/make_optim.py)
// and comparisons against them.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "nabla/optim/optim.h"
#include "tests/golden.h"

namespace nabla::optim::testing {

using nabla::testing::json;

inline const json& golden() { return nabla::testing::golden("golden_optim.json"); }

inline Shape shape_of(const json& j) {
  Shape s;
  for (int64_t d : j.get<std::vector<int64_t>>()) s.push_back(d);
  return s;
}

// A tensor of `shape` and `dtype` holding the JSON numbers.
inline Tensor tensor_of(const json& values, const Shape& shape, DType dtype = kFloat64) {
  return from_vector(nabla::testing::numbers(values), shape).to(dtype);
}

// Every element of t is within tol · max(1, |expected|) of expected; reports the first
// that is not.
inline void expect_close(const Tensor& t, const std::vector<double>& expected, double tol,
                         const std::string& what) {
  const std::vector<double> got = t.to_vector<double>();
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    if (!(std::abs(got[i] - expected[i]) <= tol * std::max(1.0, std::abs(expected[i])))) {
      ADD_FAILURE() << what << ", element " << i << ": " << got[i] << ", expected " << expected[i]
                    << " (tolerance " << tol << ")";
      return;
    }
}

}  // namespace nabla::optim::testing
