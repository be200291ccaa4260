// RNN, LSTM, GRU and the cells: the seeds' shape examples, parameter names and shapes,
// initialisation, gradient checks, variable lengths, dropout between layers, truncated BPTT,
// the fused kernels against the layer written with ops, and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "src/nn/rnn_layer.h"
#include "tests/tensor/test_util.h"

namespace nabla::nn {
namespace {

using nabla::testing::rand_param;

// Gives a module's parameters deterministic values, so tests do not depend on the global generator.
void randomize(Module& m, uint64_t seed) {
  NoGradGuard guard;
  for (Tensor p : m.parameters()) p.copy_(rand_param(p.shape(), -0.6, 0.6, seed++).to(p.dtype()));
}

double max_abs(const Tensor& t) { return max(abs(t)).item<double>(); }

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(RNN, SeedShapeExamples) {
  // Seed 002: a 3-unit RNN over X of shape [batch 2, 9 steps, 1 dimension] gives [2, 9, 3].
  RNN rnn({.input_size = 1, .hidden_size = 3, .batch_first = true});
  auto [y, h_n] = rnn(randn({2, 9, 1}));
  EXPECT_EQ(y.shape(), Shape({2, 9, 3}));
  EXPECT_EQ(h_n.shape(), Shape({1, 2, 3}));
  // The last output step of each sequence is its final hidden state.
  EXPECT_TRUE(allclose(y.select(1, 8), h_n[0]));

  // Seed 001: LSTM(10, 20, batch_first) over u [3, 5, 10] with zero (1, 3, 20) states.
  LSTM lstm({.input_size = 10, .hidden_size = 20, .batch_first = true});
  const Tensor u = randn({3, 5, 10});
  auto [h, hn, cn] = lstm(u, {zeros({1, 3, 20}), zeros({1, 3, 20})});
  Linear l1({.in_features = 20, .out_features = 1});
  EXPECT_EQ(h.shape(), Shape({3, 5, 20}));
  EXPECT_EQ(l1(h).shape(), Shape({3, 5, 1}));
  EXPECT_EQ(hn.shape(), Shape({1, 3, 20}));
  EXPECT_EQ(cn.shape(), Shape({1, 3, 20}));
  // Zero states are the default.
  EXPECT_TRUE(allclose(lstm(u).output, h));
}

TEST(RNN, ParameterNamesAndShapesArePyTorchs) {
  LSTM lstm({.input_size = 3, .hidden_size = 4, .num_layers = 2, .bidirectional = true, .proj_size = 2});
  std::vector<std::string> names;
  std::vector<Shape> shapes;
  for (const auto& [name, p] : lstm.named_parameters()) {
    names.push_back(name);
    shapes.push_back(p.shape());
  }
  const std::vector<std::string> want{
      "weight_ih_l0",         "weight_hh_l0",         "bias_ih_l0",           "bias_hh_l0",
      "weight_hr_l0",         "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse",
      "bias_hh_l0_reverse",   "weight_hr_l0_reverse", "weight_ih_l1",         "weight_hh_l1",
      "bias_ih_l1",           "bias_hh_l1",           "weight_hr_l1",         "weight_ih_l1_reverse",
      "weight_hh_l1_reverse", "bias_ih_l1_reverse",   "bias_hh_l1_reverse",   "weight_hr_l1_reverse"};
  EXPECT_EQ(names, want);
  EXPECT_EQ(shapes[0], Shape({16, 3}));
  EXPECT_EQ(shapes[1], Shape({16, 2}));
  EXPECT_EQ(shapes[2], Shape({16}));
  EXPECT_EQ(shapes[4], Shape({2, 4}));
  EXPECT_EQ(shapes[10], Shape({16, 4}));  // layer 1 reads both directions' projected h
  EXPECT_EQ(lstm.all_weights().size(), 4u);
  EXPECT_EQ(lstm.all_weights()[3].size(), 5u);

  GRU gru({.input_size = 5, .hidden_size = 6, .bias = false});
  ASSERT_EQ(gru.named_parameters().size(), 2u);
  EXPECT_EQ(gru.named_parameters()[0].second.shape(), Shape({18, 5}));
  EXPECT_EQ(gru.named_parameters()[1].second.shape(), Shape({18, 6}));
  GRUCell cell({.input_size = 5, .hidden_size = 6});
  EXPECT_EQ(cell.weight_ih.shape(), Shape({18, 5}));
  EXPECT_EQ(cell.bias_hh.shape(), Shape({18}));
  EXPECT_EQ(LSTMCell({.input_size = 5, .hidden_size = 6}).weight_hh.shape(), Shape({24, 6}));
}

TEST(RNN, InitialisationIsUniformInInverseSqrtHidden) {
  manual_seed(3);
  LSTM a({.input_size = 7, .hidden_size = 16, .num_layers = 2});
  LSTMCell cell({.input_size = 7, .hidden_size = 16});
  for (Module* m : {static_cast<Module*>(&a), static_cast<Module*>(&cell)}) {
    for (const auto& [name, p] : m->named_parameters()) {
      EXPECT_LE(max_abs(p), 0.25) << name;
      EXPECT_GT(max_abs(p), 0.2) << name;  // spread over the range, not all equal
    }
  }
  manual_seed(3);
  LSTM b({.input_size = 7, .hidden_size = 16, .num_layers = 2});
  EXPECT_TRUE(equal(a.named_parameters()[5].second, b.named_parameters()[5].second));
}

TEST(RNN, Reprs) {
  std::ostringstream os;
  os << GRU({.input_size = 4, .hidden_size = 8, .num_layers = 2, .dropout = 0.25, .bidirectional = true});
  EXPECT_EQ(os.str(), "GRU(4, 8, num_layers=2, dropout=0.25, bidirectional=True)");
}

// A layer's outputs flattened into one tensor, for gradcheck.
Tensor flat(const Tensor& y, const Tensor& h, const Tensor& c = {}) {
  std::vector<Tensor> parts{y.reshape({-1}), h.reshape({-1})};
  if (c.defined()) parts.push_back(c.reshape({-1}));
  return cat(parts);
}

std::vector<Tensor> with_params(std::vector<Tensor> inputs, const Module& m) {
  for (const Tensor& p : m.parameters()) inputs.push_back(p);
  return inputs;
}

TEST(RNN, GradcheckLSTM) {
  LSTM lstm({.input_size = 2,
             .hidden_size = 3,
             .num_layers = 2,
             .batch_first = true,
             .bidirectional = true,
             .proj_size = 2,
             .dtype = kFloat64});
  randomize(lstm, 10);
  auto f = [&](const std::vector<Tensor>& in) {
    auto [y, h, c] = lstm(in[0], {in[1], in[2]}, {3, 2});
    return flat(y, h, c);
  };
  EXPECT_GRADCHECK(f, with_params({rand_param({2, 3, 2}, -1, 1, 1), rand_param({4, 2, 2}, -1, 1, 2),
                                   rand_param({4, 2, 3}, -1, 1, 3)},
                                  lstm));
  // Double backward, through the recomputation with differentiable ops.
  LSTM small({.input_size = 2, .hidden_size = 2, .dtype = kFloat64});
  randomize(small, 20);
  auto g = [&](const std::vector<Tensor>& in) {
    auto [y, h, c] = small(in[0], {in[1], in[2]});
    return flat(y, h, c);
  };
  const std::vector<Tensor> in = with_params(
      {rand_param({3, 1, 2}, -1, 1, 4), rand_param({1, 1, 2}, -1, 1, 5), rand_param({1, 1, 2}, -1, 1, 6)},
      small);
  EXPECT_GRADCHECK(g, in);
  EXPECT_GRADGRADCHECK(g, in);
}

TEST(RNN, GradcheckGRU) {
  GRU gru({.input_size = 2, .hidden_size = 3, .num_layers = 2, .bidirectional = true, .dtype = kFloat64});
  randomize(gru, 30);
  auto f = [&](const std::vector<Tensor>& in) {
    auto [y, h] = gru(in[0], in[1], {3, 1});
    return flat(y, h);
  };
  EXPECT_GRADCHECK(f, with_params({rand_param({3, 2, 2}, -1, 1, 7), rand_param({4, 2, 3}, -1, 1, 8)}, gru));
  GRU small({.input_size = 2, .hidden_size = 2, .batch_first = true, .dtype = kFloat64});
  randomize(small, 40);
  auto g = [&](const std::vector<Tensor>& in) {
    auto [y, h] = small(in[0], in[1], {2});
    return flat(y, h);
  };
  const std::vector<Tensor> in =
      with_params({rand_param({1, 3, 2}, -1, 1, 9), rand_param({1, 1, 2}, -1, 1, 10)}, small);
  EXPECT_GRADCHECK(g, in);
  EXPECT_GRADGRADCHECK(g, in);
}

TEST(RNN, GradcheckRNN) {
  for (const char* nonlinearity : {"tanh", "relu"}) {
    SCOPED_TRACE(nonlinearity);
    RNN rnn({.input_size = 2,
             .hidden_size = 3,
             .num_layers = 2,
             .nonlinearity = nonlinearity,
             .bidirectional = true,
             .dtype = kFloat64});
    randomize(rnn, 50);
    auto f = [&](const std::vector<Tensor>& in) {
      auto [y, h] = rnn(in[0], in[1], {2, 3});
      return flat(y, h);
    };
    const std::vector<Tensor> in =
        with_params({rand_param({3, 2, 2}, -1, 1, 11), rand_param({4, 2, 3}, -1, 1, 12)}, rnn);
    EXPECT_GRADCHECK(f, in);
    EXPECT_GRADGRADCHECK(f, in);
  }
}

TEST(RNN, GradcheckCells) {
  const Tensor x = rand_param({2, 3}, -1, 1, 13), h = rand_param({2, 2}, -1, 1, 14),
               c = rand_param({2, 2}, -1, 1, 15);
  LSTMCell lstm({.input_size = 3, .hidden_size = 2, .dtype = kFloat64});
  GRUCell gru({.input_size = 3, .hidden_size = 2, .dtype = kFloat64});
  RNNCell rnn({.input_size = 3, .hidden_size = 2, .nonlinearity = "relu", .dtype = kFloat64});
  randomize(lstm, 60);
  randomize(gru, 70);
  randomize(rnn, 80);
  auto f_lstm = [&](const std::vector<Tensor>& in) {
    auto [h1, c1] = lstm(in[0], {in[1], in[2]});
    return flat(h1, c1);
  };
  auto f_gru = [&](const std::vector<Tensor>& in) { return gru(in[0], in[1]); };
  auto f_rnn = [&](const std::vector<Tensor>& in) { return rnn(in[0], in[1]); };
  EXPECT_GRADCHECK(f_lstm, with_params({x, h, c}, lstm));
  EXPECT_GRADCHECK(f_gru, with_params({x, h}, gru));
  EXPECT_GRADCHECK(f_rnn, with_params({x, h}, rnn));
  EXPECT_GRADGRADCHECK(f_lstm, with_params({x, h, c}, lstm));
  EXPECT_GRADGRADCHECK(f_gru, with_params({x, h}, gru));
  EXPECT_GRADGRADCHECK(f_rnn, with_params({x, h}, rnn));
}

TEST(RNN, UnbatchedInputGivesTheBatchOfOnesResults) {
  LSTM lstm({.input_size = 3, .hidden_size = 4, .num_layers = 2, .bidirectional = true, .dtype = kFloat64});
  randomize(lstm, 90);
  const Tensor x = rand_param({5, 3}, -1, 1, 16).detach(), h0 = rand_param({4, 4}, -1, 1, 17).detach();
  auto [y, h, c] = lstm(x, {h0, {}});
  EXPECT_EQ(y.shape(), Shape({5, 8}));
  EXPECT_EQ(h.shape(), Shape({4, 4}));
  EXPECT_EQ(c.shape(), Shape({4, 4}));
  auto [yb, hb, cb] = lstm(x.unsqueeze(1), {h0.unsqueeze(1), {}});
  EXPECT_TRUE(allclose(y, yb.squeeze(1), 0, 0));
  EXPECT_TRUE(allclose(h, hb.squeeze(1), 0, 0));
  GRUCell cell({.input_size = 3, .hidden_size = 4});
  EXPECT_EQ(cell(randn({3})).shape(), Shape({4}));
}

// Each sequence of a padded batch gives what it gives alone, cut to its length: outputs
// (zero past the end), h_n and c_n (the state after its last real step, also for the reverse
// direction) and gradients (none for padded steps).
TEST(RNN, LengthsActLikeSeparateSequences) {
  LSTM lstm(
      {.input_size = 2, .hidden_size = 3, .batch_first = true, .bidirectional = true, .dtype = kFloat64});
  randomize(lstm, 100);
  const std::vector<int64_t> lengths{5, 2, 0, 4};
  const Tensor x = rand_param({4, 5, 2}, -1, 1, 18);
  const Tensor h0 = rand_param({2, 4, 3}, -1, 1, 19).detach();
  auto [y, h, c] = lstm(x, {h0, {}}, lengths);
  y.sum().backward();
  for (int64_t b = 0; b < 4; ++b) {
    SCOPED_TRACE("sequence " + std::to_string(b));
    const int64_t n = lengths[b];
    const Tensor yb = y[b];
    if (n < 5) {
      EXPECT_EQ(max_abs(yb.narrow(0, n, 5 - n)), 0);
      EXPECT_EQ(max_abs(x.grad()[b].narrow(0, n, 5 - n)), 0);
    }
    if (n == 0) {
      EXPECT_TRUE(allclose(h.select(1, b), h0.select(1, b), 0, 0));
      EXPECT_EQ(max_abs(c.select(1, b)), 0);
      continue;
    }
    auto [ya, ha, ca] =
        lstm(x.detach()[b].narrow(0, 0, n).unsqueeze(0), {h0.narrow(1, b, 1).contiguous(), {}});
    EXPECT_TRUE(allclose(yb.narrow(0, 0, n), ya[0], 1e-12, 1e-12));
    EXPECT_TRUE(allclose(h.select(1, b), ha.select(1, 0), 1e-12, 1e-12));
    EXPECT_TRUE(allclose(c.select(1, b), ca.select(1, 0), 1e-12, 1e-12));
  }
}

TEST(RNN, DropoutBetweenLayersOnlyInTraining) {
  GRU gru({.input_size = 3, .hidden_size = 4, .num_layers = 2, .dropout = 1.0, .dtype = kFloat64});
  GRU ref({.input_size = 3, .hidden_size = 4, .num_layers = 2, .dtype = kFloat64});
  randomize(gru, 110);
  ref.load_state_dict(gru.state_dict());
  const Tensor x = rand_param({4, 2, 3}, -1, 1, 20);
  // Training with p = 1: layer 1 sees zeros, so nothing reaches x.
  gru(x).output.sum().backward();
  EXPECT_EQ(max_abs(x.grad()), 0);
  // The last layer's output is not dropped, and h_n[0] is layer 0's state before dropout.
  auto [y, h] = gru(x);
  auto [y_ref, h_ref] = ref(x);
  EXPECT_GT(max_abs(y), 0);
  EXPECT_TRUE(allclose(h[0], h_ref[0], 0, 0));
  EXPECT_FALSE(allclose(h[1], h_ref[1]));
  gru.eval();
  EXPECT_TRUE(allclose(gru(x).output, y_ref, 0, 0));
}

// Truncated back-propagation through time, as in the example of nabla/nn/rnn.h: chunks
// carrying the detached state give the same values as one pass, and each backward stops at
// its chunk.
TEST(RNN, TruncatedBackpropagationThroughTime) {
  LSTM lstm({.input_size = 1, .hidden_size = 4, .batch_first = true, .dtype = kFloat64});
  randomize(lstm, 120);
  const Tensor series = rand_param({2, 12, 1}, -1, 1, 21);
  const Tensor whole = lstm(series).output;
  LSTMState state;
  std::vector<Tensor> outputs;
  for (int64_t s = 0; s < 12; s += 5) {
    const Tensor chunk = series.narrow(1, s, std::min<int64_t>(5, 12 - s));
    auto [out, h_n, c_n] = lstm(chunk, state);
    outputs.push_back(out);
    state = {h_n.detach(), c_n.detach()};
  }
  EXPECT_TRUE(allclose(cat(outputs, 1), whole, 1e-12, 1e-12));
  outputs.back().sum().backward();  // the last chunk's loss
  EXPECT_EQ(max_abs(series.grad().narrow(1, 0, 10)), 0);
  EXPECT_GT(max_abs(series.grad().narrow(1, 10, 2)), 0);
}

// Sizes above the parallel grain (rows split across threads) and float32's vectorised
// sigmoid and tanh: the fused layer against the same layer written with ops.
TEST(RNN, FusedKernelsMatchTheComposedLayer) {
  for (RNNMode mode : {RNNMode::LSTM, RNNMode::GRU, RNNMode::RNN_TANH}) {
    const int64_t gates = mode == RNNMode::LSTM  ? 4
                          : mode == RNNMode::GRU ? 3
                                                 : 1,
                  H = 96, B = 200, I = 7, T = 4;
    std::vector<RNNDirectionWeights> w;
    for (uint64_t d = 0; d < 2; ++d) {
      const uint64_t s = 30 + 10 * d;
      w.push_back({rand_param({gates * H, I}, -0.2, 0.2, s).to(kFloat32).detach().requires_grad_(),
                   rand_param({gates * H, H}, -0.2, 0.2, s + 1).to(kFloat32).detach().requires_grad_(),
                   rand_param({gates * H}, -0.2, 0.2, s + 2).to(kFloat32).detach().requires_grad_(),
                   rand_param({gates * H}, -0.2, 0.2, s + 3).to(kFloat32).detach().requires_grad_(),
                   {}});
    }
    const Tensor x = rand_param({B, T, I}, -1, 1, 22).to(kFloat32).detach().requires_grad_();
    const Tensor h0 = rand_param({2, B, H}, -1, 1, 23).to(kFloat32).detach().requires_grad_();
    std::vector<int64_t> lengths(B);
    for (int64_t b = 0; b < B; ++b) lengths[b] = b % (T + 1);
    const internal::LayerSpec spec{mode, true, lengths};
    const internal::LayerResult fused = internal::recurrent_layer(spec, x, h0, {}, w);
    const internal::LayerResult ops = internal::composed_layer(spec, x, h0, {}, w);
    EXPECT_TRUE(allclose(fused.output, ops.output, 1e-4, 1e-5));
    EXPECT_TRUE(allclose(fused.h_n, ops.h_n, 1e-4, 1e-5));
    const Tensor gy = rand_param(fused.output.shape(), -1, 1, 24).to(kFloat32).detach();
    const std::vector<Tensor> wrt{x, h0, w[0].w_ih, w[1].w_hh, w[0].b_ih, w[1].b_hh};
    const std::vector<Tensor> a = autograd::grad({fused.output}, wrt, {gy});
    const std::vector<Tensor> b = autograd::grad({ops.output}, wrt, {gy});
    for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(allclose(a[i], b[i], 1e-3, 1e-4)) << "gradient " << i;
  }
}

TEST(RNN, SameSeedSameResults) {
  const auto run = [] {
    manual_seed(5);
    LSTM lstm({.input_size = 3, .hidden_size = 8, .num_layers = 2, .dropout = 0.5});
    const Tensor x = randn({6, 4, 3});
    lstm(x).output.sum().backward();
    return std::pair(lstm(x).output, lstm.named_parameters()[0].second.grad());
  };
  const auto [y1, g1] = run();
  const auto [y2, g2] = run();
  EXPECT_TRUE(equal(y1, y2));
  EXPECT_TRUE(equal(g1, g2));
}

TEST(RNN, BadOptionsThrow) {
  EXPECT_THROW(LSTM({.input_size = 3, .hidden_size = 4, .proj_size = 4}), Error);
  EXPECT_THROW(LSTM({.input_size = 3, .hidden_size = 0}), Error);
  EXPECT_THROW(GRU({.input_size = 3, .hidden_size = 4, .num_layers = 0}), Error);
  EXPECT_THROW(GRU({.input_size = 3, .hidden_size = 4, .dropout = 1.5}), Error);
  EXPECT_THROW(RNN({.input_size = 3, .hidden_size = 4, .nonlinearity = "sigmoid"}), Error);
  EXPECT_THROW(RNNCell({.input_size = 3, .hidden_size = 4, .nonlinearity = "gelu"}), Error);
  EXPECT_NE(error_of([] { LSTM({.input_size = 3, .hidden_size = 4, .proj_size = 5}); }).find("proj_size"),
            std::string::npos);
}

TEST(RNN, BadInputNamesExpectedAndActualShapes) {
  LSTM lstm({.input_size = 3, .hidden_size = 4, .num_layers = 2, .batch_first = true});
  const Tensor x = randn({2, 5, 3});
  EXPECT_EQ(error_of([&] {
              lstm(randn({2, 5, 3, 1}));
            }),
            "LSTM: expected a 3-D (batched) or 2-D (unbatched) input, got shape [2, 5, 3, 1]");
  EXPECT_EQ(error_of([&] {
              lstm(randn({2, 5, 4}));
            }),
            "LSTM: expected input with 3 features in its last dim, got shape [2, 5, 4]");
  EXPECT_EQ(error_of([&] {
              lstm(x, {zeros({2, 5, 4}), {}});
            }),
            "LSTM: expected h_0 of shape [2, 2, 4], got [2, 5, 4]");
  EXPECT_EQ(error_of([&] {
              lstm(x, {zeros({2, 2, 4}), zeros({1, 2, 4})});
            }),
            "LSTM: expected c_0 of shape [2, 2, 4], got [1, 2, 4]");
  EXPECT_EQ(error_of([&] {
              lstm(x, {}, {5, 6});
            }),
            "LSTM: lengths[1] = 6 is outside [0, 5], the sequence length of input of shape [2, 5, 3]");
  EXPECT_EQ(error_of([&] {
              lstm(x, {}, {5, 5, 5});
            }),
            "LSTM: expected 2 lengths (one per sequence of input of shape [2, 5, 3]), got 3");
  EXPECT_EQ(error_of([&] {
              lstm(randn({5, 3}), {}, {5});
            }),
            "LSTM: lengths need a batched input, got shape [5, 3]");
  EXPECT_EQ(error_of([&] { lstm(x.to(kFloat64)); }),
            "LSTM: input has dtype float64 but the parameters have float32");
  EXPECT_EQ(error_of([&] {
              lstm(randn({2, 0, 3}));
            }),
            "LSTM: expected a non-empty sequence and batch, got input of shape [2, 0, 3]");
  GRU gru({.input_size = 3, .hidden_size = 4});
  EXPECT_EQ(error_of([&] {
              gru(randn({5, 3}), zeros({1, 2, 4}));
            }),
            "GRU: expected hx of shape [1, 4], got [1, 2, 4]");
  GRUCell cell({.input_size = 3, .hidden_size = 4});
  EXPECT_EQ(error_of([&] {
              cell(randn({2, 3}), zeros({3, 4}));
            }),
            "GRUCell: expected hx of shape [2, 4], got [3, 4]");
  EXPECT_EQ(error_of([&] {
              cell(randn({2, 2}));
            }),
            "GRUCell: expected input with 3 features in its last dim, got shape [2, 2]");
  LSTMCell lcell({.input_size = 3, .hidden_size = 4});
  EXPECT_EQ(error_of([&] {
              lcell(randn({2, 3}), {zeros({2, 4}), zeros({4})});
            }),
            "LSTMCell: expected c of shape [2, 4], got [4]");
}

}  // namespace
}  // namespace nabla::nn
