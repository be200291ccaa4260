// View ops (shapes, strides, shared storage, errors, gradients), copies and dtype
// conversion, and the joining/splitting ops cat, stack, split, chunk and unbind.
#include <gtest/gtest.h>

#include <string>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

using namespace nabla;
using nabla::testing::expect_values;
using nabla::testing::f64;
using nabla::testing::param;
using nabla::testing::rand_param;

namespace {

// 0, 1, ..., 23 as float64 of shape [2, 3, 4].
Tensor iota234() { return arange(24, {.dtype = kFloat64}).view({2, 3, 4}); }

std::vector<double> iota(int n, int start = 0) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = start + i;
  return v;
}

bool shares_storage(const Tensor& a, const Tensor& b) { return a.storage().get() == b.storage().get(); }

// Throws nabla::Error whose message starts with "op:".
template <class F>
void expect_error(F f, const std::string& op) {
  try {
    f();
    ADD_FAILURE() << "expected an error from " << op;
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(op + ":", 0), 0u) << e.what();
  }
}

// ---- views: geometry ---------------------------------------------------------------

TEST(Views, View) {
  const Tensor x = iota234();
  const Tensor v = x.view({4, -1});
  EXPECT_EQ(v.shape(), Shape({4, 6}));
  EXPECT_EQ(v.strides(), Shape({6, 1}));
  EXPECT_TRUE(shares_storage(v, x));
  expect_values(v, iota(24));
  EXPECT_EQ(x.view({24}).shape(), Shape({24}));
  EXPECT_EQ(x.view({2, 1, 12, 1}).strides(), Shape({12, 12, 1, 1}));
  EXPECT_EQ(view(x, {-1}).shape(), Shape({24}));
  EXPECT_EQ(x.view_as(zeros({6, 4})).shape(), Shape({6, 4}));
  // A narrowed tensor whose rows stay strided still views when dims are only split/merged
  // within contiguous runs.
  const Tensor n = x.narrow(2, 1, 2);
  EXPECT_EQ(n.view({6, 2}).strides(), Shape({4, 1}));
  EXPECT_EQ(n.view({2, 3, 2, 1}).shape(), Shape({2, 3, 2, 1}));
  // Scalars and empty tensors.
  EXPECT_EQ(scalar_tensor(3).view({1, 1}).shape(), Shape({1, 1}));
  EXPECT_EQ(scalar_tensor(3).view({}).dim(), 0);
  EXPECT_EQ(zeros({0, 3}).view({3, 0, 5}).shape(), Shape({3, 0, 5}));
}

TEST(Views, ViewErrors) {
  const Tensor x = iota234();
  expect_error([&] { x.view({5, -1}); }, "view");
  expect_error([&] { x.view({-1, -1}); }, "view");
  expect_error([&] { x.view({25}); }, "view");
  expect_error([&] { x.view({-2, 12}); }, "view");
  // Merging dims across a non-contiguous stride needs a copy.
  expect_error([&] { x.transpose(1, 2).view({2, 12}); }, "view");
  expect_error([&] { x.narrow(2, 1, 2).view({12}); }, "view");
  try {
    x.view({7, -1});
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3, 4]"), std::string::npos) << e.what();
  }
}

TEST(Views, Reshape) {
  const Tensor x = iota234();
  const Tensor r = x.reshape({3, 8});
  EXPECT_TRUE(shares_storage(r, x));  // a view when possible
  const Tensor t = x.transpose(1, 2);
  const Tensor c = t.reshape({2, 12});  // otherwise a copy
  EXPECT_FALSE(shares_storage(c, x));
  EXPECT_TRUE(c.is_contiguous());
  expect_values(c, {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 12, 16, 20, 13, 17, 21, 14, 18, 22, 15, 19, 23});
  EXPECT_EQ(reshape(x, {-1, 2}).shape(), Shape({12, 2}));
  expect_error([&] { x.reshape({5, 5}); }, "reshape");
}

