// conv1d, conv2d and conv_transpose2d as one differentiable op over three products. A
// convolution y = F(x, w) is bilinear, and its two gradients are the other two products:
//   F(x, w)   forward          [n, c, h, w] × weight -> [n, o, oh, ow]
//   X(gy, w)  input gradient   [n, o, oh, ow] × weight -> [n, c, h, w]   (= the transposed convolution)
//   W(x, gy)  weight gradient  [n, c, h, w] × [n, o, oh, ow] -> weight
// with <gy, F(x, w)> = <X(gy, w), x> = <W(x, gy), w>. Differentiating any of the three gives
// the other two again, so the op's rule calls the op itself: when the backward pass is
// recorded (create_graph) its results are differentiable to any order, at no extra cost
// otherwise. conv1d runs as conv2d over a height of 1.
#include "nabla/nn/functional/conv.h"

#include <array>

#include "nabla/autograd/grad_mode.h"
#include "nabla/autograd/node.h"
#include "nabla/tensor/reduce.h"
#include "src/nn/functional/conv_kernels.h"
#include "src/nn/functional/window.h"
#include "src/nn/repr.h"

namespace nabla::nn {
namespace {

using autograd::TensorList;
using internal::ConvGeometry;
using internal::Window;

enum class Product { Forward, InputGrad, WeightGrad };

Tensor product(Product kind, const Tensor& a, const Tensor& b, const Tensor& bias, const ConvGeometry& g);

// Σ gy over every dim but the channels (dim 1) of an NCHW tensor.
Tensor bias_gradient(const Tensor& gy) {
  if (GradMode::is_enabled()) return sum(gy, {0, 2, 3});
  const Tensor c = gy.contiguous();
  Tensor gb = detail::empty({c.size(1)}, c.dtype());
  dispatch_floating(c.dtype(), "conv", [&](auto v) {
    using T = decltype(v);
    internal::bias_grad(c.size(0), c.size(1), c.size(2) * c.size(3), c.data_ptr<T>(), gb.data_ptr<T>());
  });
  return gb;
}

class ConvolutionBackward final : public autograd::Node {
 public:
  ConvolutionBackward(Product kind, const ConvGeometry& g) : kind_(kind), geometry_(g) {}
  const char* name() const override {
    switch (kind_) {
      case Product::InputGrad:
        return "ConvolutionInputGradBackward";
      case Product::WeightGrad:
        return "ConvolutionWeightGradBackward";
      default:
        return "ConvolutionBackward";
    }
  }
  void release_saved() override {
    for (autograd::SavedTensor& s : saved_) {
      released = released || s.defined();
      s.reset();
    }
  }
  // Each gradient needs the other operand only.
  void save(const Tensor& a, const Tensor& b) {
    if (needs(1)) saved_[0] = autograd::SavedTensor(a, false);
    if (needs(0)) saved_[1] = autograd::SavedTensor(b, false);
  }

  TensorList apply(TensorList&& grads) override {
    const Tensor& g = grads[0];
    const Tensor a = saved_[0].unpack(), b = saved_[1].unpack();
    TensorList out(3);
    switch (kind_) {
      case Product::Forward:  // a = x, b = w
        if (needs(0)) out[0] = product(Product::InputGrad, g, b, {}, geometry_);
        if (needs(1)) out[1] = product(Product::WeightGrad, a, g, {}, geometry_);
        if (needs(2)) out[2] = bias_gradient(g);
        break;
      case Product::InputGrad:  // a = gy, b = w; g has the input's shape
        if (needs(0)) out[0] = product(Product::Forward, g, b, {}, geometry_);
        if (needs(1)) out[1] = product(Product::WeightGrad, g, a, {}, geometry_);
        if (needs(2)) out[2] = bias_gradient(g);
        break;
      case Product::WeightGrad:  // a = x, b = gy; g has the weight's shape
        if (needs(0)) out[0] = product(Product::InputGrad, b, g, {}, geometry_);
        if (needs(1)) out[1] = product(Product::Forward, a, g, {}, geometry_);
        break;
    }
    return out;
  }

 private:
  bool needs(int i) const { return next_edges[i].fn != nullptr; }

