// nll_loss and cross_entropy. Cross-entropy of [N, C] logits against class indices
// without label smoothing — the classification hot path — is one fused op: per row,
// log-sum-exp and the picked logit in one sweep of the row, keeping only the N
// log-sum-exps for backward, which writes w (softmax - onehot) scaled by the incoming
// gradient in one more sweep. Everything else (more dims, label smoothing, class
// probabilities) is composed of log_softmax, gather and reductions, as in PyTorch.
#include <algorithm>
#include <cmath>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/autograd/node.h"
#include "nabla/nn/functional/loss.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/indexing.h"
#include "nabla/tensor/math.h"
#include "nabla/tensor/reduce.h"
#include "nabla/tensor/shape_ops.h"
#include "src/nn/functional/loss_util.h"
#include "src/tensor/loops.h"
#include "src/tensor/vec_math.h"

namespace nabla::nn::functional {
namespace {

using autograd::TensorList;

// Class-index targets, validated, in the form the losses consume.
struct ClassTargets {
  Tensor index;             // int64, the target's shape: each sample's class (0 where ignored)
  Tensor weight;            // the input's dtype and the target's shape: its class weight (0 where ignored)
  Tensor ignored;           // bool, the target's shape; undefined when no sample is ignored
  double total_weight = 0;  // the sum of `weight`: what the mean divides by
};

// Checks an input [N, C, d1, ...] (or [C]) against int64 targets [N, d1, ...] (or 0-d)
// and returns C.
int64_t check_class_shapes(const Tensor& input, const Tensor& target, const char* op) {
  NABLA_CHECK(input.is_floating_point(), op, "expected a floating-point input, got ", input.dtype());
  NABLA_CHECK(input.dim() >= 1, op, "expected an input of shape [N, C, ...] or [C], got a 0-d tensor");
  NABLA_CHECK(target.dtype() == kInt64, op, "expected int64 class indices as target, got ", target.dtype(),
              " of shape ", target.shape(), " (class probabilities need the input's shape ", input.shape(),
              ")");
  if (input.dim() == 1) {
    NABLA_CHECK(target.dim() == 0, op, "an unbatched input of shape ", input.shape(),
                " needs a 0-d target, got shape ", target.shape());
    return input.size(0);
  }
  Shape expected = input.shape();
  expected.erase(1);
  NABLA_CHECK(target.shape() == expected, op, "target of shape ", target.shape(),
              " does not match the input of shape ", input.shape(),
              " (classes at dim 1): expected a target of shape ", expected);
  return input.size(1);
}

ClassTargets prepare_targets(const Tensor& input, const Tensor& target, const Tensor& weight,
                             int64_t ignore_index, int64_t classes, const char* op) {
  std::vector<double> w;
  if (weight.defined()) {
    NABLA_CHECK(weight.is_floating_point() && weight.dim() == 1 && weight.numel() == classes, op,
                "weight should be a floating-point vector with one entry per class (", classes, "), got ",
                weight.dtype(), " of shape ", weight.shape());
    w = weight.detach().to_vector<double>();
  }
  const Tensor tc = target.contiguous();
  const int64_t* t = tc.data_ptr<int64_t>();
  const int64_t n = tc.numel();
  ClassTargets r;
  r.index = nabla::detail::empty(target.shape(), kInt64);
  r.weight = nabla::detail::empty(target.shape(), input.dtype());
  Tensor ignored = zeros(target.shape(), {.dtype = kBool});
  int64_t* index = r.index.data_ptr<int64_t>();
  bool* skip = ignored.data_ptr<bool>();
  bool any_ignored = false;
  dispatch_floating(input.dtype(), op, [&](auto v) {
    using T = decltype(v);
    T* rw = r.weight.data_ptr<T>();
    for (int64_t i = 0; i < n; ++i) {
      const int64_t c = t[i];
      if (c == ignore_index) {
        index[i] = 0;
        rw[i] = 0;
        skip[i] = any_ignored = true;
        continue;
      }
      NABLA_CHECK(c >= 0 && c < classes, op, "target ", c, " is out of bounds for ", classes,
                  " classes (and is not ignore_index ", ignore_index, ")");
      index[i] = c;
      rw[i] = w.empty() ? T(1) : static_cast<T>(w[c]);
      r.total_weight += static_cast<double>(rw[i]);
    }
  });
  if (any_ignored) r.ignored = ignored;
  return r;
}

// -input[class] · weight per sample, reduced; input holds log-probabilities.
Tensor nll(const Tensor& logp, const ClassTargets& ct, Reduction reduction) {
  Tensor loss;
  if (logp.dim() == 1) {
    loss = neg(mul(reshape(gather(logp, 0, reshape(ct.index, {1})), {}), ct.weight));
  } else {
    loss = neg(mul(squeeze(gather(logp, 1, unsqueeze(ct.index, 1)), 1), ct.weight));
  }
  // An ignored sample counts 0 even where its (unused) log-probability is infinite.
  if (ct.ignored.defined()) loss = masked_fill(loss, ct.ignored, 0.0);
  switch (reduction) {
    case Reduction::None:
      return loss;
    case Reduction::Sum:
      return sum(loss);
    case Reduction::Mean:
      return div(sum(loss), ct.total_weight);
  }
  return loss;
}

// The class weight shaped to broadcast along the class dim of an input of `dims` dims.
Tensor class_weight_view(const Tensor& weight, int dims, int class_dim, DType dtype) {
  Shape shape = Shape::filled(dims, 1);
  shape[class_dim] = weight.numel();
  return reshape(weight.detach().to(dtype), shape);
}

// ---- the fused [N, C] path ----

// Saved: the [N, C] logits; per row its log-sum-exp, target class and weight.
class CrossEntropyNode final : public autograd::Node {
 public:
  const char* name() const override { return "CrossEntropyLossBackward"; }
  TensorList apply(TensorList&& grads) override;
  void release_saved() override {
    released = released || logits.defined();
    logits.reset();
    lse = index = row_weight = Tensor();
  }

