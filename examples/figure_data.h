#pragma once
// The data behind an example's figures: named columns of numbers written as a CSV file (header
// row, one line per point) into the example's output folder, atomically, for a plotting step.
#include <string>
#include <vector>

#include "examples/example.h"

namespace nabla::examples {

struct Column {
  std::string name;
  std::vector<double> values;
};

// Writes settings.out_dir / file; every column must have the same number of values.
void write_figure_data(const Settings& settings, const std::string& file, const std::vector<Column>& columns);

}  // namespace nabla::examples
