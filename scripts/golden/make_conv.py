#!/usr/bin/python3
"""Golden values for tests/nn's convolution, pooling, upsampling and BatchNorm2d tests: PyTorch
1.13 outputs and the gradients of sum(y * gy) for a grid of strides, paddings, dilations and groups,
and the modules' reprs.

Run with the Debian python3-torch interpreter:  /usr/bin/python3 scripts/golden/make_conv.py
Writes tests/data/golden_conv.json. Tensors are float64, stored flat with their shape. Inputs,
weights and output gradients are multiples of 1/4 (short to store; convolution results are then
exact in float64 and short too); other results keep 10 significant digits, far below the tests'
tolerances.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_file  # noqa: E402
from make_nn_layers import batch_norm_case  # noqa: E402  (the BatchNorm1d cases' format)

torch.set_default_dtype(torch.float64)
torch.manual_seed(6)


def rounded(v):
    if not math.isfinite(v):
        return str(v)
    return float("%.10g" % v)


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "values": [rounded(v) for v in x.reshape(-1).tolist()]}


def quarters(*shape, low=-8, high=8):
    """Random multiples of 1/4 in [low/4, high/4]."""
    return torch.randint(low, high + 1, shape).to(torch.float64) / 4


def distinct(*shape):
    """Distinct multiples of 1/8 in random order, so that max pooling has no ties."""
    n = math.prod(shape)
    return (torch.randperm(n).to(torch.float64) - n // 2).reshape(shape) / 8


def gradients(y, inputs):
    """y, a random output gradient gy (quarters), and the gradient of sum(y * gy) for each input."""
    gy = quarters(*y.shape)
    grads = torch.autograd.grad((y * gy).sum(), inputs)
    return t(gy), [t(g) for g in grads]


def pair(v):
    return list(v) if isinstance(v, tuple) else [v, v]


def conv2d_case(x_shape, out_channels, kernel, stride=1, padding=0, dilation=1, groups=1, bias=True):
    kh, kw = pair(kernel)
    x = quarters(*x_shape).requires_grad_()
    w = quarters(out_channels, x_shape[-3] // groups, kh, kw).requires_grad_()
    b = quarters(out_channels).requires_grad_() if bias else None
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    inputs = [x, w] + ([b] if bias else [])
    gy, grads = gradients(y, inputs)
    case = {"stride": pair(stride), "padding": padding if isinstance(padding, str) else pair(padding),
            "dilation": pair(dilation), "groups": groups, "x": t(x), "w": t(w), "y": t(y), "gy": gy,
            "gx": grads[0], "gw": grads[1]}
    if bias:
        case.update(b=t(b), gb=grads[2])
    return case


def conv1d_case(x_shape, out_channels, kernel, stride=1, padding=0, dilation=1, groups=1, bias=True):
    x = quarters(*x_shape).requires_grad_()
    w = quarters(out_channels, x_shape[-2] // groups, kernel).requires_grad_()
    b = quarters(out_channels).requires_grad_() if bias else None
    y = F.conv1d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    inputs = [x, w] + ([b] if bias else [])
    gy, grads = gradients(y, inputs)
    case = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups, "x": t(x), "w": t(w),
            "y": t(y), "gy": gy, "gx": grads[0], "gw": grads[1]}
    if bias:
        case.update(b=t(b), gb=grads[2])
    return case


def conv_transpose2d_case(x_shape, out_channels, kernel, stride=1, padding=0, output_padding=0, groups=1,
                          dilation=1, bias=True):
    kh, kw = pair(kernel)
    x = quarters(*x_shape).requires_grad_()
    w = quarters(x_shape[-3], out_channels // groups, kh, kw).requires_grad_()
    b = quarters(out_channels).requires_grad_() if bias else None
    y = F.conv_transpose2d(x, w, b, stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                           dilation=dilation)
    inputs = [x, w] + ([b] if bias else [])
    gy, grads = gradients(y, inputs)
    case = {"stride": pair(stride), "padding": pair(padding), "output_padding": pair(output_padding),
            "groups": groups, "dilation": pair(dilation), "x": t(x), "w": t(w), "y": t(y), "gy": gy,
            "gx": grads[0], "gw": grads[1]}
    if bias:
        case.update(b=t(b), gb=grads[2])
    return case


def max_pool_case(x, kernel, stride=None, padding=0, dilation=1, ceil_mode=False, pool=F.max_pool2d):
    x = x.requires_grad_()
    y, indices = pool(x, kernel, stride, padding, dilation, ceil_mode=ceil_mode, return_indices=True)
    gy, (gx,) = gradients(y, [x])
    return {"kernel_size": kernel, "stride": stride, "padding": padding, "dilation": dilation,
            "ceil_mode": ceil_mode, "x": t(x), "y": t(y), "indices": indices.reshape(-1).tolist(), "gy": gy,
            "gx": gx}


def avg_pool_case(x_shape, kernel, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                  divisor_override=None):
    x = quarters(*x_shape).requires_grad_()
    y = F.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    gy, (gx,) = gradients(y, [x])
    return {"kernel_size": kernel, "stride": stride, "padding": padding, "ceil_mode": ceil_mode,
            "count_include_pad": count_include_pad, "divisor_override": divisor_override, "x": t(x), "y": t(y),
            "gy": gy, "gx": gx}


def adaptive_case(x_shape, output_size):
    x = quarters(*x_shape).requires_grad_()
    y = F.adaptive_avg_pool2d(x, output_size)
    gy, (gx,) = gradients(y, [x])
    return {"output_size": output_size, "x": t(x), "y": t(y), "gy": gy, "gx": gx}


def interpolate_case(x_shape, mode, size=None, scale_factor=None, align_corners=None):
    x = quarters(*x_shape).requires_grad_()
    y = F.interpolate(x, size=size, scale_factor=scale_factor, mode=mode, align_corners=align_corners)
    gy, (gx,) = gradients(y, [x])
    return {"mode": mode, "size": size, "scale_factor": scale_factor, "align_corners": align_corners, "x": t(x),
            "y": t(y), "gy": gy, "gx": gx}


def reprs():
    modules = {
        "Conv2d": nn.Conv2d(1, 32, 3, padding=1),
        "Conv2d_full": nn.Conv2d(4, 8, (3, 5), stride=2, dilation=2, groups=2, bias=False),
        "Conv2d_valid": nn.Conv2d(2, 4, 3, padding="valid"),
        "Conv1d_same": nn.Conv1d(2, 4, 3, padding="same"),
        "ConvTranspose2d": nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
        "ConvTranspose2d_full": nn.ConvTranspose2d(4, 2, 3, groups=2, dilation=2, bias=False),
        "MaxPool2d": nn.MaxPool2d(2),
        "MaxPool2d_full": nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=2, ceil_mode=True),
        "MaxPool1d": nn.MaxPool1d(3),
        "AvgPool2d": nn.AvgPool2d(2),
        "AvgPool2d_full": nn.AvgPool2d((3, 3), stride=(2, 1), padding=1, ceil_mode=True, count_include_pad=False),
        "AdaptiveAvgPool2d": nn.AdaptiveAvgPool2d(1),
        "AdaptiveAvgPool2d_pair": nn.AdaptiveAvgPool2d((5, 7)),
        "Dropout2d": nn.Dropout2d(0.2),
        "Upsample": nn.Upsample(scale_factor=2),
        "Upsample_size": nn.Upsample(size=(4, 5), mode="bilinear", align_corners=True),
        "Upsample_pair": nn.Upsample(scale_factor=(2, 1.5), mode="bilinear"),
        "BatchNorm2d": nn.BatchNorm2d(3),
    }
    return {name: repr(m) for name, m in modules.items()}


def main():
    x_nchw = (2, 4, 5, 6)
    golden = {
        "conv2d": [
            conv2d_case(x_nchw, 4, 3),
            conv2d_case(x_nchw, 6, 3, padding=1, bias=False),
            conv2d_case(x_nchw, 4, 3, stride=2, padding=1),
            conv2d_case(x_nchw, 4, (2, 3), stride=(2, 1), padding=(1, 0)),
            conv2d_case(x_nchw, 4, 3, padding=2, dilation=2),
            conv2d_case(x_nchw, 6, 3, stride=(1, 2), padding=1, dilation=(2, 1), groups=2),
            conv2d_case(x_nchw, 4, 3, padding=1, groups=4),
            conv2d_case(x_nchw, 8, 3, stride=2, dilation=2, groups=2, padding=(2, 1)),
            conv2d_case(x_nchw, 4, 3, padding="same"),
            conv2d_case(x_nchw, 6, (2, 4), padding="same", dilation=(1, 2), groups=2),
            conv2d_case(x_nchw, 4, 3, padding="valid", bias=False),
            conv2d_case(x_nchw, 4, 1),
            conv2d_case(x_nchw, 4, 2, stride=3, padding=1),
            conv2d_case(x_nchw, 4, 5, stride=2, padding=2),
            conv2d_case((1, 4, 5, 6), 4, 3, padding=1),
            conv2d_case((4, 5, 6), 4, 3, stride=2, padding=1),
        ],
        "conv1d": [
            conv1d_case((2, 4, 9), 4, 3),
            conv1d_case((2, 4, 9), 6, 3, stride=2, padding=1, dilation=2, groups=2),
            conv1d_case((2, 4, 9), 4, 4, padding="same", bias=False),
            conv1d_case((2, 4, 9), 4, 2, stride=3, padding=1, groups=4),
            conv1d_case((4, 9), 2, 3, padding=1),
        ],
        "conv_transpose2d": [
            conv_transpose2d_case((2, 4, 4, 3), 2, 3),
            conv_transpose2d_case((2, 4, 4, 3), 3, 3, stride=2, padding=1, output_padding=1),
            conv_transpose2d_case((2, 4, 4, 3), 2, (2, 3), stride=(2, 1), padding=(0, 1), output_padding=(1, 0)),
            conv_transpose2d_case((2, 4, 4, 3), 4, 3, stride=2, padding=1, groups=2, bias=False),
            conv_transpose2d_case((2, 4, 4, 3), 2, 3, padding=1, dilation=2),
            conv_transpose2d_case((2, 4, 4, 3), 2, 3, stride=2, output_padding=(1, 1), dilation=(2, 1)),
            conv_transpose2d_case((2, 4, 4, 3), 2, 2, output_padding=1, dilation=2),
            conv_transpose2d_case((2, 4, 4, 3), 4, 3, stride=3, padding=1, groups=4),
            conv_transpose2d_case((4, 4, 3), 2, 3, stride=2),
        ],
        "max_pool2d": [
            max_pool_case(distinct(2, 3, 7, 6), 2),
            max_pool_case(distinct(2, 3, 7, 6), 3, 2, 1),
            max_pool_case(distinct(2, 3, 7, 6), (3, 2), (2, 1), (1, 0), ceil_mode=True),
            max_pool_case(distinct(2, 3, 7, 6), 3, 2, 1, dilation=2),
            max_pool_case(distinct(2, 3, 7, 6), (2, 3), (3, 2), (1, 1), dilation=(2, 1), ceil_mode=True),
            max_pool_case(distinct(3, 7, 6), 3, 1, 1),
            # Ties (the first in the window wins), -inf and NaN (always wins).
            max_pool_case(torch.tensor([[[[1.0, 1, 0, 2], [1, 1, 2, 2], [-math.inf, -math.inf, math.nan, 3],
                                          [-math.inf, -math.inf, 5, math.nan]]]]), 2),
        ],
        "max_pool1d": [
            max_pool_case(distinct(2, 3, 11), 3, pool=F.max_pool1d),
            max_pool_case(distinct(2, 3, 11), 3, 2, 1, dilation=2, ceil_mode=True, pool=F.max_pool1d),
            max_pool_case(distinct(3, 11), 4, 3, 2, pool=F.max_pool1d),
        ],
        "avg_pool2d": [
            avg_pool_case((2, 3, 7, 6), 2),
            avg_pool_case((2, 3, 7, 6), 3, 2, 1),
            avg_pool_case((2, 3, 7, 6), 3, 2, 1, count_include_pad=False),
            avg_pool_case((2, 3, 7, 6), (3, 2), (2, 1), (1, 1), ceil_mode=True),
            avg_pool_case((2, 3, 7, 6), 3, 2, 1, ceil_mode=True, count_include_pad=False),
            avg_pool_case((3, 7, 6), (2, 3), padding=1, divisor_override=2),
        ],
        "adaptive_avg_pool2d": [
            adaptive_case((2, 3, 7, 6), (3, 4)),
            adaptive_case((2, 3, 7, 6), (1, 1)),
            adaptive_case((2, 3, 7, 6), (7, 6)),
            adaptive_case((2, 3, 7, 6), (5, 5)),
            adaptive_case((3, 4, 5), (2, 3)),
        ],
        "interpolate": [
            interpolate_case((2, 2, 4, 3), "nearest", scale_factor=2),
            interpolate_case((2, 2, 4, 3), "nearest", size=(5, 7)),
            interpolate_case((2, 2, 4, 5), "nearest", scale_factor=(1.5, 0.7)),
            interpolate_case((2, 2, 4, 3), "bilinear", scale_factor=2),
            interpolate_case((2, 2, 4, 3), "bilinear", size=(7, 5), align_corners=True),
            interpolate_case((2, 2, 5, 6), "bilinear", size=(3, 2)),
            interpolate_case((2, 2, 4, 3), "bilinear", scale_factor=1.7),
            interpolate_case((2, 2, 4, 3), "bilinear", scale_factor=(2, 3), align_corners=True),
        ],
        "batch_norm2d": [batch_norm_case((3, 2, 2, 2), 0.1, cls=nn.BatchNorm2d),
                         batch_norm_case((2, 2, 3, 2), None, affine=False, cls=nn.BatchNorm2d)],
        "repr": reprs(),
    }
    golden_file.write("golden_conv.json", golden)


if __name__ == "__main__":
    main()
