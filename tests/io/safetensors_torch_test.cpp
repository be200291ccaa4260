// safetensors files exchanged with PyTorch 1.13 (scripts/golden/make_safetensors.py).
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "nabla/nabla.h"
#include "tests/golden.h"
#include "tests/io/io_testing.h"

namespace nabla::io {
namespace {

using nabla::testing::golden;
using nabla::testing::json;

const std::string kData = NABLA_TEST_DATA;

// torch.nn.Sequential(Linear(4, 8), Tanh(), Linear(8, 3)) under the same names.
nn::MLP torch_mlp() { return nn::MLP({.sizes = {4, 8, 3}, .activation = nn::Activation::Tanh}); }

TEST(SafetensorsTorch, ATorchModelLoadsAndComputesTorchsOutput) {
  nn::MLP net = torch_mlp();
  load_model(net, kData + "/torch_mlp.safetensors");
  const json& g = golden("torch_mlp.json");
  const Tensor y = net(nabla::testing::tensor_of(g["input"]).to(kFloat32));
  nabla::testing::expect_close(y, g["output"], 1e-6, 1e-6, "output");

  // torch's file orders the tensors by name, not as the state dict does, and has metadata.
  const SafetensorsFile file = read_safetensors(kData + "/torch_mlp.safetensors");
  std::vector<std::string> names;
  for (const auto& [name, t] : file.tensors) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.bias", "0.weight", "2.bias", "2.weight"}));
  EXPECT_EQ(file.metadata, (Metadata{{"format", "pt"}}));
}

TEST(SafetensorsTorch, EveryDtypeTorchWrites) {
  const nn::StateDict tensors = load_safetensors(kData + "/torch_dtypes.safetensors");
  const json& g = golden("torch_dtypes.json");
  ASSERT_EQ(tensors.size(), g.size());
  const std::map<std::string, DType> dtypes = {
      {"half", kFloat32}, {"bfloat16", kFloat32}, {"double", kFloat64}, {"long", kInt64},
      {"mask", kBool},    {"scalar", kFloat32},   {"empty", kFloat32}};
  for (const auto& [name, t] : tensors) {
    SCOPED_TRACE(name);
    EXPECT_EQ(t.dtype(), dtypes.at(name));
    if (t.dtype() == kInt64)  // beyond double's exact range
      EXPECT_EQ(t.to_vector<int64_t>(), g[name]["values"].get<std::vector<int64_t>>());
    else
      nabla::testing::expect_close(t, g[name], 0, 0, name);  // F16 and BF16 convert exactly
    EXPECT_EQ(t.shape(), nabla::testing::shape_of(g[name]));
  }
}

// The reverse direction: a model nabla initialised and saved, with the input and nabla's
// output in the metadata, left in the temporary directory for
//   /usr/bin/python3 scripts/golden/make_safetensors.py --check $TMPDIR/nabla_mlp_for_torch.safetensors
// which loads it into torch and compares the outputs. Here the file's layout is checked
// byte by byte, without torch.
TEST(SafetensorsTorch, NablaModelForTorch) {
  manual_seed(99);
  nn::MLP net = torch_mlp();
  const json& g = golden("torch_mlp.json");
  const Tensor x = nabla::testing::tensor_of(g["input"]).to(kFloat32);
  const Tensor y = net(x);
  const auto as_json = [](const Tensor& t) {
    return json{{"shape", t.shape().vec()}, {"values", t.to_vector<double>()}}.dump();
  };
  const auto path = std::filesystem::temp_directory_path() / "nabla_mlp_for_torch.safetensors";
  save_model(net, path, {{"input", as_json(x)}, {"output", as_json(y)}});

  const std::string bytes = nabla::testing::read_bytes(path);
  ASSERT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  ASSERT_LE(8 + n, bytes.size());
  EXPECT_EQ(n % 8, 0u) << "the data must start 8-byte aligned";
  const std::string text = bytes.substr(8, n);
  const size_t end = text.find_last_not_of(' ');
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(text[end], '}');
  EXPECT_LT(text.size() - end, 9u) << "at most 7 spaces of padding";

  const auto header = nlohmann::ordered_json::parse(text);
  auto it = header.begin();
  ASSERT_EQ(it.key(), "__metadata__");
  EXPECT_EQ(it.value()["format"], "pt");
  EXPECT_EQ(it.value()["output"], as_json(y));
  uint64_t offset = 0;
  const std::string data = bytes.substr(8 + n);
  for (const auto& [name, t] : net.state_dict()) {
    ++it;
    ASSERT_NE(it, header.end());
    SCOPED_TRACE(name);
    EXPECT_EQ(it.key(), name);  // the state dict's order
    EXPECT_EQ(it.value()["dtype"], "F32");
    EXPECT_EQ(it.value()["shape"].get<std::vector<int64_t>>(), t.shape().vec());
    const auto offsets = it.value()["data_offsets"].get<std::vector<uint64_t>>();
    const uint64_t nbytes = static_cast<uint64_t>(t.numel()) * 4;
    ASSERT_EQ(offsets, (std::vector<uint64_t>{offset, offset + nbytes}));
    EXPECT_EQ(data.compare(offset, nbytes, static_cast<const char*>(t.raw_data()), nbytes), 0);
    offset += nbytes;
  }
  EXPECT_EQ(++it, header.end());
  EXPECT_EQ(offset, data.size());
}

}  // namespace
}  // namespace nabla::io
