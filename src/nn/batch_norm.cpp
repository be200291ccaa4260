#include "nabla/nn/batch_norm.h"

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/nn/repr.h"

namespace nabla::nn {
namespace {

void check_channels(const Tensor& t, const char* what, int64_t channels) {
  if (!t.defined()) return;
  NABLA_CHECK(t.numel() == channels, "batch_norm", what, " should contain ", channels, " elements not ", t.numel());
}

}  // namespace

namespace functional {

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  NABLA_CHECK(input.defined(), "batch_norm", "undefined input tensor");
  NABLA_CHECK(input.is_floating_point(), "batch_norm", "expected a floating-point input, got ", input.dtype());
  NABLA_CHECK(input.dim() >= 2, "batch_norm", "expected an input of shape [N, C, *], got ", input.shape());
  const int64_t channels = input.size(1);
  check_channels(running_mean, "running_mean", channels);
  check_channels(running_var, "running_var", channels);
  check_channels(weight, "weight", channels);
  check_channels(bias, "bias", channels);
  // Statistics are per channel: over every dim but 1, broadcast back as [1, C, 1, ...].
  DimList dims{0};
  Shape channel_shape = Shape::filled(input.dim(), 1);
  channel_shape[1] = channels;
  for (int d = 2; d < input.dim(); ++d) dims.push_back(d);

  Tensor y;
  if (training) {
    const int64_t count = channels ? input.numel() / channels : 0;
    NABLA_CHECK(count > 1, "batch_norm", "expected more than 1 value per channel when training, got input size ",
                input.shape());
    const Tensor batch_mean = mean(input, dims, true);
    const Tensor centered = sub(input, batch_mean);
    const Tensor var = mean(mul(centered, centered), dims, true);
    y = mul(centered, rsqrt(add(var, eps)));
    NoGradGuard guard;
    // The running tensors are handles: updating copies of them updates the buffers.
    if (Tensor rm = running_mean; rm.defined()) rm.mul_(1 - momentum).add_(batch_mean.reshape(rm.shape()), momentum);
    if (Tensor rv = running_var; rv.defined()) {
      const double unbiased = static_cast<double>(count) / static_cast<double>(count - 1);
      rv.mul_(1 - momentum).add_(mul(var, unbiased).reshape(rv.shape()), momentum);
    }
  } else {
    NABLA_CHECK(running_mean.defined() && running_var.defined(), "batch_norm",
                "running_mean and running_var are needed out of training");
    y = mul(sub(input, running_mean.reshape(channel_shape)), rsqrt(add(running_var.reshape(channel_shape), eps)));
  }
  if (weight.defined()) y = mul(y, weight.reshape(channel_shape));
  if (bias.defined()) y = add(y, bias.reshape(channel_shape));
  return y;
}

}  // namespace functional

BatchNorm1d::BatchNorm1d(BatchNormOptions o) : options(o) {
  NABLA_CHECK(o.num_features > 0, "BatchNorm1d", "num_features must be positive, got ", o.num_features);
  if (o.affine) {
    weight = ones({o.num_features}, {.dtype = o.dtype});
    bias = zeros({o.num_features}, {.dtype = o.dtype});
  }
  if (o.track_running_stats) {
    running_mean = zeros({o.num_features}, {.dtype = o.dtype});
    running_var = ones({o.num_features}, {.dtype = o.dtype});
    num_batches_tracked = zeros({}, {.dtype = kInt64});
  }
  register_parameter("weight", &BatchNorm1d::weight);
  register_parameter("bias", &BatchNorm1d::bias);
  register_buffer("running_mean", &BatchNorm1d::running_mean);
  register_buffer("running_var", &BatchNorm1d::running_var);
  register_buffer("num_batches_tracked", &BatchNorm1d::num_batches_tracked);
}

Tensor BatchNorm1d::forward(const Tensor& x) {
  NABLA_CHECK(x.dim() == 2 || x.dim() == 3, "BatchNorm1d", "expected 2D or 3D input (got ", x.dim(),
              "D input of shape ", x.shape(), ")");
  double factor = options.momentum.value_or(0.0);
  const bool update = is_training() && options.track_running_stats;
  if (update) {
    int64_t& batches = *num_batches_tracked.data_ptr<int64_t>();
    ++batches;
    num_batches_tracked.storage()->bump_version();
    if (!options.momentum) factor = 1.0 / static_cast<double>(batches);
  }
  // Without running estimates, batch statistics serve in eval mode too.
  const bool use_batch_stats = is_training() || !running_mean.defined();
  const bool pass_running = !is_training() || options.track_running_stats;
  return functional::batch_norm(x, pass_running ? running_mean : Tensor(), pass_running ? running_var : Tensor(),
                                weight, bias, use_batch_stats, factor, options.eps);
}

std::string BatchNorm1d::extra_repr() const {
  return std::to_string(options.num_features) + ", eps=" + internal::py_float(options.eps) +
         ", momentum=" + (options.momentum ? internal::py_float(*options.momentum) : "None") +
         ", affine=" + internal::py_bool(options.affine) +
         ", track_running_stats=" + internal::py_bool(options.track_running_stats);
}

}  // namespace nabla::nn
