#pragma once
// Batch normalisation over every dim but the channels: BatchNorm1d takes [N, C] or [N, C, L]
// inputs, BatchNorm2d [N, C, H, W] ones:
//   y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, per channel.
// In training the batch statistics are used and folded into the running estimates
// (running = (1 - momentum) * running + momentum * batch, with the unbiased batch
// variance); in eval mode the running estimates are used.
#include <optional>

#include "nabla/nn/unary_module.h"

namespace nabla::nn {

namespace functional {
// torch.nn.functional.batch_norm for inputs [N, C, *]. In training, defined running
// tensors are updated in place; out of training they must be defined and are used.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = {}, const Tensor& bias = {}, bool training = false, double momentum = 0.1,
                  double eps = 1e-5);
}  // namespace functional

struct BatchNormOptions {
  int64_t num_features = 0;
  double eps = 1e-5;
  std::optional<double> momentum = 0.1;  // nullopt: a cumulative average over all batches
  bool affine = true;                    // learnable weight (ones) and bias (zeros)
  bool track_running_stats = true;       // without, batch statistics are used in eval mode too
  DType dtype = kFloat32;
};

// BatchNorm1d (D = 1) and BatchNorm2d (D = 2) differ only in the inputs they take.
template <int D>
class BatchNormNd : public UnaryModule {
 public:
  explicit BatchNormNd(BatchNormOptions options);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return D == 1 ? "BatchNorm1d" : "BatchNorm2d"; }
  std::string extra_repr() const override;

  BatchNormOptions options;
  Tensor weight;  // undefined without affine
  Tensor bias;
  // Buffers, undefined without track_running_stats.
  Tensor running_mean;         // zeros
  Tensor running_var;          // ones
  Tensor num_batches_tracked;  // int64 scalar: training forward passes so far
};
using BatchNorm1d = BatchNormNd<1>;
using BatchNorm2d = BatchNormNd<2>;
extern template class BatchNormNd<1>;
extern template class BatchNormNd<2>;

}  // namespace nabla::nn
