// Matrix products: matmul's rank rules, strided operands, mm/bmm/addmm/outer/dot/mv/linear,
// their gradients and shape errors. Values are checked against a naive triple loop.
#include <gtest/gtest.h>

#include <string>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

using namespace nabla;
using nabla::testing::expect_values;
using nabla::testing::f64;
using nabla::testing::rand_param;

namespace {

// torch.matmul by definition: 1-D operands become a row / column, batch dims broadcast,
// and the added dims are dropped again. Computed with plain loops in double.
Tensor naive_matmul(const Tensor& a, const Tensor& b) {
  const Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
  const Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
  const int64_t n = a2.size(-2), k = a2.size(-1), m = b2.size(-1);
  EXPECT_EQ(b2.size(-2), k);
  const Shape batch_a(std::span<const int64_t>(a2.shape().begin(), a2.shape().end() - 2));
  const Shape batch_b(std::span<const int64_t>(b2.shape().begin(), b2.shape().end() - 2));
  const Shape batch = broadcast_shapes(batch_a, batch_b, "naive_matmul");
  Shape sa = batch, sb = batch;
  sa.push_back(n);
  sa.push_back(k);
  sb.push_back(k);
  sb.push_back(m);
  const std::vector<double> av = a2.detach().expand(sa).to_vector<double>();
  const std::vector<double> bv = b2.detach().expand(sb).to_vector<double>();
  const int64_t nb = batch.numel();
  std::vector<double> out(static_cast<size_t>(nb * n * m), 0.0);
  for (int64_t p = 0; p < nb; ++p)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j) {
        double s = 0;
        for (int64_t q = 0; q < k; ++q) s += av[(p * n + i) * k + q] * bv[(p * k + q) * m + j];
        out[(p * n + i) * m + j] = s;
      }
  Shape shape = batch;
  if (a.dim() > 1) shape.push_back(n);
  if (b.dim() > 1) shape.push_back(m);
  return from_vector(out, shape);
}

void expect_matches_naive(const Tensor& got, const Tensor& a, const Tensor& b, double tol = 1e-13) {
  const Tensor want = naive_matmul(a, b);
  EXPECT_EQ(got.shape(), want.shape());
  EXPECT_EQ(got.dtype(), a.dtype());
  expect_values(got, want.to_vector<double>(), tol);
}

template <class F>
void expect_error(F f, const std::string& op) {
  try {
    f();
    ADD_FAILURE() << "expected an error from " << op;
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(op + ":", 0), 0u) << e.what();
  }
}

Tensor r(const Shape& shape, uint64_t seed = 1) { return rand_param(shape, -1, 1, seed).detach(); }

// ---- matmul rank rules -------------------------------------------------------------

struct MatmulCase {
  const char* name;
  Shape a, b, out;
};

const MatmulCase kMatmul[] = {
    {"vec_vec", {5}, {5}, {}},
    {"mat_vec", {3, 5}, {5}, {3}},
    {"vec_mat", {5}, {5, 4}, {4}},
    {"mat_mat", {3, 5}, {5, 4}, {3, 4}},
    {"batch_mat", {2, 3, 5}, {5, 4}, {2, 3, 4}},
    {"batch_vec", {2, 3, 5}, {5}, {2, 3}},
    {"vec_batch", {5}, {2, 5, 4}, {2, 4}},
    {"mat_batch", {3, 5}, {2, 5, 4}, {2, 3, 4}},
    {"batch_batch", {2, 3, 5}, {2, 5, 4}, {2, 3, 4}},
    {"broadcast_4d_3d", {2, 1, 3, 5}, {6, 5, 4}, {2, 6, 3, 4}},
    {"broadcast_3d_4d", {6, 3, 5}, {2, 1, 5, 4}, {2, 6, 3, 4}},
    {"broadcast_ones", {1, 3, 5}, {7, 5, 4}, {7, 3, 4}},
    {"empty_k", {3, 0}, {0, 4}, {3, 4}},
};

void PrintTo(const MatmulCase& c, std::ostream* os) { *os << c.name; }

class Matmul : public ::testing::TestWithParam<MatmulCase> {};