  autograd::SavedTensor logits;
  Tensor lse, index, row_weight;
  Reduction reduction = Reduction::Mean;
  double total_weight = 0;
};

// dx[r, c] = s_r (softmax(x)[r, c] - [c == target_r]), with s_r the row's weight times
// the incoming gradient (per row for Reduction::None, g / total_weight for the mean).
TensorList CrossEntropyNode::apply(TensorList&& grads) {
  const Tensor& g = grads[0];
  const Tensor x = logits.unpack();
  const int64_t rows = x.size(0), classes = x.size(1);
  if (GradMode::is_enabled()) {
    Tensor scale = unsqueeze(row_weight, 1);
    if (reduction == Reduction::Mean) scale = div(scale, total_weight);
    scale = mul(scale, reduction == Reduction::None ? reshape(g, {rows, 1}) : g);
    return {mul(sub(nabla::softmax(x, 1), one_hot(index, classes).to(x.dtype())), scale)};
  }
  Tensor dx = nabla::detail::empty(x.shape(), x.dtype());
  const Tensor gc = g.contiguous();
  dispatch_floating(x.dtype(), "cross_entropy", [&](auto v) {
    using T = decltype(v);
    const T *px = x.data_ptr<T>(), *pl = lse.data_ptr<T>(), *pw = row_weight.data_ptr<T>(),
            *pg = gc.data_ptr<T>();
    const int64_t* pi = index.data_ptr<int64_t>();
    T* pd = dx.data_ptr<T>();
    const T g0 = reduction == Reduction::Mean ? static_cast<T>(pg[0] / total_weight) : pg[0];
    const int64_t grain = std::max<int64_t>(1, nabla::detail::kParallelGrain / std::max<int64_t>(classes, 1));
    nabla::detail::parallel_for(rows, grain, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        T* d = pd + r * classes;
        if (pw[r] == 0) {
          std::fill(d, d + classes, T(0));
          continue;
        }
        const T s = pw[r] * (reduction == Reduction::None ? pg[r] : g0);
        const T* row = px + r * classes;
        const T l = pl[r];
        for (int64_t c = 0; c < classes; ++c) d[c] = s * vec::exp(row[c] - l);
        d[pi[r]] -= s;
      }
    });
  });
  return {dx};
}

// Row max and sum with 8 independent partial results: long rows vectorise, and short
// rows (few classes, the common case) pay no set-up. A NaN may be skipped by the max,
// but then turns the sum of exponentials into NaN.
constexpr int kPartials = 8;

