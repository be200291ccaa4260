#pragma once
#include <cstddef>
#include <cstdint>
#include <ostream>

namespace nabla {

// Element types. Float32 is the default; Float64 serves gradient checks and precise
// work; Int64 holds indices; Bool holds masks (one byte per element).
enum class DType : uint8_t { Float32, Float64, Int64, Bool };

inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;
inline constexpr DType kInt64 = DType::Int64;
inline constexpr DType kBool = DType::Bool;

constexpr size_t element_size(DType t) {
  switch (t) {
    case DType::Float32: return 4;
    case DType::Float64: return 8;
    case DType::Int64: return 8;
    case DType::Bool: return 1;
  }
  return 0;
}

constexpr bool is_floating(DType t) { return t == DType::Float32 || t == DType::Float64; }

constexpr const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int64: return "int64";
    case DType::Bool: return "bool";
  }
  return "?";
}

inline std::ostream& operator<<(std::ostream& os, DType t) { return os << dtype_name(t); }

// PyTorch's promotion between two tensor operands: bool < int64 < float32 < float64
// (not the enumerators' order).
constexpr int promotion_rank(DType t) {
  switch (t) {
    case DType::Bool: return 0;
    case DType::Int64: return 1;
    case DType::Float32: return 2;
    case DType::Float64: return 3;
  }
  return 0;
}
constexpr DType promote_types(DType a, DType b) { return promotion_rank(a) >= promotion_rank(b) ? a : b; }

// Whether a value of dtype `from` may be stored into a `to` tensor by an in-place op
// (PyTorch's can_cast: floating never into integral, nothing but bool into bool).
constexpr bool can_cast(DType from, DType to) {
  if (is_floating(from)) return is_floating(to);
  return from == DType::Bool || to != DType::Bool;
}

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<double>() { return DType::Float64; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }

[[noreturn]] void throw_not_floating(const char* op, DType t);

// Calls f(T{}) with T the C++ type of `t`.
template <class F>
decltype(auto) dispatch(DType t, F&& f) {
  switch (t) {
    case DType::Float32: return f(float{});
    case DType::Float64: return f(double{});
    case DType::Int64: return f(int64_t{});
    case DType::Bool: return f(bool{});
  }
  return f(float{});
}

// Like dispatch, for the floating dtypes only; other dtypes throw naming `op`.
template <class F>
decltype(auto) dispatch_floating(DType t, const char* op, F&& f) {
  if (t == DType::Float64) return f(double{});
  if (t != DType::Float32) throw_not_floating(op, t);
  return f(float{});
}

}  // namespace nabla