TEST_P(Matmul, ShapeAndValues) {
  const MatmulCase& c = GetParam();
  const Tensor a = r(c.a, 1), b = r(c.b, 2);
  const Tensor y = matmul(a, b);
  EXPECT_EQ(y.shape(), c.out);
  expect_matches_naive(y, a, b);
  expect_matches_naive(a.matmul(b), a, b);
  const Tensor y32 = matmul(a.to(kFloat32), b.to(kFloat32));
  EXPECT_EQ(y32.dtype(), kFloat32);
  expect_values(y32, naive_matmul(a, b).to_vector<double>(), 1e-5);
}

TEST_P(Matmul, Gradcheck) {
  const MatmulCase& c = GetParam();
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); },
                   {rand_param(c.a, -1, 1, 1), rand_param(c.b, -1, 1, 2)});
}

TEST_P(Matmul, Gradgradcheck) {
  const MatmulCase& c = GetParam();
  EXPECT_GRADGRADCHECK([](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); },
                       {rand_param(c.a, -1, 1, 1), rand_param(c.b, -1, 1, 2)});
}

INSTANTIATE_TEST_SUITE_P(Linalg, Matmul, ::testing::ValuesIn(kMatmul),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Linalg, MatmulStridedOperands) {
  // Transposed (BLAS flag), sliced with a step, expanded (stride 0) and offset operands.
  const Tensor a = r({5, 3}, 1).t();                      // [3, 5], column-major
  const Tensor b = r({4, 10}, 2).slice(1, 0, 10, 2).t();  // [5, 4] with row stride 2
  expect_matches_naive(matmul(a, b), a, b);
  expect_matches_naive(mm(a, b), a, b);
  const Tensor e = r({1, 5}, 3).expand({3, 5});  // all rows share memory
  expect_matches_naive(matmul(e, b), e, b);
  const Tensor off = r({4, 6}, 4).narrow(0, 1, 3).narrow(1, 1, 5);  // offset, row stride 6
  expect_matches_naive(matmul(off, b), off, b);
  const Tensor batched = r({5, 2, 3}, 5).permute({1, 2, 0});  // [2, 3, 5], non-contiguous batch
  const Tensor bb = r({2, 4, 5}, 6).transpose(1, 2);          // [2, 5, 4]
  expect_matches_naive(matmul(batched, bb), batched, bb);
  expect_matches_naive(bmm(batched, bb), batched, bb);
  expect_matches_naive(matmul(batched, b.t().t()), batched, b);
  const Tensor v = r({10}, 7).slice(0, 0, 10, 2);  // strided vector
  expect_matches_naive(matmul(a, v), a, v);
  expect_matches_naive(matmul(v, b), v, b);
  expect_matches_naive(matmul(v, v), v, v);
  // The operands are left untouched.
  expect_values(e, r({1, 5}, 3).expand({3, 5}).to_vector<double>());
}

TEST(Linalg, MatmulStridedGradcheck) {
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return matmul(in[0].t(), in[1].slice(0, 0, 10, 2)); },
                   {rand_param({5, 3}, -1, 1, 1), rand_param({10, 4}, -1, 1, 2)});
  EXPECT_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return matmul(in[0].permute({1, 2, 0}), in[1].t());
      },
      {rand_param({5, 2, 3}, -1, 1, 1), rand_param({4, 5}, -1, 1, 2)});
  EXPECT_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return matmul(in[0].expand({2, 3, 5}), in[1]);
      },
      {rand_param({3, 5}, -1, 1, 1), rand_param({2, 5, 4}, -1, 1, 2)});
}

TEST(Linalg, MatmulErrors) {
  EXPECT_THROW(matmul(zeros({3, 4}), zeros({5, 2})), Error);  // reported by mm
  expect_error([] { matmul(zeros({4}), zeros({5})); }, "dot");
  expect_error([] { matmul(zeros({2, 3, 4}), zeros({5})); }, "matmul");
  expect_error([] { matmul(zeros({2, 3, 4}), zeros({3, 4, 2})); }, "matmul");
  expect_error([] { matmul(scalar_tensor(2), zeros({3})); }, "matmul");
  try {
    matmul(zeros({3, 4}), zeros({5, 2}));
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[3, 4]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[5, 2]"), std::string::npos) << e.what();
  }
}

// ---- the other products ----------------------------------------------------------------

