#pragma once
// Saving and loading tensors in the safetensors format (github.com/huggingface/safetensors),
// the format PyTorch and the wider ecosystem exchange weights in:
//
//   io::save_model(net, "mlp.safetensors");         // net.state_dict(), PyTorch's names
//   io::load_model(net, "mlp.safetensors");         // strict: the same names and shapes
//   nn::StateDict sd = io::load_safetensors("weights.safetensors");
//
// The layout of a file:
//   8 bytes   N, the header's length, unsigned 64-bit little-endian;
//   N bytes   the header, a UTF-8 JSON object:
//               {"__metadata__": {"key": "value", ...},      (optional, strings only)
//                "0.weight": {"dtype": "F32", "shape": [8, 4], "data_offsets": [0, 128]}, ...}
//             padded with spaces so the data starts at a multiple of 8;
//   the data  every tensor's elements, little-endian, row-major, at its data_offsets
//             [begin, end) relative to the start of the data; the tensors cover the data
//             exactly, without gaps or overlaps.
//
// nabla writes F32, F64, I64 and BOOL (its four dtypes), tensors in the order given, each
// from a contiguous copy. It reads those four, and F16 and BF16, converted to float32;
// other dtypes (I8, U8, I16, I32, ...) are refused. A file is checked completely before
// anything is allocated from it: a truncated file, a header length beyond the file or
// above 100 MB, invalid JSON, an unknown dtype, negative or overflowing sizes, a shape
// that disagrees with its byte range, offsets out of range, overlapping or leaving gaps,
// a duplicate name, or BOOL bytes other than 0 and 1 throw nabla::Error naming the file
// and the tensor.
#include <filesystem>
#include <map>
#include <string>

#include "nabla/nn/module.h"

namespace nabla::io {

// The header's "__metadata__": free-form string pairs.
using Metadata = std::map<std::string, std::string>;

// Writes `tensors` to `path` atomically (io::write_atomically). Names must be unique,
// valid UTF-8 and not "__metadata__"; tensors must be defined.
void save_safetensors(const nn::StateDict& tensors, const std::filesystem::path& path,
                      const Metadata& metadata = {});

// A file's tensors, in the order of their data in the file, and its metadata.
struct SafetensorsFile {
  nn::StateDict tensors{};
  Metadata metadata{};
};
SafetensorsFile read_safetensors(const std::filesystem::path& path);
// The tensors only, as safetensors.torch.load_file returns them.
nn::StateDict load_safetensors(const std::filesystem::path& path);

// safetensors.torch.save_model / load_model: a module's state_dict() to a file, and a
// file into a module with Module::load_state_dict(strict). Loading checks everything
// (the file, then names, shapes and dtypes) before writing anything, so a failure leaves
// the module untouched. Unlike PyTorch's load_state_dict, which copies with conversion,
// a dtype that differs from the module's is an error: convert the module (Module::to)
// or the state dict deliberately.
void save_model(const nn::Module& module, const std::filesystem::path& path, const Metadata& metadata = {});
void load_model(nn::Module& module, const std::filesystem::path& path, bool strict = true);

}  // namespace nabla::io
