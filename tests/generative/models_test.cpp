// The generative models' layouts (shapes, PyTorch-style parameter names, the tutorial's parameter
// counts), their behaviour (noise only in training, sampling, interpolation, the GAN step),
// determinism, and bad input.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::generative {
namespace {

using nabla::testing::expect_error;

std::vector<std::string> parameter_names(const nn::Module& m) {
  std::vector<std::string> names;
  for (const auto& [name, p] : m.named_parameters()) names.push_back(name);
  return names;
}

VAE tutorial_vae() {
  return VAE({.encoder = {.sizes = {2, 100, 50, 2}, .activation = nn::Activation::Tanh},
              .decoder = {.sizes = {2, 50, 100, 2},
                          .activation = nn::Activation::Tanh,
                          .likelihood = Likelihood::Gaussian,
                          .learned_variance = true}});
}

TEST(GaussianHead, GivesMeanAndLogVarianceOfTheSameShape) {
  GaussianHead head({.in_features = 5, .out_features = 3});
  EXPECT_EQ(parameter_names(head),
            (std::vector<std::string>{"mu.weight", "mu.bias", "logvar.weight", "logvar.bias"}));
  const DiagonalGaussian g = head(randn({4, 5}));
  EXPECT_EQ(g.mu.shape(), Shape({4, 3}));
  EXPECT_EQ(g.logvar.shape(), Shape({4, 3}));
  std::ostringstream os;
  os << head;
  EXPECT_NE(os.str().find("GaussianHead(in_features=5, out_features=3\n  (mu): Linear("), std::string::npos)
      << os.str();
  expect_error([] { GaussianHead({.in_features = 0, .out_features = 3}); }, {"GaussianHead", "positive"});
}

TEST(VAE, TheTutorialsLayoutHas11208Parameters) {
  VAE vae = tutorial_vae();
  EXPECT_EQ(vae.num_parameters(), 11208);
  EXPECT_EQ(vae.encoder.num_parameters(), 5554);
  EXPECT_EQ(vae.decoder.num_parameters(), 5654);
  EXPECT_EQ(vae.latent_dim(), 2);
  const std::vector<std::string> names = parameter_names(vae);
  EXPECT_EQ(names.front(), "encoder.body.0.weight");
  EXPECT_EQ(names[4], "encoder.head.mu.weight");
  EXPECT_EQ(names.back(), "decoder.head.logvar.bias");
}

TEST(VAE, ShapesOfItsOutputsAndSamples) {
  VAE vae({.encoder = {.sizes = {6, 8, 3}}, .decoder = {.sizes = {3, 8, 6}}});
  const Tensor x = rand({5, 6});
  const VAEOutput out = vae(x);
  EXPECT_EQ(out.posterior.mu.shape(), Shape({5, 3}));
  EXPECT_EQ(out.z.shape(), Shape({5, 3}));
  EXPECT_EQ(out.reconstruction.output.shape(), Shape({5, 6}));
  EXPECT_FALSE(out.reconstruction.logvar.defined());  // Bernoulli
  EXPECT_EQ(vae.encode_mean(x).shape(), Shape({5, 3}));
  const Tensor samples = vae.sample(7);
  EXPECT_EQ(samples.shape(), Shape({7, 6}));
  EXPECT_GE(min(samples).item(), 0);  // sigmoid of the logits
  EXPECT_LE(max(samples).item(), 1);
  EXPECT_EQ(vae.loss(x).loss.dim(), 0);
}

TEST(VAE, AFixedVarianceDecoderAddsNoParametersForIt) {
  Decoder fixed({.sizes = {2, 4, 3}, .likelihood = Likelihood::Gaussian, .logvar = std::log(0.1)});
  EXPECT_EQ(fixed.num_parameters(), 2 * 4 + 4 + 4 * 3 + 3);
  const Reconstruction r = fixed(randn({5, 2}));
  EXPECT_EQ(r.logvar.dim(), 0);
  EXPECT_NEAR(r.logvar.item(), std::log(0.1), 1e-6);
  const Tensor x = randn({5, 3});
  EXPECT_TRUE(allclose(fixed.nll(r, x), gaussian_nll(x, r.output, r.logvar)));
  EXPECT_TRUE(equal(fixed.mean(r), r.output));
}

TEST(VAE, PlugsInAnyEncoderAndDecoderNetworks) {
  // What a convolutional pair would be: the encoder's body ends in features, the decoder's
  // network makes the data (here images [N, 1, 2, 2] through Unflatten-like reshaping).
  struct ToImage : nn::UnaryModule {
    nn::Linear linear{{.in_features = 3, .out_features = 4}};
    ToImage() { register_module("linear", &ToImage::linear); }
    Tensor forward(const Tensor& z) override { return linear(z).view({-1, 1, 2, 2}); }
  };
  auto body =
      std::make_unique<nn::Sequential>(nn::Flatten(), nn::Linear({.in_features = 4, .out_features = 5}));
  VAE vae(GaussianNetwork(std::move(body), {.in_features = 5, .out_features = 3}),
          Decoder(std::make_unique<ToImage>(), Likelihood::Bernoulli));
  const Tensor images = rand({6, 1, 2, 2});
  const ELBO terms = vae.loss(images);
  EXPECT_EQ(terms.reconstruction.dim(), 0);
  terms.loss.backward();
  EXPECT_TRUE(vae.decoder.body->named_parameters()[0].second.grad().defined());
  EXPECT_EQ(parameter_names(vae)[0], "encoder.body.1.weight");
  EXPECT_EQ(vae.sample(2).shape(), Shape({2, 1, 2, 2}));
}

TEST(VAE, LossIsDeterministicWithTheSeed) {
  const auto run = [] {
    manual_seed(5);
    VAE vae({.encoder = {.sizes = {4, 6, 2}}, .decoder = {.sizes = {2, 6, 4}}});
    const Tensor x = rand({3, 4});
    return std::pair{vae.loss(x).loss.item(), vae.sample(2)};
  };
  const auto [a, sa] = run();
  const auto [b, sb] = run();
  EXPECT_EQ(a, b);
  EXPECT_TRUE(equal(sa, sb));
}

TEST(VAE, RejectsBadInput) {
  VAE vae({.encoder = {.sizes = {4, 6, 2}}, .decoder = {.sizes = {2, 6, 4}}});
  expect_error([&] { vae.loss(rand({3, 5})); }, "[3, 5]");                             // the encoder's width
  expect_error([&] { vae.loss(rand({3, 4}), {.beta = -1}); }, {"elbo_loss", "beta"});  // negative beta
  expect_error([&] { vae.loss(rand({3, 4}), {}, zeros({2, 2})); }, "eps");
  expect_error([&] { vae.sample(0); }, {"VAE.sample", "positive"});
  expect_error([] { Decoder({.sizes = {2, 4}, .learned_variance = true}); }, {"Decoder", "Gaussian"});
  expect_error([] { GaussianNetwork({.sizes = {4}}); }, {"GaussianNetwork", "sizes"});
  expect_error([] { GaussianNetwork(nullptr, {.in_features = 2, .out_features = 2}); }, "no body");
}

ConditionalVAE tutorial_cvae() {
  const auto network = [] {
    return GaussianNetwork({.sizes = {1, 50, 50, 2}, .activation = nn::Activation::Tanh});
  };
  return ConditionalVAE(network(),
                        Decoder({.sizes = {2, 50, 50, 1},
                                 .activation = nn::Activation::Tanh,
                                 .likelihood = Likelihood::Gaussian,
                                 .learned_variance = true}),
                        std::make_unique<GaussianNetwork>(network()),
                        {.encoder_sees_condition = false, .decoder_sees_condition = false});
}

TEST(ConditionalVAE, TheTutorialsLayoutHas8510Parameters) {
  ConditionalVAE cvae = tutorial_cvae();
  EXPECT_EQ(cvae.num_parameters(), 8510);
  EXPECT_EQ(cvae.encoder.num_parameters(), 2854);
  EXPECT_EQ(cvae.prior_network->num_parameters(), 2854);
  EXPECT_EQ(cvae.decoder.num_parameters(), 2802);
  EXPECT_EQ(parameter_names(cvae).back(), "prior.head.logvar.bias");
}

TEST(ConditionalVAE, ASharedDrawGivesOneCurveOverTheConditions) {
  ConditionalVAE cvae = tutorial_cvae();
  const Tensor grid = linspace(-1.7, 1.7, 9).unsqueeze(1);
  const Tensor eps = tensor({{0.3, -0.4}});
  const Tensor curve = cvae.sample(grid, eps);
  EXPECT_EQ(curve.shape(), Shape({9, 1}));
  // The same as decoding z = mu0 + eps · sigma0 by hand.
  const DiagonalGaussian p = cvae.prior(grid);
  EXPECT_TRUE(allclose(curve, cvae.decoder.mean(cvae.decoder(p.mu + eps * exp(p.logvar * 0.5))), 1e-6, 1e-6));
}

TEST(ConditionalVAE, ConditionsTheNetworksAsConfigured) {
  // Encoder q(z | x, c) and decoder p(x | z, c) with the standard normal prior: the condition
  // widens both inputs.
  ConditionalVAE cvae(GaussianNetwork({.sizes = {3 + 2, 4, 2}}), Decoder({.sizes = {2 + 2, 4, 3}}), nullptr);
  EXPECT_FALSE(cvae.has_prior_network());
  const Tensor x = rand({4, 3}), c = one_hot(tensor({0, 1, 1, 0}, {.dtype = kInt64}), 2).to(kFloat32);
  const ConditionalVAEOutput out = cvae(x, c);
  EXPECT_TRUE(equal(out.prior.mu, zeros({4, 2})));
  EXPECT_EQ(cvae.sample(c).shape(), Shape({4, 3}));
  expect_error([&] { cvae(x, c.narrow(0, 0, 3)); }, "batch sizes");
  expect_error([&] { cvae(x, c.flatten()); }, "condition");
  expect_error(
      [] {
        ConditionalVAE(GaussianNetwork({.sizes = {3, 2}}), Decoder({.sizes = {2, 3}}), nullptr,
                       {.encoder_sees_condition = false, .decoder_sees_condition = false});
      },
      "no network sees the condition");
}

TEST(AutoEncoder, MirrorsItsEncoderAndEncodesToTheCode) {
  AutoEncoder ae({.sizes = {8, 5, 2}, .output_activation = nn::Activation::Sigmoid});
  EXPECT_EQ(
      parameter_names(ae),
      (std::vector<std::string>{"encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
                                "decoder.0.weight", "decoder.0.bias", "decoder.2.weight", "decoder.2.bias"}));
  const Tensor x = rand({3, 8});
  EXPECT_EQ(ae.encode(x).shape(), Shape({3, 2}));
  const Tensor y = ae(x);
  EXPECT_EQ(y.shape(), Shape({3, 8}));
  EXPECT_TRUE(equal(y, ae.decode(ae.encode(x))));
  EXPECT_GE(min(y).item(), 0);
  // A unary module: summary() prints it.
  std::ostringstream os;
  nn::print_summary(ae, {8}, os);
  EXPECT_NE(os.str().find("Total params: 120"), std::string::npos) << os.str();
  expect_error([] { AutoEncoder(nullptr, std::make_unique<nn::Identity>()); }, "no encoder");
}

TEST(DenoisingAutoEncoder, CorruptsOnlyInTraining) {
  DenoisingAutoEncoder dae({.sizes = {6, 4}}, {.noise = Noise::Gaussian, .sigma = 0.5});
  const Tensor x = rand({5, 6});
  dae.eval();
  EXPECT_TRUE(equal(dae(x), dae.decode(dae.encode(x))));
  dae.train();
  manual_seed(2);
  const Tensor trained = dae(x);
  manual_seed(2);
  EXPECT_TRUE(equal(trained, dae.decode(dae.encode(corrupt(x, dae.noise)))));
  EXPECT_FALSE(allclose(trained, dae.decode(dae.encode(x))));
}

TEST(DenoisingAutoEncoder, NoiseHasTheRequestedStrength) {
  manual_seed(4);
  const Tensor x = full({400, 100}, 0.5);
  const Tensor gaussian = corrupt(x, {.noise = Noise::Gaussian, .sigma = 0.2}) - x;
  EXPECT_NEAR(mean(gaussian).item(), 0, 0.005);
  EXPECT_NEAR(std(gaussian).item(), 0.2, 0.005);
  const Tensor masked = corrupt(x, {.noise = Noise::Masking, .mask_probability = 0.3});
  EXPECT_NEAR(mean(eq(masked, 0.0).to(kFloat64)).item(), 0.3, 0.01);
  EXPECT_EQ(sum(logical_and(ne(masked, 0.0), ne(masked, 0.5)).to(kInt64)).item(), 0);  // survivors untouched
  expect_error([] { corrupt(zeros({2, 2}), {.sigma = -1}); }, {"corrupt", "sigma"});
  expect_error(
      [] {
        DenoisingAutoEncoder({.sizes = {2, 1}}, {.mask_probability = 1.5});
      },
      {"DenoisingAutoEncoder", "mask_probability"});
}

TEST(Interpolate, WalksTheSegmentIncludingBothEnds) {
  const Tensor a = tensor({0, 2}), b = tensor({4, -2});
  const Tensor path = interpolate(a, b, 5);
  EXPECT_EQ(path.shape(), Shape({5, 2}));
  nabla::testing::expect_values(path, {0, 2, 1, 1, 2, 0, 3, -1, 4, -2}, 1e-6);
  expect_error([&] { interpolate(a, tensor({1, 2, 3}), 3); }, {"interpolate", "[3]"});
  expect_error([&] { interpolate(a, b, 1); }, {"interpolate", "steps"});
}

TEST(GAN, LossesAreTheNonSaturatingOnes) {
  const Tensor real = nabla::testing::f64({0, 2}, {2, 1}), fake = nabla::testing::f64({-1, 1}, {2, 1});
  const auto log_sigmoid = [](double l) { return -std::log1p(std::exp(-l)); };
  const double d = -(log_sigmoid(0) + log_sigmoid(2)) / 2 - (log_sigmoid(1) + log_sigmoid(-1)) / 2;
  EXPECT_NEAR(discriminator_loss(real, fake).item(), d, 1e-6);
  EXPECT_NEAR(generator_loss(fake).item(), -(log_sigmoid(-1) + log_sigmoid(1)) / 2, 1e-6);
  // One-sided label smoothing: real targets 0.9, fake ones stay 0.
  const double smoothed =
      -(0.9 * log_sigmoid(0) + 0.1 * log_sigmoid(-0.0) + 0.9 * log_sigmoid(2) + 0.1 * log_sigmoid(-2)) / 2 -
      (log_sigmoid(1) + log_sigmoid(-1)) / 2;
  EXPECT_NEAR(discriminator_loss(real, fake, 0.9).item(), smoothed, 1e-6);
  expect_error([&] { discriminator_loss(real, fake, 0); }, {"discriminator_loss", "real_label"});
  expect_error([] { generator_loss(Tensor()); }, {"generator_loss", "undefined"});
}

TEST(GAN, TrainStepUpdatesBothNetworksInTurn) {
  manual_seed(6);
  GAN gan({.generator = {3, 8, 2}, .discriminator = {2, 8, 1}});
  EXPECT_EQ(gan.latent_dim, 3);
  EXPECT_EQ(parameter_names(gan).front(), "generator.0.weight");
  EXPECT_EQ(parameter_names(gan).back(), "discriminator.2.bias");
  optim::Adam g_opt(gan.generator->parameters(), {.lr = 1e-2});
  optim::Adam d_opt(gan.discriminator->parameters(), {.lr = 1e-2});
  const Tensor g_before = gan.generator->parameters()[0].clone();
  const Tensor d_before = gan.discriminator->parameters()[0].clone();
  const GANStep s = train_step(gan, d_opt, g_opt, randn({16, 2}), {.real_label = 0.9});
  EXPECT_FALSE(equal(g_before, gan.generator->parameters()[0]));
  EXPECT_FALSE(equal(d_before, gan.discriminator->parameters()[0]));
  EXPECT_GT(s.discriminator_loss, 0);
  EXPECT_GT(s.generator_loss, 0);
  EXPECT_GT(s.real_score, 0);
  EXPECT_LT(s.fake_score, 1);
  EXPECT_EQ(gan.sample(4).shape(), Shape({4, 2}));
  expect_error([&] { train_step(gan, d_opt, g_opt, randn({16})); }, "at least 2 dims");
  expect_error([] { GAN({.generator = {3, 8, 2}, .discriminator = {2, 8, 2}}); }, "one logit");
  expect_error([] { GAN({.generator = {3, 8, 4}, .discriminator = {2, 8, 1}}); }, "takes 2");
}

TEST(GAN, TheDiscriminatorLearnsToTellShiftedDataApart) {
  // A fixed generator far from the data: the discriminator's step alone must separate them.
  manual_seed(8);
  GAN gan({.generator = {2, 4, 2}, .discriminator = {2, 16, 1}});
  optim::SGD frozen(gan.generator->parameters(), {.lr = 0});
  optim::Adam d_opt(gan.discriminator->parameters(), {.lr = 1e-2});
  GANStep s;
  for (int i = 0; i < 200; ++i) s = train_step(gan, d_opt, frozen, randn({64, 2}) + 5.0);
  EXPECT_GT(s.real_score, 0.9);
  EXPECT_LT(s.fake_score, 0.1);
}

}  // namespace
}  // namespace nabla::generative
