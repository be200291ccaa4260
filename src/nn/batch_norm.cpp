// batch_norm as a single op over the input seen as [N, C, L] (L = 1 for [N, C]): per-channel
// sums are accumulated in double by blocks of samples (one block per thread, combined in a
// fixed order), and the normalisation is one elementwise pass. The backward pass takes one
// reduction pass and one elementwise pass; when it is itself recorded (create_graph) the
// derivative is written with differentiable ops.
#include "nabla/nn/batch_norm.h"

#include <omp.h>

#include <array>
#include <cmath>
#include <type_traits>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "src/autograd/op_node.h"
#include "src/nn/repr.h"
#include "src/tensor/loops.h"

namespace nabla::nn {
namespace {

using autograd::OpNode;
using autograd::TensorList;

struct Geometry {
  int64_t n = 1, c = 1, l = 1;
  int64_t count() const { return n * l; }  // elements per channel
};

Geometry geometry_of(const Shape& s) {
  Geometry g{s[0], s[1], 1};
  for (int d = 2; d < s.size(); ++d) g.l *= s[d];
  return g;
}

// Per-channel sums of the K values f(c, offset) returns for every element, in double.
// Samples are split into one block per thread when the work is large enough.
template <int K, class F>
std::array<std::vector<double>, K> channel_sums(const Geometry& g, F f) {
  using Sums = std::array<double, K>;
  const int64_t blocks =
      g.n * g.c * g.l < detail::kParallelGrain || omp_in_parallel() ? 1 : std::min<int64_t>(g.n, omp_get_max_threads());
  std::vector<double> parts(static_cast<size_t>(blocks * K * g.c), 0.0);  // [block][k][channel]
  detail::parallel_for(blocks, 2, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) {
      double* acc = parts.data() + k * K * g.c;
      for (int64_t i = g.n * k / blocks; i < g.n * (k + 1) / blocks; ++i) {
        const int64_t base = i * g.c * g.l;
        if (g.l == 1) {
          for (int64_t c = 0; c < g.c; ++c) {
            const Sums v = f(c, base + c);
            for (int q = 0; q < K; ++q) acc[q * g.c + c] += v[q];
          }
          continue;
        }
        // Four interleaved partial sums along a channel's run keep the adds independent.
        for (int64_t c = 0; c < g.c; ++c) {
          const int64_t off = base + c * g.l;
          double s[4][K] = {};
          int64_t j = 0;
          for (; j + 4 <= g.l; j += 4)
            for (int u = 0; u < 4; ++u) {
              const Sums v = f(c, off + j + u);
              for (int q = 0; q < K; ++q) s[u][q] += v[q];
            }
          for (; j < g.l; ++j) {
            const Sums v = f(c, off + j);
            for (int q = 0; q < K; ++q) s[0][q] += v[q];
          }
          for (int q = 0; q < K; ++q) acc[q * g.c + c] += (s[0][q] + s[1][q]) + (s[2][q] + s[3][q]);
        }
      }
    }
  });
  std::array<std::vector<double>, K> out;
  for (int q = 0; q < K; ++q) {
    out[q].assign(static_cast<size_t>(g.c), 0.0);
    for (int64_t k = 0; k < blocks; ++k)
      for (int64_t c = 0; c < g.c; ++c) out[q][c] += parts[(k * K + q) * g.c + c];
  }
  return out;
}

// Calls run(offset, channel, length, varying) over contiguous runs covering every element,
// in parallel over samples. With L == 1 a run is one sample's channels (the channel varies
// along it, varying = true_type, channel 0 first); otherwise it is one channel's L elements.
template <class Run>
void for_each_run(const Geometry& g, Run run) {
  const int64_t per_sample = g.c * g.l;
  const int64_t grain = std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(per_sample, 1));
  detail::parallel_for(g.n, grain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      if (g.l == 1) {
        run(i * per_sample, int64_t{0}, g.c, std::true_type{});
        continue;
      }
      for (int64_t c = 0; c < g.c; ++c) run(i * per_sample + c * g.l, c, g.l, std::false_type{});
    }
  });
}

// A per-channel tensor's values in double (`fill` when undefined).
std::vector<double> values_or(const Tensor& t, int64_t channels, double fill) {
  return t.defined() ? t.detach().contiguous().reshape({-1}).to_vector<double>()
                     : std::vector<double>(static_cast<size_t>(channels), fill);
}

