#include <cstddef>

#include "nabla/plot/figure.h"
#include "nabla/tensor/error.h"

namespace nabla::plot {

Values::Values(const Tensor& tensor) {
  NABLA_CHECK(tensor.defined(), "plot::Values", "a series takes a 1-D tensor, got an undefined one");
  NABLA_CHECK(tensor.dim() == 1, "plot::Values", "a series takes a 1-D tensor, got shape ", tensor.shape());
  values_ = tensor.to_vector<double>();
}

Matrix::Matrix(const std::vector<std::vector<double>>& rows) {
  rows_ = static_cast<int64_t>(rows.size());
  cols_ = rows.empty() ? 0 : static_cast<int64_t>(rows[0].size());
  for (size_t r = 0; r < rows.size(); ++r) {
    NABLA_CHECK(static_cast<int64_t>(rows[r].size()) == cols_, "plot::Matrix", "row ", r, " has ", rows[r].size(),
                " values but row 0 has ", cols_);
    values_.insert(values_.end(), rows[r].begin(), rows[r].end());
  }
}

Matrix::Matrix(const Tensor& tensor) {
  NABLA_CHECK(tensor.defined(), "plot::Matrix", "a heat map takes a 2-D tensor, got an undefined one");
  NABLA_CHECK(tensor.dim() == 2, "plot::Matrix", "a heat map takes a 2-D tensor, got shape ", tensor.shape());
  rows_ = tensor.size(0);
  cols_ = tensor.size(1);
  values_ = tensor.to_vector<double>();
}

}  // namespace nabla::plot