TEST(Linalg, MmBmmDotMvOuter) {
  const Tensor a = f64({1, 2, 3, 4, 5, 6}, {2, 3}), b = f64({1, 0, -1, 2, 3, 1}, {3, 2});
  expect_values(mm(a, b), {8, 7, 17, 16});
  expect_values(a.mm(b), {8, 7, 17, 16});
  const Tensor ba = stack({a, mul(a, 2.0)}), bb = stack({b, b});
  const Tensor y = bmm(ba, bb);
  EXPECT_EQ(y.shape(), Shape({2, 2, 2}));
  expect_values(y, {8, 7, 17, 16, 16, 14, 34, 32});
  const Tensor d = dot(f64({1, 2, 3}), f64({4, -5, 6}));
  EXPECT_EQ(d.dim(), 0);
  EXPECT_EQ(d.item<double>(), 12);
  expect_values(mv(a, f64({1, 0, -1})), {-2, -2});
  const Tensor o = outer(f64({1, 2}), f64({3, 4, 5}));
  EXPECT_EQ(o.shape(), Shape({2, 3}));
  expect_values(o, {3, 4, 5, 6, 8, 10});
  expect_values(mm(zeros({2, 0}, {.dtype = kFloat64}), zeros({0, 3}, {.dtype = kFloat64})),
                {0, 0, 0, 0, 0, 0});
}

TEST(Linalg, Addmm) {
  const Tensor a = r({3, 4}, 1), b = r({4, 2}, 2);
  const std::vector<double> ab = naive_matmul(a, b).to_vector<double>();
  for (const Tensor& bias : {r({3, 2}, 3), r({2}, 3), r({3, 1}, 3), r({}, 3)}) {
    SCOPED_TRACE(bias.shape().str());
    const std::vector<double> bv = bias.expand({3, 2}).to_vector<double>();
    std::vector<double> want(ab.size());
    for (size_t i = 0; i < want.size(); ++i) want[i] = 0.5 * bv[i] - 2 * ab[i];
    expect_values(addmm(bias, a, b, 0.5, -2), want, 1e-14);
    for (size_t i = 0; i < want.size(); ++i) want[i] = bv[i] + ab[i];
    expect_values(addmm(bias, a, b), want, 1e-14);
    expect_values(addmm(bias, a.t().contiguous().t(), b), want, 1e-14);
  }
  // beta = 0 ignores the bias even when it holds NaN (BLAS semantics, like PyTorch).
  expect_values(addmm(full({3, 2}, NAN, {.dtype = kFloat64}), a, b, 0, 1), ab, 1e-14);
  expect_values(addmm(full({3, 2}, NAN), a.to(kFloat32), b.to(kFloat32), 0, 1), ab, 1e-6);
  // With nothing to sum (k = 0) the result is beta * bias.
  expect_values(addmm(full({2}, 3), zeros({2, 0}), zeros({0, 2}), 0.5), {1.5, 1.5, 1.5, 1.5});
  expect_values(addmm(full({2}, 3, {.dtype = kFloat64}), zeros({2, 0}, {.dtype = kFloat64}),
                      zeros({0, 2}, {.dtype = kFloat64}), 0.5),
                {1.5, 1.5, 1.5, 1.5});
}

TEST(Linalg, Linear) {
  const Tensor x = r({2, 3, 4}, 1), w = r({5, 4}, 2), bias = r({5}, 3);
  const Tensor y = linear(x, w, bias);
  EXPECT_EQ(y.shape(), Shape({2, 3, 5}));
  const std::vector<double> xw = naive_matmul(x, w.t()).to_vector<double>();
  const std::vector<double> bv = bias.expand({2, 3, 5}).to_vector<double>();
  std::vector<double> want(xw.size());
  for (size_t i = 0; i < want.size(); ++i) want[i] = xw[i] + bv[i];
  expect_values(y, want, 1e-14);
  expect_values(linear(x, w), xw, 1e-14);
  EXPECT_EQ(linear(r({4}, 1), w, bias).shape(), Shape({5}));
  expect_values(linear(x.select(0, 1), w, bias), std::vector<double>(want.begin() + 15, want.end()), 1e-14);
  expect_error([&] { linear(x, r({5, 3}), bias); }, "linear");
  expect_error([&] { linear(x, w, r({4})); }, "linear");
}

