#pragma once
// Numeric CSV files with a header row, read into a Table (float64 values):
//
//   // scikit-learn's boston_house_prices.csv starts with a line "506,13" before the header.
//   data::Table t = data::read_csv(path, {.skip_rows = 1});
//
// Fields are separated by `delimiter`; spaces and tabs around a field are ignored; a field may be
// double-quoted (a quote inside written as ""), for names holding the delimiter. Lines end in
// \n or \r\n, the last one optionally; blank lines are skipped; a UTF-8 byte-order mark is
// ignored. Every row must have as many fields as the header, and every field must be a
// number (as strtod reads it: 1, -2.5, 3e-4, inf). Any problem throws nabla::Error naming
// the file and, for a bad row, its line number (counting every line of the file from 1) and
// the column.
#include <cstdint>
#include <string>

#include "nabla/data/table.h"

namespace nabla::data {

struct CsvOptions {
  char delimiter = ',';
  // Lines skipped before the header, whatever they hold.
  int64_t skip_rows = 0;
  // When not '\0', this character and the rest of its line (outside quotes) are ignored.
  char comment = '\0';
  // An empty field or one of NA, N/A, n/a, NaN, nan, -nan, NULL, null, None, #N/A, <NA> is a
  // missing value: an error unless this is set, when it reads as NaN.
  bool missing_as_nan = false;
};

Table read_csv(const std::string& path, CsvOptions options = {});

}  // namespace nabla::data
