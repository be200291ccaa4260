#pragma once
// Everything of nabla::generative: diagonal Gaussians and the reparameterisation trick, the
// ELBO's terms, auto-encoders (plain, denoising and convolutional), VAEs, conditional VAEs, GANs
// and DCGANs.
#include "nabla/generative/autoencoder.h"
#include "nabla/generative/conditional_vae.h"
#include "nabla/generative/conv_autoencoder.h"
#include "nabla/generative/dcgan.h"
#include "nabla/generative/decoder.h"
#include "nabla/generative/elbo.h"
#include "nabla/generative/gan.h"
#include "nabla/generative/gaussian.h"
#include "nabla/generative/gaussian_head.h"
#include "nabla/generative/latent.h"
#include "nabla/generative/likelihood.h"
#include "nabla/generative/vae.h"
