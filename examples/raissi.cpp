#include "examples/raissi.h"

#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/init.h"
#include "nabla/nn/linear.h"
#include "nabla/tensor/random.h"

namespace nabla::examples {

void initialise_glorot(nn::Module& model) {
  NoGradGuard no_grad;
  for (const auto& [name, module] : model.named_modules()) {
    auto* linear = dynamic_cast<nn::Linear*>(module);
    if (linear == nullptr) continue;
    nn::init::xavier_uniform_(linear->weight);
    if (linear->bias.defined()) nn::init::zeros_(linear->bias);
  }
}

Tensor random_batch(int64_t n, int64_t batch) {
  NABLA_CHECK(batch > 0 && batch <= n, "random_batch", "cannot draw ", batch, " distinct rows out of ", n);
  return randperm(n).narrow(0, 0, batch);
}

}  // namespace nabla::examples
