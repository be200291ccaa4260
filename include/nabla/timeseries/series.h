#pragma once
// Series: one column of a CSV file as a tensor, splits in time order, and standardisation
// with the statistics of the training part only:
//
//   Tensor y = timeseries::load_series("data/sunspots.csv", {.column = "SUNACTIVITY"});  // float64 [309]
//   std::vector<Tensor> parts = timeseries::split_series(y, {0.8, 0.2}, {.context = 12});
//   data::Standardizer scaler;
//   std::vector<Tensor> scaled = timeseries::standardize(parts, scaler);  // fitted on parts[0]
//
// A series holds time along dim 0: [T] (one channel) or [T, C] (C channels). Everywhere in
// nabla::timeseries a [T] series is read as [T, 1], so results have a channel dim.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nabla/data/csv.h"
#include "nabla/data/standardizer.h"
#include "nabla/tensor/tensor.h"

namespace nabla::timeseries {

struct SeriesCsvOptions {
  // The column to read; empty: the last one (the value after a date or year column).
  std::string column{};
  data::CsvOptions csv{};
  // Missing values (see data::CsvOptions) are filled by linear interpolation between their
  // neighbours; a missing first or last value is still an error. Without this, any missing
  // value is an error naming its row.
  bool interpolate_missing = false;
};

// One column of a numeric CSV file with a header row: float64 [T].
Tensor load_series(const std::filesystem::path& path, const SeriesCsvOptions& options = {});

struct SplitOptions {
  // Each part after the first also starts with the `context` steps before it (the end of the
  // part before), so windows with lags <= context have a target at every step of the part.
  int64_t context = 0;
};

// Consecutive parts of the series along time, in order: `lengths` are step counts summing to
// T, or fractions summing to 1 (read as data::random_split reads them: floor(T * fraction)
// steps each, the remainder one at a time to the parts from the first). Views of the series.
// Every part must have at least one step.
std::vector<Tensor> split_series(const Tensor& series, const std::vector<double>& lengths,
                                 const SplitOptions& options = {});

// Fits `scaler` on parts[0] (the training part) and returns every part standardised with it,
// in its own shape ([T] or [T, C]): no statistic of a later part leaks into the scaling.
std::vector<Tensor> standardize(const std::vector<Tensor>& parts, data::Standardizer& scaler);

}  // namespace nabla::timeseries
