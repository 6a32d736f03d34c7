// Tests for rnnconf::Tensor: dtype names, shape caps, indexing, reshape, cast
// and bitwise equality.
#include "rnnconf/core/tensor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace rnnconf {
namespace {

// Runs f, expects an rnnconf::Error and returns its message.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected rnnconf::Error";
  return {};
}

TEST(DType, NamesRoundTrip) {
  for (DType t : {DType::f32, DType::f64, DType::i64, DType::boolean})
    EXPECT_EQ(dtype_from_name(dtype_name(t)), t);
  EXPECT_EQ(dtype_name(DType::boolean), "bool");
  EXPECT_EQ(dtype_size(DType::f32), 4u);
  EXPECT_EQ(dtype_size(DType::f64), 8u);
  EXPECT_EQ(dtype_size(DType::i64), 8u);
  EXPECT_EQ(dtype_size(DType::boolean), 1u);
}

TEST(DType, UnknownNameIsRefused) {
  const std::string msg = error_of([] { dtype_from_name("float32"); });
  EXPECT_NE(msg.find("'float32'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("f32, f64, i64, bool"), std::string::npos) << msg;
}

TEST(Shape, VolumeAndString) {
  EXPECT_EQ(shape_volume({}), 1);
  EXPECT_EQ(shape_volume({2, 3, 4}), 24);
  EXPECT_EQ(shape_volume({2, 0, 4}), 0);
  EXPECT_EQ(shape_volume({kMaxElements}), kMaxElements);
  EXPECT_EQ(shape_str({}), "[]");
  EXPECT_EQ(shape_str({2, 3, 4}), "[2, 3, 4]");
}

TEST(Shape, NegativeExtentIsRefused) {
  const std::string msg = error_of([] { shape_volume({2, -1, 3}); });
  EXPECT_NE(msg.find("negative extent -1 on axis 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, -1, 3]"), std::string::npos) << msg;
}

TEST(Shape, CapAndOverflowAreRefused) {
  EXPECT_NE(error_of([] { shape_volume({kMaxElements + 1}); }).find("exceeds the cap"), std::string::npos);
  EXPECT_NE(error_of([] {
              shape_volume({int64_t{1} << 16, int64_t{1} << 16});
            }).find("exceeds the cap"),
            std::string::npos);
  // A product that would wrap int64 is caught before it is formed.
  const int64_t big = std::numeric_limits<int64_t>::max() / 2;
  EXPECT_NE(error_of([&] { shape_volume({big, big, big}); }).find("exceeds the cap"), std::string::npos);
  // A zero extent does not excuse absurd extents elsewhere.
  EXPECT_NE(error_of([&] { shape_volume({0, big, big}); }).find("exceeds the cap"), std::string::npos);
}

TEST(Tensor, ConstructedZeroFilled) {
  Tensor t(DType::f64, {2, 3});
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.nbytes(), 48u);
  EXPECT_EQ(t.rank(), 2);
  EXPECT_FALSE(t.empty());
  for (double v : t.span<const double>()) EXPECT_EQ(v, 0.0);
  Tensor scalar(DType::i64, {});
  EXPECT_EQ(scalar.numel(), 1);
  EXPECT_EQ(scalar.at<int64_t>({}), 0);
  Tensor none(DType::f32, {3, 0});
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.nbytes(), 0u);
}

TEST(Tensor, AbsurdShapeIsRefusedBeforeAllocating) {
  EXPECT_THROW(Tensor(DType::f32, {int64_t{1} << 40}), Error);
  EXPECT_THROW(Tensor(DType::f32, {-3}), Error);
}