template <class T>
T row_max(const T* x, int64_t n) {
  T acc[kPartials];
  for (T& a : acc) a = x[0];
  int64_t i = 0;
  for (; i + kPartials <= n; i += kPartials)
    for (int k = 0; k < kPartials; ++k) acc[k] = x[i + k] > acc[k] ? x[i + k] : acc[k];
  for (; i < n; ++i) acc[0] = x[i] > acc[0] ? x[i] : acc[0];
  for (int k = 1; k < kPartials; ++k) acc[0] = acc[k] > acc[0] ? acc[k] : acc[0];
  return acc[0];
}

template <class T>
T row_sum(const T* x, int64_t n) {
  T acc[kPartials] = {};
  int64_t i = 0;
  for (; i + kPartials <= n; i += kPartials)
    for (int k = 0; k < kPartials; ++k) acc[k] += x[i + k];
  for (; i < n; ++i) acc[0] += x[i];
  T s = 0;
  for (T a : acc) s += a;
  return s;
}

// Elements of rows processed together by the forward kernel (a few KB of scratch).
constexpr int64_t kBlockElements = 2048;

// lse[r] = log Σ_c exp(x[r, c]) for `rows` rows of n > 0 classes. The rows are shifted by
// their max into `scratch` and exponentiated in one flat loop, which vectorises however
// few classes there are.
template <class T>
void block_logsumexp(const T* x, int64_t rows, int64_t n, T* lse, T* scratch) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = x + r * n;
    T* sr = scratch + r * n;
    lse[r] = row_max(row, n);
    for (int64_t c = 0; c < n; ++c) sr[c] = row[c] - lse[r];
  }
  for (int64_t j = 0; j < rows * n; ++j) scratch[j] = vec::exp(scratch[j]);
  for (int64_t r = 0; r < rows; ++r) lse[r] += std::log(row_sum(scratch + r * n, n));
}

Tensor cross_entropy_fused(const Tensor& input, const ClassTargets& ct, Reduction reduction) {
  const Tensor x = input.contiguous();
  const int64_t rows = x.size(0), classes = x.size(1);
  Tensor lse = nabla::detail::empty({rows}, x.dtype());
  Tensor row_loss = nabla::detail::empty({rows}, x.dtype());
  Tensor out = reduction == Reduction::None ? row_loss : nabla::detail::empty({}, x.dtype());
  dispatch_floating(x.dtype(), "cross_entropy", [&](auto v) {
    using T = decltype(v);
    const T *px = x.data_ptr<T>(), *pw = ct.weight.data_ptr<T>();
    const int64_t* pi = ct.index.data_ptr<int64_t>();
    T *pl = lse.data_ptr<T>(), *po = row_loss.data_ptr<T>();
    const int64_t grain = std::max<int64_t>(1, nabla::detail::kParallelGrain / std::max<int64_t>(classes, 1));
    nabla::detail::parallel_for(rows, grain, [&](int64_t b, int64_t e) {
      const int64_t block = std::max<int64_t>(1, kBlockElements / std::max<int64_t>(classes, 1));
      std::vector<T> scratch(static_cast<size_t>(std::min(block, e - b) * classes));
      for (int64_t r0 = b; r0 < e; r0 += block) {
        const int64_t r1 = std::min(e, r0 + block);
        if (classes) block_logsumexp(px + r0 * classes, r1 - r0, classes, pl + r0, scratch.data());
        for (int64_t r = r0; r < r1; ++r)
          po[r] = pw[r] == 0 ? T(0) : pw[r] * (pl[r] - px[r * classes + pi[r]]);
      }
    });
    if (reduction != Reduction::None) {
      T s = 0;
      for (int64_t r = 0; r < rows; ++r) s += po[r];
      *out.data_ptr<T>() = reduction == Reduction::Mean ? static_cast<T>(s / ct.total_weight) : s;
    }
  });
  if (autograd::any_requires_grad({&x})) {
    auto node = std::make_shared<CrossEntropyNode>();
    node->logits = autograd::SavedTensor(x, false);
    node->lse = lse;
    node->index = ct.index;
    node->row_weight = ct.weight;
    node->reduction = reduction;
    node->total_weight = ct.total_weight;
    autograd::set_history(node, {&x}, {&out});
  }
  return out;
}

