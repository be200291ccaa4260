#include "tests/golden.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include "nabla/tensor/factory.h"

namespace nabla::testing {

const json& golden(const std::string& file) {
  static std::map<std::string, json> cache;
  auto it = cache.find(file);
  if (it == cache.end()) {
    const std::string path = NABLA_TEST_DATA "/" + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    it = cache.emplace(file, json::parse(in)).first;
  }
  return it->second;
}

Shape shape_of(const json& t) { return Shape(t.at("shape").get<std::vector<int64_t>>()); }

double number(const json& v) {
  if (!v.is_string()) return v.get<double>();
  const std::string s = v.get<std::string>();
  if (s == "nan") return NAN;
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  throw std::runtime_error("golden file: not a number: " + s);
}

std::vector<double> numbers(const json& values) {
  std::vector<double> out;
  out.reserve(values.size());
  for (const json& v : values) out.push_back(number(v));
  return out;
}

Tensor tensor_of(const json& t) {
  const json& values = t.contains("values") ? t["values"] : t.at("data");
  const std::string dtype = t.value("dtype", "float64");
  if (dtype == "float64") return from_vector(numbers(values), shape_of(t));
  const Tensor i = from_vector(values.get<std::vector<int64_t>>(), shape_of(t));
  return dtype == "bool" ? i.to(kBool) : i;
}

void expect_close(const Tensor& got, const json& expected, double rel, double abs, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what << " is undefined";
  ASSERT_EQ(got.shape(), shape_of(expected)) << what;
  const std::vector<double> g = got.to_vector<double>();
  const std::vector<double> e = numbers(expected.contains("values") ? expected["values"] : expected.at("data"));
  ASSERT_EQ(g.size(), e.size()) << what;
  for (size_t i = 0; i < g.size(); ++i) {
    const bool ok = std::isfinite(e[i]) ? std::abs(g[i] - e[i]) <= rel * std::abs(e[i]) + abs
                                        : (std::isnan(e[i]) ? std::isnan(g[i]) : g[i] == e[i]);
    if (!ok) {
      ADD_FAILURE() << what << ", element " << i << ": " << g[i] << ", expected " << e[i];
      return;
    }
  }
}

}  // namespace nabla::testing
