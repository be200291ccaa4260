#include "src/timeseries/free_run.h"

namespace nabla::timeseries::detail {

std::vector<Tensor> free_run(const Predictor& model, std::vector<Tensor>& history, int64_t steps,
                             const std::function<Tensor(const std::vector<Tensor>&)>& input,
                             const Shape& expected, const char* op) {
  std::vector<Tensor> outputs;
  outputs.reserve(static_cast<size_t>(steps));
  for (int64_t s = 0; s < steps; ++s) {
    const Tensor x = input(history);
    Tensor y = model(x);
    NABLA_CHECK(y.defined() && y.shape() == expected, op, "the model mapped an input of shape ", x.shape(),
                " to ", y.defined() ? y.shape() : Shape{},
                ", expected the next value of each sequence, of shape ", expected);
    history.push_back(y);
    outputs.push_back(std::move(y));
  }
  return outputs;
}

}  // namespace nabla::timeseries::detail