TEST(Views, TransposeAndPermute) {
  const Tensor x = iota234();
  const Tensor t = x.transpose(0, 2);
  EXPECT_EQ(t.shape(), Shape({4, 3, 2}));
  EXPECT_EQ(t.strides(), Shape({1, 4, 12}));
  EXPECT_TRUE(shares_storage(t, x));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(x.transpose(-1, -3).strides(), t.strides());
  EXPECT_EQ(x.transpose(1, 1).strides(), x.strides());
  expect_values(x.transpose(0, 1).contiguous(),
                {0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23});
  const Tensor m = f64({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(m.t().shape(), Shape({3, 2}));
  expect_values(m.t(), {1, 4, 2, 5, 3, 6});
  expect_error([&] { x.transpose(0, 3); }, "transpose");

  const Tensor p = x.permute({2, 0, 1});
  EXPECT_EQ(p.shape(), Shape({4, 2, 3}));
  EXPECT_EQ(p.strides(), Shape({1, 12, 4}));
  EXPECT_TRUE(shares_storage(p, x));
  EXPECT_EQ(permute(x, {-1, 0, 1}).strides(), p.strides());
  expect_values(p.select(0, 1), {1, 5, 9, 13, 17, 21});
  expect_error([&] { x.permute({0, 1}); }, "permute");
  expect_error([&] { x.permute({0, 1, 1}); }, "permute");
  expect_error([&] { x.permute({0, 1, 3}); }, "permute");
}

TEST(Views, NarrowSliceSelect) {
  const Tensor x = iota234();
  const Tensor n = x.narrow(2, 1, 2);
  EXPECT_EQ(n.shape(), Shape({2, 3, 2}));
  EXPECT_EQ(n.strides(), x.strides());
  EXPECT_EQ(n.storage_offset(), 1);
  EXPECT_TRUE(shares_storage(n, x));
  expect_values(n.select(0, 0).select(0, 0), {1, 2});
  EXPECT_EQ(x.narrow(1, -2, 2).storage_offset(), 4);  // negative start counts from the end
  EXPECT_EQ(x.narrow(0, 2, 0).numel(), 0);
  expect_error([&] { x.narrow(2, 3, 2); }, "narrow");
  expect_error([&] { x.narrow(2, 0, -1); }, "narrow");
  expect_error([&] { x.narrow(3, 0, 1); }, "narrow");

  const Tensor s = x.slice(2, 1, 4, 2);  // [:, :, 1::2]
  EXPECT_EQ(s.shape(), Shape({2, 3, 2}));
  EXPECT_EQ(s.strides(), Shape({12, 4, 2}));
  EXPECT_EQ(s.storage_offset(), 1);
  expect_values(s.select(0, 1).select(0, 2), {21, 23});
  EXPECT_EQ(x.slice(2, 1, 100, 3).shape(), Shape({2, 3, 1}));  // end clamped, like Python
  EXPECT_EQ(x.slice(1, -2, 3).shape(), Shape({2, 2, 4}));
  EXPECT_EQ(x.slice(1, 0, -1).shape(), Shape({2, 2, 4}));
  EXPECT_EQ(x.slice(1, 2, 1).numel(), 0);  // empty, not an error
  EXPECT_EQ(slice(x, 1, 0, 3, 2).strides(), Shape({12, 8, 1}));
  expect_values(x.slice(0, 0, 2, 2).slice(1, 1, 3, 2).slice(2, 0, 4, 3), {4, 7});
  expect_error([&] { x.slice(1, 0, 3, 0); }, "slice");
  expect_error([&] { x.slice(1, 0, 3, -1); }, "slice");
  expect_error([&] { scalar_tensor(1).slice(0, 0, 1); }, "slice");

  const Tensor sel = x.select(1, 2);
  EXPECT_EQ(sel.shape(), Shape({2, 4}));
  EXPECT_EQ(sel.strides(), Shape({12, 1}));
  EXPECT_EQ(sel.storage_offset(), 8);
  EXPECT_TRUE(shares_storage(sel, x));
  expect_values(x.select(2, -1), {3, 7, 11, 15, 19, 23});
  expect_values(x[1][2], {20, 21, 22, 23});
  EXPECT_EQ(x[1][2][3].dim(), 0);
  EXPECT_EQ(x[1][2][3].item<double>(), 23);
  expect_error([&] { x.select(1, 3); }, "select");
  expect_error([&] { x.select(1, -4); }, "select");
  expect_error([&] { x.select(3, 0); }, "select");
  expect_error([&] { scalar_tensor(1).select(0, 0); }, "select");
}

TEST(Views, Expand) {
  const Tensor col = f64({1, 2, 3}, {3, 1});
  const Tensor e = col.expand({2, 3, 4});
  EXPECT_EQ(e.shape(), Shape({2, 3, 4}));
  EXPECT_EQ(e.strides(), Shape({0, 1, 0}));
  EXPECT_TRUE(shares_storage(e, col));
  expect_values(e.select(0, 1).select(0, 2), {3, 3, 3, 3});
  EXPECT_EQ(col.expand({-1, 5}).shape(), Shape({3, 5}));
  EXPECT_EQ(expand(col, {3, 1}).strides(), col.strides());
  EXPECT_EQ(scalar_tensor(2).expand({2, 2}).strides(), Shape({0, 0}));
  EXPECT_EQ(col.expand_as(zeros({3, 7})).shape(), Shape({3, 7}));
  expect_error([&] { col.expand({4, 4}); }, "expand");
  expect_error([&] { col.expand({4}); }, "expand");
  expect_error([&] { col.expand({-1, 3, 4}); }, "expand");
}

TEST(Views, SqueezeUnsqueeze) {
  const Tensor x = zeros({2, 1, 3, 1});
  EXPECT_EQ(x.squeeze().shape(), Shape({2, 3}));
  EXPECT_EQ(x.squeeze(1).shape(), Shape({2, 3, 1}));
  EXPECT_EQ(x.squeeze(-1).shape(), Shape({2, 1, 3}));
  EXPECT_EQ(x.squeeze(0).shape(), x.shape());  // size 2: unchanged
  EXPECT_EQ(squeeze(zeros({1, 1})).dim(), 0);
  EXPECT_TRUE(shares_storage(x.squeeze(), x));
  expect_error([&] { x.squeeze(4); }, "squeeze");

  const Tensor y = iota234();
  EXPECT_EQ(y.unsqueeze(0).shape(), Shape({1, 2, 3, 4}));
  EXPECT_EQ(y.unsqueeze(0).strides(), Shape({24, 12, 4, 1}));
  EXPECT_EQ(y.unsqueeze(1).strides(), Shape({12, 12, 4, 1}));
  EXPECT_EQ(y.unsqueeze(3).strides(), Shape({12, 4, 1, 1}));
  EXPECT_EQ(y.unsqueeze(-1).shape(), Shape({2, 3, 4, 1}));
  EXPECT_EQ(y.transpose(0, 2).unsqueeze(1).strides(), Shape({1, 12, 4, 12}));
  EXPECT_EQ(unsqueeze(scalar_tensor(1), 0).shape(), Shape({1}));
  EXPECT_TRUE(shares_storage(y.unsqueeze(2), y));
  expect_error([&] { y.unsqueeze(4); }, "unsqueeze");
  expect_error([&] { y.unsqueeze(-5); }, "unsqueeze");
}

TEST(Views, FlattenUnflatten) {
  const Tensor x = iota234();
  EXPECT_EQ(x.flatten().shape(), Shape({24}));
  EXPECT_EQ(x.flatten(1).shape(), Shape({2, 12}));
  EXPECT_EQ(x.flatten(0, 1).shape(), Shape({6, 4}));
  EXPECT_EQ(x.flatten(-2, -1).shape(), Shape({2, 12}));
  EXPECT_EQ(x.flatten(1, 1).shape(), x.shape());
  EXPECT_TRUE(shares_storage(x.flatten(), x));
  EXPECT_EQ(scalar_tensor(1).flatten().shape(), Shape({1}));
  // Flattening a non-contiguous tensor copies.
  expect_values(x.transpose(1, 2).flatten(1).select(0, 0), {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11});
  expect_error([&] { x.flatten(2, 1); }, "flatten");

  const Tensor u = unflatten(x, 2, {2, -1});
  EXPECT_EQ(u.shape(), Shape({2, 3, 2, 2}));
  EXPECT_EQ(u.strides(), Shape({12, 4, 2, 1}));
  EXPECT_TRUE(shares_storage(u, x));
  EXPECT_EQ(unflatten(x.flatten(), 0, {2, 3, 4}).shape(), x.shape());
  EXPECT_EQ(unflatten(x, -1, {4, 1}).shape(), Shape({2, 3, 4, 1}));
  expect_error([&] { unflatten(x, 2, {3, -1}); }, "unflatten");
  expect_error([&] { unflatten(x, 2, {2, 3}); }, "unflatten");
}

TEST(Views, WritesAreSharedWithTheBase) {
  Tensor x = zeros({3, 4}, {.dtype = kFloat64});
  x.t().select(0, 1).fill_(7);           // column 1
  x.slice(1, 0, 4, 3).add_(1);           // columns 0 and 3
  x.view({12}).narrow(0, 4, 4).mul_(2);  // row 1
  expect_values(x, {1, 7, 0, 1, 2, 14, 0, 2, 1, 7, 0, 1});
  const Tensor e = x.select(0, 0).expand({2, 4});
  x.zero_();
  expect_values(e, {0, 0, 0, 0, 0, 0, 0, 0});
}

// ---- copies and conversions -----------------------------------------------------------

TEST(Views, ContiguousAndClone) {
  const Tensor x = iota234();
  EXPECT_TRUE(x.contiguous().is_same(x));  // already contiguous: no copy
  const Tensor t = x.permute({2, 0, 1});
  const Tensor c = t.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_FALSE(shares_storage(c, x));
  EXPECT_EQ(c.shape(), t.shape());
  EXPECT_EQ(c.strides(), Shape({6, 3, 1}));
  EXPECT_TRUE(equal(c, t));
  const Tensor cl = x.clone();
  EXPECT_FALSE(shares_storage(cl, x));
  EXPECT_TRUE(equal(cl, x));
  Tensor cl2 = t.clone();
  cl2.fill_(0);
  EXPECT_EQ(x.sum().item<double>(), 276);  // the source is untouched
  // A size-1 dim's stride does not matter for contiguity.
  EXPECT_TRUE(zeros({3, 1}).t().is_contiguous());
}

TEST(Views, ToConvertsDtypes) {
  const Tensor x = f64({-1.7, -0.2, 0, 0.5, 2.9});
  EXPECT_TRUE(x.to(kFloat64).is_same(x));
  const Tensor f = x.to(kFloat32);
  EXPECT_EQ(f.dtype(), kFloat32);
  expect_values(f, {-1.7, -0.2, 0, 0.5, 2.9}, 1e-7);
  const Tensor i = x.to(kInt64);  // truncation towards zero, like PyTorch
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{-1, 0, 0, 0, 2}));
  const Tensor b = x.to(kBool);
  EXPECT_EQ(b.to_vector<int64_t>(), (std::vector<int64_t>{1, 1, 0, 1, 1}));
  EXPECT_EQ(b.to(kFloat32).to_vector<float>(), (std::vector<float>{1, 1, 0, 1, 1}));
  expect_values(x.t().to(kFloat32), f.to_vector<double>());  // 1-D t() is the identity
  expect_values(iota234().transpose(0, 2).to(kInt64).select(0, 1), {1, 13, 5, 17, 9, 21});
  // Gradients come back in the source dtype.
  Tensor p = param({1, 2}, {2});
  mul(p.to(kFloat32), tensor({3, 4})).sum().backward();
  EXPECT_EQ(p.grad().dtype(), kFloat64);
  expect_values(p.grad(), {3, 4});
  expect_error([&] { p.to(kInt64); }, "to");
}

