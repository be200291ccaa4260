#!/usr/bin/python3
"""PyTorch's side of the fashion-vae example (examples/fashion_vae.cpp): the same VAE and CVAE,
trained the same way on Fashion-MNIST, and their test-set -ELBO in nats per image.

  VAE:  encoder 784 -> 512 (ReLU) -> mean and log-variance heads 512 -> 20;
        decoder 20 -> 512 (ReLU) -> 784 Bernoulli logits.
  CVAE: the same with the one-hot class concatenated to the encoder's and the decoder's input
        (794 -> 512, 30 -> 512); the prior stays N(0, I).
  Loss: summed binary cross-entropy over the pixels + KL(q(z|x) || N(0, I)), averaged over the batch.
  Adam lr 1e-3, shuffled batches of 128, EPOCHS epochs each; PyTorch's default initialisation
  (nabla's is the same). The test -ELBO is the mean over the 10,000 test images, one draw each.

The images are read from Debian's dataset-fashion-mnist with gzip and numpy (no torchvision).

Run:  /usr/bin/python3 scripts/fashion_vae_pytorch.py [--epochs 10]
Writes examples/reference/fashion_vae_pytorch.json, which the example reads.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

ROOT = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(__file__), "..", "examples", "reference", "fashion_vae_pytorch.json")
PIXELS, CLASSES, LATENT, HIDDEN, BATCH = 784, 10, 20, 512, 128


def images(prefix):
    with gzip.open(os.path.join(ROOT, prefix + "-images-idx3-ubyte.gz"), "rb") as f:
        pixels = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return torch.from_numpy(pixels.astype(np.float32) / 255).reshape(-1, PIXELS)


def labels(prefix):
    with gzip.open(os.path.join(ROOT, prefix + "-labels-idx1-ubyte.gz"), "rb") as f:
        return torch.from_numpy(np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64))


class VAE(nn.Module):
    def __init__(self, condition):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(PIXELS + condition, HIDDEN), nn.ReLU())
        self.mu, self.logvar = nn.Linear(HIDDEN, LATENT), nn.Linear(HIDDEN, LATENT)
        self.decoder = nn.Sequential(nn.Linear(LATENT + condition, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, PIXELS))

    def loss(self, x, c):
        h = self.encoder(torch.cat([x, c], 1))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        nll = F.binary_cross_entropy_with_logits(self.decoder(torch.cat([z, c], 1)), x, reduction="none").sum(1)
        kl = 0.5 * (logvar.exp() + mu.square() - 1 - logvar).sum(1)
        return (nll + kl).mean()


def fit(conditional, epochs, train_x, train_c, test_x, test_c):
    cond = CLASSES if conditional else 0
    model = VAE(cond)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = train_x.shape[0]
    empty = torch.zeros(n, 0)
    start = time.time()
    for _ in range(epochs):
        order = torch.randperm(n)
        for i in range(0, n, BATCH):
            rows = order[i:i + BATCH]
            c = train_c[rows] if conditional else empty[rows]
            opt.zero_grad()
            model.loss(train_x[rows], c).backward()
            opt.step()
    seconds = time.time() - start
    with torch.no_grad():
        elbo = model.loss(test_x, test_c if conditional else torch.zeros(test_x.shape[0], 0)).item()
    return elbo, seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    torch.manual_seed(0)
    train_x, test_x = images("train"), images("t10k")
    train_c = F.one_hot(labels("train"), CLASSES).float()
    test_c = F.one_hot(labels("t10k"), CLASSES).float()
    vae, vae_s = fit(False, args.epochs, train_x, train_c, test_x, test_c)
    cvae, cvae_s = fit(True, args.epochs, train_x, train_c, test_x, test_c)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "epochs": args.epochs,
              "batch_size": BATCH, "lr": 1e-3, "train_images": train_x.shape[0], "test_images": test_x.shape[0],
              "vae_test_negative_elbo": vae, "cvae_test_negative_elbo": cvae,
              "vae_training_seconds": round(vae_s, 1), "cvae_training_seconds": round(cvae_s, 1)}
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, OUT)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
