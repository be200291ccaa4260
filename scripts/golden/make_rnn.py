#!/usr/bin/python3
"""Golden values for tests/nn/rnn_*_test.cpp: PyTorch 1.13's RNN, LSTM and GRU (and their
cells) over the option combinations that matter, with outputs, final states and the
gradients of every parameter, the input and the initial states.

Run with the Debian python3-torch interpreter:  /usr/bin/python3 scripts/golden/make_rnn.py
Writes tests/data/golden_rnn.json. Everything is float64; inputs are rounded to 4 decimals and
results to 10 significant digits to keep the file small. Each case's gradients are those of
sum(output * gy) + sum(h_n * gh) (+ sum(c_n * gc)), so every output gets a random upstream
gradient. Variable lengths run through pack_padded_sequence (unsorted) and
pad_packed_sequence(total_length = T).

Also writes tests/data/torch_lstm.safetensors: the float32 state_dict of one of the LSTM cases
(2 layers, bidirectional, proj_size), as PyTorch users save it, for loading through nabla::io.
"""
import json
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_safetensors import save_file  # noqa: E402  (safetensors written by hand, as torch 1.13 has none)

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data")

torch.manual_seed(2024)
torch.set_default_dtype(torch.float64)

INPUT, HIDDEN, PROJ, BATCH, STEPS = 2, 3, 2, 3, 4
LENGTHS = [4, 1, 3]


def rounded(shape, scale=1.0):
    return torch.round(torch.randn(*shape) * scale * 1e4) / 1e4


def t(x):
    return {"shape": list(x.shape), "values": [float("%.10g" % v) for v in x.detach().reshape(-1).tolist()]}


def layer_case(kind, num_layers=1, bidirectional=False, batch_first=False, bias=True, h0=False, lengths=None,
               proj_size=0, unbatched=False, safetensors=None):
    opts = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    if kind == "lstm":
        m = nn.LSTM(INPUT, HIDDEN, proj_size=proj_size, **opts)
    elif kind == "gru":
        m = nn.GRU(INPUT, HIDDEN, **opts)
    else:
        m = nn.RNN(INPUT, HIDDEN, nonlinearity=kind[4:], **opts)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.round(p * 1e4) / 1e4)
    dirs = 2 if bidirectional else 1
    out = proj_size or HIDDEN
    x_shape = [STEPS, INPUT] if unbatched else ([BATCH, STEPS, INPUT] if batch_first else [STEPS, BATCH, INPUT])
    state_batch = [] if unbatched else [BATCH]
    x = rounded(x_shape).requires_grad_()
    hx = rounded([dirs * num_layers] + state_batch + [out], 0.5).requires_grad_() if h0 else None
    cx = rounded([dirs * num_layers] + state_batch + [HIDDEN], 0.5).requires_grad_() if h0 and kind == "lstm" else None
    state = (hx, cx) if kind == "lstm" and h0 else hx
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        y, hn = m(packed, state)
        y, _ = pad_packed_sequence(y, batch_first=batch_first, total_length=STEPS)
    else:
        y, hn = m(x, state)
    hn, cn = hn if kind == "lstm" else (hn, None)
    gy, gh = rounded(y.shape), rounded(hn.shape)
    loss = (y * gy).sum() + (hn * gh).sum()
    gc = None
    if cn is not None:
        gc = rounded(cn.shape)
        loss = loss + (cn * gc).sum()
    loss.backward()
    case = {"kind": kind, "num_layers": num_layers, "bidirectional": bidirectional, "batch_first": batch_first,
            "bias": bias, "proj_size": proj_size, "lengths": lengths, "repr": repr(m),
            "params": {n: t(p) for n, p in m.named_parameters()},
            "grads": {n: t(p.grad) for n, p in m.named_parameters()},
            "x": t(x), "gx": t(x.grad), "y": t(y), "h_n": t(hn), "gy": t(gy), "gh": t(gh)}
    if h0:
        case.update(h0=t(hx), gh0=t(hx.grad))
    if safetensors:
        save_file({k: v.float() for k, v in m.state_dict().items()}, os.path.join(DATA, safetensors), {"format": "pt"})
        case.update(safetensors=safetensors)
    if cn is not None:
        case.update(c_n=t(cn), gc=t(gc))
    if cx is not None:
        case.update(c0=t(cx), gc0=t(cx.grad))
    return case


