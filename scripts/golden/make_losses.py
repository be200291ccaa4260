#!/usr/bin/python3
"""Golden values for nabla's losses (tests/nn/loss_golden_test.cpp), from PyTorch 1.13.

Each case records the arguments of one torch.nn.functional loss call (float64, fixed
seeds), its output, a grad_output and the gradients of every differentiable argument.
Non-finite numbers are written as the strings "nan", "inf" and "-inf" (JSON has none).

Run with the system interpreter that has torch: /usr/bin/python3 scripts/golden/make_losses.py
"""
import json
import math
import os
import warnings

import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

warnings.simplefilter("ignore")  # kl_div's reduction='mean' warning
torch.manual_seed(1234)
D = torch.float64
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "golden_losses.json")


def num(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(v) if isinstance(v, float) else v


def enc(t):
    return {"shape": list(t.shape), "dtype": "int64" if t.dtype == torch.int64 else "float64",
            "data": [num(v) for v in t.detach().reshape(-1).tolist()]}


cases = []


def case(name, fn, call, args, grad_args, options=None):
    """call(**args) -> loss; gradients are taken for the names in grad_args."""
    args = {k: (v.clone().requires_grad_(k in grad_args) if v.dtype == D else v.clone()) for k, v in args.items()}
    out = call(**args)
    grad_out = torch.randn_like(out) if out.dim() else torch.tensor(0.75, dtype=D)
    inputs = [args[k] for k in grad_args]
    grads = torch.autograd.grad(out, inputs, grad_out) if inputs else []
    cases.append({"name": name, "fn": fn, "options": options or {},
                  "args": {k: enc(v) for k, v in args.items()}, "output": enc(out),
                  "grad_output": enc(grad_out), "grads": {k: enc(g) for k, g in zip(grad_args, grads)}})


def randn(*shape):
    return torch.randn(*shape, dtype=D)


def rand(*shape, lo=0.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(*shape, dtype=D)


REDUCTIONS = ["none", "mean", "sum"]

# ---- regression -----------------------------------------------------------------
for r in REDUCTIONS:
    x, y = randn(3, 4), randn(3, 4)
    case(f"mse_{r}", "mse_loss", lambda input, target: F.mse_loss(input, target, reduction=r),
         {"input": x, "target": y}, ["input", "target"], {"reduction": r})
    case(f"l1_{r}", "l1_loss", lambda input, target: F.l1_loss(input, target, reduction=r),
         {"input": x, "target": y}, ["input", "target"], {"reduction": r})
    for beta in [1.0, 0.5, 0.0]:
        xs, ys = 2 * randn(3, 4), randn(3, 4)
        case(f"smooth_l1_{r}_beta{beta}", "smooth_l1_loss",
             lambda input, target: F.smooth_l1_loss(input, target, reduction=r, beta=beta),
             {"input": xs, "target": ys}, ["input", "target"], {"reduction": r, "beta": beta})
    for delta in [1.0, 0.3]:
        xs, ys = 2 * randn(3, 4), randn(3, 4)
        case(f"huber_{r}_delta{delta}", "huber_loss",
             lambda input, target: F.huber_loss(input, target, reduction=r, delta=delta),
             {"input": xs, "target": ys}, ["input", "target"], {"reduction": r, "delta": delta})
    # var: same shape (heteroscedastic), one fewer dim, last dim 1 (homoscedastic), and
    # entries below eps (clamped without blocking the gradient).
    for full, vname, var, eps in [(False, "same", rand(3, 4, lo=0.2, hi=2), 1e-6),
                                  (True, "same", rand(3, 4, lo=0.2, hi=2), 1e-6),
                                  (False, "fewer_dim", rand(3, lo=0.2, hi=2), 1e-6),
                                  (True, "last1", rand(3, 1, lo=0.2, hi=2), 1e-6),
                                  (False, "clamped", torch.tensor([[0.5, 1e-4, 0.0, 2.0]] * 3, dtype=D), 1e-2)]:
        case(f"gaussian_nll_{r}_full{int(full)}_{vname}", "gaussian_nll_loss",
             lambda input, target, var: F.gaussian_nll_loss(input, target, var, full=full, eps=eps, reduction=r),
             {"input": randn(3, 4), "target": randn(3, 4), "var": var}, ["input", "target", "var"],
             {"reduction": r, "full": full, "eps": eps})

# ---- binary classification ----------------------------------------------------------
for r in REDUCTIONS:
    for wname, w in [("noweight", None), ("weight", rand(4, lo=0.5, hi=2))]:
        x, t = rand(3, 4, lo=0.02, hi=0.98), rand(3, 4)
        args = {"input": x, "target": t} | ({"weight": w} if w is not None else {})
        case(f"bce_{r}_{wname}", "binary_cross_entropy",
             lambda input, target, weight=None: F.binary_cross_entropy(input, target, weight=weight, reduction=r),
             args, ["input", "target"], {"reduction": r})
    # 0 and 1 (log clamped at -100, gradient denominator clamped at 1e-12) and a log below -100.
    x = torch.tensor([0.0, 1.0, 0.5, 1e-50, 0.25, 1.0], dtype=D)
    t = torch.tensor([0.0, 1.0, 0.3, 0.4, 1.0, 0.6], dtype=D)
    case(f"bce_{r}_edges", "binary_cross_entropy",
         lambda input, target: F.binary_cross_entropy(input, target, reduction=r),
         {"input": x, "target": t}, ["input"], {"reduction": r})
    for wname, w, pw in [("plain", None, None), ("weight", rand(4, lo=0.5, hi=2), None),
                         ("pos_weight", None, rand(4, lo=0.5, hi=3)),
                         ("both", rand(3, 1, lo=0.5, hi=2), rand(4, lo=0.5, hi=3))]:
        x, t = 3 * randn(3, 4), rand(3, 4)
        x[0, 0], x[1, 1] = 40.0, -40.0
        args = {"input": x, "target": t}
        if w is not None:
            args["weight"] = w
        if pw is not None:
            args["pos_weight"] = pw
        case(f"bce_logits_{r}_{wname}", "binary_cross_entropy_with_logits",
             lambda input, target, weight=None, pos_weight=None: F.binary_cross_entropy_with_logits(
                 input, target, weight=weight, pos_weight=pos_weight, reduction=r),
             args, ["input", "target"], {"reduction": r})

# ---- multi-class ------------------------------------------------------------------------
for r in REDUCTIONS:
    # [N, C] class indices: the fused path (plain, ignore_index) and the general one.
    for oname, kw in [("plain", {}), ("ignore", {"ignore_index": 2}), ("weight", {"weight": rand(5, lo=0.5, hi=2)}),
                      ("smooth", {"label_smoothing": 0.2}),
                      ("all", {"weight": rand(5, lo=0.5, hi=2), "ignore_index": 1, "label_smoothing": 0.1})]:
        x, t = 2 * randn(6, 5), torch.tensor([0, 2, 4, 1, 2, 3])
        if oname == "plain":
            t[3] = -100  # the default ignore_index
        w = kw.get("weight")
        opts = {k: v for k, v in kw.items() if k != "weight"} | {"reduction": r}
        args = {"input": x, "target": t} | ({"weight": w} if w is not None else {})
        case(f"cross_entropy_{r}_{oname}", "cross_entropy",
             lambda input, target, weight=None: F.cross_entropy(input, target, weight=weight, reduction=r,
                                                                **{k: v for k, v in opts.items() if k != "reduction"}),
             args, ["input"], opts)
        case(f"nll_{r}_{oname}", "nll_loss",
             lambda input, target, weight=None: F.nll_loss(input, target, weight=weight, reduction=r,
                                                           ignore_index=opts.get("ignore_index", -100)),
             args, ["input"], {k: v for k, v in opts.items() if k != "label_smoothing"})
        # [N, C, d1, d2] with the class at dim 1.
        xd, td = randn(2, 5, 3, 2), torch.randint(0, 5, (2, 3, 2))
        td[0, 1, 1] = opts.get("ignore_index", -100)
        args = {"input": xd, "target": td} | ({"weight": w} if w is not None else {})
        case(f"cross_entropy_{r}_{oname}_nd", "cross_entropy",
             lambda input, target, weight=None: F.cross_entropy(input, target, weight=weight, reduction=r,
                                                                **{k: v for k, v in opts.items() if k != "reduction"}),
             args, ["input"], opts)
        case(f"nll_{r}_{oname}_nd", "nll_loss",
             lambda input, target, weight=None: F.nll_loss(input, target, weight=weight, reduction=r,
                                                           ignore_index=opts.get("ignore_index", -100)),
             args, ["input"], {k: v for k, v in opts.items() if k != "label_smoothing"})
    # An unbatched [C] input with a 0-d target.
    case(f"cross_entropy_{r}_unbatched", "cross_entropy",
         lambda input, target: F.cross_entropy(input, target, reduction=r),
         {"input": randn(5), "target": torch.tensor(3)}, ["input"], {"reduction": r})
    case(f"cross_entropy_{r}_unbatched_smooth", "cross_entropy",
         lambda input, target: F.cross_entropy(input, target, reduction=r, label_smoothing=0.3),
         {"input": randn(5), "target": torch.tensor(3)}, ["input"], {"reduction": r, "label_smoothing": 0.3})
    case(f"nll_{r}_unbatched", "nll_loss", lambda input, target: F.nll_loss(input, target, reduction=r),
         {"input": randn(5), "target": torch.tensor(1)}, ["input"], {"reduction": r})
    # Class probabilities.
    for oname, kw in [("plain", {}), ("weight", {"weight": rand(5, lo=0.5, hi=2)}), ("smooth", {"label_smoothing": 0.2})]:
        for shape in [(4, 5), (2, 5, 3)]:
            x, p = randn(*shape), torch.softmax(randn(*shape), 1)
            w = kw.get("weight")
            ls = kw.get("label_smoothing", 0.0)
            args = {"input": x, "target": p} | ({"weight": w} if w is not None else {})
            case(f"cross_entropy_probs_{r}_{oname}_{len(shape)}d", "cross_entropy",
                 lambda input, target, weight=None: F.cross_entropy(input, target, weight=weight, reduction=r,
                                                                    label_smoothing=ls),
                 args, ["input", "target"], {"reduction": r} | ({"label_smoothing": ls} if ls else {}))

# ---- divergences ----------------------------------------------------------------------
for r in REDUCTIONS + ["batchmean"]:
    for log_target in [False, True]:
        x = torch.log_softmax(randn(3, 4), 1)
        t = torch.log_softmax(randn(3, 4), 1) if log_target else torch.softmax(randn(3, 4), 1)
        case(f"kl_div_{r}_log{int(log_target)}", "kl_div",
             lambda input, target: F.kl_div(input, target, reduction=r, log_target=log_target),
             {"input": x, "target": t}, ["input", "target"], {"reduction": r, "log_target": log_target})
# A zero target contributes 0 (xlogy), and its own gradient is NaN in PyTorch.
case("kl_div_sum_zero_target", "kl_div", lambda input, target: F.kl_div(input, target, reduction="sum"),
     {"input": randn(4), "target": torch.tensor([0.0, 0.2, 0.3, 0.5], dtype=D)}, ["input", "target"],
     {"reduction": "sum", "log_target": False})


def kl_std(mu, logvar):
    return kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1)


def kl_nn(mu1, logvar1, mu2, logvar2):
    return kl_divergence(Normal(mu1, torch.exp(0.5 * logvar1)), Normal(mu2, torch.exp(0.5 * logvar2))).sum(-1)


for shape in [(4, 3), (3,), (2, 3, 2)]:
    tag = "x".join(map(str, shape))
    case(f"kl_normal_standard_{tag}", "kl_normal_standard", kl_std, {"mu": randn(*shape), "logvar": randn(*shape)},
         ["mu", "logvar"])
    case(f"kl_normal_normal_{tag}", "kl_normal_normal", kl_nn,
         {"mu1": randn(*shape), "logvar1": randn(*shape), "mu2": randn(*shape), "logvar2": randn(*shape)},
         ["mu1", "logvar1", "mu2", "logvar2"])

with open(OUT, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"{len(cases)} cases -> {os.path.normpath(OUT)} ({os.path.getsize(OUT) // 1024} KB)")
