#include "nabla/generative/dcgan.h"

#include <memory>

#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/activation.h"
#include "nabla/nn/batch_norm.h"
#include "nabla/nn/conv.h"
#include "nabla/nn/flatten.h"
#include "nabla/nn/init.h"
#include "nabla/nn/linear.h"
#include "nabla/nn/sequential.h"

namespace nabla::generative {
namespace {

const DCGANOptions& checked(const DCGANOptions& o) {
  NABLA_CHECK(o.latent_dim > 0, "DCGAN", "latent_dim must be positive, got ", o.latent_dim);
  NABLA_CHECK(o.image_channels > 0, "DCGAN", "image_channels must be positive, got ", o.image_channels);
  NABLA_CHECK(o.features > 0, "DCGAN", "features must be positive, got ", o.features);
  NABLA_CHECK(o.image_size > 0 && o.image_size % 4 == 0, "DCGAN",
              "image_size must be a positive multiple of 4, got ", o.image_size);
  return o;
}

// DCGAN's initialisation of a layer's weight (and bias, when it has one).
template <class Layer>
Layer& dcgan_init(Layer& layer, double mean = 0) {
  NoGradGuard no_grad;
  nn::init::normal_(layer.weight, mean, 0.02);
  if (layer.bias.defined()) nn::init::zeros_(layer.bias);
  return layer;
}

std::unique_ptr<nn::UnaryModule> make_generator(const DCGANOptions& o) {
  const int64_t f = o.features, side = o.image_size / 4, flat = 2 * f * side * side;
  auto g = std::make_unique<nn::Sequential>();
  dcgan_init(g->push_back(
      nn::Linear({.in_features = o.latent_dim, .out_features = flat, .bias = false, .dtype = o.dtype})));
  dcgan_init(g->push_back(nn::BatchNorm1d({.num_features = flat, .dtype = o.dtype})), 1);
  g->push_back(nn::ReLU());
  g->push_back(nn::Unflatten({.dim = 1, .unflattened_size = {2 * f, side, side}}));
  dcgan_init(g->push_back(nn::ConvTranspose2d({.in_channels = 2 * f,
                                               .out_channels = f,
                                               .kernel_size = 4,
                                               .stride = 2,
                                               .padding = 1,
                                               .bias = false,
                                               .dtype = o.dtype})));
  dcgan_init(g->push_back(nn::BatchNorm2d({.num_features = f, .dtype = o.dtype})), 1);
  g->push_back(nn::ReLU());
  dcgan_init(g->push_back(nn::ConvTranspose2d({.in_channels = f,
                                               .out_channels = o.image_channels,
                                               .kernel_size = 4,
                                               .stride = 2,
                                               .padding = 1,
                                               .dtype = o.dtype})));
  g->push_back(nn::Tanh());
  return g;
}

std::unique_ptr<nn::UnaryModule> make_discriminator(const DCGANOptions& o) {
  const int64_t f = o.features, side = o.image_size / 4;
  auto d = std::make_unique<nn::Sequential>();
  dcgan_init(d->push_back(nn::Conv2d({.in_channels = o.image_channels,
                                      .out_channels = f,
                                      .kernel_size = 4,
                                      .stride = 2,
                                      .padding = 1,
                                      .dtype = o.dtype})));
  d->push_back(nn::LeakyReLU({.negative_slope = 0.2}));
  dcgan_init(d->push_back(nn::Conv2d({.in_channels = f,
                                      .out_channels = 2 * f,
                                      .kernel_size = 4,
                                      .stride = 2,
                                      .padding = 1,
                                      .bias = false,
                                      .dtype = o.dtype})));
  dcgan_init(d->push_back(nn::BatchNorm2d({.num_features = 2 * f, .dtype = o.dtype})), 1);
  d->push_back(nn::LeakyReLU({.negative_slope = 0.2}));
  d->push_back(nn::Flatten());
  dcgan_init(
      d->push_back(nn::Linear({.in_features = 2 * f * side * side, .out_features = 1, .dtype = o.dtype})));
  return d;
}

}  // namespace

// Braces: the generator draws its initial weights before the discriminator.
DCGAN::DCGAN(DCGANOptions o)
    : GAN{make_generator(checked(o)), make_discriminator(o), o.latent_dim}, options(o) {}

}  // namespace nabla::generative
