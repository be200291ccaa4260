// interpolate's modes as separable linear maps (plane_map.h), with the index and weight
// arithmetic of PyTorch 1.13's CPU kernels (UpSample.h), down to the float type it uses.
#include "nabla/nn/functional/upsample.h"

#include <cmath>
#include <memory>

#include "src/nn/functional/plane_map.h"

namespace nabla::nn {
namespace {

using internal::AxisMap;

// nearest_idx: the special cases first, then floor(i · scale) with scale in float.
AxisMap nearest_axis(int64_t in, int64_t out, std::optional<double> scale_factor) {
  AxisMap m(in);
  const float scale = scale_factor && *scale_factor > 0 ? static_cast<float>(1.0 / *scale_factor)
                                                        : static_cast<float>(in) / static_cast<float>(out);
  for (int64_t i = 0; i < out; ++i) {
    const int64_t src =
        out == in       ? i
        : out == 2 * in ? i >> 1
                        : std::min(static_cast<int64_t>(std::floor(static_cast<float>(i) * scale)), in - 1);
    m.add(src, 1);
    m.finish_output();
  }
  return m;
}

// area_pixel_compute_scale and area_pixel_compute_source_index in the tensor's type T, and
// the two taps of each output.
template <class T>
AxisMap linear_axis(int64_t in, int64_t out, bool align_corners, std::optional<double> scale_factor) {
  AxisMap m(in);
  const T scale = align_corners ? (out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0))
                  : scale_factor && *scale_factor > 0 ? static_cast<T>(1.0 / *scale_factor)
                                                      : static_cast<T>(in) / static_cast<T>(out);
  for (int64_t i = 0; i < out; ++i) {
    const T at = static_cast<T>(i);
    const T src = align_corners ? scale * at : std::max(scale * (at + T(0.5)) - T(0.5), T(0));
    const int64_t i0 = static_cast<int64_t>(src);
    const T lambda = src - static_cast<T>(i0);
    m.add(i0, T(1) - lambda);
    m.add(i0 + (i0 < in - 1 ? 1 : 0), lambda);
    m.finish_output();
  }
  return m;
}

}  // namespace

namespace functional {

Tensor interpolate(const Tensor& input, const InterpolateOptions& o) {
  const char* op = "interpolate";
  NABLA_CHECK(input.defined(), op, "undefined input tensor");
  NABLA_CHECK(input.is_floating_point(), op, "expected a floating-point input, got ", input.dtype());
  NABLA_CHECK(input.dim() == 4, op,
              "expected a 4D input [N, C, H, W] for nearest and bilinear, got input of shape ",
              input.shape());
  NABLA_CHECK(o.size.has_value() != o.scale_factor.has_value(), op,
              o.size ? "only one of size or scale_factor should be defined"
                     : "either size or scale_factor should be defined");
  const bool bilinear = o.mode == InterpolateMode::Bilinear;
  NABLA_CHECK(bilinear || !o.align_corners, op,
              "align_corners option can only be set with the interpolating modes: bilinear");
  int64_t in[2], out[2];
  std::optional<double> scale[2];
  for (int i = 0; i < 2; ++i) {
    in[i] = input.size(2 + i);
    if (o.scale_factor) {
      scale[i] = (*o.scale_factor)[i];
      NABLA_CHECK(*scale[i] > 0 && std::isfinite(*scale[i]), op,
                  "scale factors must be positive and finite, got ", *scale[i]);
      out[i] = static_cast<int64_t>(std::floor(static_cast<double>(in[i]) * *scale[i]));
    } else {
      out[i] = (*o.size)[i];
    }
  }
  NABLA_CHECK(in[0] > 0 && in[1] > 0 && out[0] > 0 && out[1] > 0, op,
              "input and output sizes should be greater than 0, but got input (H: ", in[0], ", W: ", in[1],
              ") output (H: ", out[0], ", W: ", out[1], ")");
  std::shared_ptr<const internal::PlaneMap> map;
  if (!bilinear) {
    map = std::make_shared<const internal::PlaneMap>(internal::PlaneMap{nearest_axis(in[0], out[0], scale[0]),
                                                                        nearest_axis(in[1], out[1], scale[1]),
                                                                        "UpsampleNearest2DBackward"});
  } else {
    const bool corners = o.align_corners.value_or(false);
    map = dispatch_floating(input.dtype(), op, [&](auto v) {
      using T = decltype(v);
      return std::make_shared<const internal::PlaneMap>(
          internal::PlaneMap{linear_axis<T>(in[0], out[0], corners, scale[0]),
                             linear_axis<T>(in[1], out[1], corners, scale[1]), "UpsampleBilinear2DBackward"});
    });
  }
  return internal::apply_plane_map(input, std::move(map));
}

}  // namespace functional
}  // namespace nabla::nn
