// A recurrent layer as one autograd node. Forward: one GEMM projects the input of every step
// (x·W_ihᵀ), then each step makes one GEMM (h·W_hhᵀ) and one fused loop that applies the
// gates and updates the state. Backward through time: per step one fused loop (gate
// derivatives, cell state) and one GEMM (the gradient reaching h_{t-1}); the weight, bias and
// input gradients are then one GEMM or column sum each over all steps. Every buffer is
// allocated once per call.
//
// Buffers of one direction, rows ordered like the input (t-major, or b-major with
// batch_first) or time-major, as noted:
//   gates [rows, W]     the activated gates (LSTM i, f, g, o; GRU r, z, n and W_hn h + b_hn;
//                       the RNN's backward needs none)
//   hs    [T + 1, B, P] time-major states: the state before step t is hs[t + rev], after it
//                       hs[t + 1 - rev] (rev = 1 for the reverse direction), so hs[rev, rev + T)
//                       are the h_{t-1} of every step as one matrix for W_hh's gradient
//   cs    [T + 1, B, H] the LSTM's cell states, indexed like hs
//   ms    [T, B, H]     o ⊙ tanh(c) before the projection (LSTM with proj_size)
#include "src/nn/rnn_layer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "src/autograd/recompute.h"
#include "src/tensor/blas.h"
#include "src/tensor/loops.h"
#include "src/tensor/simd.h"
#include "src/tensor/vec_math.h"

namespace nabla::nn::internal {
namespace {

using autograd::TensorList;

// Sizes of one layer call and the row layout of its input, output and gates.
struct Dims {
  int64_t T = 0, B = 0, I = 0, H = 0, P = 0, D = 1, G = 1;
  bool batch_first = false;
  bool proj = false;

  int64_t gh() const { return G * H; }
  // Width of a gates row: the GRU also keeps W_hn h + b_hn for its backward.
  int64_t gates_width() const { return G == 3 ? 4 * H : G * H; }
  int64_t rows() const { return T * B; }
  // Row of (t, b = 0) and the row step from b to b + 1, in the input's layout.
  int64_t step_row(int64_t t) const { return batch_first ? t : t * B; }
  int64_t batch_rows() const { return batch_first ? T : 1; }
};

struct Workspace {
  Tensor gates, hs, cs, ms;
};

// Sequence b is real at step t when t < len[b].
std::vector<int64_t> lengths_or_full(const LayerSpec& spec, const Dims& d) {
  return spec.lengths.empty() ? std::vector<int64_t>(static_cast<size_t>(d.B), d.T) : spec.lengths;
}

// Rows [0, B) split across threads when a step's elementwise work is large enough, each
// range run by code built for the widest vectors the CPU has (the gates' exp and division
// dominate a small layer's step).
template <class F>
void for_rows(const Dims& d, F&& f) {
  detail::parallel_for(d.B, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(d.gh(), 1)),
                       [&](int64_t b0, int64_t b1) { detail::invoke_widest([&] { f(b0, b1); }); });
}

template <class R>
R* ptr(const Tensor& t) {
  return t.defined() ? t.data_ptr<R>() : nullptr;
}

// The pointers one forward step works on; rows of b are `*_ld` elements apart.
template <class R>
struct ForwardStep {
  R* gates;
  int64_t gates_ld;
  const R* gh;    // h·W_hhᵀ, [B, G * H]
  const R* bias;  // b_ih + b_hh (the GRU's n gate: b_in only)
  const R* bhn;   // the GRU's b_hn
  const R* hp;    // state before the step, [B, P]
  R* hn;          // state after it
  const R* cp;
  R* cn;
  R* m;  // LSTM with projection: o ⊙ tanh(c), projected after the loop
  R* y;  // output of this direction
  int64_t y_ld;
  const int64_t* len;
  int64_t t;
};

// The row kernels take restrict pointers (each gate's slice separately) so that GCC
// vectorises them, vec::sigmoid and vec::tanh included. On entry the gate slices hold x·W_ihᵀ,
// on exit the activated gates that backward needs.
template <class R>
void lstm_forward_row(R* __restrict gi, R* __restrict gf, R* __restrict gg, R* __restrict go,
                      const R* __restrict q, const R* __restrict bias, const R* __restrict cp,
                      R* __restrict cn, R* __restrict out, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const R i = vec::sigmoid(gi[j] + q[j] + bias[j]);
    const R f = vec::sigmoid(gf[j] + q[H + j] + bias[H + j]);
    const R g = vec::tanh(gg[j] + q[2 * H + j] + bias[2 * H + j]);
    const R o = vec::sigmoid(go[j] + q[3 * H + j] + bias[3 * H + j]);
    gi[j] = i;
    gf[j] = f;
    gg[j] = g;
    go[j] = o;
    const R c = f * cp[j] + i * g;
    cn[j] = c;
    out[j] = o * vec::tanh(c);
  }
}