def cell_case(kind, bias=True, state=True, unbatched=False):
    """Three steps of a hand-written loop, then the gradients of everything."""
    if kind == "lstm":
        cell = nn.LSTMCell(INPUT, HIDDEN, bias=bias)
    elif kind == "gru":
        cell = nn.GRUCell(INPUT, HIDDEN, bias=bias)
    else:
        cell = nn.RNNCell(INPUT, HIDDEN, bias=bias, nonlinearity=kind[4:])
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(torch.round(p * 1e4) / 1e4)
    batch = [] if unbatched else [BATCH]
    x = rounded([3] + batch + [INPUT]).requires_grad_()
    h0 = rounded(batch + [HIDDEN], 0.5).requires_grad_() if state else None
    c0 = rounded(batch + [HIDDEN], 0.5).requires_grad_() if state and kind == "lstm" else None
    s = (h0, c0) if kind == "lstm" and state else h0
    hs = []
    for k in range(3):
        s = cell(x[k], s)
        hs.append(s[0] if kind == "lstm" else s)
    h = torch.stack(hs)
    gy = rounded(h.shape)
    loss = (h * gy).sum()
    if kind == "lstm":
        gc = rounded(s[1].shape)
        loss = loss + (s[1] * gc).sum()
    loss.backward()
    case = {"kind": kind, "bias": bias, "repr": repr(cell), "params": {n: t(p) for n, p in cell.named_parameters()},
            "grads": {n: t(p.grad) for n, p in cell.named_parameters()}, "x": t(x), "gx": t(x.grad),
            "h": t(h), "gy": t(gy)}
    if kind == "lstm":
        case.update(c=t(s[1]), gc=t(gc))
    if state:
        case.update(h0=t(h0), gh0=t(h0.grad))
    if c0 is not None:
        case.update(c0=t(c0), gc0=t(c0.grad))
    return case


def main():
    # (num_layers, bidirectional, batch_first, bias, h0): every pair of option values occurs.
    grid = [(1, False, False, True, False), (1, True, True, True, True), (2, False, True, False, True),
            (2, True, False, True, False), (2, True, True, False, True), (1, False, True, False, False),
            (2, False, False, True, True), (1, True, False, False, True)]
    layers = []
    for kind in ("rnn_tanh", "lstm", "gru"):
        for n, bi, bf, bias, h0 in grid:
            layers.append(layer_case(kind, n, bi, bf, bias, h0))
        layers.append(layer_case(kind, 1, False, False, True, True, lengths=LENGTHS))
        layers.append(layer_case(kind, 2, True, True, True, False, lengths=LENGTHS))
        layers.append(layer_case(kind, 2, True, False, True, True, unbatched=True))
    layers.append(layer_case("lstm", 1, False, False, True, True, proj_size=PROJ))
    layers.append(layer_case("lstm", 2, True, True, True, True, proj_size=PROJ, safetensors="torch_lstm.safetensors"))
    layers.append(layer_case("lstm", 2, True, False, False, False, proj_size=PROJ, lengths=LENGTHS))
    layers.append(layer_case("lstm", 1, False, True, True, True, proj_size=PROJ, unbatched=True))
    layers.append(layer_case("rnn_relu", 2, True, False, True, True))
    layers.append(layer_case("rnn_relu", 1, False, True, True, False, lengths=LENGTHS))

    cells = []
    for kind in ("rnn_tanh", "rnn_relu", "lstm", "gru"):
        cells.append(cell_case(kind))
        cells.append(cell_case(kind, bias=False, state=False))
        cells.append(cell_case(kind, unbatched=True))

    path = os.path.join(DATA, "golden_rnn.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"torch_version": torch.__version__, "layers": layers, "cells": cells}, f, separators=(",", ":"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
