// probe_cuda_device (cuda_engine_probe.hpp).
#include "cuda_engine_probe.hpp"

#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include "rnnconf/reference_cuda/device.hpp"

namespace rnnconf::cuda_engine {

namespace {

std::string cuda_version_text(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

std::string cuda_error_text(cudaError_t status) {
  return std::string(cudaGetErrorName(status)) + ", " + cudaGetErrorString(status);
}

}  // namespace

ProbeResult probe_cuda_device() {
  ProbeResult r;
  try {
    // The driver first: the CUDA runtime only says "insufficient driver" when it is absent.
    static_cast<void>(dlerror());
    void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!driver) {
      const char* err = dlerror();
      r.why = std::string("no NVIDIA driver: libcuda.so.1 cannot be loaded (") +
              (err ? err : "dlopen failed without a message") + ")";
      return r;
    }
    dlclose(driver);
    int driver_version = 0, runtime_version = 0;
    static_cast<void>(cudaRuntimeGetVersion(&runtime_version));
    const cudaError_t dv = cudaDriverGetVersion(&driver_version);
    if (dv != cudaSuccess) {
      static_cast<void>(cudaGetLastError());
      r.why = "NVIDIA driver found (libcuda.so.1) but unusable (cudaDriverGetVersion: " + cuda_error_text(dv) + ")";
      return r;
    }
    const std::string versions =
        "driver CUDA " + cuda_version_text(driver_version) + ", runtime CUDA " + cuda_version_text(runtime_version);
    if (driver_version < runtime_version) {
      r.why = "NVIDIA driver too old: it supports CUDA " + cuda_version_text(driver_version) +
              ", this module's runtime is CUDA " + cuda_version_text(runtime_version);
      return r;
    }
    std::string why;
    if (!cuda::device_present(why)) {
      r.why = why + "; " + versions;
      return r;
    }
    int dev = 0, major = 0, minor = 0;
    cudaError_t st = cudaGetDevice(&dev);
    if (st == cudaSuccess) st = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev);
    if (st == cudaSuccess) st = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, dev);
    if (st != cudaSuccess) {
      static_cast<void>(cudaGetLastError());
      r.why = "GPU present but its properties cannot be read (" + cuda_error_text(st) + "); " + versions;
      return r;
    }
    const std::string device = cuda::device_description();
    if (major < 9) {
      r.why = device + " is sm_" + std::to_string(major) + std::to_string(minor) +
              ": this module carries sm_90 code and compute_90 PTX only (a GPU of compute capability 9.0 or above)";
      return r;
    }
    r.detail = device + "; " + versions;
    r.usable = true;
  } catch (const std::exception& e) {
    r.usable = false;
    r.why = std::string("probing the GPU failed: ") + e.what();
  }
  return r;
}

}  // namespace rnnconf::cuda_engine