// Gate slices r, z, n and the fourth slice, which receives W_hn h + b_hn.
template <class R>
void gru_forward_row(R* __restrict gr, R* __restrict gz, R* __restrict gn, R* __restrict ghn,
                     const R* __restrict q, const R* __restrict bias, const R* __restrict bhn,
                     const R* __restrict hp, R* __restrict hn, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const R r = vec::sigmoid(gr[j] + q[j] + bias[j]);
    const R z = vec::sigmoid(gz[j] + q[H + j] + bias[H + j]);
    const R hh = q[2 * H + j] + bhn[j];
    const R n = vec::tanh(gn[j] + bias[2 * H + j] + r * hh);
    gr[j] = r;
    gz[j] = z;
    gn[j] = n;
    ghn[j] = hh;
    hn[j] = (R(1) - z) * n + z * hp[j];
  }
}

template <class R>
void rnn_forward_row(bool relu, const R* __restrict gx, const R* __restrict q, const R* __restrict bias,
                     R* __restrict hn, int64_t H) {
  if (relu) {
    for (int64_t j = 0; j < H; ++j) hn[j] = std::max(gx[j] + q[j] + bias[j], R(0));
  } else {
    for (int64_t j = 0; j < H; ++j) hn[j] = vec::tanh(gx[j] + q[j] + bias[j]);
  }
}

// The gates and the state update of one step for rows [b0, b1). A padded row keeps its
// state and outputs zero.
template <class R>
void forward_rows(RNNMode mode, const Dims& d, const ForwardStep<R>& s, int64_t b0, int64_t b1) {
  const int64_t H = d.H, P = d.P, GH = d.gh();
  for (int64_t b = b0; b < b1; ++b) {
    R* g = s.gates + b * s.gates_ld;
    const R* q = s.gh + b * GH;
    const R* hp = s.hp + b * P;
    R* hn = s.hn + b * P;
    R* y = s.y + b * s.y_ld;
    if (s.t >= s.len[b]) {
      if (s.m) {
        std::fill(s.m + b * H, s.m + (b + 1) * H, R(0));  // projected after the loop
      } else {
        std::copy(hp, hp + P, hn);
        std::fill(y, y + P, R(0));
      }
      if (s.cn) std::copy(s.cp + b * H, s.cp + (b + 1) * H, s.cn + b * H);
      continue;
    }
    if (mode == RNNMode::LSTM) {
      lstm_forward_row(g, g + H, g + 2 * H, g + 3 * H, q, s.bias, s.cp + b * H, s.cn + b * H,
                       s.m ? s.m + b * H : hn, H);
    } else if (mode == RNNMode::GRU) {
      gru_forward_row(g, g + H, g + 2 * H, g + 3 * H, q, s.bias, s.bhn, hp, hn, H);
    } else {
      rnn_forward_row(mode == RNNMode::RNN_RELU, g, q, s.bias, hn, H);
    }
    if (!s.m) std::copy(hn, hn + P, y);
  }
}

// The weights of one direction as contiguous arrays.
struct Weights {
  Tensor w_ih, w_hh, w_hr;
  explicit Weights(const RNNDirectionWeights& w)
      : w_ih(w.w_ih.detach().contiguous()),
        w_hh(w.w_hh.detach().contiguous()),
        w_hr(w.w_hr.defined() ? w.w_hr.detach().contiguous() : Tensor()) {}
};

