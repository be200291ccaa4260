#pragma once
// The raw contents of an IDX file, for datasets that keep the bytes as they are (Fashion-MNIST's
// images stay one byte per pixel until a batch is built).
#include <cstdint>
#include <string>
#include <vector>

namespace nabla::data::detail {

struct IdxContents {
  uint8_t type = 0;            // the element type byte, 0x08 for unsigned bytes
  std::vector<int64_t> dims;   // dims[0] counts the items read, not those in the file
  std::vector<uint8_t> bytes;  // the elements, big-endian as in the file
};

// "uint8", "int8", "int16", "int32", "float32", "float64" for the IDX type bytes.
const char* idx_type_name(uint8_t type);

// Reads the first `limit` items (all when negative), checking what idx.h says; errors name `op`.
IdxContents read_idx_contents(const std::string& path, int64_t limit, const char* op);

}  // namespace nabla::data::detail
