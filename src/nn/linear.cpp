#include "nabla/nn/linear.h"

#include <cmath>
#include <sstream>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/linalg.h"
#include "nabla/tensor/random.h"

namespace nabla::nn {

Linear::Linear(LinearOptions o) : options(o) {
  NABLA_CHECK(o.in_features >= 0 && o.out_features >= 0, "Linear", "feature counts must be non-negative, got ",
              o.in_features, " and ", o.out_features);
  const double bound = o.in_features > 0 ? 1 / std::sqrt(static_cast<double>(o.in_features)) : 0;
  weight = uniform_(empty({o.out_features, o.in_features}, {.dtype = o.dtype}), -bound, bound);
  if (o.bias) bias = uniform_(empty({o.out_features}, {.dtype = o.dtype}), -bound, bound);
  register_parameter("weight", &Linear::weight);
  register_parameter("bias", &Linear::bias);
}

Tensor Linear::forward(const Tensor& x) { return linear(x, weight, bias); }

std::string Linear::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options.in_features << ", out_features=" << options.out_features
     << ", bias=" << (options.bias ? "True" : "False");
  return os.str();
}

}  // namespace nabla::nn