// The biases as the forward kernels add them: b_ih + b_hh for every gate but the GRU's n,
// which adds b_in to the input side and b_hn inside the reset (bhn).
template <class R>
struct Biases {
  std::vector<R> sum, bhn;
  Biases(RNNMode mode, const RNNDirectionWeights& w, const Dims& d)
      : sum(static_cast<size_t>(d.gh()), R(0)), bhn(static_cast<size_t>(d.H), R(0)) {
    const Tensor bi = w.b_ih.defined() ? w.b_ih.detach().contiguous() : Tensor();
    const Tensor bh = w.b_hh.defined() ? w.b_hh.detach().contiguous() : Tensor();
    if (!bi.defined()) return;
    const R *pi = bi.data_ptr<R>(), *ph = bh.data_ptr<R>();
    const int64_t n_gate = mode == RNNMode::GRU ? 2 * d.H : d.gh();
    for (int64_t j = 0; j < d.gh(); ++j) sum[j] = pi[j] + (j < n_gate ? ph[j] : R(0));
    if (mode == RNNMode::GRU) std::copy(ph + n_gate, ph + d.gh(), bhn.begin());
  }
};

// One direction over the whole sequence; fills ws and this direction's columns of `y`.
template <class R>
void forward_direction(RNNMode mode, const Dims& d, int dir, const R* x, const RNNDirectionWeights& w,
                       const Tensor& h0, const Tensor& c0, const std::vector<int64_t>& len, Workspace& ws,
                       R* y) {
  const Weights p(w);
  const Biases<R> bias(mode, w, d);
  const int64_t T = d.T, B = d.B, H = d.H, P = d.P, GH = d.gh(), W = d.gates_width();
  const int64_t rev = dir;
  ws.gates = detail::empty({d.rows(), W}, dtype_of<R>());
  ws.hs = detail::empty({T + 1, B, P}, dtype_of<R>());
  if (mode == RNNMode::LSTM) ws.cs = detail::empty({T + 1, B, H}, dtype_of<R>());
  if (d.proj) ws.ms = detail::empty({T, B, H}, dtype_of<R>());
  R* gates = ws.gates.data_ptr<R>();
  R* hs = ws.hs.data_ptr<R>();
  R* cs = ptr<R>(ws.cs);
  // The initial states; every other slot is written by its step.
  const auto init = [](R* dst, const Tensor& src, int64_t n) {
    if (src.defined())
      std::memcpy(dst, src.data_ptr<R>(), sizeof(R) * n);
    else
      std::fill(dst, dst + n, R(0));
  };
  init(hs + rev * T * B * P, h0, B * P);
  if (cs) init(cs + rev * T * B * H, c0, B * H);
  // x·W_ihᵀ for every step at once.
  detail::gemm(false, true, d.rows(), GH, d.I, R(1), x, d.I, p.w_ih.template data_ptr<R>(), d.I, R(0), gates,
               W);
  std::vector<R> gh(static_cast<size_t>(B * GH));
  const int64_t y_ld = d.batch_rows() * d.D * P;
  for (int64_t s = 0; s < T; ++s) {
    const int64_t t = rev ? T - 1 - s : s;
    const R* hp = hs + (t + rev) * B * P;
    R* hn = hs + (t + 1 - rev) * B * P;
    detail::gemm(false, true, B, GH, P, R(1), hp, P, p.w_hh.template data_ptr<R>(), P, R(0), gh.data(), GH);
    const ForwardStep<R> step{gates + d.step_row(t) * W,
                              d.batch_rows() * W,
                              gh.data(),
                              bias.sum.data(),
                              bias.bhn.data(),
                              hp,
                              hn,
                              cs ? cs + (t + rev) * B * H : nullptr,
                              cs ? cs + (t + 1 - rev) * B * H : nullptr,
                              d.proj ? ws.ms.data_ptr<R>() + t * B * H : nullptr,
                              y + d.step_row(t) * d.D * P + dir * P,
                              y_ld,
                              len.data(),
                              t};
    for_rows(d, [&](int64_t b0, int64_t b1) { forward_rows(mode, d, step, b0, b1); });
    if (!d.proj) continue;
    // h = m·W_hrᵀ; padded rows (m = 0 there) keep the previous state instead.
    detail::gemm(false, true, B, P, H, R(1), step.m, H, p.w_hr.template data_ptr<R>(), H, R(0), hn, P);
    for (int64_t b = 0; b < B; ++b) {
      R* yb = step.y + b * y_ld;
      if (t < len[b]) {
        std::copy(hn + b * P, hn + (b + 1) * P, yb);
      } else {
        std::copy(hp + b * P, hp + (b + 1) * P, hn + b * P);
        std::fill(yb, yb + P, R(0));
      }
    }
  }
  if (mode != RNNMode::LSTM && mode != RNNMode::GRU) ws.gates = Tensor();  // the RNN's backward uses hs only
}

