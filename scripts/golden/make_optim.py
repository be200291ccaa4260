#!/usr/bin/python3
"""Golden values for nabla::optim from PyTorch 1.13 (run with /usr/bin/python3).

Writes tests/data/golden_optim.json:
  problem     two parameters (a 2x3 weight and a 2-vector bias) and a fixed sequence of
              10 gradients for each;
  optimizers  for each optimizer and option combination, the parameters after each of
              10 steps in float64 and float32, and the float64 state after the last step.
              Option names are nabla's (PyTorch's, with betas flattened to betas.0 and
              betas.1); "groups" splits the parameters into param groups with overrides;
              "skip" lists (step, parameter) pairs whose gradient is None at that step;
  schedulers  per scheduler configuration, get_last_lr() after construction and after
              each step (and the cycled momentum for OneCycleLR);
  clip        clip_grad_norm_ / clip_grad_value_ results.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "golden_optim.json")
STEPS = 10

torch.manual_seed(0)
SHAPES = [[2, 3], [2]]
PARAMS = [torch.randn(s, dtype=torch.float64) for s in SHAPES]
# Magnitudes that first grow then shrink, so AMSGrad's running maximum matters, and an
# exact zero gradient element now and then.
SCALES = [3.0, 3.0, 2.0, 1.0, 1.0, 0.2, 0.2, 0.5, 1.0, 0.1]
GRADS = []
for step in range(STEPS):
    gs = [torch.randn(s, dtype=torch.float64) * SCALES[step] for s in SHAPES]
    if step % 4 == 1:
        gs[0].view(-1)[step % 6] = 0.0
    GRADS.append(gs)

CLASSES = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad,
}


def to_torch_options(opts):
    """nabla's flat option names -> PyTorch keyword arguments."""
    out = dict(opts)
    if "betas.0" in out or "betas.1" in out:
        out["betas"] = (out.pop("betas.0", 0.9), out.pop("betas.1", 0.999))
    return out


def flat(t):
    return t.detach().reshape(-1).tolist()


def run(case, dtype):
    params = [p.clone().to(dtype).requires_grad_() for p in PARAMS]
    cls = CLASSES[case["optimizer"]]
    defaults = to_torch_options(case["options"])
    if case.get("groups"):
        groups = [dict(params=[params[i] for i in g["params"]], **to_torch_options(g["options"]))
                  for g in case["groups"]]
        opt = cls(groups, **defaults)
    else:
        opt = cls(params, **defaults)
    skip = {tuple(s) for s in case.get("skip", [])}
    trajectory = []
    for step in range(STEPS):
        for i, p in enumerate(params):
            p.grad = None if (step, i) in skip else GRADS[step][i].to(dtype).clone()
        opt.step()
        trajectory.append([flat(p) for p in params])
    state = {}
    for index, entries in opt.state_dict()["state"].items():
        for name, value in entries.items():
            if value is None:
                continue
            state[f"{index}.{name}"] = flat(value) if torch.is_tensor(value) else [float(value)]
    return trajectory, state


OPTIMIZER_CASES = [
    # SGD
    ("sgd", "SGD", {"lr": 0.1}),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_dampening", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.05}),
    ("sgd_maximize", "SGD", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.01, "maximize": True}),
    # Adam
    ("adam_default", "Adam", {}),
    ("adam", "Adam", {"lr": 0.05}),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "amsgrad": True}),
    ("adam_weight_decay", "Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("adam_betas_eps", "Adam", {"lr": 0.05, "betas.0": 0.5, "betas.1": 0.8, "eps": 1e-3}),
    ("adam_maximize", "Adam", {"lr": 0.05, "amsgrad": True, "maximize": True, "weight_decay": 0.02}),
    # AdamW
    ("adamw", "AdamW", {"lr": 0.05}),
    ("adamw_amsgrad", "AdamW", {"lr": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    ("adamw_maximize", "AdamW", {"lr": 0.05, "maximize": True, "betas.0": 0.8}),
    # RMSprop
    ("rmsprop", "RMSprop", {"lr": 0.01}),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True}),
    ("rmsprop_all", "RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-4, "weight_decay": 0.1,
                                "momentum": 0.5, "centered": True, "maximize": True}),
    # Adagrad
    ("adagrad", "Adagrad", {"lr": 0.1}),
    ("adagrad_lr_decay", "Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("adagrad_all", "Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1,
                                "initial_accumulator_value": 0.5, "eps": 1e-4, "maximize": True}),
]

