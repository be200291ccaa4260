#include "nabla/tensor/random.h"

#include <bit>
#include <cmath>
#include <numbers>
#include <sstream>
#include <vector>

#include "nabla/tensor/factory.h"

namespace nabla {

void Generator::manual_seed(uint64_t seed) {
  seed_ = seed;
  engine_.seed(seed);
  has_spare_ = false;
}

double Generator::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Generator::normal() {
  // Box-Muller, keeping the second variate of each pair.
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_normal_ = r * std::sin(2 * std::numbers::pi * u2);
  has_spare_ = true;
  return r * std::cos(2 * std::numbers::pi * u2);
}

// The cached normal is stored as its bit pattern: exact, and (unlike hexfloat, which
// libstdc++ cannot read back) parseable.
std::string Generator::state() const {
  std::ostringstream os;
  os << seed_ << ' ' << has_spare_ << ' ' << std::bit_cast<uint64_t>(spare_normal_) << ' ' << engine_;
  return os.str();
}

void Generator::set_state(const std::string& state) {
  std::istringstream is(state);
  uint64_t seed = 0, value_bits = 0;
  bool spare = false;
  std::mt19937_64 engine;
  is >> seed >> spare >> value_bits >> engine;
  NABLA_CHECK(!is.fail(), "Generator::set_state", "malformed generator state");
  seed_ = seed;
  has_spare_ = spare;
  spare_normal_ = std::bit_cast<double>(value_bits);
  engine_ = engine;
}

Generator& default_generator() {
  static Generator g;
  return g;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

namespace {

// Fills a contiguous floating tensor with draw() converted to its dtype.
template <class Draw>
Tensor fill_random(const Tensor& t, const char* op, Draw draw) {
  NABLA_CHECK(t.is_contiguous(), op, "needs a contiguous tensor");
  dispatch(t.dtype(), [&](auto v) {
    using T = decltype(v);
    T* p = static_cast<T*>(t.raw_data());
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(draw());
  });
  t.storage()->bump_version();
  return t;
}

void check_floating(DType dt, const char* op) {
  NABLA_CHECK(is_floating(dt), op, "needs a floating dtype, got ", dt);
}

Tensor with_grad(Tensor t, const TensorOptions& o) {
  if (o.requires_grad) t.requires_grad_(true);
  return t;
}

}  // namespace

Tensor uniform_(const Tensor& t, double low, double high) {
  check_floating(t.dtype(), "uniform_");
  Generator& g = default_generator();
  if (t.dtype() == kFloat32) {
    // 24 random bits, exact in float: a 53-bit u within 2^-25 of 1 would round to 1.0f,
    // and rand() must stay in [0, 1).
    return fill_random(t, "uniform_", [&] {
      return low + (high - low) * (static_cast<double>(g.next_u64() >> 40) * 0x1.0p-24);
    });
  }
  return fill_random(t, "uniform_", [&] { return low + (high - low) * g.uniform(); });
}

Tensor normal_(const Tensor& t, double mean, double std) {
  check_floating(t.dtype(), "normal_");
  NABLA_CHECK(std >= 0, "normal_", "std must be non-negative, got ", std);
  Generator& g = default_generator();
  return fill_random(t, "normal_", [&] { return mean + std * g.normal(); });
}

Tensor rand(const Shape& shape, TensorOptions o) {
  check_floating(o.dtype, "rand");
  return with_grad(uniform_(empty(shape, {.dtype = o.dtype}), 0, 1), o);
}

Tensor randn(const Shape& shape, TensorOptions o) {
  check_floating(o.dtype, "randn");
  return with_grad(normal_(empty(shape, {.dtype = o.dtype}), 0, 1), o);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions o) {
  NABLA_CHECK(low < high, "randint", "low (", low, ") must be below high (", high, ")");
  Generator& g = default_generator();
  // Unsigned arithmetic: high - low overflows int64 for ranges wider than 2^63.
  const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  // Rejection sampling keeps every value equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  return fill_random(empty(shape, {.dtype = o.dtype}), "randint", [&] {
    uint64_t r;
    do r = g.next_u64();
    while (r >= limit);
    return static_cast<int64_t>(static_cast<uint64_t>(low) + r % range);
  });
}

Tensor rand_like(const Tensor& t) { return rand(t.shape(), {.dtype = t.dtype()}); }
Tensor randn_like(const Tensor& t) { return randn(t.shape(), {.dtype = t.dtype()}); }

Tensor bernoulli(const Tensor& p) {
  check_floating(p.dtype(), "bernoulli");
  const Tensor pc = p.detach().contiguous();
  Tensor out = empty(p.shape(), {.dtype = p.dtype()});
  Generator& g = default_generator();
  dispatch_floating(p.dtype(), "bernoulli", [&](auto v) {
    using T = decltype(v);
    const T* src = static_cast<const T*>(pc.raw_data());
    T* dst = static_cast<T*>(out.raw_data());
    for (int64_t i = 0; i < out.numel(); ++i) {
      NABLA_CHECK(src[i] >= 0 && src[i] <= 1, "bernoulli", "probability ", src[i], " at element ", i,
                  " is outside [0, 1]");
      dst[i] = g.uniform() < static_cast<double>(src[i]) ? T(1) : T(0);
    }
  });
  return out;
}

Tensor bernoulli(const Shape& shape, double p, TensorOptions o) {
  NABLA_CHECK(p >= 0 && p <= 1, "bernoulli", "probability ", p, " is outside [0, 1]");
  Generator& g = default_generator();
  return with_grad(fill_random(empty(shape, {.dtype = o.dtype}), "bernoulli", [&] { return g.uniform() < p ? 1.0 : 0.0; }), o);
}

Tensor randperm(int64_t n) { return randperm(n, default_generator()); }

Tensor randperm(int64_t n, Generator& g) {
  NABLA_CHECK(n >= 0, "randperm", "n must be non-negative, got ", n);
  Tensor out = arange(0, static_cast<double>(n), 1, {.dtype = kInt64});
  int64_t* p = out.data_ptr<int64_t>();
  for (int64_t i = n - 1; i > 0; --i) {  // Fisher-Yates
    const auto j = static_cast<int64_t>(g.next_u64() % static_cast<uint64_t>(i + 1));
    std::swap(p[i], p[j]);
  }
  return out;
}

Tensor latin_hypercube(int64_t n, int64_t dims, TensorOptions o) {
  NABLA_CHECK(n > 0 && dims > 0, "latin_hypercube", "n and dims must be positive, got ", n, " and ", dims);
  NABLA_CHECK(is_floating(o.dtype), "latin_hypercube", "expected a floating-point dtype, got ", o.dtype);
  Generator& g = default_generator();
  std::vector<double> points(static_cast<size_t>(n * dims));
  for (int64_t d = 0; d < dims; ++d) {
    const Tensor order = randperm(n, g);
    const int64_t* stratum = order.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i)
      points[static_cast<size_t>(i * dims + d)] =
          (static_cast<double>(stratum[i]) + g.uniform()) / static_cast<double>(n);
  }
  return with_grad(from_vector(points, {n, dims}).to(o.dtype), o);
}

}  // namespace nabla
