#include "nabla/data/table.h"

#include <algorithm>
#include <set>

#include "nabla/tensor/factory.h"
#include "nabla/tensor/indexing.h"

namespace nabla::data {
namespace {

// The columns of `table` at `positions`, as a new table.
Table pick(const Table& table, const std::vector<int64_t>& positions) {
  std::vector<std::string> names;
  for (int64_t p : positions) names.push_back(table.columns()[static_cast<size_t>(p)]);
  const Tensor index = from_vector(positions, {static_cast<int64_t>(positions.size())});
  return Table(std::move(names), index_select(table.values(), 1, index));
}

}  // namespace

Table::Table(std::vector<std::string> columns, Tensor values)
    : columns_(std::move(columns)), values_(std::move(values)) {
  NABLA_CHECK(values_.defined() && values_.dtype() == kFloat64 && values_.dim() == 2, "Table",
              "values must be a float64 tensor [rows, columns]");
  NABLA_CHECK(values_.size(1) == static_cast<int64_t>(columns_.size()), "Table", columns_.size(),
              " column names for values of shape ", values_.shape());
  std::set<std::string> seen;
  for (const std::string& name : columns_)
    NABLA_CHECK(seen.insert(name).second, "Table", "duplicate column name '", name, "'");
}

bool Table::contains(const std::string& name) const {
  return std::find(columns_.begin(), columns_.end(), name) != columns_.end();
}

int64_t Table::index_of(const std::string& name) const {
  const auto it = std::find(columns_.begin(), columns_.end(), name);
  if (it == columns_.end()) {
    std::string known;
    for (const std::string& c : columns_) known += (known.empty() ? "'" : ", '") + c + "'";
    nabla::detail::fail("Table", "no column named '", name, "'; the columns are ", known);
  }
  return it - columns_.begin();
}

Tensor Table::column(const std::string& name) const { return values_.select(1, index_of(name)).clone(); }

Table Table::select(const std::vector<std::string>& names) const {
  std::vector<int64_t> positions;
  for (const std::string& name : names) positions.push_back(index_of(name));
  return pick(*this, positions);
}

Table Table::drop(const std::vector<std::string>& names) const {
  std::vector<bool> dropped(columns_.size(), false);
  for (const std::string& name : names) dropped[static_cast<size_t>(index_of(name))] = true;
  std::vector<int64_t> positions;
  for (size_t j = 0; j < columns_.size(); ++j)
    if (!dropped[j]) positions.push_back(static_cast<int64_t>(j));
  return pick(*this, positions);
}

}  // namespace nabla::data
