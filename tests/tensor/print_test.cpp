// Expected strings are PyTorch 1.13's repr of the same tensors (printed with
// /usr/bin/python3 -c 'import torch; print(repr(...))'); PyTorch's grad_fn names end in
// a version digit ("MulBackward0") that nabla's do not.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "nabla/nabla.h"

using namespace nabla;

namespace {
std::string str(const Tensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}
}  // namespace

TEST(Print, FixedPointAlignsColumns) {
  const Tensor x = tensor({{0.1, -2.0}, {3.0, 4.5}}, {.requires_grad = true});
  EXPECT_EQ(str(x), "tensor([[ 0.1000, -2.0000],\n        [ 3.0000,  4.5000]], requires_grad=True)");
  EXPECT_EQ(str(mul(arange(30.0).view({2, 3, 5}), 1.5)),
            R"(tensor([[[ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000],
         [ 7.5000,  9.0000, 10.5000, 12.0000, 13.5000],
         [15.0000, 16.5000, 18.0000, 19.5000, 21.0000]],

        [[22.5000, 24.0000, 25.5000, 27.0000, 28.5000],
         [30.0000, 31.5000, 33.0000, 34.5000, 36.0000],
         [37.5000, 39.0000, 40.5000, 42.0000, 43.5000]]]))");
}

TEST(Print, IntegerValuedFloats) {
  EXPECT_EQ(str(tensor({1, 2, 3})), "tensor([1., 2., 3.])");
  EXPECT_EQ(str(tensor({-1, 10, 100})), "tensor([ -1.,  10., 100.])");
  EXPECT_EQ(str(tensor({0.0, -0.0})), "tensor([0., -0.])");
  EXPECT_EQ(str(tensor({1, INFINITY, NAN, -INFINITY})), "tensor([1., inf, nan, -inf])");
}

TEST(Print, ScientificNotation) {
  EXPECT_EQ(str(tensor({1e-5, 1})), "tensor([1.0000e-05, 1.0000e+00])");
  EXPECT_EQ(str(tensor({1e9, 1})), "tensor([1.0000e+09, 1.0000e+00])");
  EXPECT_EQ(str(tensor({123456789, 1.5})), "tensor([1.2346e+08, 1.5000e+00])");
  EXPECT_EQ(str(tensor({1, 20000})), "tensor([1.0000e+00, 2.0000e+04])");
  EXPECT_EQ(str(tensor({0.1, 1e-5}, {.dtype = kFloat64, .requires_grad = true})),
            "tensor([1.0000e-01, 1.0000e-05], dtype=torch.float64, requires_grad=True)");
}

TEST(Print, IntegersBoolsAndScalars) {
  EXPECT_EQ(str(tensor({{1, -20}, {300, 4}}, {.dtype = kInt64})),
            "tensor([[  1, -20],\n        [300,   4]])");
  EXPECT_EQ(str(ne(tensor({{1, 0}}), 0.0)), "tensor([[ True, False]])");
  EXPECT_EQ(str(scalar_tensor(3.5)), "tensor(3.5000)");
  EXPECT_EQ(str(scalar_tensor(-7, {.dtype = kInt64})), "tensor(-7)");
  EXPECT_EQ(str(scalar_tensor(NAN)), "tensor(nan)");
}

TEST(Print, EmptyTensorsShowSizeAndDtype) {
  EXPECT_EQ(str(zeros({0, 5})), "tensor([], size=(0, 5))");
  EXPECT_EQ(str(zeros({0})), "tensor([])");
  EXPECT_EQ(str(zeros({0}, {.dtype = kInt64})), "tensor([], dtype=torch.int64)");
  EXPECT_EQ(str(zeros({2, 0, 3}, {.dtype = kBool})), "tensor([], size=(2, 0, 3), dtype=torch.bool)");
}

