#include "nabla/io/safetensors.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "nabla/nabla.h"
#include "tests/io/io_testing.h"

namespace nabla::io {
namespace {

using testing::expect_error;
using testing::read_bytes;
using testing::same_bits;
using testing::TempDir;
using testing::write_bytes;

// A file from a header's text and the data section, its length field filled in.
std::string file_bytes(const std::string& header, const std::string& data) {
  const uint64_t n = header.size();
  return std::string(reinterpret_cast<const char*>(&n), 8) + header + data;
}

TEST(Safetensors, RoundTripsEveryDtypeShapeAndTheOrder) {
  TempDir dir;
  manual_seed(3);
  const Tensor m = randn({3, 4});
  const nn::StateDict tensors = {
      {"z.transposed", m.t()},  // not contiguous: saved as its contiguous copy
      {"a.double", randn({2, 1, 3}, {.dtype = kFloat64})},
      {"long", from_vector(std::vector<int64_t>{-5, 0, 1LL << 40}, {3})},
      {"mask", tensor({1, 0, 1}).to(kBool)},
      {"scalar", scalar_tensor(7.5)},
      {"empty", zeros({0, 3})},
  };
  save_safetensors(tensors, dir / "t.safetensors", {{"k", "v"}, {"epoch", "3"}});
  const SafetensorsFile file = read_safetensors(dir / "t.safetensors");
  ASSERT_EQ(file.tensors.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(file.tensors[i].first, tensors[i].first);
    EXPECT_TRUE(same_bits(file.tensors[i].second, tensors[i].second)) << tensors[i].first;
  }
  EXPECT_EQ(file.metadata, (Metadata{{"k", "v"}, {"epoch", "3"}}));
  EXPECT_EQ(load_safetensors(dir / "t.safetensors").size(), tensors.size());
}

// The byte-exact outputs of the reference implementation's serializer tests
// (huggingface/safetensors, safetensors/src/tensor.rs: test_empty and
// test_serialization_forced_alignement).
TEST(Safetensors, WritesExactlyTheReferenceBytes) {
  TempDir dir;
  save_safetensors({}, dir / "empty");
  EXPECT_EQ(read_bytes(dir / "empty"), file_bytes("{}      ", ""));
  save_safetensors({}, dir / "meta", {{"framework", "pt"}});
  EXPECT_EQ(read_bytes(dir / "meta"),
            file_bytes(R"({"__metadata__":{"framework":"pt"}})" + std::string(5, ' '), ""));
  const Tensor attn = arange(6.0).view({1, 1, 2, 3});
  save_safetensors({{"attn0", attn}}, dir / "attn");
  const std::string data(static_cast<const char*>(attn.raw_data()), 24);
  EXPECT_EQ(
      read_bytes(dir / "attn"),
      file_bytes(R"({"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}})" + std::string(7, ' '),
                 data));
}

TEST(Safetensors, RefusesToSaveWhatTheFormatCannotHold) {
  TempDir dir;
  const auto save = [&](const nn::StateDict& sd) { save_safetensors(sd, dir / "f"); };
  expect_error([&] { save({{"a", Tensor()}}); }, {"save_safetensors", "tensor 'a' is undefined"});
  expect_error([&] { save({{"a", zeros({1})}, {"a", zeros({2})}}); }, {"tensor 'a' appears twice"});
  expect_error([&] { save({{"__metadata__", zeros({1})}}); }, {"'__metadata__' is reserved"});
  expect_error([&] { save({{"bad\xff", zeros({1})}}); }, {"valid UTF-8"});
  EXPECT_EQ(dir.count(), 0u);
}

// Each corruption of a file: the header's text (its length field filled in) and the data.
struct BadFile {
  std::string header;
  std::string data;
  std::string message;
};

TEST(Safetensors, EveryMalformedHeaderIsAClearError) {
  TempDir dir;
  const std::string f32x4 = R"("dtype":"F32","shape":[4])";
  const BadFile cases[] = {
      {"{", "", "not valid JSON"},
      {"[1, 2]", "", "must be a JSON object"},
      {R"({"a": 3})", "", "tensor 'a': the entry must be an object"},
      {R"({"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}})", "1234",
       "tensor 'a': dtype 'I32' is unknown"},
      {R"({"a":{"dtype":7,"shape":[1],"data_offsets":[0,4]}})", "1234", "'dtype' must be a string"},
      {R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", "1234", "'shape' must be an array"},
      {R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "1234",
       "not a non-negative 64-bit integer"},
      {R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", "1234",
       "not a non-negative 64-bit integer"},
      {R"({"a":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}})", "1234", "at most 8"},
      {R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", "1234",
       "more elements than 64 bits"},
      {R"({"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}})", "1234",
       "more bytes than 64 bits"},
      {R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", "1234", "'data_offsets' must be two"},
      {R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", "1234", "'data_offsets' must be two"},
      {R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", "1234", "end before they begin"},
      {R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", std::string(12, 'x'),
       "hold 12 bytes, but shape [2,2] of F32 needs 16"},
      {"{\"a\":{" + f32x4 + R"(,"data_offsets":[0,16]}})", "12345678", "reach beyond the data section"},
      {"{\"a\":{" + f32x4 + R"(,"data_offsets":[0,16]},"b":{)" + f32x4 + R"(,"data_offsets":[8,24]}})",
       std::string(24, 'x'), "tensor 'b': data_offsets [8, 24] overlap those of 'a'"},
      {"{\"a\":{" + f32x4 + R"(,"data_offsets":[0,16]},"b":{)" + f32x4 + R"(,"data_offsets":[20,36]}})",
       std::string(36, 'x'), "leave bytes [16, 20) of the data section unused"},
      {"{\"a\":{" + f32x4 + R"(,"data_offsets":[0,16]}})", std::string(20, 'x'), "trailing bytes"},
      {"{\"a\":{" + f32x4 + R"(,"data_offsets":[0,16]},"a":{)" + f32x4 + R"(,"data_offsets":[16,32]}})",
       std::string(32, 'x'), "tensor 'a' appears twice"},
      {R"({"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}})", "1234",
       "key 'dtype' appears twice in the entry of 'a'"},
      {R"({"a":{"dtype":"F32","shape":[[1]],"data_offsets":[0,4]}})", "1234", "nests deeper than the format"},
      {R"({"a":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})", std::string("\1\2\0", 3),
       "tensor 'a': BOOL element 1 is 2, not 0 or 1"},
      {R"({"__metadata__":{"k":1}})", "", "'__metadata__' entry 'k' must be a string"},
      {R"({"__metadata__":[]})", "", "'__metadata__' must be an object"},
  };
  for (const BadFile& c : cases) {
    SCOPED_TRACE(c.header);
    write_bytes(dir / "bad", file_bytes(c.header, c.data));
    expect_error([&] { load_safetensors(dir / "bad"); },
                 {"load_safetensors", (dir / "bad").string(), c.message});
  }
}

