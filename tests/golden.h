#pragma once
// The golden files that scripts/golden/*.py write with PyTorch 1.13 (tests/data/*.json), and
// comparisons against them. A golden tensor is {"shape": [...], "values" or "data": [...],
// "dtype": "float64" (default) | "int64" | "bool"}; non-finite numbers are the strings
// "nan", "inf" and "-inf".
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nabla/tensor/tensor.h"

namespace nabla::testing {

using json = nlohmann::json;

// tests/data/<file>, parsed on first use; throws std::runtime_error if it cannot be read.
const json& golden(const std::string& file);

Shape shape_of(const json& t);
double number(const json& v);
std::vector<double> numbers(const json& values);
Tensor tensor_of(const json& t);

// Same shape, and every element within rel · |expected| + abs (NaN matches NaN, ±inf only
// itself); reports the first element that is not.
void expect_close(const Tensor& got, const json& expected, double rel, double abs, const std::string& what);

}  // namespace nabla::testing
