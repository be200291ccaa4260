#!/usr/bin/python3
"""Reference values for tests/dataset's Fashion-MNIST and IDX tests, read from Debian's
dataset-fashion-mnist files with Python's own gzip and struct modules (no nabla code involved):
the number of images in each file, the first labels, and the first images' pixels.

Run:  /usr/bin/python3 scripts/golden/make_fashion_mnist.py
Writes tests/data/golden_fashion_mnist.json.
"""
import gzip
import os
import struct

import golden_file

ROOT = "/usr/share/datasets/fashion-mnist"
FIRST = 3  # images
LABELS = 20


def read(name, count):
    """The dims of the IDX file `name` and the bytes of its first `count` items."""
    with gzip.open(os.path.join(ROOT, name), "rb") as f:
        zero, kind, ndims = struct.unpack(">HBB", f.read(4))
        assert zero == 0 and kind == 0x08
        dims = list(struct.unpack(">" + "I" * ndims, f.read(4 * ndims)))
        item = 1
        for d in dims[1:]:
            item *= d
        return dims, list(f.read(count * item))


def split(prefix):
    image_dims, pixels = read(prefix + "-images-idx3-ubyte.gz", FIRST)
    label_dims, labels = read(prefix + "-labels-idx1-ubyte.gz", LABELS)
    return {"image_dims": image_dims, "label_dims": label_dims, "labels": labels,
            "images": {"shape": [FIRST, 1, 28, 28], "values": pixels}}


def main():
    golden = {"train": split("train"), "test": split("t10k")}
    golden_file.write("golden_fashion_mnist.json", golden)


if __name__ == "__main__":
    main()
