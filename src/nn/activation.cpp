#include "nabla/nn/activation.h"

#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/nn/repr.h"

namespace nabla::nn {

using internal::py_float;

Tensor Sigmoid::forward(const Tensor& x) { return sigmoid(x); }
Tensor Tanh::forward(const Tensor& x) { return tanh(x); }
Tensor ReLU::forward(const Tensor& x) { return relu(x); }

Tensor LeakyReLU::forward(const Tensor& x) { return leaky_relu(x, options.negative_slope); }
std::string LeakyReLU::extra_repr() const { return "negative_slope=" + py_float(options.negative_slope); }

Tensor ELU::forward(const Tensor& x) { return elu(x, options.alpha); }
std::string ELU::extra_repr() const { return "alpha=" + py_float(options.alpha); }

GELU::GELU(GELUOptions o) : options(std::move(o)) {
  NABLA_CHECK(options.approximate == "none" || options.approximate == "tanh", "GELU",
              "approximate must be 'none' or 'tanh', got '", options.approximate, "'");
}
Tensor GELU::forward(const Tensor& x) { return gelu(x, options.approximate); }
std::string GELU::extra_repr() const { return "approximate='" + options.approximate + "'"; }

Tensor Softplus::forward(const Tensor& x) { return softplus(x, options.beta, options.threshold); }
std::string Softplus::extra_repr() const {
  return "beta=" + internal::py_number(options.beta) + ", threshold=" + internal::py_number(options.threshold);
}

Tensor Softmax::forward(const Tensor& x) { return softmax(x, options.dim); }
std::string Softmax::extra_repr() const { return "dim=" + std::to_string(options.dim); }

Tensor LogSoftmax::forward(const Tensor& x) { return log_softmax(x, options.dim); }
std::string LogSoftmax::extra_repr() const { return "dim=" + std::to_string(options.dim); }

}  // namespace nabla::nn
