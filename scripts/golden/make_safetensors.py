#!/usr/bin/python3
"""safetensors files written by PyTorch 1.13, for tests/io, and a check that PyTorch reads
the files nabla writes.

Run with the Debian python3-torch interpreter:

  /usr/bin/python3 scripts/golden/make_safetensors.py
      writes tests/data/torch_mlp.safetensors (the state_dict of nn.Sequential(Linear(4, 8),
      Tanh(), Linear(8, 3)), float32), tests/data/torch_mlp.json (an input and the model's
      output), and tests/data/torch_dtypes.safetensors (F16, BF16, F64, I64, BOOL, a 0-d and
      an empty tensor; their values as float in torch_dtypes.json).

  /usr/bin/python3 scripts/golden/make_safetensors.py --check FILE
      the reverse direction, run by hand: loads FILE, written by nabla, into the same torch
      model and compares the output with the one nabla computed. The test
      SafetensorsTorch.NablaModelForTorch writes such a FILE to
      $TMPDIR/nabla_mlp_for_torch.safetensors (/tmp by default), with the input and
      nabla's output in its metadata.

Debian's torch has no safetensors package, so the format is written and read here with
struct and json, exactly as the reference implementation (huggingface/safetensors) does:
tensors sorted by descending dtype alignment then name, "__metadata__" first, compact JSON,
the header padded with spaces to a multiple of 8.
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data")

# The reference's dtype order (increasing alignment) and each dtype's torch type.
DTYPES = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64",
          "I64", "U64"]
TORCH = {"BOOL": torch.bool, "F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32,
         "F64": torch.float64, "I64": torch.int64}
NAME = {v: k for k, v in TORCH.items()}


def tobytes(t):
    t = t.detach().contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.view(torch.int16)  # numpy has no bfloat16
    return t.numpy().tobytes()


def save_file(tensors, path, metadata=None):
    """safetensors.torch.save_file, by hand."""
    items = sorted(tensors.items(), key=lambda kv: (-DTYPES.index(NAME[kv[1].dtype]), kv[0]))
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in items:
        blob = tobytes(t)
        header[name] = {"dtype": NAME[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


def load_file(path):
    """safetensors.torch.load_file, by hand, with the reference's checks; returns (tensors, metadata)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0 and 8 + n <= len(raw), f"header length {n}"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name}: offsets {info['data_offsets']} do not follow {end}"
        dtype = TORCH[info["dtype"]]
        numel = 1
        for d in info["shape"]:
            numel *= d
        assert stop - begin == numel * torch.empty((), dtype=dtype).element_size(), name
        blob = bytearray(data[begin:stop])
        t = torch.frombuffer(blob, dtype=dtype) if blob else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"])
        end = stop
    assert end == len(data), f"the tensors cover {end} of {len(data)} data bytes"
    return tensors, metadata


def flat(t):
    """A golden tensor of tests/golden.h: non-finite numbers as strings, bools as 0 and 1."""
    values = t.detach().reshape(-1).tolist()
    if t.dtype.is_floating_point:
        values = [v if math.isfinite(v) else str(v) for v in values]
    elif t.dtype == torch.bool:
        values = [int(v) for v in values]
    return {"shape": list(t.shape), "values": values}


def model():
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))


def write_json(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


def make():
    torch.manual_seed(2024)
    net = model()
    x = torch.randn(5, 4)
    with torch.no_grad():
        y = net(x)
    save_file(net.state_dict(), os.path.join(DATA, "torch_mlp.safetensors"), {"format": "pt"})
    write_json({"input": flat(x), "output": flat(y)}, os.path.join(DATA, "torch_mlp.json"))

    inf = float("inf")
    dtypes = {
        # 1, -2, the largest half, the smallest subnormal, -0, inf, a value that rounds.
        "half": torch.tensor([1.0, -2.0, 65504.0, 2.0 ** -24, -0.0, inf, 1 / 3], dtype=torch.float16),
        "bfloat16": torch.tensor([[1.0, 3.140625], [-inf, 1e-40]], dtype=torch.bfloat16),
        "double": torch.tensor([0.1, -1e300, 5e-324], dtype=torch.float64),
        "long": torch.tensor([[-(2 ** 63), 2 ** 63 - 1, 0]], dtype=torch.int64),
        "mask": torch.tensor([True, False, False, True]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }
    save_file(dtypes, os.path.join(DATA, "torch_dtypes.safetensors"))
    expected = {}
    for name, t in dtypes.items():
        e = flat(t.float() if t.dtype in (torch.float16, torch.bfloat16) else t)
        e["dtype"] = {torch.int64: "int64", torch.bool: "bool"}.get(t.dtype, "float64")
        expected[name] = e
    write_json(expected, os.path.join(DATA, "torch_dtypes.json"))


def check(path):
    tensors, metadata = load_file(path)
    net = model()
    net.load_state_dict(tensors, strict=True)
    x = json.loads(metadata["input"])
    expected = json.loads(metadata["output"])
    with torch.no_grad():
        y = net(torch.tensor(x["values"], dtype=torch.float32).reshape(x["shape"]))
    want = torch.tensor(expected["values"], dtype=torch.float32).reshape(expected["shape"])
    err = (y - want).abs().max().item()
    print(f"{path}: {len(tensors)} tensors {sorted(tensors)}, metadata keys {sorted(metadata)}")
    print(f"max |torch output - nabla output| = {err:.3g}")
    assert err <= 1e-6, "torch's output differs from nabla's"
    print("OK: torch loads nabla's file and computes nabla's output")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        make()
