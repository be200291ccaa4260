#include "nabla/io/safetensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "nabla/io/atomic_file.h"
#include "nabla/tensor/factory.h"
#include "src/io/message_prefix.h"

namespace nabla::io {
namespace {

// The data is copied between memory and file as is, which is the format's byte order
// only on little-endian machines.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian machine");

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr const char* kLoad = "load_safetensors";
constexpr const char* kSave = "save_safetensors";
// The reference implementation's limit: no legitimate header comes near it, and it bounds
// what a corrupted length field can make us allocate.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// Object, tensor entry, shape: nothing in a valid header nests deeper.
constexpr int kMaxHeaderNesting = 3;

// A dtype as the file names it, its element size, and the dtype nabla loads it as.
struct FileDType {
  std::string_view name;
  uint64_t size;
  DType dtype;
};
// The first entry of each nabla dtype is the one it is saved as.
constexpr FileDType kFileDTypes[] = {{"F32", 4, kFloat32}, {"F64", 8, kFloat64}, {"I64", 8, kInt64},
                                     {"BOOL", 1, kBool},   {"F16", 2, kFloat32}, {"BF16", 2, kFloat32}};

const FileDType* find_file_dtype(std::string_view name) {
  for (const FileDType& d : kFileDTypes)
    if (d.name == name) return &d;
  return nullptr;
}

std::string_view file_dtype_name(DType dtype) {
  for (const FileDType& d : kFileDTypes)
    if (d.dtype == dtype) return d.name;
  return "?";
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa · 2^-24
    const float v = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -v : v;
  }
  // Rebias the exponent from 15 to 127; all-ones (inf, NaN) stays all-ones.
  const uint32_t e = exponent == 0x1f ? 0xffu : exponent + 112;
  return std::bit_cast<float>(sign | (e << 23) | (mantissa << 13));
}

float bfloat16_to_float(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

// A JSON number that is a non-negative integer, as uint64. The parser stores only those
// as unsigned: negatives are signed, fractions and numbers beyond 64 bits are floats.
std::optional<uint64_t> as_size(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  return std::nullopt;
}

// The member `key` of a JSON object, or nullptr.
const json* field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// The file being read: every read is bounds-checked against the size found at open.
class InputFile {
 public:
  explicit InputFile(const std::filesystem::path& path) : where_(message_prefix(path)) {
    // Non-blocking, so that a FIFO at `path` is refused below instead of waiting for a writer.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    NABLA_CHECK(fd_ >= 0, kLoad, "cannot open '", path.string(), "': ", std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      detail::fail(kLoad, where_, "not a regular file");
    }
    size_ = static_cast<uint64_t>(st.st_size);
  }
  ~InputFile() { ::close(fd_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  uint64_t size() const { return size_; }
  // "'<path>': ", the start of every message about this file.
  const std::string& where() const { return where_; }

  void read(uint64_t offset, void* out, uint64_t n) const {
    NABLA_CHECK(offset <= size_ && n <= size_ - offset, kLoad, where_, "reading bytes [", offset, ", ",
                offset + n, ") of a ", size_, "-byte file");
    char* p = static_cast<char*>(out);
    while (n > 0) {
      const ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      NABLA_CHECK(got >= 0, kLoad, where_, "read failed: ", std::strerror(errno));
      NABLA_CHECK(got > 0, kLoad, where_, "the file became shorter while being read");
      p += got;
      offset += static_cast<uint64_t>(got);
      n -= static_cast<uint64_t>(got);
    }
  }

 private:
  std::string where_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// One tensor of the header, validated.
struct Entry {
  std::string name;
  const FileDType* dtype;
  Shape shape;
  uint64_t begin, end;
};

// Parses the header, refusing duplicate keys (which a JSON parser would silently
// collapse into the last one) and nesting deeper than the format has.
json parse_header(const std::string& text, const std::string& where) {
  std::vector<std::unordered_set<std::string>> keys;  // of each open object
  std::string tensor;                                 // the top-level key being read
  int nesting = 0;
  const json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        NABLA_CHECK(++nesting <= kMaxHeaderNesting, kLoad, where,
                    "the header nests deeper than the format allows",
                    tensor.empty() ? "" : " (in '" + tensor + "')");
        if (event == json::parse_event_t::object_start) keys.emplace_back();
        break;
      case json::parse_event_t::object_end:
        keys.pop_back();
        [[fallthrough]];
      case json::parse_event_t::array_end:
        --nesting;
        break;
      case json::parse_event_t::key: {
        const std::string& key = parsed.get_ref<const std::string&>();
        const bool top = keys.size() == 1;
        NABLA_CHECK(keys.back().insert(key).second, kLoad, where,
                    top ? "tensor '" + key + "' appears twice in the header"
                        : "key '" + key + "' appears twice in the entry of '" + tensor + "'");
        if (top) tensor = key;
        break;
      }
      case json::parse_event_t::value:
        break;
    }
    return true;
  };
  try {
    return json::parse(text, check);
  } catch (const json::exception& e) {
    detail::fail(kLoad, where, "the header is not valid JSON: ", e.what());
  }
}

Metadata parse_metadata(const json& m, const std::string& where) {
  NABLA_CHECK(m.is_object(), kLoad, where, "'__metadata__' must be an object of strings, got ",
              m.type_name());
  Metadata out;
  for (const auto& [key, value] : m.items()) {
    NABLA_CHECK(value.is_string(), kLoad, where, "'__metadata__' entry '", key, "' must be a string, got ",
                value.type_name());
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

Entry parse_entry(const std::string& name, const json& info, uint64_t data_size, const std::string& where) {
  const std::string at = where + "tensor '" + name + "': ";
  NABLA_CHECK(info.is_object(), kLoad, at, "the entry must be an object, got ", info.type_name());
  Entry e{name, nullptr, {}, 0, 0};

  const json* dtype = field(info, "dtype");
  NABLA_CHECK(dtype && dtype->is_string(), kLoad, at, "'dtype' must be a string");
  e.dtype = find_file_dtype(dtype->get_ref<const std::string&>());
  NABLA_CHECK(e.dtype != nullptr, kLoad, at, "dtype '", dtype->get_ref<const std::string&>(),
              "' is unknown or not supported (nabla reads F32, F64, I64, BOOL, F16 and BF16)");

  const json* shape = field(info, "shape");
  NABLA_CHECK(shape && shape->is_array(), kLoad, at, "'shape' must be an array of sizes");
  NABLA_CHECK(shape->size() <= static_cast<size_t>(kMaxDims), kLoad, at, "the shape has ", shape->size(),
              " dimensions, nabla supports at most ", kMaxDims);
  uint64_t numel = 1;
  for (const json& d : *shape) {
    const std::optional<uint64_t> size = as_size(d);
    NABLA_CHECK(size && *size <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), kLoad, at,
                "the shape ", shape->dump(), " has a size that is not a non-negative 64-bit integer");
    NABLA_CHECK(!__builtin_mul_overflow(numel, *size, &numel), kLoad, at, "the shape ", shape->dump(),
                " has more elements than 64 bits can count");
    e.shape.push_back(static_cast<int64_t>(*size));
  }
  uint64_t nbytes = 0;
  NABLA_CHECK(!__builtin_mul_overflow(numel, e.dtype->size, &nbytes), kLoad, at, "the shape ", shape->dump(),
              " of ", e.dtype->name, " has more bytes than 64 bits can count");

  const json* offsets = field(info, "data_offsets");
  NABLA_CHECK(offsets && offsets->is_array() && offsets->size() == 2 && as_size((*offsets)[0]) &&
                  as_size((*offsets)[1]),
              kLoad, at, "'data_offsets' must be two non-negative integers [begin, end]");
  e.begin = *as_size((*offsets)[0]);
  e.end = *as_size((*offsets)[1]);
  NABLA_CHECK(e.begin <= e.end, kLoad, at, "data_offsets [", e.begin, ", ", e.end, "] end before they begin");
  NABLA_CHECK(e.end - e.begin == nbytes, kLoad, at, "data_offsets [", e.begin, ", ", e.end, "] hold ",
              e.end - e.begin, " bytes, but shape ", shape->dump(), " of ", e.dtype->name, " needs ", nbytes);
  NABLA_CHECK(e.end <= data_size, kLoad, at, "data_offsets [", e.begin, ", ", e.end,
              "] reach beyond the data section, which has ", data_size, " bytes (truncated file?)");
  return e;
}

// The format requires the tensors to tile the data section exactly, in offset order.
void check_coverage(std::vector<Entry>& entries, uint64_t data_size, const std::string& where) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry& e : entries) {
    NABLA_CHECK(e.begin >= covered, kLoad, where, "tensor '", e.name, "': data_offsets [", e.begin, ", ",
                e.end, "] overlap those of '", previous->name, "'");
    NABLA_CHECK(e.begin == covered, kLoad, where, "tensor '", e.name, "': data_offsets [", e.begin, ", ",
                e.end, "] leave bytes [", covered, ", ", e.begin, ") of the data section unused");
    covered = e.end;
    previous = &e;
  }
  NABLA_CHECK(covered == data_size, kLoad, where, "the tensors cover ", covered,
              " bytes, but the data section has ", data_size, " (trailing bytes after the last tensor)");
}

Tensor read_tensor(const InputFile& file, uint64_t data_start, const Entry& e) {
  const uint64_t offset = data_start + e.begin, nbytes = e.end - e.begin;
  Tensor t = empty(e.shape, {.dtype = e.dtype->dtype});
  if (e.dtype->size == 2) {
    std::vector<uint16_t> raw(static_cast<size_t>(t.numel()));
    file.read(offset, raw.data(), nbytes);
    float* out = t.data_ptr<float>();
    const bool half = e.dtype->name == "F16";
    for (size_t i = 0; i < raw.size(); ++i) out[i] = half ? half_to_float(raw[i]) : bfloat16_to_float(raw[i]);
    return t;
  }
  file.read(offset, t.raw_data(), nbytes);
  if (e.dtype->dtype == kBool) {
    // Any byte but 0 or 1 in a bool is undefined behaviour in C++: refuse it here.
    const auto* bytes = static_cast<const unsigned char*>(t.raw_data());
    const auto bad = std::find_if(bytes, bytes + nbytes, [](unsigned char b) { return b > 1; });
    NABLA_CHECK(bad == bytes + nbytes, kLoad, file.where(), "tensor '", e.name, "': BOOL element ",
                bad - bytes, " is ", static_cast<int>(*bad), ", not 0 or 1");
  }
  return t;
}

}  // namespace