template <class T>
std::vector<T> cast_all(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

// Statistics over every dim but 1, and per-channel tensors broadcast as [1, C, 1, ...].
DimList reduced_dims(int ndim) {
  DimList dims{0};
  for (int d = 2; d < ndim; ++d) dims.push_back(d);
  return dims;
}
Shape channel_shape(const Tensor& x) {
  Shape s = Shape::filled(x.dim(), 1);
  s[1] = x.size(1);
  return s;
}

// The derivative with differentiable ops. In training the statistics are recomputed from x,
// so they are differentiated too; in eval they are the saved constants.
TensorList composite_backward(OpNode& n, const Tensor& g, const Tensor& x, const Tensor& w, const Tensor& stats) {
  const DimList dims = reduced_dims(x.dim());
  const Shape cs = channel_shape(x);
  const Tensor wv = w.defined() ? w.reshape(cs) : Tensor();
  Tensor xhat, dx;
  if (n.arg[0]) {
    const Tensor xc = sub(x, mean(x, dims, true));
    const Tensor rstd = rsqrt(add(mean(mul(xc, xc), dims, true), n.scalar[0]));
    xhat = mul(xc, rstd);
    if (n.needs(0)) {
      const Tensor a = wv.defined() ? mul(g, wv) : g;
      dx = mul(rstd, sub(sub(a, mean(a, dims, true)), mul(xhat, mean(mul(a, xhat), dims, true))));
    }
  } else {
    const Tensor mu = stats.select(0, 0).to(x.dtype()).reshape(cs);
    const Tensor rstd = stats.select(0, 1).to(x.dtype()).reshape(cs);
    xhat = mul(sub(x, mu), rstd);
    if (n.needs(0)) dx = mul(g, wv.defined() ? mul(rstd, wv) : rstd);
  }
  return {dx, n.needs(1) ? sum(mul(g, xhat), dims) : Tensor(), n.needs(2) ? sum(g, dims) : Tensor()};
}

// Saved: 0 the input, 1 the weight, 2 float64 [2, C]: the mean and 1/sqrt(var + eps) used.
// arg[0]: whether batch statistics were used; scalar[0]: eps.
TensorList batch_norm_rule(OpNode& n, const Tensor& g) {
  const Tensor x = n.saved(0);
  const Tensor w = n.saved(1);
  const Tensor stats = n.saved(2);
  if (GradMode::is_enabled()) return composite_backward(n, g, x, w, stats);
  const Geometry geo = geometry_of(x.shape());
  const bool training = n.arg[0];
  const std::vector<double> st = stats.to_vector<double>();
  const double* mean = st.data();
  const double* rstd = st.data() + geo.c;
  const std::vector<double> wv = values_or(w, geo.c, 1);
  const Tensor xc = x.contiguous(), gc = g.contiguous();
  TensorList out(3);
  dispatch_floating(x.dtype(), "batch_norm", [&](auto v) {
    using T = decltype(v);
    const T* px = xc.data_ptr<T>();
    const T* pg = gc.data_ptr<T>();
    // Σ g and Σ g (x - mean) per channel: the bias and weight gradients, and in training
    // the terms through which every element's gradient depends on the batch statistics.
    std::array<std::vector<double>, 2> sums;
    if (training || n.needs(1) || n.needs(2))
      sums = channel_sums<2>(geo, [&](int64_t c, int64_t off) {
        const double gv = pg[off];
        return std::array<double, 2>{gv, gv * (px[off] - mean[c])};
      });
    if (n.needs(0)) {
      Tensor dx = detail::empty(x.shape(), x.dtype());
      T* pd = dx.data_ptr<T>();
      std::vector<T> scale(geo.c), shift(geo.c), slope(geo.c), mu(geo.c);
      const double count = static_cast<double>(geo.count());
      for (int64_t c = 0; c < geo.c; ++c) {
        scale[c] = static_cast<T>(rstd[c] * wv[c]);
        mu[c] = static_cast<T>(mean[c]);
        shift[c] = training ? static_cast<T>(sums[0][c] / count) : T(0);
        slope[c] = training ? static_cast<T>(rstd[c] * rstd[c] * sums[1][c] / count) : T(0);
      }
      for_each_run(geo, [&](int64_t off, int64_t c, int64_t len, auto varying) {
        constexpr int64_t step = decltype(varying)::value;  // per-channel values advance along the run
        for (int64_t k = 0; k < len; ++k) {
          const int64_t ch = c + k * step;
          pd[off + k] = (pg[off + k] - shift[ch] - (px[off + k] - mu[ch]) * slope[ch]) * scale[ch];
        }
      });
      out[0] = dx;
    }
    if (n.needs(1)) {
      std::vector<double> dw(geo.c);
      for (int64_t c = 0; c < geo.c; ++c) dw[c] = sums[1][c] * rstd[c];
      out[1] = from_vector(dw, n.input_shape(1)).to(x.dtype());
    }
    if (n.needs(2)) out[2] = from_vector(sums[0], n.input_shape(2)).to(x.dtype());
  });
  return out;
}

void check_channels(const Tensor& t, const char* what, int64_t channels, DType dtype) {
  if (!t.defined()) return;
  NABLA_CHECK(t.numel() == channels, "batch_norm", what, " should contain ", channels, " elements not ", t.numel());
  NABLA_CHECK(t.is_floating_point(), "batch_norm", what, " must be floating point, got ", t.dtype());
  if (std::string_view(what) == "weight" || std::string_view(what) == "bias")
    NABLA_CHECK(t.dtype() == dtype, "batch_norm", what, " has dtype ", t.dtype(), " but the input has ", dtype);
}

// running = (1 - momentum) * running + momentum * value, in place.
void update_running(const Tensor& running, const std::vector<double>& value, double momentum) {
  if (!running.defined()) return;
  NoGradGuard guard;
  Tensor r = running;  // a handle to the caller's buffer
  r.mul_(1 - momentum).add_(from_vector(value, running.shape()), momentum);
}

}  // namespace

