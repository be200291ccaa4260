// read_idx on files the tests write: every element type, gzip-compressed or not, and every way
// a file can lie or be cut short.
#include "nabla/data/idx.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "nabla/nabla.h"
#include "tests/dataset/image_files.h"
#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::gzip;
using testing::idx_file;
using testing::TempDir;

// A [2, 3] file of each type holding -2.5 (or 250 for unsigned bytes), 1, 0, 7, -128, 100.
std::string elements(uint8_t type) {
  const std::vector<double> values{type == 0x08 ? 250 : -2.5, 1, 0, 7, type == 0x08 ? 128.0 : -128.0, 100};
  std::string out;
  for (double v : values) {
    switch (type) {
      case 0x08:
      case 0x09:
        out += static_cast<char>(
            static_cast<int8_t>(type == 0x08 ? static_cast<uint8_t>(v) : static_cast<int8_t>(v)));
        break;
      case 0x0B:
        testing::append_big_endian(out, static_cast<uint16_t>(static_cast<int16_t>(v)), 2);
        break;
      case 0x0C:
        testing::append_big_endian(out, static_cast<uint32_t>(static_cast<int32_t>(v)), 4);
        break;
      case 0x0D:
        testing::append_big_endian(out, std::bit_cast<uint32_t>(static_cast<float>(v)), 4);
        break;
      default:
        testing::append_big_endian(out, std::bit_cast<uint64_t>(v), 8);
    }
  }
  return out;
}

TEST(ReadIdx, ReadsEveryElementTypeCompressedOrNot) {
  TempDir dir;
  for (const uint8_t type : {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E}) {
    const std::string file = idx_file(type, {2, 3}, elements(type));
    for (const bool compressed : {false, true}) {
      const std::string path = dir.write("a", compressed ? gzip(file) : file);
      const Tensor t = read_idx(path);
      const bool floating = type == 0x0D || type == 0x0E;
      EXPECT_EQ(t.dtype(), type == 0x0E ? kFloat64 : floating ? kFloat32 : kInt64) << int(type);
      EXPECT_EQ(t.shape(), (Shape{2, 3}));
      // Integer types truncate -2.5 to -2.
      const double first = type == 0x08 ? 250 : floating ? -2.5 : -2;
      expect_values(t, {first, 1, 0, 7, type == 0x08 ? 128.0 : -128.0, 100});
    }
  }
}

TEST(ReadIdx, LimitAndDtype) {
  TempDir dir;
  std::string data;
  for (int i = 0; i < 5 * 2 * 2; ++i) data += static_cast<char>(i);
  const std::string path = dir.write("b.gz", gzip(idx_file(0x08, {5, 2, 2}, data)));
  const Tensor first = read_idx(path, {.limit = 2, .dtype = kFloat32});
  EXPECT_EQ(first.dtype(), kFloat32);
  EXPECT_EQ(first.shape(), (Shape{2, 2, 2}));
  expect_values(first, {0, 1, 2, 3, 4, 5, 6, 7});
  EXPECT_EQ(read_idx(path, {.limit = 0}).shape(), (Shape{0, 2, 2}));
  EXPECT_EQ(read_idx(path, {.limit = 50}).shape(), (Shape{5, 2, 2}));
  EXPECT_EQ(read_idx(path, {.dtype = kFloat64}).dtype(), kFloat64);
  const std::string floats = dir.write("f", idx_file(0x0D, {1}, std::string(4, '\0')));
  expect_error([&] { read_idx(floats, {.dtype = kInt64}); }, {"read_idx", "cannot read float data as int64"});
  expect_error([&] { read_idx(path, {.dtype = kBool}); }, {"read_idx", "as bool"});
}

