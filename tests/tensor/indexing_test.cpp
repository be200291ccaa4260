#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "nabla/autograd/node.h"
#include "nabla/nabla.h"

using namespace nabla;

namespace {

Tensor ids(std::initializer_list<double> v) { return tensor(v, {.dtype = kInt64}); }
Tensor ids(std::initializer_list<std::initializer_list<double>> v) { return tensor(v, {.dtype = kInt64}); }

Tensor param(const Shape& shape) {
  Tensor t = randn(shape, {.dtype = kFloat64});
  t.requires_grad_();
  return t;
}

template <class T>
std::vector<T> values(const Tensor& t) {
  return t.to_vector<T>();
}

// Expects f to throw a nabla::Error whose message contains every one of `parts`.
void expect_error(const std::function<void()>& f, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no exception thrown";
  } catch (const Error& e) {
    const std::string what = e.what();
    for (const std::string& p : parts)
      EXPECT_NE(what.find(p), std::string::npos) << "'" << p << "' not in: " << what;
  }
}

using Op = std::function<Tensor(const Tensor&)>;

// Checks op's gradient, and second order twice: gradgradcheck on op(x)^2 (whose gradient
// depends on x), and gradcheck of the backward pass as a function of the incoming
// gradient, which is what create_graph differentiates and which gradgradcheck, holding
// that gradient fixed, leaves untested for these linear ops.
void check_gradients(const Op& op, const Tensor& x) {
  const autograd::Function f = [&](const std::vector<Tensor>& in) { return op(in[0]); };
  const auto first = autograd::gradcheck(f, {x});
  EXPECT_TRUE(first) << first.message;
  const autograd::Function squared = [&](const std::vector<Tensor>& in) { return square(op(in[0])); };
  const auto second = autograd::gradgradcheck(squared, {x});
  EXPECT_TRUE(second) << second.message;
  const Tensor v = param(op(x).shape());
  const autograd::Function backward = [&](const std::vector<Tensor>& in) {
    AutoGradMode enable(true);  // gradcheck evaluates f under NoGradGuard for finite differences
    return autograd::grad({op(x)}, {x}, {in[0]}, false, /*create_graph=*/true)[0];
  };
  const auto through = autograd::gradcheck(backward, {v});
  EXPECT_TRUE(through) << through.message;
}

}  // namespace

// ---- index_select --------------------------------------------------------------------

TEST(IndexSelect, PicksSlicesAlongDim) {
  const Tensor x = arange(12.0).view({3, 4});
  const Tensor rows = index_select(x, 0, ids({2, 0, 2}));
  EXPECT_EQ(rows.shape(), Shape({3, 4}));
  EXPECT_EQ(values<float>(rows), (std::vector<float>{8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}));
  const Tensor cols = index_select(x, -1, ids({3, 1}));
  EXPECT_EQ(cols.shape(), Shape({3, 2}));
  EXPECT_EQ(values<float>(cols), (std::vector<float>{3, 1, 7, 5, 11, 9}));
  // A transposed (non-contiguous) input reads through its strides.
  EXPECT_EQ(values<float>(index_select(x.t(), 1, ids({2}))), (std::vector<float>{8, 9, 10, 11}));
  EXPECT_EQ(values<int64_t>(index_select(ids({5, 6, 7}), 0, ids({1, 1}))), (std::vector<int64_t>{6, 6}));
}

TEST(IndexSelect, ZeroDimShapesFollowPyTorch) {
  const Tensor x = arange(6.0).view({2, 3});
  EXPECT_EQ(index_select(x, 1, scalar_tensor(2, {.dtype = kInt64})).shape(), Shape({2, 1}));
  const Tensor s = index_select(scalar_tensor(3.5), 0, ids({0}));
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item<double>(), 3.5);
  EXPECT_EQ(index_select(x, 0, zeros({0}, {.dtype = kInt64})).shape(), Shape({0, 3}));
}

