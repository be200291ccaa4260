#include "nabla/data/idx.h"

#include <bit>
#include <cstring>
#include <sstream>

#include "nabla/tensor/shape.h"
#include "src/data/gzip_file.h"
#include "src/data/idx_reader.h"

namespace nabla::data {
namespace detail {
namespace {

// Bytes per element of an IDX type, 0 for a byte that names none.
size_t element_size(uint8_t type) {
  switch (type) {
    case 0x08:
    case 0x09:
      return 1;
    case 0x0B:
      return 2;
    case 0x0C:
    case 0x0D:
      return 4;
    case 0x0E:
      return 8;
    default:
      return 0;
  }
}

}  // namespace

const char* idx_type_name(uint8_t type) {
  switch (type) {
    case 0x08:
      return "uint8";
    case 0x09:
      return "int8";
    case 0x0B:
      return "int16";
    case 0x0C:
      return "int32";
    case 0x0D:
      return "float32";
    case 0x0E:
      return "float64";
    default:
      return "unknown";
  }
}

namespace {

std::string hex(uint32_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

uint64_t big_endian(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}

// Beyond any file this reader is meant for, and far from overflowing int64.
constexpr uint64_t kMaxDataBytes = uint64_t{1} << 46;
// Deflate never packs more than 1032 bytes into one: a larger claim is a lie.
constexpr int64_t kMaxDeflateRatio = 1032;
constexpr size_t kChunk = size_t{1} << 20;

}  // namespace

IdxContents read_idx_contents(const std::string& path, int64_t limit, const char* op) {
  GzipFile file(path, op);
  uint8_t magic[4];
  file.read_exactly(magic, 4, "the 4-byte magic number");
  IdxContents c;
  c.type = magic[2];
  const size_t element = element_size(c.type);
  NABLA_CHECK(
      magic[0] == 0 && magic[1] == 0 && element > 0, op, "'", path, "': bad magic number ",
      hex(static_cast<uint32_t>(big_endian(magic, 4))),
      " (an IDX file starts with two zero bytes, then a type byte among 0x08 0x09 0x0b 0x0c 0x0d 0x0e)");
  const int ndims = magic[3];
  NABLA_CHECK(ndims >= 1 && ndims <= kMaxDims, op, "'", path, "': the header gives ", ndims,
              " dims; nabla reads 1 to ", kMaxDims);
  uint8_t raw[4 * kMaxDims];
  file.read_exactly(raw, 4 * static_cast<size_t>(ndims), "the dims");
  uint64_t data_bytes = element;
  bool too_large = false;
  for (int d = 0; d < ndims; ++d) {
    c.dims.push_back(static_cast<int64_t>(big_endian(raw + 4 * d, 4)));
    const uint64_t n = static_cast<uint64_t>(c.dims.back());
    too_large = too_large || (n > 0 && data_bytes > kMaxDataBytes / n);
    if (!too_large) data_bytes *= n;
  }
  const Shape shape(c.dims);
  NABLA_CHECK(!too_large, op, "'", path, "': the header's dims ", shape, " describe more than ",
              kMaxDataBytes, " bytes of ", idx_type_name(c.type), " data");
  const int64_t header_bytes = 4 + 4 * ndims;
  if (!file.compressed()) {
    const int64_t have = file.file_size() - header_bytes;
    NABLA_CHECK(have == static_cast<int64_t>(data_bytes), op, "'", path, "': the header's dims ", shape,
                " need ", data_bytes, " bytes of ", idx_type_name(c.type), " data, but the file holds ", have,
                " bytes after its ", header_bytes, "-byte header");
  } else {
    NABLA_CHECK(data_bytes <= static_cast<uint64_t>(file.file_size()) * kMaxDeflateRatio, op, "'", path,
                "': the header's dims ", shape, " need ", data_bytes, " bytes of ", idx_type_name(c.type),
                " data, more than a gzip file of ", file.file_size(), " bytes can hold");
  }
  const int64_t items = limit < 0 ? c.dims[0] : std::min(limit, c.dims[0]);
  const uint64_t per_item = c.dims[0] > 0 ? data_bytes / static_cast<uint64_t>(c.dims[0]) : 0;
  const size_t wanted = static_cast<size_t>(per_item * static_cast<uint64_t>(items));
  // Grown a chunk at a time as the data arrives, so a lying header costs at most one chunk.
  size_t got = 0;
  while (got < wanted) {
    const size_t n = std::min(kChunk, wanted - got);
    c.bytes.resize(got + n);
    const size_t read = file.read(c.bytes.data() + got, n);
    got += read;
    NABLA_CHECK(read == n, op, "'", path, "': the file ends within the data: the header's dims ", shape,
                " need ", data_bytes, " bytes of ", idx_type_name(c.type), " data, and it holds ", got);
  }
  if (items == c.dims[0] && file.compressed()) {
    uint8_t extra;
    NABLA_CHECK(file.read(&extra, 1) == 0, op, "'", path, "': bytes follow the ", data_bytes,
                " bytes of data that the header's dims ", shape, " describe");
    // The stream's trailer (checksum and length) must be whole too.
    NABLA_CHECK(!file.truncated(), op, "'", path, "': the gzip stream ends before its trailer, after the ",
                data_bytes, " bytes of data");
  }
  c.dims[0] = items;
  return c;
}

}  // namespace detail

Tensor read_idx(const std::string& path, IdxOptions options) {
  const char* op = "read_idx";
  const detail::IdxContents c = detail::read_idx_contents(path, options.limit, op);
  const bool floating = c.type == 0x0D || c.type == 0x0E;
  const DType dtype = options.dtype.value_or(c.type == 0x0E ? kFloat64 : floating ? kFloat32 : kInt64);
  NABLA_CHECK(dtype != kBool && (!floating || dtype != kInt64), op, "'", path, "': cannot read ",
              floating ? "float" : "integer", " data as ", dtype);
  Tensor t = nabla::detail::empty(Shape(c.dims), dtype);
  dispatch(dtype, [&](auto v) {
    using T = decltype(v);
    if constexpr (!std::is_same_v<T, bool>) {
      T* out = t.data_ptr<T>();
      const uint8_t* in = c.bytes.data();
      const int64_t n = t.numel();
      // One loop per type, each with a fixed element size.
      const auto decode = [&](auto element) {
        for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(element(i));
      };
      using detail::big_endian;
      switch (c.type) {
        case 0x08:
          return decode([&](int64_t i) { return in[i]; });
        case 0x09:
          return decode([&](int64_t i) { return static_cast<int8_t>(in[i]); });
        case 0x0B:
          return decode([&](int64_t i) { return static_cast<int16_t>(big_endian(in + 2 * i, 2)); });
        case 0x0C:
          return decode([&](int64_t i) { return static_cast<int32_t>(big_endian(in + 4 * i, 4)); });
        case 0x0D:
          return decode([&](int64_t i) {
            return std::bit_cast<float>(static_cast<uint32_t>(big_endian(in + 4 * i, 4)));
          });
        default:
          return decode([&](int64_t i) { return std::bit_cast<double>(big_endian(in + 8 * i, 8)); });
      }
    }
  });
  return t;
}

}  // namespace nabla::data