TEST(ReadIdx, RejectsBadHeaders) {
  TempDir dir;
  expect_error([&] { read_idx(dir.write("m", std::string("\x01\x00\x08\x01", 4) + std::string(4, '\0'))); },
               {"read_idx", "bad magic number 0x1000801"});
  expect_error([&] { read_idx(dir.write("t", idx_file(0x0A, {1}, "x"))); }, {"bad magic number 0xa01"});
  expect_error([&] { read_idx(dir.write("z", idx_file(0x08, {}, ""))); }, {"read_idx", "gives 0 dims"});
  expect_error([&] { read_idx(dir.write("9", idx_file(0x08, std::vector<uint32_t>(9, 1), "x"))); },
               {"read_idx", "gives 9 dims"});
  expect_error([&] { read_idx(dir.write("e", "")); },
               {"read_idx", "ends within the 4-byte magic number (0 of 4 bytes)"});
  expect_error([&] { read_idx((dir / "missing").string()); }, {"read_idx", "cannot open", "missing"});
  expect_error([&] { read_idx(dir.path().string()); }, {"read_idx", "is a directory"});
}

// Dims that the file cannot hold are refused before anything is allocated for them.
TEST(ReadIdx, RefusesDimsTheFileCannotHold) {
  TempDir dir;
  expect_error(
      [&] {
        read_idx(dir.write("small", idx_file(0x08, {60000, 28, 28}, std::string(100, 'x'))));
      },
      {"read_idx", "[60000, 28, 28] need 47040000 bytes of uint8 data",
       "holds 100 bytes after its 16-byte header"});
  expect_error([&] { read_idx(dir.write("long", idx_file(0x0B, {2}, std::string(5, 'x')))); },
               {"need 4 bytes of int16 data", "holds 5 bytes"});
  // 2^40 bytes from a gzip file of a few dozen bytes: more than deflate can pack.
  expect_error(
      [&] {
        read_idx(dir.write("lie.gz", gzip(idx_file(0x08, {1u << 20, 1u << 20}, "abc"))));
      },
      {"read_idx", "[1048576, 1048576] need 1099511627776 bytes", "more than a gzip file of"});
  expect_error(
      [&] {
        read_idx(dir.write("huge", idx_file(0x0E, {~0u, ~0u, ~0u}, "")));
      },
      {"read_idx", "describe more than"});
  // A claim deflate could hold but the stream does not: found out while reading, chunk by chunk.
  // (Pseudo-random bytes do not compress, so the gzip file is large enough for the claim.)
  std::string noise;
  for (uint32_t i = 0, x = 1; i < 500; ++i) noise += static_cast<char>((x = x * 1103515245 + 12345) >> 24);
  expect_error(
      [&] {
        read_idx(dir.write("short.gz", gzip(idx_file(0x08, {1000, 100}, noise))));
      },
      {"read_idx", "ends within the data", "need 100000 bytes of uint8 data, and it holds 500"});
  expect_error([&] { read_idx(dir.write("more.gz", gzip(idx_file(0x08, {3}, "abcd")))); },
               {"read_idx", "bytes follow the 3 bytes of data"});
}

TEST(ReadIdx, EveryTruncationThrows) {
  TempDir dir;
  std::string data;
  for (int i = 0; i < 3 * 4 * 5; ++i) data += static_cast<char>(i * 7);
  const std::string file = idx_file(0x08, {3, 4, 5}, data);
  for (const std::string& whole : {file, gzip(file)}) {
    ASSERT_EQ(read_idx(dir.write("whole", whole)).numel(), 60);
    for (size_t size = 0; size < whole.size(); ++size)
      EXPECT_THROW(read_idx(dir.write("cut", whole.substr(0, size))), Error)
          << "truncated to " << size << " bytes";
  }
}

TEST(ReadIdx, CorruptGzipBytesThrowOrReadNeverCrash) {
  TempDir dir;
  std::string data;
  for (int i = 0; i < 200; ++i) data += static_cast<char>(i % 13);
  const std::string good = gzip(idx_file(0x08, {10, 20}, data));
  int errors = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    try {
      read_idx(dir.write("bad", bad));  // a changed header byte may still make a valid file
    } catch (const Error&) {
      ++errors;
    }
  }
  // The checksum catches any change to the compressed data.
  EXPECT_GT(errors, static_cast<int>(good.size()) / 2);
}

}  // namespace
}  // namespace nabla::data
