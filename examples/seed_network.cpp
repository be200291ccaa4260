// A first look at nabla, following the seed slides: (a) one sigmoid neuron, (b) a 2-2-1
// network, (c) the feed-forward network 4 -> 200 -> 300 -> 1 with its torchsummary table,
// trained by full-batch gradient descent (SGD lr 1e-4, MSE) with the slides' loop.
#include <iostream>

#include "nabla/nabla.h"

using namespace nabla;

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
    nn::MLP model({.sizes = {4, 200, 300, 1}, .activation = nn::Activation::Sigmoid});
    std::cout << "(c) the slides' FeedforwardNeuralNetModel(4, [200, 300], 1):\n";
    nn::print_summary(model, {4});
    const Tensor x = randn({10, 4});
    const Tensor y = (sin(matmul(x, tensor({0.5, -1, 2, 0.3}))) + 1.0).unsqueeze(1);
    optim::SGD optimizer(model.parameters(), {.lr = 1e-4});
    for (int epoch = 0; epoch <= 5000; ++epoch) {
      optimizer.zero_grad();
      const Tensor loss = nn::functional::mse_loss(model(x), y);
      loss.backward();
      optimizer.step();
      if (epoch % 500 == 0) std::cout << "  epoch " << epoch << "  loss " << loss.item() << '\n';
    }
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
