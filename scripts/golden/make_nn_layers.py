#!/usr/bin/python3
"""Golden values for tests/nn (layers, containers, init): PyTorch 1.13 outputs, gradients,
running statistics, state_dict key names and module reprs.

Run with the Debian python3-torch interpreter:  /usr/bin/python3 scripts/golden/make_nn_layers.py
Writes tests/data/golden_nn_layers.json. Tensors are float64 and stored flat with their shape.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "values": x.reshape(-1).tolist()}


def layer_norm_case(x_shape, normalized_shape, affine):
    x = torch.randn(*x_shape).requires_grad_()
    w = (torch.rand(*normalized_shape) + 0.5).requires_grad_() if affine else None
    b = torch.randn(*normalized_shape).requires_grad_() if affine else None
    y = F.layer_norm(x, normalized_shape, w, b, eps=1e-5)
    gy = torch.randn(*y.shape)
    (y * gy).sum().backward()
    case = {"normalized_shape": list(normalized_shape), "x": t(x), "y": t(y), "gy": t(gy), "gx": t(x.grad)}
    if affine:
        case.update(w=t(w), b=t(b), gw=t(w.grad), gb=t(b.grad))
    return case


def batch_norm_case(shape, momentum, affine=True, track=True, cls=nn.BatchNorm1d):
    """Three training steps (output, input/affine gradients, running stats after each),
    then the output in eval mode, of a cls layer (make_conv.py makes BatchNorm2d cases)."""
    c = shape[1]
    bn = cls(c, momentum=momentum, affine=affine, track_running_stats=track)
    if affine:
        with torch.no_grad():
            bn.weight.copy_(torch.rand(c) + 0.5)
            bn.bias.copy_(torch.randn(c))
    case = {"shape": list(shape), "momentum": momentum, "affine": affine, "track_running_stats": track,
            "steps": []}
    if affine:
        case.update(weight=t(bn.weight), bias=t(bn.bias))
    bn.train()
    for _ in range(3):
        x = (torch.randn(*shape) * 2 + 1).requires_grad_()
        y = bn(x)
        gy = torch.randn(*y.shape)
        bn.zero_grad()
        (y * gy).sum().backward()
        step = {"x": t(x), "y": t(y), "gy": t(gy), "gx": t(x.grad)}
        if affine:
            step.update(gw=t(bn.weight.grad), gb=t(bn.bias.grad))
        if track:
            step.update(running_mean=t(bn.running_mean), running_var=t(bn.running_var),
                        num_batches_tracked=int(bn.num_batches_tracked))
        case["steps"].append(step)
    bn.eval()
    x = torch.randn(*shape).requires_grad_()
    y = bn(x)
    gy = torch.randn(*y.shape)
    (y * gy).sum().backward()
    case["eval"] = {"x": t(x), "y": t(y), "gy": t(gy), "gx": t(x.grad)}
    return case


def embedding_case():
    emb = nn.Embedding(6, 3, padding_idx=2)
    idx = torch.tensor([[0, 2, 5], [2, 2, 1]])
    y = emb(idx)
    gy = torch.randn(*y.shape)
    (y * gy).sum().backward()
    return {"weight": t(emb.weight), "index": idx.reshape(-1).tolist(), "index_shape": list(idx.shape),
            "y": t(y), "gy": t(gy), "gw": t(emb.weight.grad)}


class Nested(nn.Module):
    """The container nesting that tests/nn/containers_test.cpp rebuilds in nabla."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                                      nn.Sequential(nn.Linear(8, 8, bias=False), nn.BatchNorm1d(8)))
        self.heads = nn.ModuleDict({"policy": nn.Linear(8, 2),
                                    "value": nn.ModuleList([nn.Linear(8, 1), nn.LayerNorm(1)])})
        self.emb = nn.Embedding(10, 4, padding_idx=0)


def reprs():
    modules = {
        "Identity": nn.Identity(), "Sigmoid": nn.Sigmoid(), "Tanh": nn.Tanh(), "ReLU": nn.ReLU(),
        "LeakyReLU": nn.LeakyReLU(), "LeakyReLU_0.2": nn.LeakyReLU(0.2), "ELU": nn.ELU(),
        "ELU_0.5": nn.ELU(alpha=0.5), "GELU": nn.GELU(), "GELU_tanh": nn.GELU(approximate="tanh"),
        "Softplus": nn.Softplus(), "Softplus_0.5_10": nn.Softplus(beta=0.5, threshold=10),
        "Softmax": nn.Softmax(dim=1), "LogSoftmax": nn.LogSoftmax(dim=-1),
        "Flatten": nn.Flatten(), "Unflatten": nn.Unflatten(1, (2, 5)), "Dropout": nn.Dropout(),
        "Dropout_0.25": nn.Dropout(0.25), "Embedding": nn.Embedding(10, 3),
        "Embedding_pad": nn.Embedding(10, 3, padding_idx=-1), "LayerNorm": nn.LayerNorm(10),
        "LayerNorm_2d": nn.LayerNorm([2, 3], eps=1e-6, elementwise_affine=False),
        "BatchNorm1d": nn.BatchNorm1d(3),
        "BatchNorm1d_cma": nn.BatchNorm1d(3, eps=0.001, momentum=None, affine=False, track_running_stats=False),
        "Nested": Nested(),
        "MLP": nn.Sequential(nn.Linear(4, 200), nn.Sigmoid(), nn.Dropout(0.1), nn.Linear(200, 300), nn.Sigmoid(),
                             nn.Dropout(0.1), nn.Linear(300, 1)),
    }
    return {name: repr(m) for name, m in modules.items()}


def main():
    golden = {
        "layer_norm": [layer_norm_case((3, 4, 5), (5,), True), layer_norm_case((2, 3, 4), (3, 4), True),
                       layer_norm_case((4, 6), (6,), False)],
        "batch_norm": [batch_norm_case((5, 3), 0.1), batch_norm_case((4, 3, 5), 0.3),
                       batch_norm_case((6, 2), None), batch_norm_case((4, 3), 0.1, affine=False, track=False)],
        "embedding": embedding_case(),
        "state_dict_keys": {
            "Nested": list(Nested().state_dict().keys()),
            "MLP": list(nn.Sequential(nn.Linear(4, 200), nn.Sigmoid(), nn.Dropout(0.1), nn.Linear(200, 300),
                                      nn.Sigmoid(), nn.Dropout(0.1), nn.Linear(300, 1)).state_dict().keys()),
        },
        "named_modules": [name for name, _ in Nested().named_modules()],
        "repr": reprs(),
        "gain": {"linear": nn.init.calculate_gain("linear"), "sigmoid": nn.init.calculate_gain("sigmoid"),
                 "tanh": nn.init.calculate_gain("tanh"), "relu": nn.init.calculate_gain("relu"),
                 "leaky_relu": nn.init.calculate_gain("leaky_relu"),
                 "leaky_relu_0.2": nn.init.calculate_gain("leaky_relu", 0.2),
                 "selu": nn.init.calculate_gain("selu")},
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data",
                        "golden_nn_layers.json")
    with open(path, "w") as f:
        json.dump(golden, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
