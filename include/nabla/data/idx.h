#pragma once
// IDX files, the format of MNIST and Fashion-MNIST, gzip-compressed or not:
//
//   Tensor labels = data::read_idx("t10k-labels-idx1-ubyte.gz");                // int64 [10000]
//   Tensor first = data::read_idx("t10k-images-idx3-ubyte.gz", {.limit = 16});  // int64 [16, 28, 28]
//
// A file holds two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte, 0x0B int16,
// 0x0C int32, 0x0D float32, 0x0E float64), a byte with the number of dims, each dim as a
// big-endian uint32, then the elements, big-endian, in row-major order. Nothing in the header
// is trusted: a bad magic number, an unknown type, dims whose data the file cannot hold (by its
// size, or for a gzip file by what it decompresses to) and bytes after the data all throw
// nabla::Error with the numbers, and memory grows only with the data actually read.
#include <cstdint>
#include <optional>
#include <string>

#include "nabla/tensor/tensor.h"

namespace nabla::data {

struct IdxOptions {
  // Read only the first `limit` items along dim 0 (all when negative). The rest of a gzip file
  // is then not decompressed, so it is not checked either.
  int64_t limit = -1;
  // The tensor's dtype: by default int64 for the integer types, float32 and float64 for the
  // float ones. Float data cannot be read as int64.
  std::optional<DType> dtype{};
};

Tensor read_idx(const std::string& path, IdxOptions options = {});

}  // namespace nabla::data