  Product kind_;
  ConvGeometry geometry_;
  autograd::SavedTensor saved_[2];
};

Tensor product(Product kind, const Tensor& a, const Tensor& b, const Tensor& bias, const ConvGeometry& g) {
  const Shape shape = kind == Product::Forward     ? Shape{g.n, g.o, g.oh, g.ow}
                      : kind == Product::InputGrad ? Shape{g.n, g.c, g.h, g.w}
                                                   : Shape{g.o, g.c / g.groups, g.kh, g.kw};
  Tensor out = detail::empty(shape, a.dtype());
  {
    const Tensor ac = a.detach().contiguous(), bc = b.detach().contiguous();
    const Tensor biasc = bias.defined() ? bias.detach().contiguous() : Tensor();
    dispatch_floating(a.dtype(), "conv", [&](auto v) {
      using T = decltype(v);
      const T* pa = ac.data_ptr<T>();
      const T* pb = bc.data_ptr<T>();
      const T* pbias = biasc.defined() ? biasc.data_ptr<T>() : nullptr;
      T* po = out.data_ptr<T>();
      if (kind == Product::Forward) internal::conv_forward(g, pa, pb, pbias, po);
      if (kind == Product::InputGrad) internal::conv_input_grad(g, pa, pb, pbias, po);
      if (kind == Product::WeightGrad) internal::conv_weight_grad(g, pa, pb, po);
    });
  }
  if (autograd::any_requires_grad({&a, &b, &bias})) {
    auto node = std::make_shared<ConvolutionBackward>(kind, g);
    autograd::set_history(node, {&a, &b, &bias}, {&out});
    node->save(a, b);
  }
  return out;
}

// The checks every convolution makes, in the caller's own shapes: `in_per_group` is the
// weight dim holding the input channels of a group (1 for a convolution, 0 for a transposed
// one, whose dim 0 holds all of them). Returns the output channels.
template <int D>
int64_t check_operands(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias,
                       int64_t groups, bool transposed) {
  NABLA_CHECK(input.defined() && weight.defined(), op, "undefined input or weight");
  NABLA_CHECK(input.is_floating_point(), op, "expected a floating-point input, got ", input.dtype());
  NABLA_CHECK(weight.dtype() == input.dtype(), op, "input has dtype ", input.dtype(),
              " but weight has dtype ", weight.dtype());
  NABLA_CHECK(input.dim() == D + 1 || input.dim() == D + 2, op, "expected ", D + 1, "D (unbatched) or ",
              D + 2, "D (batched) input, got input of shape ", input.shape());
  NABLA_CHECK(weight.dim() == D + 2, op, "expected a ", D + 2, "D weight, got weight of shape ",
              weight.shape());
  NABLA_CHECK(groups > 0, op, "groups must be positive, got ", groups);
  for (int i = 2; i < D + 2; ++i)
    NABLA_CHECK(weight.size(i) > 0, op, "the kernel sizes must be positive, got weight of shape ",
                weight.shape());
  const int64_t channels = input.size(input.dim() - D - 1);
  int64_t out_channels;
  if (transposed) {
    NABLA_CHECK(weight.size(0) == channels, op, "given transposed=1, weight of size ", weight.shape(),
                ", expected input ", input.shape(), " to have ", weight.size(0), " channels, but got ",
                channels, " channels instead");
    NABLA_CHECK(channels % groups == 0, op, "input channels (", channels, ") must be divisible by groups (",
                groups, "), got input of shape ", input.shape());
    out_channels = weight.size(1) * groups;
  } else {
    NABLA_CHECK(weight.size(0) % groups == 0, op, "given groups=", groups,
                ", expected weight to be divisible by ", groups, " at dimension 0, but got weight of size ",
                weight.shape(), " instead");
    NABLA_CHECK(weight.size(1) * groups == channels, op, "given groups=", groups, ", weight of size ",
                weight.shape(), ", expected input ", input.shape(), " to have ", weight.size(1) * groups,
                " channels, but got ", channels, " channels instead");
    out_channels = weight.size(0);
  }
  if (bias.defined())
    NABLA_CHECK(bias.dim() == 1 && bias.size(0) == out_channels && bias.dtype() == input.dtype(), op,
                "expected a ", input.dtype(), " bias of shape [", out_channels, "], got ", bias.dtype(),
                " of shape ", bias.shape());
  return out_channels;
}

template <int D>
Shape spatial_shape(const Tensor& t) {
  return Shape(std::span<const int64_t>(t.shape().end() - D, t.shape().end()));
}

template <int D>
std::array<Window, D> conv_axes(const char* op, const Tensor& input, const Tensor& weight,
                                const ConvFuncOptions<D>& o) {
  internal::check_at_least(op, "stride", o.stride, 1);
  internal::check_at_least(op, "dilation", o.dilation, 1);
  internal::check_at_least(op, "padding", o.padding.sizes(), 0);
  for (int64_t s : o.stride.values())
    NABLA_CHECK(!o.padding.is_same() || s == 1, op,
                "padding='same' is not supported for strided convolutions");
  std::array<Window, D> axes;
  Shape padded = spatial_shape<D>(input), kernel = spatial_shape<D>(weight);
  bool fits = true;
  for (int i = 0; i < D; ++i) {
    Window& a = axes[i];
    a = {input.size(input.dim() - D + i),
         weight.size(2 + i),
         o.stride[i],
         o.padding.sizes()[i],
         o.dilation[i],
         0};
    const int64_t span = a.d * (a.k - 1);  // the kernel's extent minus one
    if (o.padding.is_same()) a.p = span / 2;
    const int64_t total = o.padding.is_same() ? a.in + span : a.in + 2 * a.p;
    padded[i] = total;
    kernel[i] = span + 1;
    fits = fits && total >= span + 1;
    a.out = fits ? (total - span - 1) / a.s + 1 : 0;
  }
  NABLA_CHECK(fits, op, "calculated padded input size per channel ", padded,
              " is smaller than the kernel size ", kernel, " (input of shape ", input.shape(),
              ", weight of shape ", weight.shape(), ")");
  return axes;
}

template <int D>
std::array<Window, D> transposed_axes(const char* op, const Tensor& input, const Tensor& weight,
                                      const ConvTransposeFuncOptions<D>& o) {
  internal::check_at_least(op, "stride", o.stride, 1);
  internal::check_at_least(op, "dilation", o.dilation, 1);
  internal::check_at_least(op, "padding", o.padding, 0);
  internal::check_at_least(op, "output_padding", o.output_padding, 0);
  std::array<Window, D> axes;
  for (int i = 0; i < D; ++i) {
    Window& a = axes[i];
    a = {input.size(input.dim() - D + i), weight.size(2 + i), o.stride[i], o.padding[i], o.dilation[i], 0};
    NABLA_CHECK(o.output_padding[i] < a.s || o.output_padding[i] < a.d, op,
                "output padding must be smaller than either stride or dilation, got output_padding ",
                internal::py_sizes(o.output_padding), ", stride ", internal::py_sizes(o.stride),
                ", dilation ", internal::py_sizes(o.dilation));
    a.out = (a.in - 1) * a.s - 2 * a.p + a.d * (a.k - 1) + o.output_padding[i] + 1;
    NABLA_CHECK(a.out > 0, op, "the output size ", a.out, " (input of shape ", input.shape(),
                ", weight of shape ", weight.shape(), ", padding ", internal::py_sizes(o.padding),
                ") is too small");
  }
  return axes;
}

// The geometry of the convolution from [n, c, h, w] to [n, o, oh, ow], with `rows` the
// height axis (a height of 1 for 1-D convolutions) and `cols` the width axis.
ConvGeometry geometry(int64_t n, int64_t c, int64_t o, int64_t groups, const Window& rows, const Window& cols,
                      bool transposed) {
  return {.n = n,
          .c = c,
          .h = transposed ? rows.out : rows.in,
          .w = transposed ? cols.out : cols.in,
          .o = o,
          .kh = rows.k,
          .kw = cols.k,
          .oh = transposed ? rows.in : rows.out,
          .ow = transposed ? cols.in : cols.out,
          .sh = rows.s,
          .sw = cols.s,
          .ph = rows.p,
          .pw = cols.p,
          .dh = rows.d,
          .dw = cols.d,
          .groups = groups};
}

// Runs product `kind` on the input and weight made 4-D (a batch dim added to an unbatched
// input, a height of 1 to 1-D ones), and gives the result the input's form back.
template <int D>
Tensor run(Product kind, const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t groups,
           int64_t out_channels, const std::array<Window, D>& axes) {
  const bool batched = input.dim() == D + 2;
  Tensor x = batched ? input : input.unsqueeze(0);
  Tensor w = weight;
  if (D == 1) {
    x = x.unsqueeze(2);
    w = w.unsqueeze(2);
  }
  const bool transposed = kind == Product::InputGrad;
  const int64_t c = transposed ? out_channels : x.size(1), o = transposed ? x.size(1) : out_channels;
  const ConvGeometry g =
      geometry(x.size(0), c, o, groups, D == 1 ? internal::kFlatWindow : axes[0], axes[D - 1], transposed);
  Tensor y = product(kind, x, w, bias, g);
  if (D == 1) y = y.squeeze(2);
  return batched ? y : y.squeeze(0);
}

template <int D>
Tensor convolution(const char* op, const Tensor& input, const Tensor& weight, const ConvFuncOptions<D>& o) {
  const int64_t out_channels = check_operands<D>(op, input, weight, o.bias, o.groups, false);
  return run<D>(Product::Forward, input, weight, o.bias, o.groups, out_channels,
                conv_axes(op, input, weight, o));
}

}  // namespace

namespace functional {

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options) {
  return convolution<1>("conv1d", input, weight, options);
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options) {
  return convolution<2>("conv2d", input, weight, options);
}

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& o) {
  const char* op = "conv_transpose2d";
  const int64_t out_channels = check_operands<2>(op, input, weight, o.bias, o.groups, true);
  return run<2>(Product::InputGrad, input, weight, o.bias, o.groups, out_channels,
                transposed_axes(op, input, weight, o));
}

}  // namespace functional
}  // namespace nabla::nn