TEST(IndexSelect, RejectsBadIndices) {
  const Tensor x = zeros({3, 2});
  const Tensor three = ids({0, 3});
  expect_error([&] { index_select(x, 0, three); }, {"index_select", "index 3", "dimension 0", "size 3"});
  expect_error([&] { index_select(x, 1, ids({-1})); }, {"index_select", "index -1", "size 2"});
  expect_error([&] { index_select(x, 0, tensor({0.0})); }, {"index_select", "int64", "float32"});
  expect_error([&] { index_select(x, 0, ids({0}).view({1, 1})); }, {"index_select", "vector"});
  expect_error([&] { index_select(x, 2, ids({0})); }, {"index_select", "dimension 2"});
  expect_error([&] { index_select(scalar_tensor(1), 0, ids({0, 0})); }, {"index_select", "exactly one"});
}

TEST(IndexSelect, GradientAccumulatesRepeatedIndices) {
  Tensor x = param({2, 4, 3});
  index_select(x, 1, ids({3, 0, 3, 3})).sum().backward();
  EXPECT_EQ(values<double>(x.grad().select(0, 1).select(1, 2)), (std::vector<double>{1, 0, 0, 3}));
  check_gradients([](const Tensor& t) { return index_select(t, 1, ids({3, 0, 3, 3})); }, param({2, 4, 3}));
  check_gradients([](const Tensor& t) { return index_select(t, 0, ids({1, 1})); }, param({2, 3}));
  check_gradients([](const Tensor& t) { return index_select(t, -1, ids({0, 2, 0})); }, param({3, 3}));
}

// ---- gather ------------------------------------------------------------------------

TEST(Gather, PicksElementsAlongDim) {
  const Tensor t = ids({{1, 2}, {3, 4}});
  EXPECT_EQ(values<int64_t>(gather(t, 1, ids({{0, 0}, {1, 0}}))), (std::vector<int64_t>{1, 1, 4, 3}));
  const Tensor x = arange(12.0).view({3, 4});
  // The index may be smaller than the input in the other dims.
  EXPECT_EQ(values<float>(gather(x, 0, ids({{2, 1}, {0, 0}}))), (std::vector<float>{8, 5, 0, 1}));
  EXPECT_EQ(values<float>(gather(x.t(), 1, ids({2, 0}).view({2, 1}))), (std::vector<float>{8, 1}));
  EXPECT_EQ(gather(scalar_tensor(2.5), 0, scalar_tensor(0, {.dtype = kInt64})).item<double>(), 2.5);
  EXPECT_EQ(gather(x, 0, zeros({0, 9}, {.dtype = kInt64})).shape(), Shape({0, 9}));
}

// Big enough to run on several threads.
TEST(Gather, LargeInputMatchesReference) {
  const int64_t n = 200000;
  const Tensor x = arange(double(n), {.dtype = kFloat64}).view({2, n / 2});
  std::vector<int64_t> idx(n);
  for (int64_t i = 0; i < n; ++i) idx[i] = (i * 7919) % (n / 2);
  const Tensor out = gather(x, 1, from_vector(idx, {2, n / 2}));
  const std::vector<double> got = values<double>(out);
  for (int64_t i = 0; i < n; ++i)
    ASSERT_EQ(got[i], static_cast<double>(idx[i] + (i >= n / 2 ? n / 2 : 0))) << i;
}

TEST(Gather, RejectsBadIndices) {
  const Tensor x = zeros({3, 2});
  expect_error([&] { gather(x, 0, ids({{-1, 0}})); }, {"gather", "index -1", "dimension 0", "size 3"});
  expect_error([&] { gather(x, 1, ids({{0, 2}})); }, {"gather", "index 2", "dimension 1", "size 2"});
  expect_error([&] { gather(x, 0, ids({0})); }, {"gather", "dimensions"});
  expect_error([&] { gather(x, 0, zeros({2, 5}, {.dtype = kInt64})); }, {"gather", "[2, 5]", "dimension 1"});
  expect_error([&] { gather(x, 0, zeros({1, 1})); }, {"gather", "int64"});
}

