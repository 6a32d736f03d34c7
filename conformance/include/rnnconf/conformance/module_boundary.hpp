// Both sides of the module boundary (module_abi.h), header-only so that a
// module needs nothing of rnnconf_conformance: Tensors as C views and back,
// and, on the module side, every exception turned into a sink message
// (UNSUPPORTED ops keep their kind, op and location).
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "rnnconf/conformance/module_abi.h"
#include "rnnconf/core/error.hpp"
#include "rnnconf/core/memory_budget.hpp"
#include "rnnconf/core/tensor.hpp"

namespace rnnconf::conformance {

inline rnnconf_tensor_view view_of(const std::string& name, const Tensor& t) {
  return rnnconf_tensor_view{name.c_str(), static_cast<int32_t>(t.dtype()), static_cast<int32_t>(t.rank()),
                             t.shape().data(), t.bytes()};
}

// Views of every tensor of `tensors`, valid while `tensors` lives unchanged.
inline std::vector<rnnconf_tensor_view> views_of(const std::map<std::string, Tensor>& tensors) {
  std::vector<rnnconf_tensor_view> out;
  out.reserve(tensors.size());
  for (const auto& [name, t] : tensors) out.push_back(view_of(name, t));
  return out;
}

// A copy of the viewed tensor (charged to this side's memory budget).
inline Tensor tensor_from_view(const rnnconf_tensor_view& v) {
  if (v.dtype < RNNCONF_F32 || v.dtype > RNNCONF_BOOL)
    throw Error("module boundary: tensor '" + std::string(v.name ? v.name : "?") + "' has unknown dtype code " +
                std::to_string(v.dtype));
  if (v.rank < 0 || (v.rank > 0 && !v.shape))
    throw Error("module boundary: tensor '" + std::string(v.name ? v.name : "?") + "' has a bad shape");
  Tensor t(static_cast<DType>(v.dtype), Shape(v.shape, v.shape + v.rank));
  if (t.nbytes() > 0) {
    if (!v.data) throw Error("module boundary: tensor '" + std::string(v.name ? v.name : "?") + "' has no data");
    const auto* src = static_cast<const std::byte*>(v.data);
    std::copy(src, src + t.nbytes(), t.bytes());
  }
  return t;
}

inline std::map<std::string, Tensor> tensors_from_views(const rnnconf_tensor_view* views, size_t count) {
  std::map<std::string, Tensor> out;
  for (size_t i = 0; i < count; ++i) out.insert_or_assign(views[i].name ? views[i].name : "", tensor_from_view(views[i]));
  return out;
}

// UnsupportedOpError across the boundary (message kind RNNCONF_MSG_UNSUPPORTED_OP):
// "op\nfile\nline\ncolumn\ndetail", so the host rebuilds the same error.
inline std::string encode_unsupported_op(const UnsupportedOpError& e) {
  return e.op() + "\n" + e.where().file + "\n" + std::to_string(e.where().line) + "\n" +
         std::to_string(e.where().column) + "\n" + e.detail();
}

inline UnsupportedOpError decode_unsupported_op(const std::string& text) {
  std::vector<std::string> f;
  size_t start = 0;
  while (f.size() < 4) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string::npos) break;
    f.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (f.size() < 4) return UnsupportedOpError(text, SourceLocation{});
  auto number = [](const std::string& s) {
    int v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return 0;
      v = v * 10 + (ch - '0');
    }
    return v;
  };
  return UnsupportedOpError(f[0], SourceLocation::at_line(f[1], number(f[2]), number(f[3])), text.substr(start));
}

// Module side: runs `body` and returns 0, or reports the exception that left
// it (MemoryBudgetError, rnnconf::Error, any other) through the sink and
// returns 1. Nothing is thrown across the boundary.
template <class Body>
int32_t guarded_call(const rnnconf_module_sink* sink, Body&& body) noexcept {
  auto report = [sink](int32_t kind, const char* text) noexcept {
    if (sink && sink->message) sink->message(sink->context, kind, text);
  };
  try {
    body();
    return 0;
  } catch (const MemoryBudgetError& e) {
    report(RNNCONF_MSG_MEMORY_BUDGET, e.what());
  } catch (const UnsupportedOpError& e) {
    try {
      report(RNNCONF_MSG_UNSUPPORTED_OP, encode_unsupported_op(e).c_str());
    } catch (...) {
      report(RNNCONF_MSG_ERROR, e.what());
    }
  } catch (const std::exception& e) {
    report(RNNCONF_MSG_ERROR, e.what());
  } catch (...) {
    report(RNNCONF_MSG_ERROR, "unknown exception inside the module");
  }
  return 1;
}

}  // namespace rnnconf::conformance
