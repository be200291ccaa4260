#include "nabla/nn/rnn.h"

#include <cmath>

#include "nabla/nn/dropout.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/random.h"
#include "nabla/tensor/shape_ops.h"
#include "src/nn/repr.h"
#include "src/nn/rnn_layer.h"

namespace nabla::nn {
namespace {

const char* mode_name(RNNMode mode) {
  switch (mode) {
    case RNNMode::LSTM:
      return "LSTM";
    case RNNMode::GRU:
      return "GRU";
    default:
      return "RNN";
  }
}

RNNMode rnn_mode(const std::string& nonlinearity) {
  if (nonlinearity == "tanh") return RNNMode::RNN_TANH;
  if (nonlinearity == "relu") return RNNMode::RNN_RELU;
  detail::fail("RNN", "unknown nonlinearity '", nonlinearity, "'; select from 'tanh' or 'relu'");
}

// The options RNN, LSTM and GRU share.
template <class Options>
RNNBaseOptions common_options(RNNMode mode, const Options& o, int64_t proj_size = 0) {
  return {.mode = mode,
          .input_size = o.input_size,
          .hidden_size = o.hidden_size,
          .num_layers = o.num_layers,
          .bias = o.bias,
          .batch_first = o.batch_first,
          .dropout = o.dropout,
          .bidirectional = o.bidirectional,
          .proj_size = proj_size,
          .dtype = o.dtype};
}

}  // namespace

RNNBase::RNNBase(RNNBaseOptions o) : base_(o) {
  const char* op = mode_name(o.mode);
  NABLA_CHECK(o.input_size >= 0, op, "input_size must be non-negative, got ", o.input_size);
  NABLA_CHECK(o.hidden_size > 0, op, "hidden_size must be greater than zero, got ", o.hidden_size);
  NABLA_CHECK(o.num_layers > 0, op, "num_layers must be greater than zero, got ", o.num_layers);
  NABLA_CHECK(o.dropout >= 0 && o.dropout <= 1, op,
              "dropout should be a number in range [0, 1] representing the probability of an element being "
              "zeroed, got ",
              o.dropout);
  NABLA_CHECK(o.proj_size >= 0, op,
              "proj_size should be a positive integer or zero to disable projections, got ", o.proj_size);
  NABLA_CHECK(o.proj_size < o.hidden_size, op, "proj_size has to be smaller than hidden_size, got proj_size ",
              o.proj_size, " and hidden_size ", o.hidden_size);
  NABLA_CHECK(o.proj_size == 0 || o.mode == RNNMode::LSTM, op, "proj_size is only supported by LSTM");
  const int64_t gh = internal::gate_count(o.mode) * o.hidden_size,
                out = o.proj_size > 0 ? o.proj_size : o.hidden_size;
  const int64_t dirs = o.bidirectional ? 2 : 1;
  // PyTorch draws every parameter, in registration order, uniform in ±1/sqrt(hidden_size).
  const double bound = 1 / std::sqrt(static_cast<double>(o.hidden_size));
  const auto param = [&](const Shape& shape) {
    return uniform_(empty(shape, {.dtype = o.dtype}), -bound, bound);
  };
  for (int64_t l = 0; l < o.num_layers; ++l) {
    for (int64_t d = 0; d < dirs; ++d) {
      RNNDirectionWeights w;
      w.w_ih = param({gh, l == 0 ? o.input_size : out * dirs});
      w.w_hh = param({gh, out});
      if (o.bias) {
        w.b_ih = param({gh});
        w.b_hh = param({gh});
      }
      if (o.proj_size > 0) w.w_hr = param({o.proj_size, o.hidden_size});
      weights_.push_back(w);
      const std::string suffix = "_l" + std::to_string(l) + (d ? "_reverse" : "");
      const size_t k = weights_.size() - 1;
      const auto reg = [&](const char* name, Tensor RNNDirectionWeights::*member) {
        register_parameter(name + suffix, [k, member](Module& m) -> Tensor& {
          return static_cast<RNNBase&>(m).weights_[k].*member;
        });
      };
      reg("weight_ih", &RNNDirectionWeights::w_ih);
      reg("weight_hh", &RNNDirectionWeights::w_hh);
      reg("bias_ih", &RNNDirectionWeights::b_ih);
      reg("bias_hh", &RNNDirectionWeights::b_hh);
      reg("weight_hr", &RNNDirectionWeights::w_hr);
    }
  }
}

std::vector<std::vector<Tensor>> RNNBase::all_weights() const {
  std::vector<std::vector<Tensor>> out;
  for (const RNNDirectionWeights& w : weights_) {
    std::vector<Tensor> v;
    for (const Tensor& t : {w.w_ih, w.w_hh, w.b_ih, w.b_hh, w.w_hr})
      if (t.defined()) v.push_back(t);
    out.push_back(v);
  }
  return out;
}

std::string RNNBase::extra_repr() const {
  const RNNBaseOptions& o = base_;
  std::string s = std::to_string(o.input_size) + ", " + std::to_string(o.hidden_size);
  if (o.proj_size != 0) s += ", proj_size=" + std::to_string(o.proj_size);
  if (o.num_layers != 1) s += ", num_layers=" + std::to_string(o.num_layers);
  if (!o.bias) s += ", bias=False";
  if (o.batch_first) s += ", batch_first=True";
  if (o.dropout != 0) s += ", dropout=" + internal::py_float(o.dropout);
  if (o.bidirectional) s += ", bidirectional=True";
  return s;
}

LSTMOutput RNNBase::run(const Tensor& input, const Tensor& h0, const Tensor& c0,
                        const std::vector<int64_t>& lengths, const char* op) {
  const RNNBaseOptions& o = base_;
  NABLA_CHECK(input.defined(), op, "undefined input tensor");
  NABLA_CHECK(input.dim() == 2 || input.dim() == 3, op,
              "expected a 3-D (batched) or 2-D (unbatched) input, got shape ", input.shape());
  NABLA_CHECK(input.size(-1) == o.input_size, op, "expected input with ", o.input_size,
              " features in its last dim, got shape ", input.shape());
  const DType dtype = weights_[0].w_ih.dtype();
  NABLA_CHECK(input.dtype() == dtype, op, "input has dtype ", input.dtype(), " but the parameters have ",
              dtype);
  const bool batched = input.dim() == 3;
  const bool batch_first = batched && o.batch_first;
  const Tensor x = batched ? input : input.unsqueeze(1);  // unbatched: a batch of one, time-major
  const int64_t steps = x.size(batch_first ? 1 : 0), batch = x.size(batch_first ? 0 : 1);
  NABLA_CHECK(steps > 0 && batch > 0, op, "expected a non-empty sequence and batch, got input of shape ",
              input.shape());

  const int64_t dirs = o.bidirectional ? 2 : 1, states = dirs * o.num_layers;
  const int64_t out = o.proj_size > 0 ? o.proj_size : o.hidden_size;
  const bool lstm = o.mode == RNNMode::LSTM;
  const Shape h_shape = batched ? Shape{states, batch, out} : Shape{states, out};
  const Shape c_shape = batched ? Shape{states, batch, o.hidden_size} : Shape{states, o.hidden_size};
  internal::check_state(h0, h_shape, dtype, lstm ? "h_0" : "hx", op);
  internal::check_state(c0, c_shape, dtype, "c_0", op);
  if (!lengths.empty()) {
    NABLA_CHECK(batched, op, "lengths need a batched input, got shape ", input.shape());
    NABLA_CHECK(static_cast<int64_t>(lengths.size()) == batch, op, "expected ", batch,
                " lengths (one per sequence of input of shape ", input.shape(), "), got ", lengths.size());
    for (size_t b = 0; b < lengths.size(); ++b)
      NABLA_CHECK(lengths[b] >= 0 && lengths[b] <= steps, op, "lengths[", b, "] = ", lengths[b],
                  " is outside [0, ", steps, "], the sequence length of input of shape ", input.shape());
  }
  const Tensor h = h0.defined() && !batched ? h0.unsqueeze(1) : h0;
  const Tensor c = c0.defined() && !batched ? c0.unsqueeze(1) : c0;

  const internal::LayerSpec spec{o.mode, batch_first, lengths};
  Tensor layer_input = x;
  std::vector<Tensor> h_n, c_n;
  for (int64_t l = 0; l < o.num_layers; ++l) {
    const std::vector<RNNDirectionWeights> w(weights_.begin() + l * dirs, weights_.begin() + (l + 1) * dirs);
    const internal::LayerResult r =
        internal::recurrent_layer(spec, layer_input, h.defined() ? h.narrow(0, l * dirs, dirs) : Tensor(),
                                  c.defined() ? c.narrow(0, l * dirs, dirs) : Tensor(), w);
    h_n.push_back(r.h_n);
    c_n.push_back(r.c_n);
    layer_input = r.output;
    if (l + 1 < o.num_layers && o.dropout > 0 && is_training())
      layer_input = functional::dropout(layer_input, o.dropout, true);
  }
  LSTMOutput result{layer_input, h_n.size() == 1 ? h_n[0] : cat(h_n, 0),
                    !lstm             ? Tensor()
                    : c_n.size() == 1 ? c_n[0]
                                      : cat(c_n, 0)};
  if (!batched) {
    result.output = result.output.squeeze(1);
    result.h_n = result.h_n.squeeze(1);
    if (lstm) result.c_n = result.c_n.squeeze(1);
  }
  return result;
}

RNN::RNN(RNNOptions o) : RNNBase(common_options(rnn_mode(o.nonlinearity), o)), options(std::move(o)) {}

RNNOutput RNN::forward(const Tensor& input, const Tensor& h0, const std::vector<int64_t>& lengths) {
  LSTMOutput r = run(input, h0, {}, lengths, "RNN");
  return {r.output, r.h_n};
}

LSTM::LSTM(LSTMOptions o) : RNNBase(common_options(RNNMode::LSTM, o, o.proj_size)), options(o) {}

LSTMOutput LSTM::forward(const Tensor& input, const LSTMState& state, const std::vector<int64_t>& lengths) {
  return run(input, state.h, state.c, lengths, "LSTM");
}

GRU::GRU(GRUOptions o) : RNNBase(common_options(RNNMode::GRU, o)), options(o) {}

RNNOutput GRU::forward(const Tensor& input, const Tensor& h0, const std::vector<int64_t>& lengths) {
  LSTMOutput r = run(input, h0, {}, lengths, "GRU");
  return {r.output, r.h_n};
}

}  // namespace nabla::nn
