// Internal: which x86 vector ISA the running CPU offers, and the function
// attributes that compile one copy of a kernel loop for it. The library
// itself is built for the baseline ISA; hot float loops get AVX2 and AVX-512
// copies chosen at run time (no -march flags, so the library runs anywhere).
// RNNCONF_CPU_ISA=avx2|baseline forces a narrower copy (cpu_isa.hpp).
#pragma once

#include "rnnconf/reference_cpu/cpu_isa.hpp"

namespace rnnconf::cpu::detail {

// The dispatchers' name for cpu_isa.hpp's CpuIsa.
using Isa = CpuIsa;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RNNCONF_HAVE_ISA_CLONES 1
#define RNNCONF_TARGET_AVX2 __attribute__((target("avx2,fma")))
#if defined(__clang__)
#define RNNCONF_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")))
#else  // GCC would otherwise vectorize AVX-512 code with 256-bit registers
#define RNNCONF_TARGET_AVX512 \
  __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,prefer-vector-width=512")))
#endif
#else
#define RNNCONF_HAVE_ISA_CLONES 0
#endif

// The CPU's best path unless RNNCONF_CPU_ISA forces a narrower one.
inline Isa running_isa() { return cpu_isa_in_use(); }

// Before a gate loop: its iterations are independent (GCC's vectorizer cannot
// always prove it through the many inlined activation temporaries; clang
// vectorizes these loops unaided and warns when a forced hint cannot apply,
// as in the double copies that call libm).
#if defined(__GNUC__) && !defined(__clang__)
#define RNNCONF_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#else
#define RNNCONF_INDEPENDENT_ITERATIONS
#endif

#if defined(__GNUC__) || defined(__clang__)
#define RNNCONF_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define RNNCONF_ALWAYS_INLINE inline
#endif

}  // namespace rnnconf::cpu::detail
