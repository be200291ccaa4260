#include "nabla/nn/upsample.h"

#include "src/nn/repr.h"

namespace nabla::nn {

std::string Upsample::extra_repr() const {
  const std::string info = options.scale_factor ? "scale_factor=" + internal::py_sizes(*options.scale_factor)
                           : options.size       ? "size=" + internal::py_sizes(*options.size)
                                                : "size=None";
  return info + ", mode=" + (options.mode == InterpolateMode::Nearest ? "nearest" : "bilinear");
}

}  // namespace nabla::nn
