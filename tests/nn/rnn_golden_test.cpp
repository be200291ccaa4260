// RNN, LSTM, GRU and the cells against PyTorch 1.13 (tests/data/golden_rnn.json, written by
// scripts/golden/make_rnn.py): outputs, final states and every gradient, through the fused
// backward, through the differentiable recomputation that create_graph uses, and in float32.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "tests/golden.h"

namespace nabla::nn {
namespace {

using nabla::testing::json;
using nabla::testing::tensor_of;

const json& golden() { return nabla::testing::golden("golden_rnn.json"); }

// How the gradients are taken: the fused backward in float64 or float32, or autograd::grad
// with create_graph (which differentiates the layer recomputed with differentiable ops).
enum class Path { kFused, kCreateGraph, kFloat32 };

struct Tolerance {
  double rel, abs;
};

Tolerance tolerance(Path path) {
  return path == Path::kFloat32 ? Tolerance{1e-4, 1e-4} : Tolerance{1e-8, 1e-9};
}

std::string describe(const json& c, Path path) {
  std::ostringstream os;
  os << c["repr"].get<std::string>() << (c.contains("lengths") && !c["lengths"].is_null() ? " lengths" : "")
     << (c.contains("h0") ? " h0" : "") << " x" << tensor_of(c["x"]).shape()
     << (path == Path::kFused         ? " fused"
         : path == Path::kCreateGraph ? " create_graph"
                                      : " float32");
  return os.str();
}

Tensor optional(const json& c, const char* key, DType dtype) {
  return c.contains(key) ? tensor_of(c[key]).to(dtype).requires_grad_() : Tensor();
}

void load(Module& m, const json& c, DType dtype) {
  StateDict sd;
  for (const auto& [name, t] : c["params"].items()) sd.emplace_back(name, tensor_of(t).to(dtype));
  m.load_state_dict(sd);
}

// The case's layer; with load_params, holding PyTorch's parameter values.
std::unique_ptr<RNNBase> make_layer(const json& c, DType dtype, bool load_params = true) {
  const std::string kind = c["kind"];
  const Shape w_ih = nabla::testing::shape_of(c["params"]["weight_ih_l0"]);
  const int64_t gates = kind == "lstm" ? 4 : kind == "gru" ? 3 : 1;
  const int64_t input = w_ih[1], hidden = w_ih[0] / gates, layers = c["num_layers"];
  const bool bias = c["bias"], batch_first = c["batch_first"], bidirectional = c["bidirectional"];
  std::unique_ptr<RNNBase> m;
  if (kind == "lstm") {
    m = std::make_unique<LSTM>(LSTMOptions{.input_size = input,
                                           .hidden_size = hidden,
                                           .num_layers = layers,
                                           .bias = bias,
                                           .batch_first = batch_first,
                                           .dropout = 0,
                                           .bidirectional = bidirectional,
                                           .proj_size = c["proj_size"],
                                           .dtype = dtype});
  } else if (kind == "gru") {
    m = std::make_unique<GRU>(GRUOptions{.input_size = input,
                                         .hidden_size = hidden,
                                         .num_layers = layers,
                                         .bias = bias,
                                         .batch_first = batch_first,
                                         .dropout = 0,
                                         .bidirectional = bidirectional,
                                         .dtype = dtype});
  } else {
    m = std::make_unique<RNN>(RNNOptions{.input_size = input,
                                         .hidden_size = hidden,
                                         .num_layers = layers,
                                         .nonlinearity = kind.substr(4),
                                         .bias = bias,
                                         .batch_first = batch_first,
                                         .dropout = 0,
                                         .bidirectional = bidirectional,
                                         .dtype = dtype});
  }
  if (load_params) load(*m, c, dtype);
  return m;
}

// RNN and GRU return (output, h_n); the LSTM also c_n.
LSTMOutput run(RNNBase& m, const Tensor& x, const Tensor& h0, const Tensor& c0,
               const std::vector<int64_t>& lengths) {
  if (auto* lstm = dynamic_cast<LSTM*>(&m)) return (*lstm)(x, {h0, c0}, lengths);
  auto* gru = dynamic_cast<GRU*>(&m);
  const auto [y, h_n] = gru ? (*gru)(x, h0, lengths) : dynamic_cast<RNN&>(m)(x, h0, lengths);
  return {y, h_n, {}};
}

// What every case starts from: its module printed as PyTorch does, the input and the
// optional initial states (leaves requiring grad) in the dtype the path runs in.
struct Start {
  DType dtype;
  std::string what;
  Tolerance tol;
  Tensor x, h0, c0;
};

Start start(const json& c, Path path, const Module& m) {
  const DType dtype = path == Path::kFloat32 ? kFloat32 : kFloat64;
  std::ostringstream os;
  os << m;
  EXPECT_EQ(os.str(), c["repr"].get<std::string>());
  return {dtype,
          describe(c, path),
          tolerance(path),
          tensor_of(c["x"]).to(dtype).requires_grad_(),
          optional(c, "h0", dtype),
          optional(c, "c0", dtype)};
}

// Compares the gradients of the input, the initial states (when defined) and every parameter
// with the case's.
void expect_grads(const Tensor& loss, const Start& s, const Module& m, const json& c, Path path) {
  std::vector<Tensor> inputs;
  std::vector<const json*> expected;
  const std::pair<const Tensor*, const char*> states[] = {{&s.x, "gx"}, {&s.h0, "gh0"}, {&s.c0, "gc0"}};
  for (const auto& [t, key] : states) {
    if (!t->defined()) continue;
    inputs.push_back(*t);
    expected.push_back(&c[key]);
  }
  for (const auto& [name, p] : m.named_parameters()) {
    inputs.push_back(p);
    expected.push_back(&c["grads"][name]);
  }
  std::vector<Tensor> grads;
  if (path == Path::kCreateGraph) {
    grads = autograd::grad({loss}, inputs, {}, false, true);
    for (const Tensor& g : grads)
      EXPECT_TRUE(g.requires_grad()) << s.what << ": create_graph result is not differentiable";
  } else {
    loss.backward();
    for (const Tensor& t : inputs) grads.push_back(t.grad());
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    nabla::testing::expect_close(grads[i], *expected[i], s.tol.rel, s.tol.abs,
                                 s.what + " gradient " + std::to_string(i));
}

void check_layer(const json& c, Path path) {
  std::unique_ptr<RNNBase> m = make_layer(c, path == Path::kFloat32 ? kFloat32 : kFloat64);
  const Start in = start(c, path, *m);
  SCOPED_TRACE(in.what);
  const std::vector<int64_t> lengths =
      c["lengths"].is_null() ? std::vector<int64_t>{} : c["lengths"].get<std::vector<int64_t>>();
  const LSTMOutput r = run(*m, in.x, in.h0, in.c0, lengths);
  nabla::testing::expect_close(r.output, c["y"], in.tol.rel, in.tol.abs, in.what + " output");
  nabla::testing::expect_close(r.h_n, c["h_n"], in.tol.rel, in.tol.abs, in.what + " h_n");
  Tensor loss =
      (r.output * tensor_of(c["gy"]).to(in.dtype)).sum() + (r.h_n * tensor_of(c["gh"]).to(in.dtype)).sum();
  if (c.contains("c_n")) {
    nabla::testing::expect_close(r.c_n, c["c_n"], in.tol.rel, in.tol.abs, in.what + " c_n");
    loss = loss + (r.c_n * tensor_of(c["gc"]).to(in.dtype)).sum();
  } else {
    EXPECT_FALSE(r.c_n.defined());
  }
  expect_grads(loss, in, *m, c, path);
}

TEST(RNNGolden, LayersMatchPyTorch) {
  for (const json& c : golden()["layers"]) check_layer(c, Path::kFused);
}

TEST(RNNGolden, CreateGraphGradientsMatchPyTorch) {
  for (const json& c : golden()["layers"]) check_layer(c, Path::kCreateGraph);
}

TEST(RNNGolden, Float32LayersMatchPyTorch) {
  for (const json& c : golden()["layers"]) check_layer(c, Path::kFloat32);
}

// A float32 state_dict saved by PyTorch (tests/data/torch_lstm.safetensors) loads by name.
TEST(RNNGolden, TorchStateDictLoadsThroughSafetensors) {
  int found = 0;
  for (const json& c : golden()["layers"]) {
    if (!c.contains("safetensors")) continue;
    ++found;
    std::unique_ptr<RNNBase> m = make_layer(c, kFloat32, false);
    const std::string file = c["safetensors"];
    io::load_model(*m, std::filesystem::path(NABLA_TEST_DATA) / file);
    const auto f32 = [&](const char* key) { return tensor_of(c[key]).to(kFloat32); };
    const LSTMOutput r = run(*m, f32("x"), f32("h0"), f32("c0"), {});
    nabla::testing::expect_close(r.output, c["y"], 1e-5, 1e-5, "output");
    nabla::testing::expect_close(r.h_n, c["h_n"], 1e-5, 1e-5, "h_n");
    nabla::testing::expect_close(r.c_n, c["c_n"], 1e-5, 1e-5, "c_n");
  }
  EXPECT_EQ(found, 1);
}

std::unique_ptr<RNNCellBase> make_cell(const json& c, DType dtype) {
  const std::string kind = c["kind"];
  const Shape w_hh = nabla::testing::shape_of(c["params"]["weight_hh"]);
  const int64_t input = nabla::testing::shape_of(c["params"]["weight_ih"])[1], hidden = w_hh[1];
  const bool bias = c["bias"];
  std::unique_ptr<RNNCellBase> m;
  if (kind == "lstm")
    m = std::make_unique<LSTMCell>(
        LSTMCellOptions{.input_size = input, .hidden_size = hidden, .bias = bias, .dtype = dtype});
  else if (kind == "gru")
    m = std::make_unique<GRUCell>(
        GRUCellOptions{.input_size = input, .hidden_size = hidden, .bias = bias, .dtype = dtype});
  else
    m = std::make_unique<RNNCell>(RNNCellOptions{.input_size = input,
                                                 .hidden_size = hidden,
                                                 .bias = bias,
                                                 .nonlinearity = kind.substr(4),
                                                 .dtype = dtype});
  load(*m, c, dtype);
  return m;
}

void check_cell(const json& c, Path path) {
  std::unique_ptr<RNNCellBase> m = make_cell(c, path == Path::kFloat32 ? kFloat32 : kFloat64);
  const Start in = start(c, path, *m);
  SCOPED_TRACE(in.what);
  // The hand-written loop of the seeds: three steps carrying the state.
  LSTMState s{in.h0, in.c0};
  std::vector<Tensor> hs;
  for (int64_t k = 0; k < 3; ++k) {
    if (auto* lstm = dynamic_cast<LSTMCell*>(m.get()))
      s = (*lstm)(in.x[k], s);
    else if (auto* gru = dynamic_cast<GRUCell*>(m.get()))
      s.h = (*gru)(in.x[k], s.h);
    else
      s.h = (*dynamic_cast<RNNCell*>(m.get()))(in.x[k], s.h);
    hs.push_back(s.h);
  }
  const Tensor h = stack(hs);
  nabla::testing::expect_close(h, c["h"], in.tol.rel, in.tol.abs, in.what + " h");
  Tensor loss = (h * tensor_of(c["gy"]).to(in.dtype)).sum();
  if (c.contains("c")) {
    nabla::testing::expect_close(s.c, c["c"], in.tol.rel, in.tol.abs, in.what + " c");
    loss = loss + (s.c * tensor_of(c["gc"]).to(in.dtype)).sum();
  }
  expect_grads(loss, in, *m, c, path);
}

TEST(RNNGolden, CellsMatchPyTorch) {
  for (const json& c : golden()["cells"]) {
    check_cell(c, Path::kFused);
    check_cell(c, Path::kCreateGraph);
    check_cell(c, Path::kFloat32);
  }
}

}  // namespace
}  // namespace nabla::nn
