#pragma once
// Auto-encoders: an encoder to a code and a decoder back, trained to reproduce their input
// (the loss is the caller's: mse_loss, or binary_cross_entropy for data in [0, 1]).
//
//   AutoEncoder ae({.sizes = {64, 128, 2}});             // 64 -> 128 -> 2 -> 128 -> 64
//   Tensor codes = ae.encode(x);                          // dimensionality reduction
//   DenoisingAutoEncoder dae({.sizes = {64, 128, 32}, .output_activation = nn::Activation::Sigmoid},
//                            {.noise = Noise::Masking, .mask_probability = 0.3});
//   Tensor loss = F::mse_loss(dae(x), x);                 // corrupted in training mode only
//
// Both are unary modules, so they train with the Trainer and print with summary(). The encoder
// and decoder can be any unary modules (convolutional ones plug in the same way); parameters are
// encoder.* and decoder.*.
#include <memory>
#include <string>
#include <vector>

#include "nabla/nn/mlp.h"

namespace nabla::generative {

struct AutoEncoderOptions {
  // input, hidden..., code: the encoder's layers; the decoder mirrors them (code, ..., input).
  std::vector<int64_t> sizes = {};
  nn::Activation activation = nn::Activation::ReLU;
  nn::Activation output_activation = nn::Activation::Identity;  // after the decoder's last Linear
  DType dtype = kFloat32;
};

class AutoEncoder : public nn::UnaryModule {
 public:
  explicit AutoEncoder(AutoEncoderOptions options);
  AutoEncoder(std::unique_ptr<nn::UnaryModule> encoder, std::unique_ptr<nn::UnaryModule> decoder);

  Tensor forward(const Tensor& x) override { return decode(encode(x)); }
  Tensor encode(const Tensor& x) { return (*encoder)(x); }
  Tensor decode(const Tensor& code) { return (*decoder)(code); }
  std::string type_name() const override { return "AutoEncoder"; }

  std::unique_ptr<nn::UnaryModule> encoder;
  std::unique_ptr<nn::UnaryModule> decoder;
};

enum class Noise {
  Gaussian,  // x + sigma · N(0, 1)
  Masking,   // each element set to 0 with probability mask_probability (no rescaling)
};

struct NoiseOptions {
  Noise noise = Noise::Gaussian;
  double sigma = 0.1;
  double mask_probability = 0.25;
};

// x corrupted as `options` says, with draws from the global generator; not differentiable in
// the noise (the gradient with respect to x passes through the mask or the addition).
Tensor corrupt(const Tensor& x, const NoiseOptions& options);

// An auto-encoder that corrupts its input in training mode (eval mode reconstructs the input as
// given), so that it learns to undo the corruption.
class DenoisingAutoEncoder : public AutoEncoder {
 public:
  DenoisingAutoEncoder(AutoEncoderOptions options, NoiseOptions noise);
  DenoisingAutoEncoder(std::unique_ptr<nn::UnaryModule> encoder, std::unique_ptr<nn::UnaryModule> decoder,
                       NoiseOptions noise);

  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "DenoisingAutoEncoder"; }
  std::string extra_repr() const override;

  NoiseOptions noise;
};

}  // namespace nabla::generative
