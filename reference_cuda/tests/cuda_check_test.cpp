// The error macros (file, line, call, error name and text in the message) and
// device_present's answer. These run without a GPU: the error strings come
// from the runtime and cuBLAS libraries, not from a device.
#include <gtest/gtest.h>

#include <string>

#include "rnnconf/reference_cuda/cuda_check.hpp"
#include "rnnconf/reference_cuda/device.hpp"

namespace rnnconf::cuda {
namespace {

cudaError_t failing_cuda_call() { return cudaErrorInvalidValue; }
cublasStatus_t failing_cublas_call() { return CUBLAS_STATUS_NOT_INITIALIZED; }

std::string message_of(void (*f)()) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(CudaCheck, CudaErrorNamesFileLineCallAndError) {
  const std::string m = message_of([] { RNNCONF_CUDA_CHECK(failing_cuda_call()); });
  EXPECT_NE(m.find("cuda_check_test.cpp:"), std::string::npos) << m;
  EXPECT_NE(m.find("failing_cuda_call()"), std::string::npos) << m;
  EXPECT_NE(m.find("cudaErrorInvalidValue"), std::string::npos) << m;
}

TEST(CudaCheck, CublasErrorNamesFileLineCallAndStatus) {
  const std::string m = message_of([] { RNNCONF_CUBLAS_CHECK(failing_cublas_call()); });
  EXPECT_NE(m.find("cuda_check_test.cpp:"), std::string::npos) << m;
  EXPECT_NE(m.find("failing_cublas_call()"), std::string::npos) << m;
  EXPECT_NE(m.find("CUBLAS_STATUS_NOT_INITIALIZED"), std::string::npos) << m;
}

TEST(CudaCheck, SuccessDoesNotThrow) {
  EXPECT_NO_THROW(RNNCONF_CUDA_CHECK(cudaSuccess));
  EXPECT_NO_THROW(RNNCONF_CUBLAS_CHECK(CUBLAS_STATUS_SUCCESS));
}

TEST(DevicePresent, AnswersWithAReasonWhenAbsent) {
  std::string why;
  const bool present = device_present(why);
  if (present) {
    EXPECT_FALSE(device_description().empty());
  } else {
    EXPECT_NE(why.find("no GPU present"), std::string::npos) << why;
    EXPECT_NE(why.find("cudaGetDeviceCount"), std::string::npos) << why;
  }
}

}  // namespace
}  // namespace rnnconf::cuda
