"""Writing a golden file as compact JSON into tests/data/ (the scripts written since make_conv.py)."""
import json
import os


def write(name, golden):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data", name)
    with open(path, "w") as f:
        json.dump(golden, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")
