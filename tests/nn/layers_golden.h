#pragma once
// The PyTorch values of tests/data/golden_nn_layers.json (scripts/golden/make_nn_layers.py)
// and comparisons against them.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "nabla/nabla.h"

namespace nabla::nn::testing {

using json = nlohmann::json;

inline const json& golden() {
  static const json data = [] {
    std::ifstream in(NABLA_TEST_DATA "/golden_nn_layers.json");
    if (!in) throw std::runtime_error("cannot open " NABLA_TEST_DATA "/golden_nn_layers.json");
    return json::parse(in);
  }();
  return data;
}

// A float64 tensor from {"shape": [...], "values": [...]}.
inline Tensor tensor_of(const json& j) {
  return from_vector(j["values"].get<std::vector<double>>(), Shape(j["shape"].get<std::vector<int64_t>>()));
}

// Same shape, and every element within tol · max(1, |expected|).
inline void expect_close(const Tensor& got, const json& expected, double tol, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what << " is undefined";
  EXPECT_EQ(got.shape(), Shape(expected["shape"].get<std::vector<int64_t>>())) << what;
  const std::vector<double> g = got.to_vector<double>();
  const std::vector<double> e = expected["values"].get<std::vector<double>>();
  ASSERT_EQ(g.size(), e.size()) << what;
  for (size_t i = 0; i < g.size(); ++i)
    ASSERT_NEAR(g[i], e[i], tol * std::max(1.0, std::abs(e[i]))) << what << ", element " << i;
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
