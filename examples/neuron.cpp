// The seeds' first computations, printed with their checked values (../shared/examples-spec.md):
// (a) seed 003's neuron σ(Θᵀx) with Θ = (4, 0, 0.5) and x = (1, 3, 5), the bias as θ0 with
//     x0 = 1: σ(6.5) = 0.998499, and its gradient from autograd against σ' = σ(1 - σ);
// (b) seed 003's OurNeuralNetwork, 2 inputs, 2 hidden sigmoid neurons and 1 output neuron, every
//     weight [0, 1] and every bias 0, at x = (1, 3): σ(σ(3)) = 0.7216325609518421;
// (c) seed 001's LSTM example: a batch of B = 3 sequences of L = 5 steps of u_size = 10 inputs,
//     an LSTM of hc_size = 20 (batch_first, h0 and c0 of shape [1, 3, 20]) and a Linear 20 -> 1
//     applied at every step: the shapes and the 2,560 + 21 parameters, printed as a summary;
// (d) seed 002's shape example: a tanh RNN of 3 units over X [2, 9, 1] returns all 9 states,
//     [2, 9, 3], with 18 parameters in PyTorch's form (two biases; Keras's SimpleRNN has 15).
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "examples/example.h"
#include "nabla/nabla.h"

namespace nabla::examples {
namespace {

// One row per parameter tensor, its shape and its size, then the total.
void print_parameters(std::ostream& log, const nn::Module& module, const std::string& title) {
  log << "  " << title << '\n';
  for (const auto& [name, p] : module.named_parameters()) {
    std::ostringstream shape;
    shape << p.shape();
    log << "    " << std::left << std::setw(16) << name << std::setw(12) << shape.str() << std::right
        << std::setw(6) << p.numel() << '\n';
  }
  log << "    " << std::left << std::setw(28) << "total" << std::right << std::setw(6)
      << module.num_parameters() << '\n';
}

bool same_shape(const Tensor& t, const Shape& shape) { return t.shape() == shape; }

Outcome run(const Settings& settings) {
  std::ostream& log = log_of(settings);
  log << std::setprecision(16);
  Outcome outcome;

  // (a) The neuron, with its gradient by autograd.
  const Tensor theta = tensor({4.0, 0.0, 0.5}, {.dtype = kFloat64}).requires_grad_();
  const Tensor x = tensor({1.0, 3.0, 5.0}, {.dtype = kFloat64});
  const Tensor a = sigmoid(dot(theta, x));
  a.backward();
  const double neuron = a.item<double>();
  // dσ(θᵀx)/dθ = σ(1 - σ) x: the largest difference from autograd's gradient.
  const double gradient_error = max(abs(theta.grad() - x * (neuron * (1 - neuron)))).item<double>();
  log << "(a) neuron: sigma(theta . x) = sigma(" << dot(theta, x).item<double>() << ") = " << neuron
      << "   (slide: 0.998)\n    gradient " << theta.grad() << ", sigma (1 - sigma) x differs by "
      << gradient_error << '\n';

  // (b) The 2-2-1 network as layers, every weight [0, 1] and every bias 0.
  nn::Sequential network(nn::Linear({.in_features = 2, .out_features = 2, .dtype = kFloat64}), nn::Sigmoid(),
                         nn::Linear({.in_features = 2, .out_features = 1, .dtype = kFloat64}), nn::Sigmoid());
  {
    NoGradGuard no_grad;
    for (auto& [name, p] : network.named_parameters())
      p.copy_(name.ends_with("weight") ? tensor({0.0, 1.0}, {.dtype = kFloat64}).expand(p.shape())
                                       : zeros_like(p));
  }
  const double output = network(tensor({{1.0, 3.0}}, {.dtype = kFloat64})).item<double>();
  log << "(b) 2-2-1 network at x = (1, 3): hidden sigma(3) = " << 1 / (1 + std::exp(-3.0)) << ", output "
      << output << "   (slide: 0.72)\n";

  // (c) The LSTM and the Linear read-out, batch_first.
  manual_seed(settings.seed);
  constexpr int64_t B = 3, L = 5, u_size = 10, hc_size = 20;
  nn::LSTM lstm({.input_size = u_size, .hidden_size = hc_size, .batch_first = true});
  nn::Linear readout({.in_features = hc_size, .out_features = 1});
  const Tensor u = randn({B, L, u_size});
  const nn::LSTMState state{.h = zeros({1, B, hc_size}), .c = zeros({1, B, hc_size})};
  const auto [h, h_n, c_n] = lstm(u, state);
  const Tensor y = readout(h);
  log << "(c) LSTM(input_size=" << u_size << ", hidden_size=" << hc_size << ", batch_first=True), u "
      << u.shape() << ", h0 and c0 " << state.h.shape() << "\n    output h " << h.shape() << ", h_n "
      << h_n.shape() << ", c_n " << c_n.shape() << "; Linear(20, 1) of h: " << y.shape() << '\n';
  print_parameters(log, lstm, "LSTM parameters (4 gates: 4*20*(10+20) weights + 2*4*20 biases)");
  print_parameters(log, readout, "Linear parameters");

  // (d) All the hidden states of a 3-unit tanh RNN.
  nn::RNN rnn({.input_size = 1, .hidden_size = 3, .batch_first = true});
  const Tensor states = rnn(randn({2, 9, 1})).output;
  log << "(d) RNN(1, 3) over X [2, 9, 1]: output " << states.shape() << ", " << rnn.num_parameters()
      << " parameters (Keras's SimpleRNN(3): 15)\n";

  save_model(settings, "network_2_2_1", network);
  save_model(settings, "lstm", {{"lstm", lstm.state_dict()}, {"readout", readout.state_dict()}});
  save_model(settings, "rnn", rnn);

  const bool shapes = same_shape(h, {B, L, hc_size}) && same_shape(h_n, {1, B, hc_size}) &&
                      same_shape(c_n, {1, B, hc_size}) && same_shape(y, {B, L, 1});
  outcome.metrics = {{"neuron", neuron},
                     {"neuron_gradient_error", gradient_error},
                     {"network_2_2_1", output},
                     {"lstm_parameters", static_cast<double>(lstm.num_parameters())},
                     {"linear_parameters", static_cast<double>(readout.num_parameters())},
                     {"rnn_parameters", static_cast<double>(rnn.num_parameters())}};
  outcome.checks = {
      {"neuron prints sigma(6.5) = 0.998499", neuron, std::abs(neuron - 0.998499) < 5e-7},
      {"autograd's gradient of the neuron is sigma (1 - sigma) x", gradient_error, gradient_error < 1e-15},
      {"2-2-1 network prints 0.7216325609518421", output, std::abs(output - 0.7216325609518421) < 1e-15},
      {"LSTM output [3, 5, 20], h_n and c_n [1, 3, 20], Linear output [3, 5, 1]", shapes ? 1.0 : 0.0, shapes},
      {"the LSTM has 4*20*(10+20) + 2*4*20 = 2,560 parameters", static_cast<double>(lstm.num_parameters()),
       lstm.num_parameters() == 2560},
      {"the Linear read-out has 21", static_cast<double>(readout.num_parameters()),
       readout.num_parameters() == 21},
      {"RNN(1, 3) over [2, 9, 1] gives [2, 9, 3] with 18 parameters",
       static_cast<double>(rnn.num_parameters()),
       same_shape(states, {2, 9, 3}) && rnn.num_parameters() == 18}};
  return outcome;
}

const Registration registration(
    {.name = "neuron",
     .seed = "003 (Robert), 001 (PyTorch slides) and 002 (Intro do Deep Learning)",
     .title = "the slides' printed values: a sigmoid neuron, the 2-2-1 network, the "
              "LSTM and RNN shape examples",
     .run = run});

}  // namespace
}  // namespace nabla::examples