// ---- gradients through views ------------------------------------------------------------

struct ViewCase {
  const char* name;
  Shape input;
  Tensor (*f)(const Tensor&);
};

const ViewCase kViewCases[] = {
    {"view",
     {2, 3, 4},
     [](const Tensor& x) {
       return x.view({4, -1});
     }},
    {"reshape_view",
     {2, 3, 4},
     [](const Tensor& x) {
       return x.reshape({6, 4});
     }},
    {"reshape_copy",
     {2, 3, 4},
     [](const Tensor& x) {
       return x.transpose(0, 1).reshape({3, 8});
     }},
    {"transpose", {2, 3, 4}, [](const Tensor& x) { return x.transpose(0, 2); }},
    {"t", {3, 4}, [](const Tensor& x) { return x.t(); }},
    {"permute",
     {2, 3, 4},
     [](const Tensor& x) {
       return x.permute({1, 2, 0});
     }},
    {"narrow", {2, 3, 4}, [](const Tensor& x) { return x.narrow(2, 1, 2); }},
    {"slice_step", {2, 3, 7}, [](const Tensor& x) { return x.slice(2, 1, 7, 3); }},
    {"slice_negative", {5, 3}, [](const Tensor& x) { return x.slice(0, -4, -1, 2); }},
    {"select", {2, 3, 4}, [](const Tensor& x) { return x.select(1, -1); }},
    {"expand",
     {3, 1},
     [](const Tensor& x) {
       return x.expand({2, 3, 4});
     }},
    {"squeeze", {2, 1, 3, 1}, [](const Tensor& x) { return x.squeeze(); }},
    {"squeeze_dim", {2, 1, 3}, [](const Tensor& x) { return x.squeeze(1); }},
    {"unsqueeze", {2, 3}, [](const Tensor& x) { return x.unsqueeze(1); }},
    {"flatten", {2, 3, 4}, [](const Tensor& x) { return x.flatten(1); }},
    {"unflatten",
     {2, 12},
     [](const Tensor& x) {
       return unflatten(x, 1, {3, 4});
     }},
    {"contiguous", {3, 4}, [](const Tensor& x) { return x.t().contiguous(); }},
    {"clone", {3, 4}, [](const Tensor& x) { return x.clone(); }},
    {"chain",
     {2, 3, 4},
     [](const Tensor& x) {
       return x.permute({2, 0, 1}).slice(0, 0, 4, 2).reshape({-1, 3}).t().unsqueeze(0);
     }},
};

