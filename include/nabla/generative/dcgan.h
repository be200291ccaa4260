#pragma once
// A DCGAN-style pair (Radford et al.) for small images [N, C, S, S], S divisible by 4:
//   generator:     z -> Linear -> BatchNorm1d -> ReLU -> [2F, S/4, S/4]
//                    -> ConvTranspose2d 4x4/2 -> BatchNorm2d -> ReLU -> [F, S/2, S/2]
//                    -> ConvTranspose2d 4x4/2 -> Tanh -> [C, S, S]          (images in [-1, 1])
//   discriminator: Conv2d 4x4/2 -> LeakyReLU(0.2) -> Conv2d 4x4/2 -> BatchNorm2d -> LeakyReLU(0.2)
//                    -> Flatten -> Linear -> one logit
// with DCGAN's initialisation: convolution and Linear weights N(0, 0.02), batch-norm weights
// N(1, 0.02), biases 0. It trains with train_step like any GAN:
//
//   DCGAN gan({.latent_dim = 64, .features = 32});          // 28 x 28 grey images
//   GANStep s = train_step(gan, d_opt, g_opt, real * 2 - 1);  // real in [0, 1]
#include <string>

#include "nabla/generative/gan.h"

namespace nabla::generative {

struct DCGANOptions {
  int64_t latent_dim = 100;
  int64_t image_channels = 1;
  int64_t image_size = 28;  // divisible by 4
  int64_t features = 64;    // F: the generator's last and the discriminator's first feature maps
  DType dtype = kFloat32;
};

class DCGAN : public GAN {
 public:
  explicit DCGAN(DCGANOptions options);
  std::string type_name() const override { return "DCGAN"; }

  DCGANOptions options;
};

}  // namespace nabla::generative
