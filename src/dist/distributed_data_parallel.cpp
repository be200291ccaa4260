#include "nabla/dist/distributed_data_parallel.h"

#include <cstdint>
#include <exception>
#include <string>
#include <unordered_set>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/dist/collectives.h"
#include "nabla/dist/process_group.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/math.h"
#include "src/dist/mpi_check.h"

namespace nabla::dist {

// Collects each backward's gradients into the buckets and reduces them; see the header.
struct DistributedDataParallel::Reducer {
  struct Slot {
    std::string name{};
    Tensor param{};
    size_t bucket = 0;
    Tensor view{};  // the parameter's part of its bucket
    int hook_id = 0;
    bool ready = false;
  };
  struct Bucket {
    Tensor flat{};
    size_t size = 0;  // parameters
    size_t pending = 0;
    MPI_Request request = MPI_REQUEST_NULL;
  };

  std::vector<Slot> slots;
  std::vector<Bucket> buckets;
  size_t next_launch = 0;
  size_t ready_count = 0;

  Reducer(const nn::NamedTensors& params, double bucket_cap_mb);
  ~Reducer();
  void on_gradient(Slot& slot);
  void launch(Bucket& bucket);
  // Lets MPI advance the started reductions: without an MPI call, OpenMPI moves a
  // nonblocking collective on only inside the final wait.
  void progress();
  // Waits for every started reduction.
  void wait_launched();
  // Writes the averaged gradients back and gets ready for the next backward.
  void finish();
  void reset();
  std::string unready_names() const;
};

DistributedDataParallel::Reducer::Reducer(const nn::NamedTensors& params, double bucket_cap_mb) {
  const auto cap = static_cast<int64_t>(bucket_cap_mb * 1024 * 1024);
  // Reverse registration order, so that the last layers, whose gradients backward produces
  // first, fill the first buckets. Tied parameters are reduced once.
  std::unordered_set<TensorImpl*> seen;
  int64_t bucket_bytes = 0;
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    const Tensor& p = it->second;
    if (!p.requires_grad() || !seen.insert(p.impl()).second) continue;
    const int64_t bytes = p.numel() * static_cast<int64_t>(p.element_size());
    const bool fits =
        !buckets.empty() && slots.back().param.dtype() == p.dtype() && bucket_bytes + bytes <= cap;
    if (!fits) {
      buckets.emplace_back();
      bucket_bytes = 0;
    }
    slots.push_back({.name = it->first, .param = p, .bucket = buckets.size() - 1});
    bucket_bytes += bytes;
    ++buckets.back().size;
  }
  std::vector<int64_t> offsets(buckets.size(), 0), numels(buckets.size(), 0);
  std::vector<DType> dtypes(buckets.size());
  for (const Slot& s : slots) {
    numels[s.bucket] += s.param.numel();
    dtypes[s.bucket] = s.param.dtype();
  }
  for (size_t b = 0; b < buckets.size(); ++b) {
    buckets[b].flat = zeros({numels[b]}, {.dtype = dtypes[b]});
    buckets[b].pending = buckets[b].size;
  }
  for (Slot& s : slots) {
    Bucket& b = buckets[s.bucket];
    s.view = nabla::detail::make_view(b.flat, s.param.shape(), contiguous_strides(s.param.shape()),
                                      offsets[s.bucket]);
    offsets[s.bucket] += s.param.numel();
    s.hook_id = s.param.register_post_accumulate_grad_hook([this, &s](const Tensor&) { on_gradient(s); });
  }
}

DistributedDataParallel::Reducer::~Reducer() {
  for (Slot& s : slots) s.param.remove_post_accumulate_grad_hook(s.hook_id);
  // MPI may still write into the buckets; after an exception the process group aborts anyway.
  if (std::uncaught_exceptions() == 0) wait_launched();
}

std::string DistributedDataParallel::Reducer::unready_names() const {
  std::string names;
  for (const Slot& s : slots) {
    if (s.ready) continue;
    if (!names.empty()) names += ", ";
    names += s.name;
  }
  return names;
}