TEST(Linalg, ProductGradchecks) {
  using In = const std::vector<Tensor>&;
  EXPECT_GRADCHECK([](In in) { return mm(in[0], in[1]); },
                   {rand_param({3, 4}, -1, 1, 1), rand_param({4, 2})});
  EXPECT_GRADCHECK([](In in) { return bmm(in[0], in[1]); },
                   {rand_param({2, 3, 4}, -1, 1, 1), rand_param({2, 4, 2})});
  EXPECT_GRADCHECK([](In in) { return dot(in[0], in[1]); }, {rand_param({5}, -1, 1, 1), rand_param({5})});
  EXPECT_GRADCHECK([](In in) { return mv(in[0], in[1]); }, {rand_param({3, 5}, -1, 1, 1), rand_param({5})});
  EXPECT_GRADCHECK([](In in) { return outer(in[0], in[1]); }, {rand_param({3}, -1, 1, 1), rand_param({4})});
  EXPECT_GRADCHECK([](In in) { return addmm(in[0], in[1], in[2], 0.5, -2); },
                   {rand_param({2}, -1, 1, 3), rand_param({3, 4}, -1, 1, 1), rand_param({4, 2})});
  EXPECT_GRADCHECK([](In in) { return addmm(in[0], in[1], in[2]); },
                   {rand_param({3, 1}, -1, 1, 3), rand_param({3, 4}, -1, 1, 1), rand_param({4, 2})});
  EXPECT_GRADCHECK([](In in) { return linear(in[0], in[1], in[2]); },
                   {rand_param({2, 3, 4}, -1, 1, 1), rand_param({5, 4}), rand_param({5}, -1, 1, 3)});
  EXPECT_GRADCHECK([](In in) { return linear(in[0], in[1]); },
                   {rand_param({3, 4}, -1, 1, 1), rand_param({5, 4})});
  // Only one operand requiring grad.
  EXPECT_GRADCHECK([](In in) { return linear(in[0], in[1], in[2]); },
                   {rand_param({3, 4}, -1, 1, 1), rand_param({5, 4}).detach(), rand_param({5}, -1, 1, 3)});
  EXPECT_GRADCHECK([](In in) { return mm(in[0], in[1]); },
                   {rand_param({3, 4}, -1, 1, 1).detach(), rand_param({4, 2})});
  EXPECT_GRADGRADCHECK([](In in) { return addmm(in[0], in[1], in[2], 0.5, -2); },
                       {rand_param({2}, -1, 1, 3), rand_param({3, 4}, -1, 1, 1), rand_param({4, 2})});
  EXPECT_GRADGRADCHECK([](In in) { return linear(in[0], in[1], in[2]); },
                       {rand_param({2, 3, 4}, -1, 1, 1), rand_param({5, 4}), rand_param({5}, -1, 1, 3)});
  EXPECT_GRADGRADCHECK([](In in) { return bmm(in[0], in[1]); },
                       {rand_param({2, 3, 4}, -1, 1, 1), rand_param({2, 4, 2})});
}

TEST(Linalg, ShapeAndDtypeErrors) {
  const Tensor m = zeros({3, 4});
  expect_error([&] { mm(m, m); }, "mm");
  expect_error([&] { mm(m, zeros({4})); }, "mm");
  expect_error([&] { mm(m, zeros({4, 2}, {.dtype = kFloat64})); }, "mm");
  expect_error([&] { mm(zeros({2, 2}, {.dtype = kInt64}), zeros({2, 2}, {.dtype = kInt64})); }, "mm");
  expect_error([&] { bmm(zeros({2, 3, 4}), zeros({3, 4, 2})); }, "bmm");
  expect_error([&] { bmm(zeros({2, 3, 4}), zeros({2, 3, 2})); }, "bmm");
  expect_error([&] { bmm(m, m.t()); }, "bmm");
  expect_error([&] { dot(zeros({3}), zeros({4})); }, "dot");
  expect_error([&] { dot(m, m); }, "dot");
  EXPECT_THROW(mv(m, zeros({3})), Error);
  expect_error([&] { mv(zeros({4}), zeros({4})); }, "mv");
  expect_error([&] { outer(m, zeros({3})); }, "outer");
  expect_error([&] { addmm(zeros({3, 3}), m, zeros({4, 2})); }, "addmm");
  expect_error([&] { addmm(zeros({2}), m, zeros({5, 2})); }, "addmm");
  expect_error([&] { addmm(zeros({2}, {.dtype = kFloat64}), m, zeros({4, 2})); }, "addmm");
}

}  // namespace