// ---- backward ---------------------------------------------------------------------------

template <class R>
struct BackwardStep {
  const R* gates;
  int64_t gates_ld;
  R* dgx;  // gradient of the gates' pre-activations, input side (rows like gates)
  int64_t dgx_ld;
  R* dgh;       // hidden side: differs from dgx in the GRU's n gate, [B, G * H]
  const R* dh;  // gradient reaching the step's h (or its m = o ⊙ tanh(c) with projection)
  const R* dy;  // gradient of this step's output, or null (then already in dh)
  int64_t dy_ld;
  R* direct;    // the part of dh_{t-1} not through W_hh (GRU z ⊙ dh; a padded row's dh), or null
  const R* hp;  // state before the step
  const R* hn;  // state after it
  const R* cp;
  const R* cn;
  R* dc;  // in: gradient of c_t; out: of c_{t-1}
  const int64_t* len;
  int64_t t;
};

// Backward row kernels: from the gradient reaching the step's h (dh, plus the output's dy
// when not null), the gradients of the gates' pre-activations (hidden side) and of c_{t-1}.
template <class R>
void lstm_backward_row(const R* __restrict gi, const R* __restrict gf, const R* __restrict gg,
                       const R* __restrict go, const R* __restrict cp, const R* __restrict cn,
                       const R* __restrict dh, const R* __restrict dy, R* __restrict dc, R* __restrict di,
                       R* __restrict df, R* __restrict dg, R* __restrict dout, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const R d = dy ? dh[j] + dy[j] : dh[j];
    const R i = gi[j], f = gf[j], g = gg[j], o = go[j];
    const R tc = vec::tanh(cn[j]);
    const R dct = dc[j] + d * o * (R(1) - tc * tc);
    di[j] = dct * g * i * (R(1) - i);
    df[j] = dct * cp[j] * f * (R(1) - f);
    dg[j] = dct * i * (R(1) - g * g);
    dout[j] = d * tc * o * (R(1) - o);
    dc[j] = dct * f;
  }
}

// dn_h is the n gate's hidden-side gradient (through r ⊙ ...), dn_x its input side.
template <class R>
void gru_backward_row(const R* __restrict gr, const R* __restrict gz, const R* __restrict gn,
                      const R* __restrict ghn, const R* __restrict hp, const R* __restrict dh,
                      const R* __restrict dy, R* __restrict direct, R* __restrict dr, R* __restrict dz,
                      R* __restrict dn_h, R* __restrict dn_x, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const R d = dy ? dh[j] + dy[j] : dh[j];
    const R r = gr[j], z = gz[j], n = gn[j];
    const R dn = d * (R(1) - z) * (R(1) - n * n);
    dr[j] = dn * ghn[j] * r * (R(1) - r);
    dz[j] = d * (hp[j] - n) * z * (R(1) - z);
    dn_h[j] = dn * r;
    dn_x[j] = dn;
    direct[j] = d * z;
  }
}

template <class R>
void rnn_backward_row(bool relu, const R* __restrict h, const R* __restrict dh, const R* __restrict dy,
                      R* __restrict dpre, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const R d = dy ? dh[j] + dy[j] : dh[j];
    dpre[j] = d * (relu ? (h[j] > R(0) ? R(1) : R(0)) : R(1) - h[j] * h[j]);
  }
}

