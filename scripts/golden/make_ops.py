#!/usr/bin/python3
"""Golden values for nabla's tensor ops (tests/tensor/golden_test.cpp), from PyTorch 1.13.

Each case is one op applied to float64 inputs drawn here from a fixed seed (rounded to four
decimals so the JSON stays small and both sides parse identical doubles). It records the
inputs, the op's options, its outputs, a fixed random weight W of the first output's shape
and the gradients of sum(output * W) with respect to every float input.

Run with the system interpreter that has torch: /usr/bin/python3 scripts/golden/make_ops.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

D = torch.float64
SEED = 20240601
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data", "golden_ops.json")

gen = torch.Generator().manual_seed(SEED)


def rand(*shape, lo=-2.0, hi=2.0):
    x = lo + (hi - lo) * torch.rand(shape, generator=gen, dtype=D)
    return torch.round(x * 1e4) / 1e4


def randint(high, *shape):
    return torch.randint(0, high, shape, generator=gen)


def enc(t):
    t = t.detach()
    dtype = {torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}[t.dtype]
    data = t.reshape(-1).tolist()
    if dtype == "float64":
        assert all(math.isfinite(v) for v in data), "non-finite golden value"
    return {"shape": list(t.shape), "dtype": dtype, "data": [int(v) if dtype == "bool" else v for v in data]}


def distinct(*ts, gap=1e-3):
    """Inputs near a kink (ties, 0, clamp bounds) would make the gradient ill-defined."""
    for t in ts:
        v = sorted(t.reshape(-1).tolist())
        assert all(b - a > gap for a, b in zip(v, v[1:])), "tie in golden input"


cases = []


def case(name, op, fn, inputs, options=None):
    """fn(*inputs) -> output or tuple (the first output is the differentiable one)."""
    ins = [x.clone().requires_grad_(x.dtype == D) for x in inputs]
    out = fn(*ins)
    outs = list(out) if isinstance(out, tuple) else [out]
    weight = rand(*outs[0].shape)
    float_ins = [x for x in ins if x.dtype == D]
    grads = iter(torch.autograd.grad((outs[0] * weight).sum(), float_ins))
    cases.append({
        "name": name, "op": op, "options": options or {},
        "inputs": [enc(x) for x in ins],
        "outputs": [enc(o) for o in outs],
        "weight": enc(weight),
        "grads": [enc(next(grads)) if x.dtype == D else None for x in ins],
    })


# ---- binary arithmetic with broadcasting ------------------------------------------------
case("add_broadcast", "add", lambda a, b: torch.add(a, b, alpha=-1.5), [rand(3, 1), rand(1, 4)],
     {"alpha": -1.5})
case("sub_broadcast", "sub", lambda a, b: torch.sub(a, b, alpha=2.0), [rand(2, 3), rand(3)], {"alpha": 2.0})
case("mul_broadcast", "mul", torch.mul, [rand(2, 3, 1), rand(3, 4)])
case("div_broadcast", "div", torch.div, [rand(3, 4), rand(4, lo=0.5, hi=2.0)])
case("pow_broadcast", "pow", torch.pow, [rand(3, 1, lo=0.3, hi=2.0), rand(1, 4)])
case("pow_scalar", "pow_scalar", lambda x: torch.pow(x, 2.5), [rand(2, 5, lo=0.1, hi=2.0)], {"exponent": 2.5})
x = rand(3, 4)
y = rand(1, 4)
distinct(torch.cat([x.reshape(-1), y.reshape(-1)]))
case("minimum_broadcast", "minimum", torch.minimum, [x, y])
case("maximum_broadcast", "maximum", torch.maximum, [x, y])
case("where_broadcast", "where", torch.where, [rand(3, 1) > 0, rand(1, 4), rand(3, 4)])

# ---- unary and activations -------------------------------------------------------------
case("exp", "exp", torch.exp, [rand(2, 5, lo=-4.0, hi=4.0)])
case("log", "log", torch.log, [rand(2, 5, lo=0.05, hi=5.0)])
case("sqrt", "sqrt", torch.sqrt, [rand(2, 5, lo=0.05, hi=5.0)])
case("sigmoid", "sigmoid", torch.sigmoid, [rand(2, 5, lo=-6.0, hi=6.0)])
case("tanh", "tanh", torch.tanh, [rand(2, 5, lo=-3.0, hi=3.0)])
x = rand(2, 6)
distinct(torch.cat([x.reshape(-1), torch.zeros(1, dtype=D), torch.tensor([-0.5, 0.6], dtype=D)]))
case("relu", "relu", torch.relu, [x])
case("leaky_relu", "leaky_relu", lambda v: F.leaky_relu(v, 0.2), [x], {"negative_slope": 0.2})
case("elu", "elu", lambda v: F.elu(v, alpha=1.3), [x], {"alpha": 1.3})
case("clamp", "clamp", lambda v: torch.clamp(v, -0.5, 0.6), [x], {"min": -0.5, "max": 0.6})
case("gelu", "gelu", F.gelu, [rand(2, 6, lo=-4.0, hi=4.0)], {"approximate": "none"})
case("gelu_tanh", "gelu", lambda v: F.gelu(v, approximate="tanh"), [rand(2, 6, lo=-4.0, hi=4.0)],
     {"approximate": "tanh"})
# beta 2, threshold 3: the entries above 1.5 take the linear branch.
case("softplus", "softplus", lambda v: F.softplus(v, beta=2.0, threshold=3.0), [rand(2, 6, lo=-3.0, hi=3.0)],
     {"beta": 2.0, "threshold": 3.0})

# ---- matrix products -------------------------------------------------------------------
case("matmul_batched", "matmul", torch.matmul, [rand(2, 1, 3, 4), rand(2, 4, 2)])
case("matmul_mat_vec", "matmul", torch.matmul, [rand(3, 4), rand(4)])
case("addmm", "addmm", lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=-1.5),
     [rand(2), rand(3, 4), rand(4, 2)], {"beta": 0.5, "alpha": -1.5})
case("linear", "linear", F.linear, [rand(2, 3, 4), rand(5, 4), rand(5)])

# ---- reductions and softmax -------------------------------------------------------------
case("sum_all", "sum", torch.sum, [rand(3, 4)])
case("sum_dims_keepdim", "sum", lambda v: torch.sum(v, dim=[0, 2], keepdim=True), [rand(2, 3, 4)],
     {"dims": [0, 2], "keepdim": True})
case("mean_all", "mean", torch.mean, [rand(3, 4)])
case("mean_dim", "mean", lambda v: torch.mean(v, dim=[-2]), [rand(2, 3, 4)], {"dims": [-2], "keepdim": False})
case("prod_dim", "prod", lambda v: torch.prod(v, dim=1), [rand(3, 4)], {"dim": 1, "keepdim": False})
case("var_dim", "var", lambda v: torch.var(v, dim=[1], unbiased=True), [rand(3, 5)],
     {"dims": [1], "unbiased": True, "keepdim": False})
case("var_all", "var", lambda v: torch.var(v, unbiased=True), [rand(3, 5)], {"unbiased": True})
case("std_dim_keepdim", "std", lambda v: torch.std(v, dim=[0], unbiased=False, keepdim=True), [rand(4, 3)],
     {"dims": [0], "unbiased": False, "keepdim": True})
case("logsumexp", "logsumexp", lambda v: torch.logsumexp(v, dim=[1]), [rand(3, 5, lo=-5.0, hi=5.0)],
     {"dims": [1], "keepdim": False})
case("softmax", "softmax", lambda v: torch.softmax(v, dim=1), [rand(3, 5, lo=-4.0, hi=4.0)], {"dim": 1})
case("log_softmax", "log_softmax", lambda v: torch.log_softmax(v, dim=0), [rand(3, 5, lo=-4.0, hi=4.0)],
     {"dim": 0})
x = rand(3, 5)
distinct(x)
case("max_dim", "max_dim", lambda v: tuple(torch.max(v, dim=1)), [x], {"dim": 1, "keepdim": False})
case("norm_all", "norm", lambda v: torch.norm(v), [rand(3, 4)], {"p": 2.0})
case("norm_p3_dim", "norm", lambda v: torch.norm(v, p=3, dim=[1]), [rand(3, 4)], {"p": 3.0, "dims": [1]})

# ---- indexing, joining, views ---------------------------------------------------------------
case("gather", "gather", lambda v, i: torch.gather(v, 1, i), [rand(3, 4), randint(4, 3, 5)], {"dim": 1})
case("index_select", "index_select", lambda v, i: torch.index_select(v, 0, i),
     [rand(4, 3), torch.tensor([2, 0, 2, 3], dtype=torch.int64)], {"dim": 0})
case("cat", "cat", lambda a, b, c: torch.cat([a, b, c], dim=1), [rand(2, 3), rand(2, 1), rand(2, 2)],
     {"dim": 1})
case("transpose_reshape_slice", "transpose_reshape_slice", lambda v: v.transpose(0, 2).reshape(4, 6)[:, 1::2],
     [rand(2, 3, 4)])
case("permute_flatten_mul", "permute_flatten_mul",
     lambda v, w: v.permute(2, 0, 1).flatten(1).t().reshape(3, 2, 4) * w, [rand(2, 3, 4), rand(2, 1)])

with open(OUT, "w") as f:
    f.write('{"torch_version": %s, "seed": %d, "cases": [\n' % (json.dumps(torch.__version__), SEED))
    f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
    f.write("\n]}\n")
print(f"wrote {len(cases)} cases, {os.path.getsize(OUT)} bytes, to {os.path.normpath(OUT)}")
