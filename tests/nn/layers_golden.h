#pragma once
// The PyTorch values of tests/data/golden_nn_layers.json (scripts/golden/make_nn_layers.py)
// and comparisons against them.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "tests/golden.h"

namespace nabla::nn::testing {

using nabla::testing::json;
using nabla::testing::tensor_of;

inline const json& golden() { return nabla::testing::golden("golden_nn_layers.json"); }

// Same shape, and every element within tol · (1 + |expected|).
inline void expect_close(const Tensor& got, const json& expected, double tol, const std::string& what) {
  nabla::testing::expect_close(got, expected, tol, tol, what);
}

inline std::string repr(const Module& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

inline std::vector<std::string> keys(const NamedTensors& named) {
  std::vector<std::string> out;
  for (const auto& [name, t] : named) out.push_back(name);
  return out;
}

}  // namespace nabla::nn::testing