namespace functional {

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  NABLA_CHECK(input.defined(), "batch_norm", "undefined input tensor");
  NABLA_CHECK(input.is_floating_point(), "batch_norm", "expected a floating-point input, got ", input.dtype());
  NABLA_CHECK(input.dim() >= 2, "batch_norm", "expected an input of shape [N, C, *], got ", input.shape());
  const Geometry geo = geometry_of(input.shape());
  check_channels(running_mean, "running_mean", geo.c, input.dtype());
  check_channels(running_var, "running_var", geo.c, input.dtype());
  check_channels(weight, "weight", geo.c, input.dtype());
  check_channels(bias, "bias", geo.c, input.dtype());
  if (training)
    NABLA_CHECK(geo.count() > 1, "batch_norm", "expected more than 1 value per channel when training, got input size ",
                input.shape());
  else
    NABLA_CHECK(running_mean.defined() && running_var.defined(), "batch_norm",
                "running_mean and running_var are needed out of training");

  const Tensor x = input.detach().contiguous();
  Tensor y = detail::empty(input.shape(), input.dtype());
  Tensor stats = detail::empty({2, geo.c}, kFloat64);
  double* mean = stats.data_ptr<double>();
  double* rstd = mean + geo.c;
  dispatch_floating(input.dtype(), "batch_norm", [&](auto v) {
    using T = decltype(v);
    const T* px = x.data_ptr<T>();
    if (training) {
      const double count = static_cast<double>(geo.count());
      const auto [sum] = channel_sums<1>(geo, [&](int64_t, int64_t off) { return std::array<double, 1>{double(px[off])}; });
      for (int64_t c = 0; c < geo.c; ++c) mean[c] = sum[c] / count;
      // Two passes: the centred sum of squares does not cancel like E[x²] - E[x]².
      const auto [sq] = channel_sums<1>(geo, [&](int64_t c, int64_t off) {
        const double d = px[off] - mean[c];
        return std::array<double, 1>{d * d};
      });
      std::vector<double> var(geo.c), batch_mean(mean, mean + geo.c);
      for (int64_t c = 0; c < geo.c; ++c) {
        var[c] = sq[c] / count;
        rstd[c] = 1 / std::sqrt(var[c] + eps);
        var[c] *= count / (count - 1);  // the running estimate takes the unbiased variance
      }
      update_running(running_mean, batch_mean, momentum);
      update_running(running_var, var, momentum);
    } else {
      const std::vector<double> rm = values_or(running_mean, geo.c, 0), rv = values_or(running_var, geo.c, 1);
      for (int64_t c = 0; c < geo.c; ++c) {
        mean[c] = rm[c];
        rstd[c] = 1 / std::sqrt(rv[c] + eps);
      }
    }
    const std::vector<double> wv = values_or(weight, geo.c, 1), bv = values_or(bias, geo.c, 0);
    std::vector<T> scale(geo.c), mu(geo.c), shift(geo.c);
    for (int64_t c = 0; c < geo.c; ++c) {
      scale[c] = static_cast<T>(rstd[c] * wv[c]);
      mu[c] = static_cast<T>(mean[c]);
      shift[c] = static_cast<T>(bv[c]);
    }
    T* py = y.data_ptr<T>();
    for_each_run(geo, [&](int64_t off, int64_t c, int64_t len, auto varying) {
      constexpr int64_t step = decltype(varying)::value;
      for (int64_t k = 0; k < len; ++k) {
        const int64_t ch = c + k * step;
        py[off + k] = (px[off + k] - mu[ch]) * scale[ch] + shift[ch];
      }
    });
  });
  if (auto n = autograd::record("NativeBatchNormBackward", batch_norm_rule, {&input, &weight, &bias}, y)) {
    n->save(0, input);
    n->save(1, weight);
    n->save(2, stats);
    n->arg[0] = training;
    n->scalar[0] = eps;
  }
  return y;
}

}  // namespace functional