template <class R>
void backward_rows(RNNMode mode, const Dims& d, const BackwardStep<R>& s, int64_t b0, int64_t b1) {
  const int64_t H = d.H, P = d.P, GH = d.gh(), Hd = d.proj ? H : P;
  for (int64_t b = b0; b < b1; ++b) {
    R* dgx = s.dgx + b * s.dgx_ld;
    R* dgh = s.dgh + b * GH;
    const R* dh = s.dh + b * Hd;
    R* direct = s.direct ? s.direct + b * P : nullptr;
    if (s.t >= s.len[b]) {
      std::fill(dgh, dgh + GH, R(0));
      if (dgx != dgh) std::fill(dgx, dgx + GH, R(0));
      if (direct) std::copy(dh, dh + P, direct);
      continue;
    }
    const R* g = s.gates ? s.gates + b * s.gates_ld : nullptr;
    const R* dy = s.dy ? s.dy + b * s.dy_ld : nullptr;
    if (mode == RNNMode::GRU) {
      gru_backward_row(g, g + H, g + 2 * H, g + 3 * H, s.hp + b * P, dh, dy, direct, dgh, dgh + H,
                       dgh + 2 * H, dgx + 2 * H, H);
      std::copy(dgh, dgh + 2 * H, dgx);  // r and z are the same on both sides
      continue;
    }
    if (mode == RNNMode::LSTM) {
      lstm_backward_row(g, g + H, g + 2 * H, g + 3 * H, s.cp + b * H, s.cn + b * H, dh, dy, s.dc + b * H, dgh,
                        dgh + H, dgh + 2 * H, dgh + 3 * H, H);
    } else {
      rnn_backward_row(mode == RNNMode::RNN_RELU, s.hn + b * P, dh, dy, dgh, H);
    }
    if (dgx != dgh) std::copy(dgh, dgh + GH, dgx);
    if (direct) std::fill(direct, direct + P, R(0));
  }
}

// Column sums of a [rows, n] matrix (the bias gradients).
template <class R>
Tensor column_sums(const R* a, int64_t rows, int64_t n) {
  Tensor out = zeros({n}, {.dtype = dtype_of<R>()});
  R* o = out.data_ptr<R>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) o[j] += a[r * n + j];
  return out;
}