void PrintTo(const ViewCase& c, std::ostream* os) { *os << c.name; }

class ViewGrad : public ::testing::TestWithParam<ViewCase> {};

TEST_P(ViewGrad, Gradcheck) {
  const ViewCase& c = GetParam();
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return c.f(in[0]); }, {rand_param(c.input)});
}

// The view's backward is itself differentiable: the square makes the second derivative
// depend on the view's adjoint.
TEST_P(ViewGrad, Gradgradcheck) {
  const ViewCase& c = GetParam();
  EXPECT_GRADGRADCHECK(
      [&](const std::vector<Tensor>& in) {
        const Tensor y = c.f(in[0]);
        return mul(y, y);
      },
      {rand_param(c.input)});
}

TEST_P(ViewGrad, ResultRequiresGradOnlyWhenRecording) {
  const ViewCase& c = GetParam();
  const Tensor x = rand_param(c.input);
  EXPECT_TRUE(c.f(x).requires_grad());
  EXPECT_FALSE(c.f(x.detach()).requires_grad());
  NoGradGuard guard;
  EXPECT_FALSE(c.f(x).requires_grad());
}

INSTANTIATE_TEST_SUITE_P(Views, ViewGrad, ::testing::ValuesIn(kViewCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Views, SliceGradientPlacesValues) {
  Tensor x = param(iota(7), {7});
  mul(x.slice(0, 1, 7, 3), f64({10, 20})).sum().backward();
  expect_values(x.grad(), {0, 10, 0, 0, 20, 0, 0});
  Tensor y = param(iota(6), {2, 3});
  y.select(1, 2).sum().backward();
  expect_values(y.grad(), {0, 0, 1, 0, 0, 1});
}

// ---- cat, stack, split, chunk, unbind -------------------------------------------------

TEST(Join, Cat) {
  const Tensor a = f64({1, 2, 3, 4, 5, 6}, {2, 3}), b = f64({7, 8}, {2, 1});
  const Tensor c = cat({a, b}, 1);
  EXPECT_EQ(c.shape(), Shape({2, 4}));
  expect_values(c, {1, 2, 3, 7, 4, 5, 6, 8});
  expect_values(cat({a, b}, -1), c.to_vector<double>());
  const Tensor r = cat({a, a.slice(0, 1, 2), a.t().t()});
  EXPECT_EQ(r.shape(), Shape({5, 3}));
  expect_values(r, {1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 4, 5, 6});
  // Non-contiguous inputs and empty pieces.
  expect_values(cat({a.t(), zeros({0, 2}, {.dtype = kFloat64})}), {1, 4, 2, 5, 3, 6});
  // Mixed dtypes promote.
  const Tensor m = cat({tensor({1, 2}), f64({3})});
  EXPECT_EQ(m.dtype(), kFloat64);
  expect_values(m, {1, 2, 3});
  EXPECT_EQ(cat({from_vector(std::vector<int64_t>{1}, {1}), tensor({2.5})}).dtype(), kFloat32);
  EXPECT_EQ(cat({a}).shape(), a.shape());
  expect_error([] { cat({}); }, "cat");
  expect_error([&] { cat({a, b}, 0); }, "cat");
  expect_error([&] { cat({a, f64({1, 2, 3})}); }, "cat");
  expect_error([&] { cat({a, a}, 2); }, "cat");
  expect_error([] { cat({scalar_tensor(1), scalar_tensor(2)}); }, "cat");
}

TEST(Join, Stack) {
  const Tensor a = f64({1, 2, 3}), b = f64({4, 5, 6});
  const Tensor s0 = stack({a, b});
  EXPECT_EQ(s0.shape(), Shape({2, 3}));
  expect_values(s0, {1, 2, 3, 4, 5, 6});
  const Tensor s1 = stack({a, b}, 1);
  EXPECT_EQ(s1.shape(), Shape({3, 2}));
  expect_values(s1, {1, 4, 2, 5, 3, 6});
  EXPECT_EQ(stack({a, b}, -1).shape(), Shape({3, 2}));
  EXPECT_EQ(stack({scalar_tensor(1), scalar_tensor(2)}).shape(), Shape({2}));
  expect_error([] { stack({}); }, "stack");
  expect_error([&] { stack({a, f64({1, 2})}); }, "stack");
  expect_error([&] { stack({a, b}, 2); }, "stack");
}

TEST(Join, SplitChunkUnbind) {
  const Tensor x = arange(10, {.dtype = kFloat64});
  const std::vector<Tensor> s = split(x, 4);
  ASSERT_EQ(s.size(), 3u);
  expect_values(s[0], {0, 1, 2, 3});
  expect_values(s[2], {8, 9});
  for (const Tensor& p : s) EXPECT_TRUE(shares_storage(p, x));
  const std::vector<Tensor> sz = split(x, std::vector<int64_t>{3, 0, 7});
  ASSERT_EQ(sz.size(), 3u);
  EXPECT_EQ(sz[1].numel(), 0);
  expect_values(sz[2], iota(7, 3));
  expect_error([&] { split(x, std::vector<int64_t>{3, 6}); }, "split");
  expect_error([&] { split(x, 0); }, "split");

  const auto sizes = [](const std::vector<Tensor>& parts) {
    std::vector<int64_t> out;
    for (const Tensor& p : parts) out.push_back(p.numel());
    return out;
  };
  EXPECT_EQ(sizes(chunk(x, 3)), (std::vector<int64_t>{4, 4, 2}));
  EXPECT_EQ(sizes(chunk(x, 4)), (std::vector<int64_t>{3, 3, 3, 1}));
  EXPECT_EQ(sizes(chunk(arange(6), 4)), (std::vector<int64_t>{2, 2, 2}));  // fewer than asked
  EXPECT_EQ(sizes(chunk(x, 20)), std::vector<int64_t>(10, 1));
  expect_error([&] { chunk(x, 0); }, "chunk");

  const Tensor m = iota234();
  const std::vector<Tensor> cols = split(m, 3, 2);
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_EQ(cols[0].shape(), Shape({2, 3, 3}));
  EXPECT_EQ(cols[1].shape(), Shape({2, 3, 1}));
  expect_values(cols[1], {3, 7, 11, 15, 19, 23});
  EXPECT_EQ(chunk(m, 2, -2).size(), 2u);

  const std::vector<Tensor> u = unbind(m, 1);
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[2].shape(), Shape({2, 4}));
  expect_values(u[2], {8, 9, 10, 11, 20, 21, 22, 23});
  EXPECT_TRUE(shares_storage(u[0], m));
  expect_error([&] { unbind(m, 3); }, "unbind");
}

