#include "nabla/generative/conv_autoencoder.h"

#include "nabla/nn/conv.h"
#include "nabla/nn/flatten.h"
#include "nabla/nn/linear.h"
#include "nabla/nn/mlp.h"

namespace nabla::generative {
namespace {

// The side of the last feature map, after checking the options.
int64_t feature_side(const ConvAutoEncoderOptions& o, const char* op) {
  NABLA_CHECK(!o.channels.empty(), op, "channels is empty: give at least one stage");
  NABLA_CHECK(o.in_channels > 0, op, "in_channels must be positive, got ", o.in_channels);
  NABLA_CHECK(o.code >= 0, op, "code must be non-negative, got ", o.code);
  for (const int64_t c : o.channels) NABLA_CHECK(c > 0, op, "channels must be positive, got ", c);
  const int64_t stride = int64_t{1} << o.channels.size();
  NABLA_CHECK(o.image_size > 0 && o.image_size % stride == 0, op, "image_size ", o.image_size,
              " must be divisible by 2^", o.channels.size(), " = ", stride);
  return o.image_size / stride;
}

}  // namespace

std::unique_ptr<nn::Sequential> conv_encoder(const ConvAutoEncoderOptions& o) {
  const int64_t side = feature_side(o, "conv_encoder");
  auto encoder = std::make_unique<nn::Sequential>();
  int64_t in = o.in_channels;
  for (const int64_t out : o.channels) {
    encoder->push_back(nn::Conv2d({.in_channels = in,
                                   .out_channels = out,
                                   .kernel_size = 3,
                                   .stride = 2,
                                   .padding = 1,
                                   .dtype = o.dtype}));
    encoder->add(nn::make_activation(o.activation));
    in = out;
  }
  if (o.code > 0) {
    encoder->push_back(nn::Flatten());
    encoder->push_back(
        nn::Linear({.in_features = in * side * side, .out_features = o.code, .dtype = o.dtype}));
  }
  return encoder;
}

std::unique_ptr<nn::Sequential> conv_decoder(const ConvAutoEncoderOptions& o) {
  const int64_t side = feature_side(o, "conv_decoder");
  auto decoder = std::make_unique<nn::Sequential>();
  const int64_t stages = static_cast<int64_t>(o.channels.size());
  if (o.code > 0) {
    const int64_t last = o.channels.back();
    decoder->push_back(
        nn::Linear({.in_features = o.code, .out_features = last * side * side, .dtype = o.dtype}));
    decoder->add(nn::make_activation(o.activation));
    decoder->push_back(nn::Unflatten({.dim = 1, .unflattened_size = {last, side, side}}));
  }
  for (int64_t i = stages - 1; i >= 0; --i) {
    const int64_t out = i > 0 ? o.channels[static_cast<size_t>(i - 1)] : o.in_channels;
    // output_padding 1 makes each stage exactly double the side, undoing the encoder's halving.
    decoder->push_back(nn::ConvTranspose2d({.in_channels = o.channels[static_cast<size_t>(i)],
                                            .out_channels = out,
                                            .kernel_size = 3,
                                            .stride = 2,
                                            .padding = 1,
                                            .output_padding = 1,
                                            .dtype = o.dtype}));
    if (i > 0) decoder->add(nn::make_activation(o.activation));
  }
  if (o.output_activation != nn::Activation::Identity) decoder->add(nn::make_activation(o.output_activation));
  return decoder;
}

// Braces: the encoder draws its initial weights before the decoder.
ConvAutoEncoder::ConvAutoEncoder(ConvAutoEncoderOptions o)
    : AutoEncoder{conv_encoder(o), conv_decoder(o)}, options(std::move(o)) {}

}  // namespace nabla::generative