// Gradients of one direction. dy: the output's gradient [rows, D * P] or null; dh_n, dc_n:
// this direction's final-state gradients or null. Writes dh0/dc0 (this direction's rows),
// adds the input gradient into dx when given, and returns the parameter gradients in the
// order w_ih, w_hh, b_ih, b_hh, w_hr (undefined where `need` is false).
template <class R>
std::array<Tensor, 5> backward_direction(RNNMode mode, const Dims& d, int dir, const R* x, const Weights& p,
                                         const Workspace& ws, const std::vector<int64_t>& len, const R* dy,
                                         const R* dh_n, const R* dc_n, R* dh0, R* dc0, R* dx,
                                         bool accumulate_dx, const std::array<bool, 5>& need) {
  const int64_t T = d.T, B = d.B, H = d.H, P = d.P, GH = d.gh(), W = d.gates_width(), I = d.I;
  const int64_t rev = dir;
  const DType dt = dtype_of<R>();
  // For the LSTM and the RNN the two sides' gradients are equal; with time-major rows one
  // buffer serves both.
  Tensor dgh_t = detail::empty({T, B, GH}, dt);
  const bool shared = mode != RNNMode::GRU && !d.batch_first;
  Tensor dgx_t = shared ? dgh_t : detail::empty({d.rows(), GH}, dt);
  R* dgx = dgx_t.data_ptr<R>();
  R* dgh = dgh_t.data_ptr<R>();
  std::vector<R> carry(static_cast<size_t>(B * P), R(0)), next(static_cast<size_t>(B * P)), dc;
  if (dh_n) std::copy(dh_n, dh_n + B * P, carry.begin());
  if (mode == RNNMode::LSTM) {
    dc.assign(static_cast<size_t>(B * H), R(0));
    if (dc_n) std::copy(dc_n, dc_n + B * H, dc.begin());
  }
  Tensor dhp_t = d.proj ? detail::empty({T, B, P}, dt) : Tensor();
  std::vector<R> dm(d.proj ? static_cast<size_t>(B * H) : 0);
  const R* hs = ws.hs.data_ptr<R>();
  const R* cs = ptr<R>(ws.cs);
  const R* gates = ptr<R>(ws.gates);
  const int64_t y_ld = d.batch_rows() * d.D * P;
  for (int64_t s = T - 1; s >= 0; --s) {
    const int64_t t = rev ? T - 1 - s : s;
    const R* dyt = dy ? dy + d.step_row(t) * d.D * P + dir * P : nullptr;
    BackwardStep<R> step{gates ? gates + d.step_row(t) * W : nullptr,
                         d.batch_rows() * W,
                         dgx + d.step_row(t) * GH,
                         d.batch_rows() * GH,
                         dgh + t * B * GH,
                         carry.data(),
                         dyt,
                         y_ld,
                         next.data(),
                         hs + (t + rev) * B * P,
                         hs + (t + 1 - rev) * B * P,
                         cs ? cs + (t + rev) * B * H : nullptr,
                         cs ? cs + (t + 1 - rev) * B * H : nullptr,
                         dc.data(),
                         len.data(),
                         t};
    if (d.proj) {
      // dh of this step (zero on padded rows, whose carry passes straight to step t-1), then
      // back through the projection: dm = dh·W_hr.
      R* dhp = dhp_t.data_ptr<R>() + t * B * P;
      for (int64_t b = 0; b < B; ++b) {
        const bool real = t < len[b];
        for (int64_t j = 0; j < P; ++j) {
          const R v = carry[b * P + j] + (dyt ? dyt[b * y_ld + j] : R(0));
          dhp[b * P + j] = real ? v : R(0);
          next[b * P + j] = real ? R(0) : carry[b * P + j];
        }
      }
      detail::gemm(false, false, B, H, P, R(1), dhp, P, p.w_hr.template data_ptr<R>(), H, R(0), dm.data(), H);
      step.dh = dm.data();
      step.dy = nullptr;
      step.direct = nullptr;
    }
    for_rows(d, [&](int64_t b0, int64_t b1) { backward_rows(mode, d, step, b0, b1); });
    // dh_{t-1} = direct part + dgh·W_hh.
    detail::gemm(false, false, B, P, GH, R(1), step.dgh, GH, p.w_hh.template data_ptr<R>(), P, R(1),
                 next.data(), P);
    std::swap(carry, next);
  }
  if (dh0) std::copy(carry.begin(), carry.end(), dh0);
  if (dc0 && !dc.empty()) std::copy(dc.begin(), dc.end(), dc0);
  if (dx)
    detail::gemm(false, false, d.rows(), I, GH, R(1), dgx, GH, p.w_ih.template data_ptr<R>(), I,
                 accumulate_dx ? R(1) : R(0), dx, I);
  std::array<Tensor, 5> out;
  if (need[0]) {
    out[0] = detail::empty({GH, I}, dt);
    detail::gemm(true, false, GH, I, d.rows(), R(1), dgx, GH, x, I, R(0), out[0].data_ptr<R>(), I);
  }
  if (need[1]) {
    out[1] = detail::empty({GH, P}, dt);
    detail::gemm(true, false, GH, P, d.rows(), R(1), dgh, GH, hs + rev * B * P, P, R(0), out[1].data_ptr<R>(),
                 P);
  }
  if (need[2]) out[2] = column_sums(dgx, d.rows(), GH);
  if (need[3]) {
    // b_ih and b_hh enter the LSTM's and the RNN's gates as one sum.
    const bool same = mode != RNNMode::GRU && need[2];
    out[3] = same ? out[2].clone() : column_sums(dgh, d.rows(), GH);
  }
  if (need[4]) {
    out[4] = detail::empty({P, H}, dt);
    detail::gemm(true, false, P, H, d.rows(), R(1), dhp_t.data_ptr<R>(), P, ws.ms.data_ptr<R>(), H, R(0),
                 out[4].data_ptr<R>(), H);
  }
  return out;
}

// Inputs of the node, in the order of its edges: input, h0, c0, then per direction w_ih,
// w_hh, b_ih, b_hh, w_hr.
constexpr int kPerDirection = 5;
constexpr int kFirstWeight = 3;

