#!/usr/bin/python3
"""Golden values for nabla's generative models (tests/generative/golden_test.cpp), from PyTorch 1.13.

The ELBO's terms (the Gaussian and Bernoulli negative log-likelihoods from torch.distributions and
binary_cross_entropy_with_logits, the beta-weighted loss) with their gradients, and whole models
built with nabla's layout and parameter names (encoder.body.0.weight, encoder.head.mu.weight,
decoder.head.logvar.bias, prior.*): their weights, a batch, the reparameterisation noise eps, the
loss terms and the gradient of the loss for every parameter. All float64, fixed seeds.

Run with the system interpreter that has torch: /usr/bin/python3 scripts/golden/make_generative.py
"""
import json
import math
import os

import torch
from torch import nn
from torch.distributions import Normal, kl_divergence
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "golden_generative.json")


def enc(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def per_sample(t):
    return t.sum(dim=tuple(range(1, t.dim())))


def terms_case(name, fn, args, grad_args):
    """fn(**args) -> per-sample values [N]; gradients of (values · grad_output) for grad_args."""
    args = {k: v.clone().requires_grad_(k in grad_args) for k, v in args.items()}
    out = fn(**args)
    grad_out = torch.randn_like(out)
    grads = torch.autograd.grad(out, [args[k] for k in grad_args], grad_out)
    return {"name": name, "args": {k: enc(v) for k, v in args.items()}, "output": enc(out),
            "grad_output": enc(grad_out), "grads": {k: enc(g) for k, g in zip(grad_args, grads)}}


def gaussian_nll(x, mu, logvar):
    return -per_sample(Normal(mu, torch.exp(0.5 * logvar).expand_as(mu)).log_prob(x))


def bernoulli_nll(x, logits):
    return per_sample(F.binary_cross_entropy_with_logits(logits, x, reduction="none"))


terms = [
    terms_case("gaussian_nll_learned", gaussian_nll,
               {"x": torch.randn(4, 3), "mu": torch.randn(4, 3), "logvar": torch.randn(4, 3)}, ["x", "mu", "logvar"]),
    terms_case("gaussian_nll_fixed", gaussian_nll,
               {"x": torch.randn(4, 2, 3), "mu": torch.randn(4, 2, 3), "logvar": torch.tensor(math.log(0.3))},
               ["mu", "logvar"]),
    terms_case("gaussian_nll_per_feature", gaussian_nll,
               {"x": torch.randn(5, 3), "mu": torch.randn(5, 3), "logvar": torch.randn(3)}, ["mu", "logvar"]),
    terms_case("bernoulli_nll", bernoulli_nll, {"x": torch.rand(4, 5), "logits": 3 * torch.randn(4, 5)},
               ["x", "logits"]),
]


def elbo_case(beta, reduction):
    rec, kl = torch.rand(6) * 10, torch.rand(6)
    reduce = torch.mean if reduction == "mean" else torch.sum
    return {"beta": beta, "reduction": reduction, "reconstruction": enc(rec), "kl": enc(kl),
            "loss": enc(reduce(rec) + beta * reduce(kl))}


elbo = [elbo_case(1.0, "mean"), elbo_case(0.25, "sum"), elbo_case(0.0, "mean")]


# ---- models with nabla's layout ----

def activation(name):
    return {"relu": nn.ReLU, "tanh": nn.Tanh}[name]()


def mlp(sizes, act):
    """nn::MLP: Linear, act, ..., Linear."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(activation(act))
    return nn.Sequential(*layers)


class Head(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.mu, self.logvar = nn.Linear(n_in, n_out), nn.Linear(n_in, n_out)

    def forward(self, h):
        return self.mu(h), self.logvar(h)


class GaussianNetwork(nn.Module):
    """generative::GaussianNetwork: the MLP of the hidden layers, the activation, the head."""

    def __init__(self, sizes, act):
        super().__init__()
        self.body = nn.Sequential(*mlp(sizes[:-1], act), activation(act)) if len(sizes) > 2 else nn.Identity()
        self.head = Head(sizes[-2], sizes[-1])

    def forward(self, x):
        return self.head(self.body(x))


class Decoder(nn.Module):
    """generative::Decoder: Bernoulli logits, or a Gaussian with a learned variance (a head)."""

    def __init__(self, sizes, act, learned_variance):
        super().__init__()
        if learned_variance:
            net = GaussianNetwork(sizes, act)
            self.body, self.head = net.body, net.head
        else:
            self.body = mlp(sizes, act)
        self.learned_variance = learned_variance

    def nll(self, z, x):
        h = self.body(z)
        if self.learned_variance:
            return gaussian_nll(x, *self.head(h))
        return bernoulli_nll(x, h)


def kl_standard(mu, logvar):
    return kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1)


def kl_normal(mu1, logvar1, mu2, logvar2):
    return kl_divergence(Normal(mu1, torch.exp(0.5 * logvar1)), Normal(mu2, torch.exp(0.5 * logvar2))).sum(-1)


class VAE(nn.Module):
    def __init__(self, encoder, decoder, act, learned_variance):
        super().__init__()
        self.encoder = GaussianNetwork(encoder, act)
        self.decoder = Decoder(decoder, act, learned_variance)

    def terms(self, x, eps):
        mu, logvar = self.encoder(x)
        z = mu + eps * torch.exp(0.5 * logvar)
        return self.decoder.nll(z, x), kl_standard(mu, logvar)


class ConditionalVAE(nn.Module):
    def __init__(self, encoder, decoder, prior, act, learned_variance, encoder_sees, decoder_sees):
        super().__init__()
        self.encoder = GaussianNetwork(encoder, act)
        self.decoder = Decoder(decoder, act, learned_variance)
        if prior:
            self.prior = GaussianNetwork(prior, act)
        self.encoder_sees, self.decoder_sees = encoder_sees, decoder_sees

    def terms(self, x, c, eps):
        mu, logvar = self.encoder(torch.cat([x, c], -1) if self.encoder_sees else x)
        z = mu + eps * torch.exp(0.5 * logvar)
        nll = self.decoder.nll(torch.cat([z, c], -1) if self.decoder_sees else z, x)
        if hasattr(self, "prior"):
            return nll, kl_normal(mu, logvar, *self.prior(c))
        return nll, kl_standard(mu, logvar)


def model_case(name, model, options, batch, beta, reduction):
    for p in model.parameters():  # spread the weights so every term matters
        nn.init.normal_(p, 0, 0.5)
    reduce = torch.mean if reduction == "mean" else torch.sum
    nll, kl = model.terms(**batch)
    loss = reduce(nll) + beta * reduce(kl)
    names = [k for k, _ in model.named_parameters()]
    grads = torch.autograd.grad(loss, [p for _, p in model.named_parameters()])
    return {"name": name, "options": options, "beta": beta, "reduction": reduction,
            "state_dict": {k: enc(v) for k, v in model.state_dict().items()},
            "parameter_names": names, "batch": {k: enc(v) for k, v in batch.items()},
            "reconstruction": enc(reduce(nll)), "kl": enc(reduce(kl)), "loss": enc(loss),
            "grads": {k: enc(g) for k, g in zip(names, grads)}}


models = [
    model_case("vae_bernoulli", VAE([6, 5, 3], [3, 5, 6], "relu", False),
               {"encoder": [6, 5, 3], "decoder": [3, 5, 6], "activation": "relu", "learned_variance": False},
               {"x": torch.rand(4, 6), "eps": torch.randn(4, 3)}, 1.0, "mean"),
    model_case("vae_gaussian_tutorial", VAE([2, 7, 5, 2], [2, 5, 7, 2], "tanh", True),
               {"encoder": [2, 7, 5, 2], "decoder": [2, 5, 7, 2], "activation": "tanh", "learned_variance": True},
               {"x": torch.randn(5, 2), "eps": torch.randn(5, 2)}, 1.0, "sum"),
    model_case("cvae_tutorial",
               ConditionalVAE([1, 4, 4, 2], [2, 4, 4, 1], [1, 4, 4, 2], "tanh", True, False, False),
               {"encoder": [1, 4, 4, 2], "decoder": [2, 4, 4, 1], "prior": [1, 4, 4, 2], "activation": "tanh",
                "learned_variance": True, "encoder_sees_condition": False, "decoder_sees_condition": False},
               {"x": torch.randn(5, 1), "c": torch.randn(5, 1), "eps": torch.randn(5, 2)}, 1.0, "sum"),
    model_case("cvae_conditioned_networks",
               ConditionalVAE([5, 4, 2], [4, 4, 3], None, "relu", False, True, True),
               {"encoder": [5, 4, 2], "decoder": [4, 4, 3], "prior": [], "activation": "relu",
                "learned_variance": False, "encoder_sees_condition": True, "decoder_sees_condition": True},
               {"x": torch.rand(4, 3), "c": F.one_hot(torch.tensor([0, 1, 1, 0]), 2).double(),
                "eps": torch.randn(4, 2)}, 0.5, "mean"),
]

with open(OUT, "w") as f:
    json.dump({"terms": terms, "elbo": elbo, "models": models}, f)
print(f"wrote {OUT}: {len(terms)} term cases, {len(elbo)} ELBO cases, {len(models)} models")