TEST(Tensor, FromAndAt) {
  Tensor t = Tensor::from<float>({2, 3}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(t.at<float>({1, 2}), 5.0f);
  EXPECT_EQ(t.at<float>({0, 1}), 1.0f);
  t.at<float>({1, 0}) = 9.0f;
  EXPECT_EQ(t.span<const float>()[3], 9.0f);
  EXPECT_EQ(t.operator[]<float>(4), 4.0f);
  EXPECT_THROW(Tensor::from<float>({2, 2}, {1, 2, 3}), Error);
}

TEST(Tensor, DimIsChecked) {
  Tensor t(DType::f32, {4, 5});
  EXPECT_EQ(t.dim(1), 5);
  const std::string msg = error_of([&] { (void)t.dim(2); });
  EXPECT_NE(msg.find("axis 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[4, 5]"), std::string::npos) << msg;
  EXPECT_THROW((void)t.dim(-1), Error);
}

TEST(Tensor, OffsetOfNamesIndexAndShape) {
  Tensor t(DType::f32, {2, 3, 4});
  const int64_t idx[] = {1, 2, 3};
  EXPECT_EQ(t.offset_of(idx), 23);
  const int64_t bad[] = {1, 3, 0};
  std::string msg = error_of([&] { (void)t.offset_of(bad); });
  EXPECT_NE(msg.find("[1, 3, 0]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 3, 4]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("axis 1"), std::string::npos) << msg;
  const int64_t neg[] = {0, -1, 0};
  EXPECT_THROW((void)t.offset_of(neg), Error);
  const int64_t short_index[] = {1, 1};
  msg = error_of([&] { (void)t.offset_of(short_index); });
  EXPECT_NE(msg.find("rank 3"), std::string::npos) << msg;
}

TEST(Tensor, TypedAccessChecksDType) {
  Tensor t(DType::f32, {2});
  const std::string msg = error_of([&] { (void)t.span<double>(); });
  EXPECT_NE(msg.find("f32"), std::string::npos) << msg;
  EXPECT_NE(msg.find("f64"), std::string::npos) << msg;
  const Tensor& ct = t;
  EXPECT_THROW((void)ct.span<const int64_t>(), Error);
  EXPECT_THROW((void)ct.data<bool>(), Error);
}

TEST(Tensor, Reshaped) {
  Tensor t = Tensor::from<int64_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor r = t.reshaped({3, 2});
  EXPECT_EQ(r.shape(), (Shape{3, 2}));
  EXPECT_EQ(r.at<int64_t>({2, 1}), 6);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));  // original untouched
  const std::string msg = error_of([&] { (void)t.reshaped({4, 2}); });
  EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[4, 2]"), std::string::npos) << msg;
  EXPECT_THROW((void)t.reshaped({-2, -3}), Error);
}

TEST(Tensor, CastBetweenAllDTypes) {
  Tensor f = Tensor::from<float>({4}, {1.5f, -2.75f, 0.0f, 3.0f});
  Tensor d = f.cast(DType::f64);
  EXPECT_EQ(d.dtype(), DType::f64);
  EXPECT_EQ(d.at<double>({1}), -2.75);
  EXPECT_EQ(d.cast(DType::f32), f);  // exact round trip
  Tensor i = f.cast(DType::i64);
  EXPECT_EQ(i.at<int64_t>({0}), 1);  // truncation toward zero
  EXPECT_EQ(i.at<int64_t>({1}), -2);
  Tensor b = f.cast(DType::boolean);
  EXPECT_TRUE(b.at<bool>({0}));
  EXPECT_FALSE(b.at<bool>({2}));
  EXPECT_EQ(b.cast(DType::f32).at<float>({3}), 1.0f);
  EXPECT_EQ(b.cast(DType::i64).at<int64_t>({2}), 0);
  Tensor big = Tensor::from<int64_t>({1}, {(int64_t{1} << 53) + 1});
  EXPECT_EQ(big.cast(DType::f64).at<double>({0}), 9007199254740992.0);  // nearest double
  EXPECT_EQ(f.cast(DType::f32), f);
}

TEST(Tensor, CastToI64RefusesUnrepresentable) {
  Tensor nan = Tensor::from<double>({2}, {1.0, std::nan("")});
  std::string msg = error_of([&] { (void)nan.cast(DType::i64); });
  EXPECT_NE(msg.find("element 1"), std::string::npos) << msg;
  Tensor huge = Tensor::from<float>({1}, {1e30f});
  EXPECT_THROW((void)huge.cast(DType::i64), Error);
  Tensor nan_f = Tensor::from<float>({1}, {std::nanf("")});
  EXPECT_TRUE(nan_f.cast(DType::boolean).at<bool>({0}));  // NaN is non-zero
}

TEST(Tensor, EqualityIsBitwise) {
  Tensor a = Tensor::from<float>({2}, {0.0f, 1.0f});
  Tensor b = Tensor::from<float>({2}, {-0.0f, 1.0f});
  EXPECT_FALSE(a == b);  // +0 and -0 differ bitwise
  Tensor n1 = Tensor::from<float>({1}, {std::nanf("")});
  EXPECT_TRUE(n1 == n1);  // the same NaN bits are equal
  EXPECT_FALSE(a == a.reshaped({1, 2}));
  EXPECT_FALSE(a == a.cast(DType::f64));
  EXPECT_TRUE(a == Tensor::from<float>({2}, {0.0f, 1.0f}));
}

}  // namespace
}  // namespace rnnconf