TEST(Gather, GradientAccumulatesRepeatedIndices) {
  Tensor x = param({2, 3});
  gather(x, 1, ids({{2, 2, 0, 2}, {1, 1, 1, 1}})).sum().backward();
  EXPECT_EQ(values<double>(x.grad()), (std::vector<double>{1, 0, 3, 0, 4, 0}));
  const Tensor repeated = ids({{2, 2, 0, 2}, {1, 1, 1, 1}});
  check_gradients([&](const Tensor& t) { return gather(t, 1, repeated); }, param({2, 3}));
  check_gradients([](const Tensor& t) { return gather(t, 0, ids({{0, 2}, {0, 0}})); }, param({3, 4}));
}

// ---- scatter and scatter_add ----------------------------------------------------------

TEST(Scatter, WritesSrcOrValueAtIndex) {
  const Tensor src = arange(1.0, 11.0, 1, {.dtype = kInt64}).view({2, 5});
  const Tensor out = scatter(zeros({3, 5}, {.dtype = kInt64}), 0, ids({{0, 1, 2, 0}}), src);
  EXPECT_EQ(values<int64_t>(out), (std::vector<int64_t>{1, 0, 0, 4, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0}));
  const Tensor filled = scatter(zeros({2, 4}), 1, ids({2, 3}).view({2, 1}), 1.23);
  EXPECT_EQ(values<float>(filled), (std::vector<float>{0, 0, 1.23f, 0, 0, 0, 0, 1.23f}));
  // The input is copied, not modified.
  const Tensor x = ones({3});
  scatter(x, 0, ids({1}), 5.0);
  EXPECT_EQ(values<float>(x), (std::vector<float>{1, 1, 1}));
}

TEST(ScatterAdd, AddsRepeatedIndices) {
  EXPECT_EQ(values<float>(scatter_add(zeros({3}), 0, ids({0, 1, 0, 2, 0}), tensor({1, 2, 3, 4, 5}))),
            (std::vector<float>{9, 2, 4}));
  const Tensor out = scatter_add(ones({2, 3}), 1, ids({{2, 2}, {0, 1}}), tensor({{1, 2, 9}, {3, 4, 9}}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 1, 4, 4, 5, 1}));
}

// Many threads adding into the same few elements must not lose updates.
TEST(ScatterAdd, LargeRepeatedIndicesMatchCounts) {
  const int64_t rows = 4, n = 100000, bins = 10;
  std::vector<int64_t> idx(rows * n);
  std::vector<double> expected(rows * bins, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < n; ++i) {
      idx[r * n + i] = (i * i + r) % bins;
      expected[r * bins + idx[r * n + i]] += 1;
    }
  const Tensor out = scatter_add(zeros({rows, bins}, {.dtype = kFloat64}), 1, from_vector(idx, {rows, n}),
                                 ones({rows, n}, {.dtype = kFloat64}));
  EXPECT_EQ(values<double>(out), expected);
}

// Along dim 0 of a wide tensor the kernel walks dim outermost, over blocks of columns.
TEST(ScatterAdd, LargeAlongLeadingDimMatchesReference) {
  const int64_t n = 50, cols = 3000, bins = 7;
  std::vector<int64_t> idx(n * cols);
  std::vector<double> src(n * cols), expected(bins * cols, 1);
  for (int64_t i = 0; i < n * cols; ++i) {
    idx[i] = (i * 13 + i / cols) % bins;
    src[i] = static_cast<double>(i % 11);
    expected[idx[i] * cols + i % cols] += src[i];
  }
  const Tensor out = scatter_add(ones({bins, cols}, {.dtype = kFloat64}), 0, from_vector(idx, {n, cols}),
                                 from_vector(src, {n, cols}));
  EXPECT_EQ(values<double>(out), expected);
  // scatter writes each element's last value along dim (unique here: one write per element).
  const Tensor perm = from_vector(std::vector<int64_t>(cols, 3), {1, cols});
  const Tensor written =
      scatter(zeros({bins, cols}, {.dtype = kFloat64}), 0, perm, from_vector(src, {n, cols}));
  EXPECT_EQ(values<double>(written.select(0, 3)), std::vector<double>(src.begin(), src.begin() + cols));
}