TEST(Join, Gradcheck) {
  const auto cat_f = [](const std::vector<Tensor>& in) { return cat({in[0], in[1], in[2]}, 1); };
  EXPECT_GRADCHECK(
      cat_f, {rand_param({2, 3}, -1, 1, 1), rand_param({2, 1}, -1, 1, 2), rand_param({2, 2}, -1, 1, 3)});
  // Only some inputs require grad, and one enters twice.
  const auto cat_twice = [](const std::vector<Tensor>& in) { return cat({in[0], in[1], in[0].t()}, 0); };
  EXPECT_GRADCHECK(cat_twice, {rand_param({2, 2}, -1, 1, 1), rand_param({3, 2}, -1, 1, 2).detach()});
  const auto stack_f = [](const std::vector<Tensor>& in) { return stack({in[0], mul(in[1], in[0])}, 1); };
  EXPECT_GRADCHECK(stack_f, {rand_param({2, 3}, -1, 1, 1), rand_param({2, 3}, -1, 1, 2)});
  EXPECT_GRADGRADCHECK(stack_f, {rand_param({2, 3}, -1, 1, 1), rand_param({2, 3}, -1, 1, 2)});
  // Pieces recombined with different weights, so each piece's gradient is visible.
  const auto split_f = [](const std::vector<Tensor>& in) {
    const std::vector<Tensor> p = split(in[0], std::vector<int64_t>{1, 3}, 1);
    return cat({mul(p[1], 2.0), mul(p[0], p[0])}, 1);
  };
  EXPECT_GRADCHECK(split_f, {rand_param({3, 4})});
  EXPECT_GRADGRADCHECK(split_f, {rand_param({3, 4})});
  const auto chunk_f = [](const std::vector<Tensor>& in) {
    const std::vector<Tensor> p = chunk(in[0], 3, 0);
    return add(mul(p[0], 3.0), mul(p[2], p[1]));
  };
  EXPECT_GRADCHECK(chunk_f, {rand_param({6, 2})});
  const auto unbind_f = [](const std::vector<Tensor>& in) {
    const std::vector<Tensor> p = unbind(in[0], 1);
    return stack({mul(p[2], p[0]), p[1]});
  };
  EXPECT_GRADCHECK(unbind_f, {rand_param({2, 3})});
  EXPECT_GRADGRADCHECK(unbind_f, {rand_param({2, 3})});
}

}  // namespace
