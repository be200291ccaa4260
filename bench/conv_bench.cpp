// Convolution back-ends on C1's two convolutions (batch 64, 3 x 3, padding 1): nabla's kernels
// (im2col / col2im around the library's GEMM, src/nn/functional/conv_kernels.cpp) against
// oneDNN's convolution primitives, for the forward product, the input gradient and the weight
// gradient. oneDNN runs on NCHW tensors (nabla's layout, so no reorders are timed) and on the
// blocked layouts it picks itself ("any"), the reorders into them then left out: the latter is
// the most a oneDNN back-end could gain. Reports GFLOP/s (2 per multiply-add).
//
//   OMP_NUM_THREADS=1 build/conv_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <algorithm>
#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>
#include <vector>

#include "nabla/tensor/threading.h"
#include "src/nn/functional/conv_kernels.h"

namespace {

using nabla::nn::internal::ConvGeometry;
using Tag = dnnl::memory::format_tag;

enum Product { kForward, kInputGrad, kWeightGrad };

ConvGeometry geometry(const benchmark::State& state) {
  const int64_t c = state.range(0), side = state.range(1), o = state.range(2);
  return {.n = 64, .c = c, .h = side, .w = side, .o = o, .kh = 3, .kw = 3, .oh = side, .ow = side, .ph = 1, .pw = 1};
}

void set_rate(benchmark::State& state, const ConvGeometry& g) {
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * g.n * g.o * g.oh * g.ow * g.c * g.kh * g.kw,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void Nabla(benchmark::State& state) {
  const ConvGeometry g = geometry(state);
  std::vector<float> x(g.n * g.c * g.h * g.w, 0.5f), w(g.o * g.c * 9, 0.25f), b(g.o, 0.1f),
      y(g.n * g.o * g.oh * g.ow, 0.75f);
  for (auto _ : state) {
    switch (state.range(3)) {
      case kForward: nabla::nn::internal::conv_forward(g, x.data(), w.data(), b.data(), y.data()); break;
      case kInputGrad: nabla::nn::internal::conv_input_grad<float>(g, y.data(), w.data(), nullptr, x.data()); break;
      default: nabla::nn::internal::conv_weight_grad(g, x.data(), y.data(), w.data());
    }
    benchmark::ClobberMemory();
  }
  set_rate(state, g);
}

// oneDNN's primitive for the product, its memory in `tag` (Tag::any: oneDNN's own choice).
template <Tag tag>
void OneDNN(benchmark::State& state) {
  const ConvGeometry g = geometry(state);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  using dims = dnnl::memory::dims;
  const auto f32 = dnnl::memory::data_type::f32;
  const dnnl::memory::desc src({g.n, g.c, g.h, g.w}, f32, tag), weights({g.o, g.c, 3, 3}, f32, tag),
      bias({g.o}, f32, Tag::x), dst({g.n, g.o, g.oh, g.ow}, f32, tag);
  const dims strides{1, 1}, padding{1, 1};
  const dnnl::convolution_forward::desc fwd_desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                                 src, weights, bias, dst, strides, padding, padding);
  const dnnl::convolution_forward::primitive_desc fwd(fwd_desc, engine);
  const auto memory = [&](const dnnl::memory::desc& d) {
    dnnl::memory m(d, engine);
    std::fill_n(static_cast<float*>(m.get_data_handle()), d.get_size() / sizeof(float), 0.5f);
    return m;
  };
  dnnl::memory x = memory(fwd.src_desc()), w = memory(fwd.weights_desc()), b = memory(bias),
               y = memory(fwd.dst_desc());
  dnnl::primitive primitive;
  std::unordered_map<int, dnnl::memory> args;
  if (state.range(3) == kForward) {
    primitive = dnnl::convolution_forward(fwd);
    args = {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, y}};
  } else if (state.range(3) == kInputGrad) {
    const dnnl::convolution_backward_data::primitive_desc pd(
        {dnnl::algorithm::convolution_direct, src, weights, dst, strides, padding, padding}, engine, fwd);
    primitive = dnnl::convolution_backward_data(pd);
    args = {{DNNL_ARG_DIFF_DST, memory(pd.diff_dst_desc())},
            {DNNL_ARG_WEIGHTS, memory(pd.weights_desc())},
            {DNNL_ARG_DIFF_SRC, memory(pd.diff_src_desc())}};
  } else {
    const dnnl::convolution_backward_weights::primitive_desc pd(
        {dnnl::algorithm::convolution_direct, src, weights, bias, dst, strides, padding, padding}, engine, fwd);
    primitive = dnnl::convolution_backward_weights(pd);
    args = {{DNNL_ARG_SRC, memory(pd.src_desc())},
            {DNNL_ARG_DIFF_DST, memory(pd.diff_dst_desc())},
            {DNNL_ARG_DIFF_WEIGHTS, memory(pd.diff_weights_desc())},
            {DNNL_ARG_DIFF_BIAS, memory(bias)}};
  }
  for (auto _ : state) {
    primitive.execute(stream, args);
    stream.wait();
  }
  set_rate(state, g);
}

void Shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"C", "side", "O", "product"});
  for (int64_t product : {kForward, kInputGrad, kWeightGrad}) {
    b->Args({1, 28, 32, product});   // C1's first convolution
    b->Args({32, 14, 64, product});  // its second
  }
}

}  // namespace

BENCHMARK(Nabla)->Apply(Shapes);
BENCHMARK_TEMPLATE(OneDNN, Tag::nchw)->Apply(Shapes);
BENCHMARK_TEMPLATE(OneDNN, Tag::any)->Apply(Shapes);

int main(int argc, char** argv) {
  nabla::set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
}
