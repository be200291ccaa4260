#include "nabla/generative/gan.h"

#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/functional/loss.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/random.h"
#include "nabla/tensor/reduce.h"
#include "src/generative/check.h"

namespace nabla::generative {
namespace {

namespace F = nn::functional;

std::unique_ptr<nn::UnaryModule> mlp(const std::vector<int64_t>& sizes, nn::Activation activation,
                                     DType dtype) {
  return std::make_unique<nn::MLP>(nn::MLPOptions{.sizes = sizes, .activation = activation, .dtype = dtype});
}

int64_t latent_dim_of(const GANOptions& o) {
  NABLA_CHECK(!o.generator.empty(), "GAN", "the generator's sizes are empty");
  return o.generator.front();
}

void check_logits(const Tensor& logits, const char* name, const char* op) {
  detail::check_floating(logits, name, op);
  NABLA_CHECK(logits.numel() > 0, op, "empty ", name);
}

// Mean binary cross-entropy of the logits against a constant label.
Tensor bce_against(const Tensor& logits, double label) {
  return F::binary_cross_entropy_with_logits(logits, full_like(logits, label));
}

}  // namespace

GAN::GAN(GANOptions o)
    // Braces: the generator draws its initial weights before the discriminator.
    : GAN{mlp(o.generator, o.generator_activation, o.dtype),
          mlp(o.discriminator, o.discriminator_activation, o.dtype), latent_dim_of(o)} {
  NABLA_CHECK(o.discriminator.size() >= 2 && o.discriminator.back() == 1, "GAN",
              "the discriminator must end in one logit, got sizes ending in ",
              o.discriminator.empty() ? 0 : o.discriminator.back());
  NABLA_CHECK(o.generator.back() == o.discriminator.front(), "GAN", "the generator makes ",
              o.generator.back(), " features but the discriminator takes ", o.discriminator.front());
}

GAN::GAN(std::unique_ptr<nn::UnaryModule> g, std::unique_ptr<nn::UnaryModule> d, int64_t latent)
    : generator(std::move(g)), discriminator(std::move(d)), latent_dim(latent) {
  NABLA_CHECK(generator != nullptr && discriminator != nullptr, "GAN", "no ",
              generator ? "discriminator" : "generator", " network");
  NABLA_CHECK(latent > 0, "GAN", "latent_dim must be positive, got ", latent);
  register_module("generator", &GAN::generator);
  register_module("discriminator", &GAN::discriminator);
}

Tensor GAN::sample(int64_t n, DType dtype) {
  NABLA_CHECK(n > 0, "GAN.sample", "the number of samples must be positive, got ", n);
  return (*generator)(randn({n, latent_dim}, {.dtype = dtype}));
}

std::string GAN::extra_repr() const { return "latent_dim=" + std::to_string(latent_dim); }

Tensor discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits, double real_label) {
  const char* op = "discriminator_loss";
  check_logits(real_logits, "real logits", op);
  check_logits(fake_logits, "fake logits", op);
  NABLA_CHECK(real_label > 0 && real_label <= 1, op, "real_label must be in (0, 1], got ", real_label);
  return add(bce_against(real_logits, real_label), bce_against(fake_logits, 0));
}

Tensor generator_loss(const Tensor& fake_logits) {
  check_logits(fake_logits, "fake logits", "generator_loss");
  return bce_against(fake_logits, 1);
}

GANStep train_step(GAN& gan, optim::Optimizer& discriminator_optimizer, optim::Optimizer& generator_optimizer,
                   const Tensor& real, const GANStepOptions& options) {
  detail::check_batch(real, "real batch", "GAN train_step");
  const Tensor fake = gan.sample(real.size(0), real.dtype());
  nn::UnaryModule& discriminator = *gan.discriminator;

  discriminator_optimizer.zero_grad();
  const Tensor real_logits = discriminator(real), fake_logits = discriminator(fake.detach());
  const Tensor d_loss = discriminator_loss(real_logits, fake_logits, options.real_label);
  d_loss.backward();
  discriminator_optimizer.step();

  generator_optimizer.zero_grad();
  const Tensor g_loss = generator_loss(discriminator(fake));
  g_loss.backward();
  generator_optimizer.step();

  NoGradGuard no_grad;
  return {.discriminator_loss = d_loss.item(),
          .generator_loss = g_loss.item(),
          .real_score = mean(sigmoid(real_logits)).item(),
          .fake_score = mean(sigmoid(fake_logits)).item()};
}

}  // namespace nabla::generative
