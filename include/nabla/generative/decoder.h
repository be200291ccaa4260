#pragma once
// The decoder p(x | z) of a VAE: a network from latent codes to the parameters of the data's
// distribution, and that distribution's negative log-likelihood.
//
//   Decoder bernoulli({.sizes = {20, 512, 784}});                              // logits
//   Decoder gaussian({.sizes = {2, 50, 100, 2}, .activation = nn::Activation::Tanh,
//                     .likelihood = Likelihood::Gaussian, .learned_variance = true});
//   Decoder conv(std::move(conv_stack), Likelihood::Bernoulli);               // any network
//   Reconstruction r = decoder(z);
//   Tensor nll = decoder.nll(r, x);   // [N]
#include <memory>
#include <string>
#include <vector>

#include "nabla/generative/gaussian_head.h"
#include "nabla/generative/likelihood.h"

namespace nabla::generative {

struct DecoderOptions {
  std::vector<int64_t> sizes = {};  // latent, hidden..., data
  nn::Activation activation = nn::Activation::ReLU;
  Likelihood likelihood = Likelihood::Bernoulli;
  // Gaussian: a GaussianHead gives each output its own log-variance (the body is then
  // Linear + activation for every hidden layer); otherwise the variance is exp(logvar).
  bool learned_variance = false;
  double logvar = 0;
  DType dtype = kFloat32;
};

// The decoder's output for a batch of codes.
struct Reconstruction {
  Tensor output{};  // Bernoulli logits or the Gaussian mean, shaped like the data
  Tensor logvar{};  // Gaussian: learned (output's shape) or the fixed one (0-d); Bernoulli: undefined
};

class Decoder : public nn::Module {
 public:
  explicit Decoder(DecoderOptions options);
  // Any network whose output is the logits, or the mean of a Gaussian of variance exp(logvar).
  Decoder(std::unique_ptr<nn::UnaryModule> body, Likelihood likelihood, double logvar = 0);
  // A Gaussian whose variance the network's head learns per output.
  explicit Decoder(GaussianNetwork network);

  Reconstruction forward(const Tensor& z);
  Reconstruction operator()(const Tensor& z) { return forward(z); }
  // -log p(x | z) per sample, [N].
  Tensor nll(const Reconstruction& reconstruction, const Tensor& x) const;
  // The expected data E[x | z]: sigmoid(logits), or the Gaussian mean.
  Tensor mean(const Reconstruction& reconstruction) const;
  std::string type_name() const override { return "Decoder"; }
  std::string extra_repr() const override;

  Likelihood likelihood;
  double logvar;  // the fixed log-variance (Gaussian without a head)
  std::unique_ptr<nn::UnaryModule> body;
  std::unique_ptr<GaussianHead> head;  // learned variance only

 private:
  Decoder(std::unique_ptr<nn::UnaryModule> body, std::unique_ptr<GaussianHead> head, Likelihood likelihood,
          double logvar);
};

}  // namespace nabla::generative
