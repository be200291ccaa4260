#include "nabla/generative/autoencoder.h"

#include "nabla/tensor/math.h"
#include "nabla/tensor/random.h"
#include "src/generative/check.h"
#include "src/nn/repr.h"

namespace nabla::generative {
namespace {

std::unique_ptr<nn::UnaryModule> dense_encoder(const AutoEncoderOptions& o) {
  return std::make_unique<nn::MLP>(
      nn::MLPOptions{.sizes = o.sizes, .activation = o.activation, .dtype = o.dtype});
}

// The encoder's layers in reverse, then the output activation.
std::unique_ptr<nn::UnaryModule> dense_decoder(const AutoEncoderOptions& o) {
  std::vector<int64_t> sizes(o.sizes.rbegin(), o.sizes.rend());
  auto decoder =
      std::make_unique<nn::MLP>(nn::MLPOptions{.sizes = sizes, .activation = o.activation, .dtype = o.dtype});
  if (o.output_activation != nn::Activation::Identity) decoder->add(nn::make_activation(o.output_activation));
  return decoder;
}

void check_noise(const NoiseOptions& o, const char* op) {
  NABLA_CHECK(o.sigma >= 0, op, "sigma must be non-negative, got ", o.sigma);
  NABLA_CHECK(o.mask_probability >= 0 && o.mask_probability <= 1, op,
              "mask_probability must be in [0, 1], got ", o.mask_probability);
}

}  // namespace

// Braces: the encoder draws its initial weights before the decoder.
AutoEncoder::AutoEncoder(AutoEncoderOptions o) : AutoEncoder{dense_encoder(o), dense_decoder(o)} {}

AutoEncoder::AutoEncoder(std::unique_ptr<nn::UnaryModule> e, std::unique_ptr<nn::UnaryModule> d)
    : encoder(std::move(e)), decoder(std::move(d)) {
  NABLA_CHECK(encoder != nullptr && decoder != nullptr, "AutoEncoder", "no ", encoder ? "decoder" : "encoder",
              " network");
  register_module("encoder", &AutoEncoder::encoder);
  register_module("decoder", &AutoEncoder::decoder);
}

Tensor corrupt(const Tensor& x, const NoiseOptions& options) {
  detail::check_floating(x, "input", "corrupt");
  check_noise(options, "corrupt");
  if (options.noise == Noise::Gaussian)
    return add(x, mul(randn(x.shape(), {.dtype = x.dtype()}), options.sigma));
  return mul(x, bernoulli(x.shape(), 1 - options.mask_probability, {.dtype = x.dtype()}));
}

DenoisingAutoEncoder::DenoisingAutoEncoder(AutoEncoderOptions o, NoiseOptions n)
    : AutoEncoder(std::move(o)), noise(n) {
  check_noise(n, "DenoisingAutoEncoder");
}

DenoisingAutoEncoder::DenoisingAutoEncoder(std::unique_ptr<nn::UnaryModule> e,
                                           std::unique_ptr<nn::UnaryModule> d, NoiseOptions n)
    : AutoEncoder(std::move(e), std::move(d)), noise(n) {
  check_noise(n, "DenoisingAutoEncoder");
}

Tensor DenoisingAutoEncoder::forward(const Tensor& x) {
  return AutoEncoder::forward(is_training() ? corrupt(x, noise) : x);
}

std::string DenoisingAutoEncoder::extra_repr() const {
  if (noise.noise == Noise::Gaussian) return "noise=Gaussian, sigma=" + nn::internal::py_float(noise.sigma);
  return "noise=Masking, mask_probability=" + nn::internal::py_float(noise.mask_probability);
}

}  // namespace nabla::generative
