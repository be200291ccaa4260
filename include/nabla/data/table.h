#pragma once
// A numeric table, what read_csv returns: named columns over float64 values [rows, columns].
//
//   data::Table t = data::read_csv("boston_house_prices.csv", {.skip_rows = 1});
//   Tensor x = t.drop({"MEDV", "B"}).values().to(kFloat32);  // [506, 12]
//   Tensor y = t.select({"MEDV"}).values().to(kFloat32);     // [506, 1]
#include <cstdint>
#include <string>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::data {

class Table {
 public:
  // `values` is float64 [rows, columns.size()]; the names must be distinct.
  Table(std::vector<std::string> columns, Tensor values);

  const std::vector<std::string>& columns() const { return columns_; }
  const Tensor& values() const { return values_; }
  int64_t num_rows() const { return values_.size(0); }
  int64_t num_columns() const { return values_.size(1); }

  bool contains(const std::string& name) const;
  // The position of column `name`; throws when there is none.
  int64_t index_of(const std::string& name) const;
  // Column `name`'s values: a new float64 tensor [rows].
  Tensor column(const std::string& name) const;
  // A new table of the named columns, in the order given.
  Table select(const std::vector<std::string>& names) const;
  // A new table of the other columns, in their order here; every name must exist.
  Table drop(const std::vector<std::string>& names) const;

 private:
  std::vector<std::string> columns_;
  Tensor values_;
};

}  // namespace nabla::data