void DistributedDataParallel::Reducer::on_gradient(Slot& slot) {
  if (slot.ready) {
    // The previous backward never reached some parameters, so its reduction never finished.
    const std::string missing = unready_names();
    reset();
    nabla::detail::fail("DistributedDataParallel", "the previous backward produced no gradient for ", missing,
                        "; every parameter that requires grad must contribute to the loss");
  }
  NoGradGuard no_grad;
  slot.view.copy_(slot.param.grad());
  slot.ready = true;
  ++ready_count;
  // Buckets start in index order on every process, whatever order their gradients came in,
  // so that the processes' collectives match.
  if (--buckets[slot.bucket].pending == 0)
    while (next_launch < buckets.size() && buckets[next_launch].pending == 0) launch(buckets[next_launch++]);
  if (ready_count == slots.size())
    finish();
  else
    progress();
}

void DistributedDataParallel::Reducer::launch(Bucket& bucket) {
  const MPI_Datatype type = bucket.flat.dtype() == kFloat32 ? MPI_FLOAT : MPI_DOUBLE;
  NABLA_CHECK(bucket.flat.numel() <= INT32_MAX, "DistributedDataParallel", "a bucket of ",
              bucket.flat.numel(), " elements exceeds MPI's count limit; lower bucket_cap_mb");
  detail::check_mpi(
      MPI_Iallreduce(MPI_IN_PLACE, bucket.flat.raw_data(), static_cast<int>(bucket.flat.numel()), type,
                     MPI_SUM, MPI_COMM_WORLD, &bucket.request),
      "DistributedDataParallel all_reduce");
}

void DistributedDataParallel::Reducer::progress() {
  for (size_t b = 0; b < next_launch; ++b) {
    int done = 0;
    detail::check_mpi(MPI_Test(&buckets[b].request, &done, MPI_STATUS_IGNORE),
                      "DistributedDataParallel all_reduce");
  }
}

void DistributedDataParallel::Reducer::wait_launched() {
  for (size_t b = 0; b < next_launch; ++b)
    detail::check_mpi(MPI_Wait(&buckets[b].request, MPI_STATUS_IGNORE), "DistributedDataParallel all_reduce");
}

void DistributedDataParallel::Reducer::finish() {
  wait_launched();
  const double scale = 1.0 / world_size();
  for (Bucket& b : buckets) b.flat.mul_(scale);
  for (Slot& s : slots) {
    Tensor& grad = s.param.mutable_grad();
    if (grad.is_contiguous())
      grad.copy_(s.view);
    else
      grad = s.view.clone();  // an expanded gradient cannot take distinct values
  }
  reset();
}

void DistributedDataParallel::Reducer::reset() {
  if (std::uncaught_exceptions() == 0) wait_launched();
  for (Slot& s : slots) s.ready = false;
  for (Bucket& b : buckets) b.pending = b.size;
  next_launch = 0;
  ready_count = 0;
}

DistributedDataParallel::DistributedDataParallel(nn::Module& module, DistributedDataParallelOptions options)
    : module_(module) {
  NABLA_CHECK(options.bucket_cap_mb > 0, "DistributedDataParallel", "bucket_cap_mb must be positive, got ",
              options.bucket_cap_mb);
  detail::require_initialized("DistributedDataParallel");
  const nn::NamedTensors params = module.named_parameters();
  const nn::NamedTensors buffers = module.named_buffers();
  // Different modules would make the broadcasts below mismatch, or wait forever.
  Tensor sizes = zeros({3}, {.dtype = kFloat64});
  double* s = sizes.data_ptr<double>();
  s[0] = static_cast<double>(params.size());
  s[1] = static_cast<double>(buffers.size());
  for (const auto& [name, t] : params) s[2] += static_cast<double>(t.numel());
  Tensor low = sizes.clone(), high = sizes.clone();
  all_reduce(low, ReduceOp::Min);
  all_reduce(high, ReduceOp::Max);
  NABLA_CHECK(equal(low, high), "DistributedDataParallel",
              "the module differs across processes: (parameters, buffers, elements) from ", low, " to ",
              high);
  for (Tensor t : module.parameters()) broadcast(t, 0);
  for (Tensor t : module.buffers()) broadcast(t, 0);
  reducer_ = std::make_unique<Reducer>(params, options.bucket_cap_mb);
}

DistributedDataParallel::~DistributedDataParallel() = default;

int DistributedDataParallel::num_buckets() const { return static_cast<int>(reducer_->buckets.size()); }

}  // namespace nabla::dist