# Param groups with their own hyper-parameters (weight decay only on the weight, as
# optim::split_decay builds them) and steps where the bias has no gradient.
GROUP_CASES = [
    ("sgd_groups", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1},
     [{"params": [0], "options": {}}, {"params": [1], "options": {"weight_decay": 0.0, "lr": 0.05}}],
     [[2, 1], [3, 1]]),
    ("adam_groups", "Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1},
     [{"params": [0], "options": {}}, {"params": [1], "options": {"weight_decay": 0.0, "betas.0": 0.7}}],
     [[0, 1], [5, 1]]),
    ("adagrad_skip", "Adagrad", {"lr": 0.1, "lr_decay": 0.1}, None, [[1, 0], [2, 0], [6, 1]]),
    ("rmsprop_skip", "RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}, None, [[0, 1], [4, 0]]),
]


def optimizer_cases():
    cases = [dict(name=n, optimizer=o, options=opts) for n, o, opts in OPTIMIZER_CASES]
    cases += [dict(name=n, optimizer=o, options=opts, groups=g, skip=s) for n, o, opts, g, s in GROUP_CASES]
    for case in cases:
        case["float64"], case["state"] = run(case, torch.float64)
        case["float32"], _ = run(case, torch.float32)
    return cases


# ---- schedulers ------------------------------------------------------------------------
EPOCHS = 36


def scheduler_optimizer(kind):
    a = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    if kind == "Adam":
        return torch.optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.02}], lr=0.1)
    return torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.02}], lr=0.1, momentum=0.9)


