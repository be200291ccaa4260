#pragma once
// A convolutional auto-encoder for images [N, C, H, W]: each encoder stage is a 3x3 convolution
// of stride 2 (halving the image) and the activation, optionally followed by a Linear to a flat
// code; the decoder mirrors it with 3x3 transposed convolutions of stride 2 (doubling it).
//
//   ConvAutoEncoder cae({.channels = {16, 32}, .output_activation = nn::Activation::Sigmoid});
//   Tensor r = cae(x);                  // x [N, 1, 28, 28] -> codes [N, 32, 7, 7] -> [N, 1, 28, 28]
//   DenoisingAutoEncoder dae(conv_encoder(options), conv_decoder(options), {.sigma = 0.3});
//
// Parameter names follow PyTorch's nn.Sequential: encoder.0.weight (the first Conv2d), ...
#include <memory>
#include <string>
#include <vector>

#include "nabla/generative/autoencoder.h"
#include "nabla/nn/sequential.h"

namespace nabla::generative {

struct ConvAutoEncoderOptions {
  int64_t in_channels = 1;
  int64_t image_size = 28;             // height and width, divisible by 2^channels.size()
  std::vector<int64_t> channels = {};  // the encoder's stages, one halving each
  int64_t code = 0;  // when > 0, a Linear from the last feature map to a flat code of this size
  nn::Activation activation = nn::Activation::ReLU;
  nn::Activation output_activation = nn::Activation::Identity;  // after the decoder's last layer
  DType dtype = kFloat32;
};

// The two halves, for AutoEncoder's and DenoisingAutoEncoder's network constructors; bad options
// throw nabla::Error.
std::unique_ptr<nn::Sequential> conv_encoder(const ConvAutoEncoderOptions& options);
std::unique_ptr<nn::Sequential> conv_decoder(const ConvAutoEncoderOptions& options);

class ConvAutoEncoder : public AutoEncoder {
 public:
  explicit ConvAutoEncoder(ConvAutoEncoderOptions options);
  std::string type_name() const override { return "ConvAutoEncoder"; }

  ConvAutoEncoderOptions options;
};

}  // namespace nabla::generative
