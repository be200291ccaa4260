#include "nabla/timeseries/series.h"

#include <cmath>
#include <string>
#include <vector>

#include "nabla/data/table.h"
#include "nabla/tensor/factory.h"
#include "src/data/split_sizes.h"
#include "src/timeseries/check.h"

namespace nabla::timeseries {
namespace {

// Fills each run of NaN strictly inside `v` on the straight line between its neighbours.
void interpolate(std::vector<double>& v, const std::string& where) {
  const auto n = static_cast<int64_t>(v.size());
  NABLA_CHECK(!std::isnan(v.front()) && !std::isnan(v.back()), "load_series", where, ": the ",
              std::isnan(v.front()) ? "first" : "last",
              " value is missing, and interpolation needs a value on both sides");
  for (int64_t i = 1; i < n; ++i) {
    if (!std::isnan(v[i])) continue;
    int64_t j = i;
    while (std::isnan(v[j])) ++j;  // v[j] is the next known value (the last one is known)
    const double left = v[i - 1], step = (v[j] - left) / static_cast<double>(j - i + 1);
    for (int64_t k = i; k < j; ++k) v[k] = left + step * static_cast<double>(k - i + 1);
    i = j;
  }
}

}  // namespace

Tensor load_series(const std::filesystem::path& path, const SeriesCsvOptions& options) {
  data::CsvOptions csv = options.csv;
  csv.missing_as_nan = csv.missing_as_nan || options.interpolate_missing;
  const data::Table table = data::read_csv(path.string(), csv);
  NABLA_CHECK(table.num_columns() > 0 && table.num_rows() > 0, "load_series", path.string(),
              " has no values");
  const std::string& name = options.column.empty() ? table.columns().back() : options.column;
  std::vector<double> values = table.column(name).to_vector<double>();
  const std::string where = path.string() + " column '" + name + "'";
  if (options.interpolate_missing) interpolate(values, where);
  for (size_t i = 0; i < values.size(); ++i)
    NABLA_CHECK(std::isfinite(values[i]), "load_series", where, " holds ", values[i], " in data row ", i,
                " (0-based, of ", values.size(), "); interpolate_missing fills missing values");
  return from_vector(values, {static_cast<int64_t>(values.size())});
}

std::vector<Tensor> split_series(const Tensor& series, const std::vector<double>& lengths,
                                 const SplitOptions& options) {
  const Tensor s = detail::as_channels(series, "split_series", "the series");
  const int64_t steps = s.size(0);
  const std::vector<int64_t> sizes =
      data::detail::split_sizes(lengths, steps, "split_series", "the series", "steps");
  NABLA_CHECK(options.context >= 0, "split_series", "context must be non-negative, got ", options.context);
  std::vector<Tensor> parts;
  int64_t begin = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    NABLA_CHECK(sizes[i] > 0, "split_series", "part ", i, " (length ", lengths[i],
                ") is empty: the series has ", steps, " steps");
    const int64_t context = i == 0 ? 0 : options.context;
    NABLA_CHECK(context <= begin, "split_series", "a context of ", context, " steps before part ", i,
                " needs at least that many steps before it, but it starts at step ", begin);
    parts.push_back(series.narrow(0, begin - context, sizes[i] + context));
    begin += sizes[i];
  }
  return parts;
}

std::vector<Tensor> standardize(const std::vector<Tensor>& parts, data::Standardizer& scaler) {
  NABLA_CHECK(!parts.empty(), "standardize", "no parts to standardise");
  std::vector<Tensor> series;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string name = "part " + std::to_string(i);
    series.push_back(detail::as_channels(parts[i], "standardize", name.c_str()));
    NABLA_CHECK(series[i].size(1) == series[0].size(1), "standardize", name, " has ", series[i].size(1),
                " channels, part 0 has ", series[0].size(1));
    detail::check_finite(series[i], "standardize", name.c_str());
  }
  scaler.fit(series[0]);
  std::vector<Tensor> scaled;
  for (size_t i = 0; i < parts.size(); ++i)
    scaled.push_back(scaler.transform(series[i]).view(parts[i].shape()));
  return scaled;
}

}  // namespace nabla::timeseries