TEST(Safetensors, LengthFieldsThatLieAreErrorsNotAllocations) {
  TempDir dir;
  const auto load = [&](const std::string& bytes) {
    write_bytes(dir / "f", bytes);
    return load_safetensors(dir / "f");
  };
  expect_error([&] { load("1234"); }, {"4 bytes, too few"});
  // 2^40: refused by the limit before anything of that size is allocated.
  expect_error([&] { load(std::string("\0\0\0\0\0\1\0\0", 8) + "{}"); },
               {"header length 1099511627776 is above the limit"});
  expect_error([&] { load(std::string("\x00\x10\0\0\0\0\0\0", 8) + "{}"); },
               {"larger than the rest of the file"});
  expect_error([&] { load_safetensors(dir / "absent"); }, {"cannot open", "No such file"});
  expect_error([&] { load_safetensors(dir.path()); }, {"not a regular file"});
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  expect_error([&] { load_safetensors(dir / "fifo"); }, {"not a regular file"});  // and no wait for a writer
}

TEST(Safetensors, EveryTruncationAndByteCorruptionIsCaughtOrHarmless) {
  // Under the sanitizers this also shows that no corruption reads out of bounds.
  TempDir dir;
  save_safetensors({{"w", randn({3, 2})},
                    {"ids", from_vector(std::vector<int64_t>{1, 2}, {2})},
                    {"mask", tensor({1, 0}).to(kBool)}},
                   dir / "good");
  const std::string good = read_bytes(dir / "good");
  for (size_t size = 0; size < good.size(); ++size) {
    write_bytes(dir / "cut", good.substr(0, size));
    EXPECT_THROW(load_safetensors(dir / "cut"), Error) << "truncated to " << size << " bytes";
  }
  for (size_t i = 0; i < good.size(); ++i)
    for (const char replacement : {'\0', '9', '"', '\xff'}) {
      std::string bad = good;
      bad[i] = replacement;
      write_bytes(dir / "bad", bad);
      try {
        load_safetensors(dir / "bad");  // a changed data byte still makes a valid file
      } catch (const Error&) {
      }
    }
}

TEST(Safetensors, ModelLoadingChecksBeforeWriting) {
  TempDir dir;
  manual_seed(1);
  nn::MLP source({.sizes = {3, 4, 2}});
  save_model(source, dir / "m.safetensors");
  EXPECT_EQ(read_safetensors(dir / "m.safetensors").metadata.at("format"), "pt");

  nn::MLP target({.sizes = {3, 4, 2}});
  const nn::StateDict before = testing::snapshot(target.state_dict());
  const auto still_before = [&] { return same_bits(target.state_dict(), before); };

  nn::StateDict renamed = source.state_dict();
  renamed[1].first = "0.bias_typo";
  save_safetensors(renamed, dir / "renamed");
  expect_error(
      [&] { load_model(target, dir / "renamed"); },
      {"load_model", (dir / "renamed").string(), "missing key '0.bias'", "unexpected key '0.bias_typo'"});
  EXPECT_TRUE(still_before());

  nn::StateDict reshaped = source.state_dict();
  reshaped[0].second = zeros({4, 4});
  save_safetensors(reshaped, dir / "reshaped");
  expect_error([&] { load_model(target, dir / "reshaped"); }, {"size mismatch for 0.weight"});
  EXPECT_TRUE(still_before());

  nn::MLP doubles({.sizes = {3, 4, 2}, .dtype = kFloat64});
  save_model(doubles, dir / "doubles");
  expect_error([&] { load_model(target, dir / "doubles"); }, {"dtype mismatch for 0.weight"});
  EXPECT_TRUE(still_before());

  // Without strict, unknown names are skipped and the known ones loaded.
  load_model(target, dir / "renamed", false);
  EXPECT_TRUE(same_bits(target.state_dict()[0].second, source.state_dict()[0].second));
  load_model(target, dir / "m.safetensors");
  EXPECT_TRUE(same_bits(target.state_dict(), source.state_dict()));
}

}  // namespace
}  // namespace nabla::io