TEST(Scatter, RejectsBadInputs) {
  const Tensor x = zeros({3, 2});
  expect_error([&] { scatter(x, 0, ids({{3, 0}}), 1.0); }, {"scatter", "index 3", "dimension 0", "size 3"});
  const Tensor one = ids({0}).view({1, 1});
  const Tensor f64 = zeros({1, 1}, {.dtype = kFloat64});
  expect_error([&] { scatter(x, 0, one, f64); }, {"scatter", "float64", "float32"});
  expect_error([&] { scatter_add(x, 0, ids({{0, 1}}), zeros({1, 1})); }, {"scatter_add", "src", "[1, 1]"});
  const Tensor wide = ids({{0, 1, 0}});
  expect_error([&] { scatter_add(x, 0, wide, zeros({1, 3})); }, {"scatter_add", "[1, 3]", "[3, 2]"});
  const Tensor negative = ids({-2}).view({1, 1});
  expect_error([&] { scatter_add(x, 1, negative, zeros({1, 1})); }, {"scatter_add", "index -2", "size 2"});
  expect_error([&] { scatter(zeros({2}, {.dtype = kInt64}), 0, ids({0}), NAN); }, {"scatter", "int64"});
  expect_error([&] { scatter(x, 0, ids({0, 1}), 1.0); }, {"scatter", "dimensions"});
}

TEST(Scatter, Gradients) {
  const Tensor index = ids({{1, 0, 2}, {2, 1, 0}});  // no repeats: scatter's result is then well defined
  check_gradients([&](const Tensor& t) { return scatter(t, 1, index, 0.5); }, param({2, 3}));
  // src larger than index: src's gradient is zero outside index's extent.
  Tensor x = param({3, 4}), src = param({2, 5});
  const auto ok = autograd::gradcheck(
      [&](const std::vector<Tensor>& in) { return scatter(in[0], 1, index, in[1]); }, {x, src});
  EXPECT_TRUE(ok) << ok.message;
  scatter(x, 1, index, src).sum().backward();
  EXPECT_EQ(values<double>(x.grad()), (std::vector<double>{0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1}));
  EXPECT_EQ(values<double>(src.grad()), (std::vector<double>{1, 1, 1, 0, 0, 1, 1, 1, 0, 0}));
  const Tensor base = zeros({3, 4}, {.dtype = kFloat64});
  check_gradients([&](const Tensor& t) { return scatter(base, 1, index, t); }, param({2, 3}));
}

TEST(ScatterAdd, Gradients) {
  const Tensor index = ids({{1, 1, 0}, {2, 1, 2}});
  Tensor x = param({3, 4}), src = param({2, 5});
  const auto ok = autograd::gradcheck(
      [&](const std::vector<Tensor>& in) { return scatter_add(in[0], 1, index, in[1]); }, {x, src});
  EXPECT_TRUE(ok) << ok.message;
  const Tensor fixed = ones({2, 3}, {.dtype = kFloat64}), base = zeros({3, 3}, {.dtype = kFloat64});
  check_gradients([&](const Tensor& t) { return scatter_add(t, 1, index, fixed); }, param({3, 4}));
  check_gradients([&](const Tensor& t) { return scatter_add(base, 1, index, t); }, param({2, 3}));
}

// ---- masked_fill ---------------------------------------------------------------------

TEST(MaskedFill, FillsWhereMaskBroadcasts) {
  const Tensor mask = ne(tensor({1, 0, 1}), 0.0);
  EXPECT_EQ(values<float>(masked_fill(arange(6.0).view({2, 3}), mask, -1)),
            (std::vector<float>{-1, 1, -1, -1, 4, -1}));
  // The result takes the broadcast shape of input and mask, as in PyTorch.
  const Tensor out = masked_fill(arange(3.0, {.dtype = kInt64}), ne(tensor({1, 0}).view({2, 1}), 0.0), 7);
  EXPECT_EQ(out.shape(), Shape({2, 3}));
  EXPECT_EQ(values<int64_t>(out), (std::vector<int64_t>{7, 7, 7, 0, 1, 2}));
}

TEST(MaskedFill, RejectsBadInputs) {
  expect_error([&] { masked_fill(zeros({3}), zeros({3}), 1); }, {"masked_fill", "bool", "float32"});
  expect_error([&] { masked_fill(zeros({3}), ne(zeros({2}), 0.0), 1); }, {"masked_fill", "[3]", "[2]"});
  expect_error([&] { masked_fill(zeros({3}, {.dtype = kInt64}), ne(zeros({3}), 0.0), INFINITY); },
               {"masked_fill", "int64"});
}