template <int D>
BatchNormNd<D>::BatchNormNd(BatchNormOptions o) : options(o) {
  NABLA_CHECK(o.num_features > 0, type_name().c_str(), "num_features must be positive, got ", o.num_features);
  if (o.affine) {
    weight = ones({o.num_features}, {.dtype = o.dtype});
    bias = zeros({o.num_features}, {.dtype = o.dtype});
  }
  if (o.track_running_stats) {
    running_mean = zeros({o.num_features}, {.dtype = o.dtype});
    running_var = ones({o.num_features}, {.dtype = o.dtype});
    num_batches_tracked = zeros({}, {.dtype = kInt64});
  }
  register_parameter("weight", &BatchNormNd::weight);
  register_parameter("bias", &BatchNormNd::bias);
  register_buffer("running_mean", &BatchNormNd::running_mean);
  register_buffer("running_var", &BatchNormNd::running_var);
  register_buffer("num_batches_tracked", &BatchNormNd::num_batches_tracked);
}

template <int D>
Tensor BatchNormNd<D>::forward(const Tensor& x) {
  NABLA_CHECK(D == 1 ? x.dim() == 2 || x.dim() == 3 : x.dim() == 4, type_name().c_str(),
              D == 1 ? "expected 2D or 3D input (got " : "expected 4D input (got ", x.dim(),
              "D input of shape ", x.shape(), ")");
  const bool update = is_training() && options.track_running_stats;
  // The batch counter advances only once the pass has succeeded.
  const int64_t batches = update ? num_batches_tracked.item<int64_t>() + 1 : 0;
  const double factor = options.momentum ? *options.momentum : update ? 1.0 / static_cast<double>(batches) : 0.0;
  // Without running estimates, batch statistics serve in eval mode too.
  const bool use_batch_stats = is_training() || !running_mean.defined();
  const bool pass_running = !is_training() || options.track_running_stats;
  Tensor y = functional::batch_norm(x, pass_running ? running_mean : Tensor(), pass_running ? running_var : Tensor(),
                                    weight, bias, use_batch_stats, factor, options.eps);
  if (update) {
    *num_batches_tracked.data_ptr<int64_t>() = batches;
    num_batches_tracked.storage()->bump_version();
  }
  return y;
}

template <int D>
std::string BatchNormNd<D>::extra_repr() const {
  return std::to_string(options.num_features) + ", eps=" + internal::py_float(options.eps) +
         ", momentum=" + (options.momentum ? internal::py_float(*options.momentum) : "None") +
         ", affine=" + internal::py_bool(options.affine) +
         ", track_running_stats=" + internal::py_bool(options.track_running_stats);
}

template class BatchNormNd<1>;
template class BatchNormNd<2>;

}  // namespace nabla::nn
