#pragma once
// Generative adversarial networks (Goodfellow et al.): a generator G maps codes z ~ N(0, I) to
// data, a discriminator D maps data to one logit (real vs generated), and the two are trained in
// turn. The losses are the non-saturating ones, from D's logits:
//   discriminator: -log D(x) - log(1 - D(G(z)))     (one-sided label smoothing: real label < 1)
//   generator:     -log D(G(z))                     (strong gradients while D still wins)
//
//   GAN gan({.generator = {2, 128, 128, 2}, .discriminator = {2, 128, 128, 1}});
//   optim::Adam g_opt(gan.generator->parameters(), {.lr = 2e-4, .betas = {0.5, 0.999}});
//   optim::Adam d_opt(gan.discriminator->parameters(), {.lr = 2e-4, .betas = {0.5, 0.999}});
//   GANStep s = train_step(gan, d_opt, g_opt, real_batch, {.real_label = 0.9});
//
// Generator and discriminator can be any unary modules (a DCGAN's convolutional pair plugs in the
// same way); parameters are generator.* and discriminator.*.
#include <memory>
#include <string>
#include <vector>

#include "nabla/nn/mlp.h"
#include "nabla/optim/optimizer.h"

namespace nabla::generative {

struct GANOptions {
  std::vector<int64_t> generator = {};      // latent, hidden..., data: an MLP
  std::vector<int64_t> discriminator = {};  // data, hidden..., 1: an MLP giving a logit
  nn::Activation generator_activation = nn::Activation::ReLU;
  nn::Activation discriminator_activation = nn::Activation::LeakyReLU;
  DType dtype = kFloat32;
};

class GAN : public nn::Module {
 public:
  explicit GAN(GANOptions options);
  GAN(std::unique_ptr<nn::UnaryModule> generator, std::unique_ptr<nn::UnaryModule> discriminator,
      int64_t latent_dim);

  // G(z) for n codes z ~ N(0, I) of `dtype`.
  Tensor sample(int64_t n, DType dtype = kFloat32);
  std::string type_name() const override { return "GAN"; }
  std::string extra_repr() const override;

  std::unique_ptr<nn::UnaryModule> generator;
  std::unique_ptr<nn::UnaryModule> discriminator;
  int64_t latent_dim;
};

// Mean binary cross-entropy of the discriminator: real logits against real_label (1, or less for
// one-sided label smoothing), generated ones against 0.
Tensor discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits, double real_label = 1);
// The non-saturating generator loss: mean binary cross-entropy of the generated logits against 1.
Tensor generator_loss(const Tensor& fake_logits);

struct GANStepOptions {
  double real_label = 1;  // 0.9 is the usual one-sided label smoothing
};

// The losses and D's mean probabilities of one step, to watch the game.
struct GANStep {
  double discriminator_loss = 0;
  double generator_loss = 0;
  double real_score = 0;  // mean D(x)
  double fake_score = 0;  // mean D(G(z)) before the discriminator's update
};

// One alternating step on a batch of real data: a batch of codes is generated once; the
// discriminator takes a step on the real batch and the (detached) generated one, then the
// generator takes a step through the updated discriminator. Each optimizer must hold its own
// network's parameters.
GANStep train_step(GAN& gan, optim::Optimizer& discriminator_optimizer, optim::Optimizer& generator_optimizer,
                   const Tensor& real, const GANStepOptions& options = {});

}  // namespace nabla::generative