TEST(MaskedFill, Gradients) {
  const Tensor mask = ne(tensor({{1, 0, 0}, {0, 0, 1}}), 0.0);
  Tensor x = param({2, 3});
  masked_fill(x, mask, 3).sum().backward();
  EXPECT_EQ(values<double>(x.grad()), (std::vector<double>{0, 1, 1, 1, 1, 0}));
  check_gradients([&](const Tensor& t) { return masked_fill(t, mask, 3); }, param({2, 3}));
  check_gradients([&](const Tensor& t) { return masked_fill(t, mask, 3); }, param({3}));  // broadcast up
}

// ---- one_hot -------------------------------------------------------------------------

TEST(OneHot, EncodesClasses) {
  const Tensor out = one_hot(ids({{0, 2}, {1, 0}}), 4);
  EXPECT_EQ(out.shape(), Shape({2, 2, 4}));
  EXPECT_EQ(out.dtype(), kInt64);
  EXPECT_EQ(values<int64_t>(out), (std::vector<int64_t>{1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(values<int64_t>(one_hot(scalar_tensor(2, {.dtype = kInt64}))), (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(one_hot(zeros({0}, {.dtype = kInt64}), 3).shape(), Shape({0, 3}));
}

TEST(OneHot, RejectsBadClasses) {
  expect_error([] { one_hot(ids({-1})); }, {"one_hot", "non-negative", "-1"});
  expect_error([] { one_hot(ids({3}), 3); }, {"one_hot", "3"});
  expect_error([] { one_hot(zeros({0}, {.dtype = kInt64})); }, {"one_hot", "empty"});
  expect_error([] { one_hot(tensor({1})); }, {"one_hot", "int64"});
  expect_error([] { one_hot(ids({1}), -2); }, {"one_hot", "-2"});
}

// ---- embedding -----------------------------------------------------------------------

TEST(Embedding, LooksUpRows) {
  const Tensor w = arange(8.0).view({4, 2});
  const Tensor out = embedding(w, ids({{3, 0, 3}, {1, 1, 2}}));
  EXPECT_EQ(out.shape(), Shape({2, 3, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{6, 7, 0, 1, 6, 7, 2, 3, 2, 3, 4, 5}));
  EXPECT_EQ(embedding(w, scalar_tensor(1, {.dtype = kInt64})).shape(), Shape({2}));
  expect_error([&] { embedding(w, ids({4})); }, {"embedding", "index 4", "size 4"});
  expect_error([&] { embedding(w, ids({-1})); }, {"embedding", "index -1"});
  expect_error([&] { embedding(arange(4.0), ids({0})); }, {"embedding", "2-D"});
}

TEST(Embedding, GradientSumsRepeatedRows) {
  Tensor w = param({4, 3});
  const Tensor index = ids({{3, 0, 3}, {1, 3, 0}});
  Tensor out = embedding(w, index);
  EXPECT_STREQ(out.grad_fn()->name(), "EmbeddingBackward");
  out.sum().backward();
  EXPECT_EQ(values<double>(w.grad()), (std::vector<double>{2, 2, 2, 1, 1, 1, 0, 0, 0, 3, 3, 3}));
  check_gradients([&](const Tensor& t) { return embedding(t, index); }, param({4, 3}));
}

// Large enough for the row-accumulating backward to split work across threads.
TEST(Embedding, LargeBackwardMatchesCounts) {
  const int64_t n = 100000, rows = 7, dim = 64;
  std::vector<int64_t> idx(n);
  std::vector<double> count(rows, 0);
  for (int64_t i = 0; i < n; ++i) count[idx[i] = (i * 31 + i / 3) % rows] += 1;
  Tensor w = param({rows, dim});
  embedding(w, from_vector(idx, {n})).sum().backward();
  const std::vector<double> g = values<double>(w.grad());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < dim; ++c) ASSERT_EQ(g[r * dim + c], count[r]) << r << "," << c;
}
