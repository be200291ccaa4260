#pragma once
// scikit-learn's 8 x 8 handwritten digits (1,797 images of the classes 0 to 9), small enough
// for tests and quick examples, from the data/digits.csv.gz that scripts/fetch-data.sh
// extracts from Debian's python3-sklearn:
//
//   data::Example digits = data::load_digits("data/digits.csv.gz");
//   data::TensorDataset set(digits.input, digits.target);  // float32 [1797, 1, 8, 8], int64 [1797]
//
// Each line of the file holds the 64 pixels (0 to 16), row by row, then the label; the pixels
// are scaled to [0, 1]. The file may be gzip-compressed or not.
#include <string>

#include "nabla/data/dataset.h"

namespace nabla::data {

Example load_digits(const std::string& path);

}  // namespace nabla::data
