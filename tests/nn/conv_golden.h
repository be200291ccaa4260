#pragma once
// The PyTorch values of tests/data/golden_conv.json (scripts/golden/make_conv.py), and the
// check every case of it takes: the op's output and the gradients of sum(y · gy) with respect to
// each input, in float64 (to 1e-8) and in float32 (to 1e-4, the fast path).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "tests/golden.h"

namespace nabla::nn::testing {

using nabla::testing::json;
using nabla::testing::tensor_of;

inline const json& conv_golden() { return nabla::testing::golden("golden_conv.json"); }

// Two ints from a case's [a, b], or one int for both.
inline ExpandingArray<2> pair_of(const json& v) {
  if (v.is_number()) return v.get<int64_t>();
  return {v[0].get<int64_t>(), v[1].get<int64_t>()};
}

// f maps the case's inputs (in the order of `names`, undefined where the case has none, such as
// a missing bias) to the output. The case holds each input `n` as c[n] and its gradient as
// c["g" + n], the output as c["y"] and its gradient as c["gy"].
inline void expect_golden(const json& c, const std::vector<std::string>& names,
                          const std::function<Tensor(const std::vector<Tensor>&)>& f,
                          const std::string& what) {
  for (const DType dtype : {kFloat64, kFloat32}) {
    const double tol = dtype == kFloat64 ? 1e-8 : 1e-4;
    const std::string at = what + (dtype == kFloat64 ? " (float64)" : " (float32)");
    std::vector<Tensor> inputs, present;
    for (const std::string& n : names) {
      inputs.push_back(c.contains(n) ? tensor_of(c[n]).to(dtype).requires_grad_() : Tensor());
      if (inputs.back().defined()) present.push_back(inputs.back());
    }
    const Tensor y = f(inputs);
    EXPECT_EQ(y.dtype(), dtype) << at;
    nabla::testing::expect_close(y, c["y"], tol, tol, at + " output");
    const std::vector<Tensor> grads = autograd::grad({y}, present, {tensor_of(c["gy"]).to(dtype)});
    size_t k = 0;
    for (const std::string& n : names)
      if (c.contains(n))
        nabla::testing::expect_close(grads[k++], c["g" + n], tol, tol, at + " gradient of " + n);
  }
}

}  // namespace nabla::nn::testing