TensorList node_inputs(const Tensor& input, const Tensor& h0, const Tensor& c0,
                       const std::vector<RNNDirectionWeights>& weights) {
  TensorList in{input, h0, c0};
  for (const RNNDirectionWeights& w : weights) in.insert(in.end(), {w.w_ih, w.w_hh, w.b_ih, w.b_hh, w.w_hr});
  return in;
}

std::vector<RNNDirectionWeights> weights_of(const TensorList& in) {
  std::vector<RNNDirectionWeights> w;
  for (size_t k = kFirstWeight; k + kPerDirection <= in.size(); k += kPerDirection)
    w.push_back({in[k], in[k + 1], in[k + 2], in[k + 3], in[k + 4]});
  return w;
}

const char* node_name(RNNMode mode) {
  switch (mode) {
    case RNNMode::LSTM:
      return "LSTMLayerBackward";
    case RNNMode::GRU:
      return "GRULayerBackward";
    case RNNMode::RNN_RELU:
      return "RNNReluLayerBackward";
    default:
      return "RNNTanhLayerBackward";
  }
}

class RecurrentLayerNode final : public autograd::Node {
 public:
  RecurrentLayerNode(LayerSpec spec, Dims dims) : spec_(std::move(spec)), dims_(dims) {}
  const char* name() const override { return node_name(spec_.mode); }
  int num_outputs() const override { return 3; }
  TensorList apply(TensorList&& grads) override;
  void release_saved() override {
    for (autograd::SavedTensor& s : inputs_) {
      released = released || s.defined();
      s.reset();
    }
    work_.clear();
  }

  void save(const TensorList& inputs, std::vector<Workspace> work) {
    for (const Tensor& t : inputs) inputs_.emplace_back(t, false);
    work_ = std::move(work);
  }

 private:
  template <class R>
  TensorList fused_backward(const TensorList& in, const TensorList& grads);

  LayerSpec spec_;
  Dims dims_;
  std::vector<autograd::SavedTensor> inputs_;
  std::vector<Workspace> work_;
};

TensorList RecurrentLayerNode::apply(TensorList&& grads) {
  TensorList in;
  for (const autograd::SavedTensor& s : inputs_) in.push_back(s.unpack());
  if (GradMode::is_enabled()) {
    // create_graph: differentiate the layer written with differentiable ops.
    const LayerSpec spec = spec_;
    auto forward = [spec](const TensorList& x) {
      const LayerResult r = composed_layer(spec, x[0], x[1], x[2], weights_of(x));
      return TensorList{r.output, r.h_n, r.c_n};
    };
    return autograd::recompute_backward(forward, in, next_edges, grads);
  }
  return dispatch_floating(in[0].dtype(), name(),
                           [&](auto v) { return fused_backward<decltype(v)>(in, grads); });
}

template <class R>
TensorList RecurrentLayerNode::fused_backward(const TensorList& in, const TensorList& grads) {
  const Dims& d = dims_;
  const DType dt = dtype_of<R>();
  const Tensor x = in[0].detach().contiguous();
  const Tensor gy = grads[0].defined() ? grads[0].contiguous() : Tensor();
  const Tensor gh = grads[1].defined() ? grads[1].contiguous() : Tensor();
  const Tensor gc = grads[2].defined() ? grads[2].contiguous() : Tensor();
  TensorList out(next_edges.size());
  const auto needs = [&](size_t i) { return next_edges[i].fn != nullptr; };
  if (needs(0)) out[0] = detail::empty(x.shape(), dt);
  if (needs(1)) out[1] = detail::empty({d.D, d.B, d.P}, dt);
  if (needs(2)) out[2] = detail::empty({d.D, d.B, d.H}, dt);
  const std::vector<int64_t> len = lengths_or_full(spec_, d);
  const std::vector<RNNDirectionWeights> weights = weights_of(in);
  for (int dir = 0; dir < d.D; ++dir) {
    const Weights p(weights[dir]);
    const size_t k = kFirstWeight + kPerDirection * dir;
    const std::array<bool, 5> need{needs(k), needs(k + 1), needs(k + 2), needs(k + 3), needs(k + 4)};
    const std::array<Tensor, 5> gw = backward_direction<R>(
        spec_.mode, d, dir, x.data_ptr<R>(), p, work_[dir], len, ptr<R>(gy),
        gh.defined() ? gh.data_ptr<R>() + dir * d.B * d.P : nullptr,
        gc.defined() ? gc.data_ptr<R>() + dir * d.B * d.H : nullptr,
        out[1].defined() ? out[1].data_ptr<R>() + dir * d.B * d.P : nullptr,
        out[2].defined() ? out[2].data_ptr<R>() + dir * d.B * d.H : nullptr, ptr<R>(out[0]), dir > 0, need);
    for (int i = 0; i < kPerDirection; ++i) out[k + i] = gw[i];
  }
  return out;
}

}  // namespace

