// A first look at nabla, following the seed slides: (a) one sigmoid neuron, (b) a 2-2-1
// network, (c) training the feed-forward network 4 -> 200 -> 300 -> 1 with plain SGD
// written out by hand.
#include <cmath>
#include <iostream>
#include <vector>

#include "nabla/nabla.h"

using namespace nabla;

namespace {

// A fully connected layer initialised like torch.nn.Linear (kaiming_uniform with a = sqrt(5)):
// weight and bias both ~ U(-1/sqrt(in), 1/sqrt(in)).
struct Layer {
  Tensor weight, bias;

  Layer(int64_t in, int64_t out) {
    const double bound = 1 / std::sqrt(static_cast<double>(in));
    weight = uniform_(empty({out, in}), -bound, bound).requires_grad_();
    bias = uniform_(empty({out}), -bound, bound).requires_grad_();
  }
  Tensor operator()(const Tensor& x) const { return linear(x, weight, bias); }
};

// The slides' FeedforwardNeuralNetModel(input_dim=4, hidden_dim=[200, 300], output_dim=1).
struct FeedForward {
  Layer fc1{4, 200}, fc2{200, 300}, output{300, 1};

  Tensor operator()(const Tensor& x) const { return output(sigmoid(fc2(sigmoid(fc1(x))))); }
  std::vector<Tensor> parameters() const {
    return {fc1.weight, fc1.bias, fc2.weight, fc2.bias, output.weight, output.bias};
  }
};

}  // namespace

int main() {
  try {
    // (a) One neuron, sigmoid(w · x + b).
    Tensor neuron = sigmoid(dot(tensor({0, 0.5}), tensor({3, 5})) + 4.0);
    std::cout << "(a) neuron: " << neuron.item() << "   (slide: 0.998)\n";

    // (b) Two hidden neurons and one output neuron, every weight [0, 1] and every bias 0.
    Tensor hidden = sigmoid(linear(tensor({1, 3}), tensor({{0, 1}, {0, 1}})));
    Tensor network = sigmoid(linear(hidden, tensor({{0, 1}})));
    std::cout << "(b) 2-2-1 network: " << network.item() << "   (slide: 0.72)\n";

    // (c) Full-batch gradient descent on 10 samples of a smooth target, y = sin(x · v) + 1.
    manual_seed(0);
    FeedForward model;
    const Tensor x = randn({10, 4});
    const Tensor y = (sin(matmul(x, tensor({0.5, -1, 2, 0.3}))) + 1.0).unsqueeze(1);
    int64_t count = 0;
    for (const Tensor& p : model.parameters()) count += p.numel();
    std::cout << "(c) training 4 -> 200 -> 300 -> 1, " << count << " parameters, SGD lr 1e-4\n";

    const double lr = 1e-4;
    for (int epoch = 0; epoch <= 5000; ++epoch) {
      Tensor loss = (model(x) - y).pow(2).mean();
      loss.backward();
      {
        NoGradGuard no_grad;  // the update itself is not part of the model
        for (Tensor p : model.parameters()) {
          p.sub_(p.grad() * lr);
          p.mutable_grad() = Tensor();  // optimizer.zero_grad(set_to_none=True)
        }
      }
      if (epoch % 500 == 0) std::cout << "  epoch " << epoch << "  loss " << loss.item() << '\n';
    }
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