def momentum_of(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run_scheduler(case):
    opt = scheduler_optimizer(case.get("optimizer", "SGD"))
    args = case["args"]
    kind = case["scheduler"]
    S = torch.optim.lr_scheduler
    if kind == "StepLR":
        s = S.StepLR(opt, **args)
    elif kind == "MultiStepLR":
        s = S.MultiStepLR(opt, **args)
    elif kind == "ExponentialLR":
        s = S.ExponentialLR(opt, **args)
    elif kind == "CosineAnnealingLR":
        s = S.CosineAnnealingLR(opt, **args)
    elif kind == "LinearLR":
        s = S.LinearLR(opt, **args)
    elif kind == "OneCycleLR":
        s = S.OneCycleLR(opt, **args)
    elif kind == "ReduceLROnPlateau":
        s = S.ReduceLROnPlateau(opt, **args)
    lrs, moms = [], []
    if kind == "ReduceLROnPlateau":
        for m in case["metrics"]:
            opt.step()
            s.step(m)
            lrs.append(s._last_lr)
    else:
        epochs = args.get("total_steps", EPOCHS)
        lrs.append(s.get_last_lr())
        moms.append(momentum_of(opt))
        for _ in range(epochs - 1):
            opt.step()
            s.step()
            lrs.append(s.get_last_lr())
            moms.append(momentum_of(opt))
    case["lrs"] = lrs
    if kind == "OneCycleLR":
        case["momentum"] = moms
    return case


PLATEAU_METRICS = [1.0, 0.8, 0.7, 0.69, 0.695, 0.7, 0.68, 0.6799, 0.6799, 0.6799, 0.5, 0.51, 0.52, 0.53,
                   0.49, 0.489, 0.4889, 0.48, 0.48, 0.48, 0.48, 0.48, 0.48, 0.47, 0.3, 0.31, 0.31, 0.31,
                   0.31, 0.31, 0.31, 0.31, 0.31, 0.31, 0.31, 0.31]


def scheduler_cases():
    cases = [
        dict(name="step", scheduler="StepLR", args=dict(step_size=7, gamma=0.5)),
        dict(name="multistep", scheduler="MultiStepLR", args=dict(milestones=[5, 12, 12, 20], gamma=0.3)),
        dict(name="exponential", scheduler="ExponentialLR", args=dict(gamma=0.9)),
        dict(name="cosine", scheduler="CosineAnnealingLR", args=dict(T_max=10, eta_min=0.001)),
        dict(name="cosine_zero_min", scheduler="CosineAnnealingLR", args=dict(T_max=7)),
        dict(name="linear_warmup", scheduler="LinearLR", args=dict(start_factor=0.25, total_iters=8)),
        dict(name="linear_decay", scheduler="LinearLR", args=dict(start_factor=1.0, end_factor=0.1, total_iters=10)),
        dict(name="onecycle_cos", scheduler="OneCycleLR", args=dict(max_lr=[0.5, 0.2], total_steps=36)),
        dict(name="onecycle_linear", scheduler="OneCycleLR",
             args=dict(max_lr=0.4, total_steps=30, anneal_strategy="linear", pct_start=0.25,
                       div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9)),
        dict(name="onecycle_three_phase", scheduler="OneCycleLR",
             args=dict(max_lr=0.3, total_steps=40, three_phase=True)),
        dict(name="onecycle_adam", scheduler="OneCycleLR", optimizer="Adam",
             args=dict(max_lr=0.3, total_steps=32, pct_start=0.4)),
        dict(name="onecycle_no_momentum", scheduler="OneCycleLR",
             args=dict(max_lr=0.3, total_steps=31, cycle_momentum=False, three_phase=True, anneal_strategy="linear")),
        dict(name="plateau_min", scheduler="ReduceLROnPlateau", args=dict(mode="min", factor=0.5, patience=2),
             metrics=PLATEAU_METRICS),
        dict(name="plateau_abs_cooldown", scheduler="ReduceLROnPlateau",
             args=dict(mode="min", factor=0.1, patience=0, threshold=0.05, threshold_mode="abs", cooldown=2,
                       min_lr=[0.001, 0.0005]),
             metrics=PLATEAU_METRICS),
        dict(name="plateau_max", scheduler="ReduceLROnPlateau",
             args=dict(mode="max", factor=0.3, patience=1, threshold=0.01, min_lr=1e-3, eps=1e-4),
             metrics=[-m for m in PLATEAU_METRICS]),
    ]
    return [run_scheduler(c) for c in cases]


# ---- gradient clipping -----------------------------------------------------------------
CLIP_SHAPES = [[2, 3], [4], [3, 1]]


def clip_cases():
    torch.manual_seed(1)
    grads = [torch.randn(s, dtype=torch.float64) for s in CLIP_SHAPES]
    out = {"shapes": CLIP_SHAPES, "grads": [flat(g) for g in grads], "norm": [], "value": []}
    for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0), (0.5, 3.5), (0.5, math.inf), (10.0, math.inf)]:
        params = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in CLIP_SHAPES]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        out["norm"].append(dict(max_norm=max_norm, norm_type="inf" if math.isinf(norm_type) else norm_type,
                                total_norm=total.item(), grads=[flat(p.grad) for p in params]))
    for clip_value in [0.3, 1.0]:
        params = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in CLIP_SHAPES]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        torch.nn.utils.clip_grad_value_(params, clip_value)
        out["value"].append(dict(clip_value=clip_value, grads=[flat(p.grad) for p in params]))
    return out


def main():
    golden = {
        "problem": {"shapes": SHAPES, "params": [flat(p) for p in PARAMS],
                    "grads": [[flat(g) for g in gs] for gs in GRADS]},
        "optimizers": optimizer_cases(),
        "schedulers": scheduler_cases(),
        "clip": clip_cases(),
    }
    with open(OUT, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
