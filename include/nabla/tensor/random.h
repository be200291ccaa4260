#pragma once
// Random tensors. All draws come from one global Generator (a 64-bit Mersenne twister,
// std::mt19937_64, with nabla's own uniform and Box-Muller normal transforms so the
// stream is identical on every platform); manual_seed makes a run reproducible.
#include <cstdint>
#include <random>
#include <string>

#include "nabla/tensor/tensor.h"

namespace nabla {

class Generator {
 public:
  explicit Generator(uint64_t seed = 5489) { manual_seed(seed); }
  void manual_seed(uint64_t seed);
  uint64_t initial_seed() const { return seed_; }
  uint64_t next_u64() { return engine_(); }
  double uniform();  // [0, 1), 53 random bits
  double normal();   // standard normal
  // Full state, for checkpoints that resume a run exactly.
  std::string state() const;
  void set_state(const std::string& state);

 private:
  std::mt19937_64 engine_;
  uint64_t seed_ = 0;
  double spare_normal_ = 0;
  bool has_spare_ = false;
};

Generator& default_generator();
void manual_seed(uint64_t seed);

Tensor rand(const Shape& shape, TensorOptions options = {});
Tensor randn(const Shape& shape, TensorOptions options = {});
// Integers uniform in [low, high), int64 by default.
Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options = {.dtype = kInt64});
Tensor rand_like(const Tensor& t);
Tensor randn_like(const Tensor& t);
// Each element is 1 with the probability given by `p` (same shape), else 0.
Tensor bernoulli(const Tensor& p);
Tensor bernoulli(const Shape& shape, double p, TensorOptions options = {});
// A random permutation of 0..n-1 (int64), from the global generator or from `generator`.
Tensor randperm(int64_t n);
Tensor randperm(int64_t n, Generator& generator);

// Latin hypercube sampling (pyDOE's lhs(dims, n)): n points in [0, 1]^dims, [n, dims]. In
// every dim each of the n equal strata [i/n, (i+1)/n) holds exactly one point, uniform within
// it, and the strata are visited in an independent random order per dim.
Tensor latin_hypercube(int64_t n, int64_t dims, TensorOptions options = {});

// In-place fills used by initialisers (no autograd record).
Tensor uniform_(const Tensor& t, double low = 0, double high = 1);
Tensor normal_(const Tensor& t, double mean = 0, double std = 1);

}  // namespace nabla