// ---- class probabilities ----

Tensor cross_entropy_probabilities(const Tensor& input, const Tensor& target,
                                   const CrossEntropyLossOptions& o) {
  const char* op = "cross_entropy";
  NABLA_CHECK(target.is_floating_point(), op, "class probabilities must be floating point, got ",
              target.dtype());
  NABLA_CHECK(o.ignore_index < 0, op, "ignore_index (", o.ignore_index,
              ") is not supported with class probabilities as target");
  const auto [x, t] = loss_detail::promote(input, target, op);
  NABLA_CHECK(x.dim() >= 1, op, "expected an input of shape [N, C, ...] or [C], got a 0-d tensor");
  const int class_dim = x.dim() == 1 ? 0 : 1;
  const int64_t classes = x.size(class_dim);
  NABLA_CHECK(!o.weight.defined() || (o.weight.dim() == 1 && o.weight.numel() == classes), op,
              "weight should have one entry per class (", classes, "), got shape ", o.weight.shape());
  const Tensor logp = nabla::log_softmax(x, class_dim);
  const double eps = o.label_smoothing;
  Tensor prod = mul(logp, eps > 0 ? add(mul(t, 1 - eps), eps / static_cast<double>(classes)) : t);
  if (o.weight.defined()) prod = mul(prod, class_weight_view(o.weight, x.dim(), class_dim, x.dtype()));
  switch (o.reduction) {
    case Reduction::None:
      return neg(sum(prod, {class_dim}));
    case Reduction::Sum:
      return neg(sum(prod));
    case Reduction::Mean:  // over the samples, whatever their weights
      return div(neg(sum(prod)), static_cast<double>(x.numel()) / static_cast<double>(classes));
  }
  return prod;
}

}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossOptions& options) {
  const char* op = "nll_loss";
  NABLA_CHECK(input.defined() && target.defined(), op, "undefined input or target");
  const int64_t classes = check_class_shapes(input, target, op);
  return nll(input, prepare_targets(input, target, options.weight, options.ignore_index, classes, op),
             options.reduction);
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyLossOptions& options) {
  const char* op = "cross_entropy";
  NABLA_CHECK(input.defined() && target.defined(), op, "undefined input or target");
  const double eps = options.label_smoothing;
  NABLA_CHECK(eps >= 0 && eps <= 1, op, "label_smoothing must be between 0.0 and 1.0, got ", eps);
  // As in PyTorch, a target of the input's shape holds class probabilities.
  if (target.shape() == input.shape()) return cross_entropy_probabilities(input, target, options);
  const int64_t classes = check_class_shapes(input, target, op);
  const ClassTargets ct = prepare_targets(input, target, options.weight, options.ignore_index, classes, op);
  if (eps == 0 && input.dim() <= 2) {
    if (input.dim() == 2) return cross_entropy_fused(input, ct, options.reduction);
    const ClassTargets row{reshape(ct.index, {1}), reshape(ct.weight, {1}), Tensor(), ct.total_weight};
    const Tensor loss = cross_entropy_fused(reshape(input, {1, classes}), row, options.reduction);
    return options.reduction == Reduction::None ? reshape(loss, {}) : loss;
  }
  // Label smoothing adds eps/C times the (weighted) cross-entropy against the uniform
  // distribution, normalised like the NLL term.
  const int class_dim = input.dim() == 1 ? 0 : 1;
  const Tensor logp = nabla::log_softmax(input, class_dim);
  const Tensor nll_term = nll(logp, ct, options.reduction);
  if (eps == 0) return nll_term;
  const Tensor weighted =
      options.weight.defined()
          ? mul(logp, class_weight_view(options.weight, input.dim(), class_dim, input.dtype()))
          : logp;
  Tensor smooth = neg(sum(weighted, {class_dim}));
  if (ct.ignored.defined()) smooth = masked_fill(smooth, ct.ignored, 0.0);
  switch (options.reduction) {
    case Reduction::None:
      break;
    case Reduction::Sum:
      smooth = sum(smooth);
      break;
    case Reduction::Mean:
      smooth = div(sum(smooth), ct.total_weight);
      break;
  }
  return add(mul(nll_term, 1 - eps), mul(smooth, eps / static_cast<double>(classes)));
}

}  // namespace nabla::nn::functional
