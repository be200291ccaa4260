#include "nabla/autograd/gradcheck.h"

#include <cmath>
#include <sstream>

#include "nabla/autograd/engine.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/random.h"
#include "nabla/tensor/shape_ops.h"

namespace nabla::autograd {

GradcheckResult gradcheck(const Function& f, const std::vector<Tensor>& inputs, GradcheckOptions o) {
  for (size_t i = 0; i < inputs.size(); ++i)
    NABLA_CHECK(inputs[i].dtype() == kFloat64 && inputs[i].is_leaf(), "gradcheck", "input ", i,
                " must be a float64 leaf tensor (got ", inputs[i].dtype(), ")");
  std::vector<Tensor> diff;  // inputs that require grad
  for (const Tensor& t : inputs)
    if (t.requires_grad()) diff.push_back(t);

  const Tensor y0 = f(inputs);
  NABLA_CHECK(y0.dtype() == kFloat64, "gradcheck", "the function must return float64, got ", y0.dtype());
  const int64_t m = y0.numel();

  // Analytical Jacobian, one row per output element.
  std::vector<std::vector<double>> analytic(static_cast<size_t>(m));
  for (int64_t k = 0; k < m; ++k) {
    Tensor v = zeros(y0.shape(), {.dtype = kFloat64});
    static_cast<double*>(v.raw_data())[k] = 1;
    const Tensor y = f(inputs);
    if (!y.requires_grad()) {
      analytic[k].assign(0, 0);
      continue;
    }
    const std::vector<Tensor> g = grad({y}, diff, {v}, false, false, true);
    for (size_t i = 0; i < diff.size(); ++i) {
      if (g[i].defined()) {
        const auto vals = g[i].contiguous().to_vector<double>();
        analytic[k].insert(analytic[k].end(), vals.begin(), vals.end());
      } else {
        analytic[k].insert(analytic[k].end(), static_cast<size_t>(diff[i].numel()), 0.0);
      }
    }
  }

  // Numerical Jacobian by central differences, one column per input element.
  NoGradGuard guard;
  int64_t col = 0;
  for (size_t i = 0; i < diff.size(); ++i) {
    Tensor x = diff[i];
    NABLA_CHECK(x.is_contiguous(), "gradcheck", "inputs must be contiguous");
    double* p = static_cast<double*>(x.raw_data());
    for (int64_t j = 0; j < x.numel(); ++j, ++col) {
      const double orig = p[j];
      p[j] = orig + o.eps;
      const auto plus = f(inputs).contiguous().to_vector<double>();
      p[j] = orig - o.eps;
      const auto minus = f(inputs).contiguous().to_vector<double>();
      p[j] = orig;
      for (int64_t k = 0; k < m; ++k) {
        const double num = (plus[k] - minus[k]) / (2 * o.eps);
        const double ana = analytic[k].empty() ? 0.0 : analytic[k][col];
        if (!(std::abs(num - ana) <= o.atol + o.rtol * std::abs(num))) {
          std::ostringstream os;
          os << "Jacobian mismatch for output " << k << " with respect to input " << i << " (shape "
             << x.shape() << "), element " << j << ": numerical " << num << ", analytical " << ana;
          return {false, os.str()};
        }
      }
    }
  }
  return {};
}

GradcheckResult gradgradcheck(const Function& f, const std::vector<Tensor>& inputs, GradcheckOptions o) {
  Generator gen(1234);
  const Tensor y = f(inputs);
  Tensor v = empty(y.shape(), {.dtype = kFloat64});
  double* pv = static_cast<double*>(v.raw_data());
  for (int64_t k = 0; k < v.numel(); ++k) pv[k] = gen.normal();
  std::vector<Tensor> diff;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) diff.push_back(t);
  const Function first = [&](const std::vector<Tensor>& xs) {
    // gradcheck evaluates this under NoGradGuard for the numerical Jacobian, but the
    // first derivative can only be taken with the forward graph recorded.
    AutoGradMode recording(true);
    const std::vector<Tensor> g = grad({f(xs)}, diff, {v}, true, true, true);
    std::vector<Tensor> flat;
    for (size_t i = 0; i < g.size(); ++i)
      flat.push_back(g[i].defined() ? g[i].reshape({-1}) : zeros({diff[i].numel()}, {.dtype = kFloat64}));
    return cat(flat, 0);
  };
  return gradcheck(first, inputs, o);
}

}  // namespace nabla::autograd