int64_t gate_count(RNNMode mode) { return mode == RNNMode::LSTM ? 4 : mode == RNNMode::GRU ? 3 : 1; }

void check_state(const Tensor& s, const Shape& expected, DType dtype, const char* what, const char* op) {
  if (!s.defined()) return;
  NABLA_CHECK(s.shape() == expected, op, "expected ", what, " of shape ", expected, ", got ", s.shape());
  NABLA_CHECK(s.dtype() == dtype, op, what, " has dtype ", s.dtype(), " but the input has ", dtype);
}

LayerResult recurrent_layer(const LayerSpec& spec, const Tensor& input, const Tensor& h0, const Tensor& c0,
                            const std::vector<RNNDirectionWeights>& weights) {
  Dims d;
  d.batch_first = spec.batch_first;
  d.T = input.size(spec.batch_first ? 1 : 0);
  d.B = input.size(spec.batch_first ? 0 : 1);
  d.I = input.size(2);
  d.G = gate_count(spec.mode);
  d.H = weights[0].w_hh.size(0) / d.G;
  d.P = weights[0].w_hh.size(1);
  d.D = static_cast<int64_t>(weights.size());
  d.proj = weights[0].w_hr.defined();
  const DType dt = input.dtype();
  const bool lstm = spec.mode == RNNMode::LSTM;
  Shape out_shape = input.shape();
  out_shape[2] = d.D * d.P;
  LayerResult r{detail::empty(out_shape, dt), detail::empty({d.D, d.B, d.P}, dt),
                lstm ? detail::empty({d.D, d.B, d.H}, dt) : Tensor()};
  const std::vector<int64_t> len = lengths_or_full(spec, d);
  std::vector<Workspace> work(static_cast<size_t>(d.D));
  {
    const Tensor x = input.detach().contiguous();
    const Tensor h0c = h0.defined() ? h0.detach().contiguous() : Tensor();
    const Tensor c0c = c0.defined() ? c0.detach().contiguous() : Tensor();
    dispatch_floating(dt, "recurrent layer", [&](auto v) {
      using R = decltype(v);
      for (int dir = 0; dir < d.D; ++dir) {
        forward_direction<R>(
            spec.mode, d, dir, x.data_ptr<R>(), weights[dir], h0c.defined() ? h0c.select(0, dir) : Tensor(),
            c0c.defined() ? c0c.select(0, dir) : Tensor(), len, work[dir], r.output.data_ptr<R>());
        const int64_t last = dir ? 0 : d.T;  // index of the final state in hs and cs
        std::memcpy(r.h_n.data_ptr<R>() + dir * d.B * d.P, work[dir].hs.data_ptr<R>() + last * d.B * d.P,
                    sizeof(R) * d.B * d.P);
        if (lstm)
          std::memcpy(r.c_n.data_ptr<R>() + dir * d.B * d.H, work[dir].cs.data_ptr<R>() + last * d.B * d.H,
                      sizeof(R) * d.B * d.H);
      }
    });
  }
  const TensorList in = node_inputs(input, h0, c0, weights);
  bool any = false;
  for (const Tensor& t : in) any = any || (t.defined() && t.requires_grad());
  if (!any || !GradMode::is_enabled()) return r;
  auto node = std::make_shared<RecurrentLayerNode>(spec, d);
  if (lstm)
    autograd::set_history(node, in, {&r.output, &r.h_n, &r.c_n});
  else
    autograd::set_history(node, in, {&r.output, &r.h_n});
  node->save(in, std::move(work));
  return r;
}

}  // namespace nabla::nn::internal
