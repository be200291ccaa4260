// The convolutional generative models: ConvAutoEncoder's and DCGAN's layouts (shapes, PyTorch-style
// parameter names and counts, DCGAN's initialisation), that they learn, and bad options.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::generative {
namespace {

using nabla::testing::expect_error;
namespace F = nn::functional;

TEST(ConvAutoEncoder, HalvesTheImageAtEachStageAndMirrorsItBack) {
  manual_seed(1);
  ConvAutoEncoder cae({.image_size = 8, .channels = {4, 8}, .output_activation = nn::Activation::Sigmoid});
  // Conv2d 1->4 and 4->8 (3x3), ConvTranspose2d 8->4 and 4->1.
  EXPECT_EQ(cae.num_parameters(), (9 * 4 + 4) + (4 * 9 * 8 + 8) + (8 * 9 * 4 + 4) + (4 * 9 + 1));
  const auto named = cae.named_parameters();
  EXPECT_EQ(named.front().first, "encoder.0.weight");
  EXPECT_EQ(named.back().first, "decoder.2.bias");
  const Tensor x = rand({3, 1, 8, 8});
  EXPECT_EQ(cae.encode(x).shape(), Shape({3, 8, 2, 2}));
  const Tensor r = cae(x);
  EXPECT_EQ(r.shape(), Shape({3, 1, 8, 8}));
  EXPECT_GE(min(r).item(), 0);
  EXPECT_LE(max(r).item(), 1);
}

TEST(ConvAutoEncoder, AFlatCodeGoesThroughLinearLayers) {
  ConvAutoEncoder cae({.in_channels = 3, .image_size = 12, .channels = {5}, .code = 7});
  const Tensor x = rand({2, 3, 12, 12});
  EXPECT_EQ(cae.encode(x).shape(), Shape({2, 7}));
  EXPECT_EQ(cae(x).shape(), Shape({2, 3, 12, 12}));
  EXPECT_EQ(cae.num_parameters(),
            (3 * 9 * 5 + 5) + (5 * 36 * 7 + 7) + (7 * 5 * 36 + 5 * 36) + (5 * 9 * 3 + 3));
}

TEST(ConvAutoEncoder, LearnsToReconstructAndDenoises) {
  manual_seed(3);
  // Images of one bright square at a random place: a structure a conv net captures quickly.
  Tensor images = zeros({64, 1, 8, 8});
  const std::vector<int64_t> at = randint(0, 5, {64, 2}).flatten().to_vector<int64_t>();
  for (int64_t i = 0; i < 64; ++i)
    images.select(0, i)
        .narrow(1, at[static_cast<size_t>(2 * i)], 3)
        .narrow(2, at[static_cast<size_t>(2 * i + 1)], 3)
        .fill_(1);
  const ConvAutoEncoderOptions o{
      .image_size = 8, .channels = {8, 16}, .output_activation = nn::Activation::Sigmoid};
  DenoisingAutoEncoder dae(conv_encoder(o), conv_decoder(o), {.sigma = 0.2});
  optim::Adam optimizer(dae.parameters(), {.lr = 1e-2});
  const auto loss = [&] { return F::mse_loss(dae(images), images); };
  dae.eval();
  const double before = loss().item();
  dae.train();
  for (int step = 0; step < 150; ++step) {
    optimizer.zero_grad();
    loss().backward();
    optimizer.step();
  }
  dae.eval();
  const double after = loss().item();
  EXPECT_LT(after, before / 4) << before << " -> " << after;
}

TEST(ConvAutoEncoder, BadOptionsAreErrors) {
  expect_error(
      [] {
        ConvAutoEncoder({.image_size = 10, .channels = {4, 8}});
      },
      {"conv_encoder", "divisible by 2^2"});
  expect_error([] { ConvAutoEncoder({.channels = {}}); }, {"conv_encoder", "channels is empty"});
  expect_error([] { conv_decoder({.channels = {4, 0}}); }, {"conv_decoder", "positive"});
}

TEST(DCGAN, GeneratesImagesAndScoresThem) {
  manual_seed(5);
  DCGAN gan({.latent_dim = 10, .image_size = 8, .features = 4});
  EXPECT_EQ(gan.latent_dim, 10);
  const Tensor images = gan.sample(3);
  EXPECT_EQ(images.shape(), Shape({3, 1, 8, 8}));
  EXPECT_GE(min(images).item(), -1);  // tanh
  EXPECT_LE(max(images).item(), 1);
  EXPECT_EQ((*gan.discriminator)(images).shape(), Shape({3, 1}));
  const auto named = gan.named_parameters();
  EXPECT_EQ(named.front().first, "generator.0.weight");
  EXPECT_EQ(named.back().first, "discriminator.6.bias");
  // Linear (no bias) 10 -> 8*2*2, BatchNorm1d(32), ConvT 8->4 (no bias), BatchNorm2d(4), ConvT 4->1.
  EXPECT_EQ(gan.generator->num_parameters(), 10 * 32 + 2 * 32 + 8 * 4 * 16 + 2 * 4 + 4 * 16 + 1);
}

TEST(DCGAN, StartsFromDCGANsInitialisation) {
  manual_seed(7);
  DCGAN gan({.latent_dim = 100, .features = 16});
  const Tensor weight = gan.generator->parameters()[0];  // Linear 100 -> 32 * 7 * 7
  EXPECT_NEAR(mean(weight).item(), 0, 1e-3);
  EXPECT_NEAR(std(weight).item(), 0.02, 1e-3);
  const Tensor bn = gan.generator->parameters()[1];  // BatchNorm1d weight
  EXPECT_NEAR(mean(bn).item(), 1, 5e-3);
  EXPECT_EQ(sum(gan.generator->parameters()[2]).item(), 0);  // its bias
}

TEST(DCGAN, TrainStepUpdatesBothNetworks) {
  manual_seed(8);
  DCGAN gan({.latent_dim = 6, .image_size = 8, .features = 4});
  optim::Adam g_opt(gan.generator->parameters(), {.lr = 2e-4, .betas = {0.5, 0.999}});
  optim::Adam d_opt(gan.discriminator->parameters(), {.lr = 2e-4, .betas = {0.5, 0.999}});
  const Tensor g_before = gan.generator->parameters()[0].clone();
  const Tensor d_before = gan.discriminator->parameters()[0].clone();
  const GANStep s = train_step(gan, d_opt, g_opt, rand({16, 1, 8, 8}) * 2 - 1);
  EXPECT_GT(s.discriminator_loss, 0);
  EXPECT_GT(s.generator_loss, 0);
  EXPECT_FALSE(equal(g_before, gan.generator->parameters()[0]));
  EXPECT_FALSE(equal(d_before, gan.discriminator->parameters()[0]));
}

TEST(DCGAN, BadOptionsAreErrors) {
  expect_error([] { DCGAN({.image_size = 30}); }, {"DCGAN", "multiple of 4"});
  expect_error([] { DCGAN({.latent_dim = 0}); }, {"DCGAN", "latent_dim"});
  expect_error([] { DCGAN({.features = -1}); }, {"DCGAN", "features"});
}

}  // namespace
}  // namespace nabla::generative