TEST(Print, LongRowsWrapAndSuffixesMoveToNewLine) {
  EXPECT_EQ(str(div(arange(30.0), 3.0)),
            R"(tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,
        3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667,
        6.0000, 6.3333, 6.6667, 7.0000, 7.3333, 7.6667, 8.0000, 8.3333, 8.6667,
        9.0000, 9.3333, 9.6667]))");
  Tensor x = arange(9.0, {.dtype = kFloat64, .requires_grad = true});
  EXPECT_EQ(str(div(x, 3.0)),
            R"(tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667],
       dtype=torch.float64, grad_fn=<DivBackward>))");
  Tensor y = arange(10.0, {.dtype = kFloat64, .requires_grad = true});
  EXPECT_EQ(str(div(y, 3.0)),
            R"(tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,
        3.0000], dtype=torch.float64, grad_fn=<DivBackward>))");
}

TEST(Print, SummarisesMoreThanAThousandElements) {
  EXPECT_EQ(str(arange(2000.0, {.dtype = kInt64})), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
  EXPECT_EQ(str(arange(1001.0)), "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])");
  EXPECT_EQ(str(arange(1001.0).view({1001, 1})), R"(tensor([[   0.],
        [   1.],
        [   2.],
        ...,
        [ 998.],
        [ 999.],
        [1000.]]))");
  // Only the printed elements choose the notation: the hidden middle would not need it.
  EXPECT_EQ(str(div(arange(2000.0).view({40, 50}), 7.0)),
            R"(tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 6.7143e+00, 6.8571e+00,
         7.0000e+00],
        [7.1429e+00, 7.2857e+00, 7.4286e+00,  ..., 1.3857e+01, 1.4000e+01,
         1.4143e+01],
        [1.4286e+01, 1.4429e+01, 1.4571e+01,  ..., 2.1000e+01, 2.1143e+01,
         2.1286e+01],
        ...,
        [2.6429e+02, 2.6443e+02, 2.6457e+02,  ..., 2.7100e+02, 2.7114e+02,
         2.7129e+02],
        [2.7143e+02, 2.7157e+02, 2.7171e+02,  ..., 2.7814e+02, 2.7829e+02,
         2.7843e+02],
        [2.7857e+02, 2.7871e+02, 2.7886e+02,  ..., 2.8529e+02, 2.8543e+02,
         2.8557e+02]]))");
}

TEST(Print, SummarisedThreeDimensions) {
  const std::string s = str(arange(8000.0, {.dtype = kInt64}).view({20, 20, 20}));
  const std::string head = R"(tensor([[[   0,    1,    2,  ...,   17,   18,   19],
         [  20,   21,   22,  ...,   37,   38,   39],
         [  40,   41,   42,  ...,   57,   58,   59],
         ...,
         [ 340,  341,  342,  ...,  357,  358,  359],
         [ 360,  361,  362,  ...,  377,  378,  379],
         [ 380,  381,  382,  ...,  397,  398,  399]],

        [[ 400,  401,  402,  ...,  417,  418,  419],)";
  const std::string middle = R"(
         [1180, 1181, 1182,  ..., 1197, 1198, 1199]],

        ...,

        [[6800, 6801, 6802,  ..., 6817, 6818, 6819],
)";
  const std::string tail = R"(
         [7980, 7981, 7982,  ..., 7997, 7998, 7999]]]))";
  EXPECT_EQ(s.substr(0, head.size()), head);
  EXPECT_NE(s.find(middle), std::string::npos) << s;
  EXPECT_EQ(s.substr(s.size() - tail.size()), tail);
}

TEST(Print, NonContiguousAndGradFn) {
  const Tensor x = tensor({{1, 2}, {3, 4}}, {.requires_grad = true});
  EXPECT_EQ(str(mul(x, 2.0).t()), "tensor([[2., 6.],\n        [4., 8.]], grad_fn=<TransposeBackward>)");
  EXPECT_EQ(str(mul(x, x)), "tensor([[ 1.,  4.],\n        [ 9., 16.]], grad_fn=<MulBackward>)");
  EXPECT_EQ(str(Tensor()), "[ Tensor (undefined) ]");
}