void save_safetensors(const nn::StateDict& tensors, const std::filesystem::path& path,
                      const Metadata& metadata) {
  const std::string where = message_prefix(path);
  ordered_json header = ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::unordered_set<std::string_view> names;
  std::vector<Tensor> data;
  data.reserve(tensors.size());
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    NABLA_CHECK(t.defined(), kSave, where, "tensor '", name, "' is undefined");
    NABLA_CHECK(name != "__metadata__", kSave, where, "'__metadata__' is reserved and cannot name a tensor");
    NABLA_CHECK(names.insert(name).second, kSave, where, "tensor '", name, "' appears twice");
    const Tensor& c = data.emplace_back(t.contiguous());
    const uint64_t nbytes = static_cast<uint64_t>(c.numel()) * c.element_size();
    header[name] = {{"dtype", file_dtype_name(c.dtype())},
                    {"shape", c.shape().vec()},
                    {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const ordered_json::exception& e) {
    detail::fail(kSave, where, "tensor names and metadata must be valid UTF-8: ", e.what());
  }
  // The reference pads with spaces so that the data starts 8-byte aligned.
  text.append((8 - text.size() % 8) % 8, ' ');
  write_atomically(path, [&](std::ostream& out) {
    const uint64_t n = text.size();
    out.write(reinterpret_cast<const char*>(&n), sizeof n);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const Tensor& c : data)
      out.write(static_cast<const char*>(c.raw_data()),
                static_cast<std::streamsize>(c.numel() * c.element_size()));
  });
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  const InputFile file(path);
  const std::string& where = file.where();
  NABLA_CHECK(file.size() >= 8, kLoad, where, "the file has ", file.size(),
              " bytes, too few for the 8-byte header length (truncated file?)");
  uint64_t n = 0;
  file.read(0, &n, sizeof n);
  NABLA_CHECK(n <= kMaxHeaderBytes, kLoad, where, "the header length ", n, " is above the limit of ",
              kMaxHeaderBytes, " bytes (not a safetensors file, or corrupted)");
  NABLA_CHECK(n <= file.size() - 8, kLoad, where, "the header length ", n,
              " is larger than the rest of the file (", file.size() - 8, " bytes): truncated or corrupted");
  std::string text(n, '\0');
  file.read(8, text.data(), n);
  const json header = parse_header(text, where);
  NABLA_CHECK(header.is_object(), kLoad, where, "the header must be a JSON object, got ", header.type_name());

  const uint64_t data_start = 8 + n, data_size = file.size() - data_start;
  SafetensorsFile out;
  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__")
      out.metadata = parse_metadata(info, where);
    else
      entries.push_back(parse_entry(name, info, data_size, where));
  }
  check_coverage(entries, data_size, where);
  out.tensors.reserve(entries.size());
  for (const Entry& e : entries) out.tensors.emplace_back(e.name, read_tensor(file, data_start, e));
  return out;
}

nn::StateDict load_safetensors(const std::filesystem::path& path) { return read_safetensors(path).tensors; }

void save_model(const nn::Module& module, const std::filesystem::path& path, const Metadata& metadata) {
  // transformers and accelerate refuse a file without a "format" in its metadata; "pt" says
  // the names and layout are PyTorch's, as transformers' save_pretrained writes it.
  Metadata m = metadata;
  m.emplace("format", "pt");
  save_safetensors(module.state_dict(), path, m);
}

void load_model(nn::Module& module, const std::filesystem::path& path, bool strict) {
  const nn::StateDict state = load_safetensors(path);
  try {
    module.load_state_dict(state, strict);
  } catch (const Error& e) {
    detail::fail("load_model", "'", path.string(), "': ", e.what());
  }
}

}  // namespace nabla::io
