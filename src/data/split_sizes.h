#pragma once
// How random_split reads its `lengths`, shared with the time-ordered split of a series.
#include <cstdint>
#include <vector>

namespace nabla::data::detail {

// PyTorch's reading of `lengths` for n items: fractions when they sum to 1 (math.isclose) and
// that sum does not exceed n (floor(n * fraction) each, the remainder one at a time to the parts
// in order from the first), else whole sizes that must sum to n. Errors name `op`, and `whole`
// and `unit` say what is split ("the dataset", "samples").
std::vector<int64_t> split_sizes(const std::vector<double>& lengths, int64_t n, const char* op,
                                 const char* whole, const char* unit);

}  // namespace nabla::data::detail
