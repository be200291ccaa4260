#include "nabla/nn/rnn_cell.h"

#include <cmath>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/random.h"
#include "src/nn/rnn_layer.h"

namespace nabla::nn {
namespace {

const char* cell_name(RNNMode mode) {
  return mode == RNNMode::LSTM ? "LSTMCell" : mode == RNNMode::GRU ? "GRUCell" : "RNNCell";
}

}  // namespace

RNNCellBase::RNNCellBase(RNNMode mode, int64_t input_size, int64_t hidden_size, bool bias, DType dtype)
    : mode_(mode), input_size_(input_size), hidden_size_(hidden_size) {
  const char* op = cell_name(mode);
  NABLA_CHECK(input_size >= 0, op, "input_size must be non-negative, got ", input_size);
  NABLA_CHECK(hidden_size > 0, op, "hidden_size must be greater than zero, got ", hidden_size);
  const int64_t gh = internal::gate_count(mode) * hidden_size;
  // PyTorch's initialisation: every parameter uniform in ±1/sqrt(hidden_size).
  const double bound = 1 / std::sqrt(static_cast<double>(hidden_size));
  const auto param = [&](const Shape& shape) {
    return uniform_(empty(shape, {.dtype = dtype}), -bound, bound);
  };
  weight_ih = param({gh, input_size});
  weight_hh = param({gh, hidden_size});
  if (bias) {
    bias_ih = param({gh});
    bias_hh = param({gh});
  }
  register_parameter("weight_ih", &RNNCellBase::weight_ih);
  register_parameter("weight_hh", &RNNCellBase::weight_hh);
  register_parameter("bias_ih", &RNNCellBase::bias_ih);
  register_parameter("bias_hh", &RNNCellBase::bias_hh);
}

std::string RNNCellBase::extra_repr() const {
  return std::to_string(input_size_) + ", " + std::to_string(hidden_size_) +
         (bias_ih.defined() ? "" : ", bias=False");
}

LSTMState RNNCellBase::step(const Tensor& input, const LSTMState& state, const char* op) const {
  NABLA_CHECK(input.defined(), op, "undefined input tensor");
  NABLA_CHECK(input.dim() == 1 || input.dim() == 2, op,
              "expected a 2-D (batched) or 1-D (unbatched) input, got shape ", input.shape());
  NABLA_CHECK(input.size(-1) == input_size_, op, "expected input with ", input_size_,
              " features in its last dim, got shape ", input.shape());
  NABLA_CHECK(input.dtype() == weight_ih.dtype(), op, "input has dtype ", input.dtype(),
              " but the parameters have ", weight_ih.dtype());
  const bool batched = input.dim() == 2;
  const Shape state_shape = batched ? Shape{input.size(0), hidden_size_} : Shape{hidden_size_};
  const bool lstm = mode_ == RNNMode::LSTM;
  internal::check_state(state.h, state_shape, input.dtype(), lstm ? "h" : "hx", op);
  if (lstm) internal::check_state(state.c, state_shape, input.dtype(), "c", op);
  // A sequence of one step, through the same fused layer as RNN, LSTM and GRU.
  const auto as_layer = [batched](const Tensor& t) {
    return !t.defined() ? t : batched ? t.unsqueeze(0) : t.unsqueeze(0).unsqueeze(0);
  };
  const internal::LayerResult r = internal::recurrent_layer(
      {.mode = mode_, .batch_first = false, .lengths = {}}, as_layer(input), as_layer(state.h),
      lstm ? as_layer(state.c) : Tensor(), {{weight_ih, weight_hh, bias_ih, bias_hh, {}}});
  const auto as_state = [batched](const Tensor& t) {
    return !t.defined() ? t : batched ? t.squeeze(0) : t.squeeze(0).squeeze(0);
  };
  return {as_state(r.h_n), as_state(r.c_n)};
}

RNNCell::RNNCell(RNNCellOptions o)
    : RNNCellBase(o.nonlinearity == "relu" ? RNNMode::RNN_RELU : RNNMode::RNN_TANH, o.input_size,
                  o.hidden_size, o.bias, o.dtype),
      options(o) {
  NABLA_CHECK(o.nonlinearity == "tanh" || o.nonlinearity == "relu", "RNNCell", "unknown nonlinearity '",
              o.nonlinearity, "'; select from 'tanh' or 'relu'");
}

Tensor RNNCell::forward(const Tensor& input, const Tensor& hx) { return step(input, {hx, {}}, "RNNCell").h; }

std::string RNNCell::extra_repr() const {
  return RNNCellBase::extra_repr() +
         (options.nonlinearity == "tanh" ? "" : ", nonlinearity=" + options.nonlinearity);
}

LSTMCell::LSTMCell(LSTMCellOptions o)
    : RNNCellBase(RNNMode::LSTM, o.input_size, o.hidden_size, o.bias, o.dtype), options(o) {}

LSTMState LSTMCell::forward(const Tensor& input, const LSTMState& state) {
  return step(input, state, "LSTMCell");
}

GRUCell::GRUCell(GRUCellOptions o)
    : RNNCellBase(RNNMode::GRU, o.input_size, o.hidden_size, o.bias, o.dtype), options(o) {}

Tensor GRUCell::forward(const Tensor& input, const Tensor& hx) { return step(input, {hx, {}}, "GRUCell").h; }

}  // namespace nabla::nn
