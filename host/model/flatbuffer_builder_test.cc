#include "hil/model/flatbuffer_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "hil/model/flatbuffer_reader.h"

namespace hil::model {
namespace {

uint32_t U32At(const std::vector<uint8_t>& b, size_t at) {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

TEST(FlatBufferBuilder, EmptyTableHasRootIdentifierAndVtable) {
  FlatBufferBuilder b;
  b.StartTable();
  FlatOffset root = b.EndTable();
  std::vector<uint8_t> buf = b.Finish(root, "TEST");
  ASSERT_GE(buf.size(), 8u + 4u + 4u);
  EXPECT_EQ(buf.size() % 4, 0u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf.data() + 4), 4), "TEST");
  FlatTable t = RootTable(buf);
  EXPECT_FALSE(t.Has(0));
  EXPECT_EQ(t.Scalar<int32_t>(0, 42), 42);
}

TEST(FlatBufferBuilder, ScalarsStringsVectorsAndNestedTablesRoundTrip) {
  FlatBufferBuilder b;
  FlatOffset name = b.CreateString("hello");
  FlatOffset ints = b.CreateVector(std::vector<int32_t>{1, -2, 300000});
  FlatOffset longs = b.CreateVector(std::vector<int64_t>{-1, int64_t{1} << 40});
  FlatOffset floats = b.CreateVector(std::vector<float>{0.5f, -3.25f});
  std::vector<uint8_t> blob(37);
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<uint8_t>(i * 7);
  FlatOffset bytes = b.CreateByteVector(blob, 16);
  b.StartTable();
  b.AddInt8(0, -5, 0);
  FlatOffset child = b.EndTable();
  FlatOffset children = b.CreateOffsetVector(std::vector<FlatOffset>{child, child});
  b.StartTable();
  b.AddOffset(0, name);
  b.AddInt8(1, -7, 0);
  b.AddUint32(2, 0xdeadbeef, 0);
  b.AddInt32(3, 5, 5);  // default: omitted
  b.AddFloat(4, 1.5f, 0.0f);
  b.AddInt64(5, -(int64_t{1} << 50), 0);
  b.AddOffset(6, ints);
  b.AddOffset(7, longs);
  b.AddOffset(8, floats);
  b.AddOffset(9, bytes);
  b.AddOffset(10, child);
  b.AddOffset(11, children);
  b.AddBool(12, true, false);
  b.AddInt16(13, -300, 0);
  b.AddUint8(14, 200, 0);
  FlatOffset root = b.EndTable();
  std::vector<uint8_t> buf = b.Finish(root, "ABCD");

  FlatTable t = RootTable(buf);
  EXPECT_EQ(FileIdentifier(buf), "ABCD");
  EXPECT_EQ(t.String(0), "hello");
  EXPECT_EQ(t.Scalar<int8_t>(1, 0), -7);
  EXPECT_EQ(t.Scalar<uint32_t>(2, 0), 0xdeadbeefu);
  EXPECT_FALSE(t.Has(3));
  EXPECT_EQ(t.Scalar<int32_t>(3, 5), 5);
  EXPECT_EQ(t.Scalar<float>(4, 0), 1.5f);
  EXPECT_EQ(t.Scalar<int64_t>(5, 0), -(int64_t{1} << 50));
  EXPECT_EQ(t.Vector<int32_t>(6).value(), (std::vector<int32_t>{1, -2, 300000}));
  EXPECT_EQ(t.Vector<int64_t>(7).value(), (std::vector<int64_t>{-1, int64_t{1} << 40}));
  EXPECT_EQ(t.Vector<float>(8).value(), (std::vector<float>{0.5f, -3.25f}));
  auto got = t.Bytes(9).value();
  EXPECT_EQ(std::vector<uint8_t>(got.begin(), got.end()), blob);
  EXPECT_EQ((got.data() - buf.data()) % 16, 0) << "force_align 16 not honoured";
  EXPECT_EQ(t.Table(10)->Scalar<int8_t>(0, 0), -5);
  auto kids = t.TableVector(11);
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(kids[1].Scalar<int8_t>(0, 0), -5);
  EXPECT_EQ(t.Scalar<uint8_t>(12, 0), 1);
  EXPECT_EQ(t.Scalar<int16_t>(13, 0), -300);
  EXPECT_EQ(t.Scalar<uint8_t>(14, 0), 200);
  EXPECT_FALSE(t.Has(40));
}

TEST(FlatBufferBuilder, AlignsEveryScalarAndVectorAbsolutely) {
  FlatBufferBuilder b;
  FlatOffset s = b.CreateString("abc");  // 3 bytes + NUL: leaves odd sizes behind
  FlatOffset longs = b.CreateVector(std::vector<int64_t>{7});
  FlatOffset bytes = b.CreateByteVector(std::vector<uint8_t>{1, 2, 3}, 16);
  b.StartTable();
  b.AddUint8(0, 1, 0);
  b.AddInt64(1, 9, 0);
  b.AddOffset(2, s);
  b.AddOffset(3, longs);
  b.AddOffset(4, bytes);
  FlatOffset root = b.EndTable();
  std::vector<uint8_t> buf = b.Finish(root, "");
  FlatTable t = RootTable(buf);
  EXPECT_EQ(t.FieldPos(1) % 8, 0u);
  EXPECT_EQ(t.Scalar<int64_t>(1, 0), 9);
  const uint32_t vec = t.FieldPos(3) + U32At(buf, t.FieldPos(3));
  EXPECT_EQ((vec + 4) % 8, 0u);
  EXPECT_EQ(t.Vector<int64_t>(3).value(), std::vector<int64_t>{7});
  EXPECT_EQ((t.Bytes(4)->data() - buf.data()) % 16, 0);
  EXPECT_EQ(buf.size() % 16, 0u);
}

TEST(FlatBufferBuilder, IdenticalLayoutsShareOneVtable) {
  // Two int32 fields: 8-byte vtables keep the tables' sizes free of alignment padding, which (as in
  // flatc) is part of a table's size and would make otherwise equal layouts differ.
  FlatBufferBuilder b;
  b.StartTable();
  b.AddInt32(0, 1, 0);
  b.AddInt32(1, 10, 0);
  FlatOffset first = b.EndTable();
  b.StartTable();
  b.AddInt32(0, 2, 0);
  b.AddInt32(1, 20, 0);
  FlatOffset second = b.EndTable();
  b.StartTable();
  b.AddInt16(0, 3, 0);  // different layout: its own vtable
  FlatOffset third = b.EndTable();
  FlatOffset list = b.CreateOffsetVector(std::vector<FlatOffset>{first, second, third});
  b.StartTable();
  b.AddOffset(0, list);
  std::vector<uint8_t> buf = b.Finish(b.EndTable(), "");
  auto tables = RootTable(buf).TableVector(0);
  ASSERT_EQ(tables.size(), 3u);
  auto soffset = [&](const FlatTable& t) { return static_cast<int32_t>(U32At(buf, t.position())); };
  EXPECT_GT(soffset(tables[0]), 0);
  EXPECT_LT(soffset(tables[1]), 0) << "second table should point back to the first one's vtable";
  EXPECT_EQ(tables[0].position() - soffset(tables[0]), tables[1].position() - soffset(tables[1]));
  EXPECT_GT(soffset(tables[2]), 0);
  EXPECT_EQ(tables[0].Scalar<int32_t>(0, 0), 1);
  EXPECT_EQ(tables[1].Scalar<int32_t>(0, 0), 2);
  EXPECT_EQ(tables[2].Scalar<int16_t>(0, 0), 3);
}

TEST(FlatBufferBuilder, GrowsPastItsInitialCapacity) {
  FlatBufferBuilder b;
  std::vector<uint8_t> big(1 << 20, 0xab);
  FlatOffset v = b.CreateByteVector(big, 16);
  b.StartTable();
  b.AddOffset(0, v);
  std::vector<uint8_t> buf = b.Finish(b.EndTable(), "BIG1");
  auto got = RootTable(buf).Bytes(0).value();
  EXPECT_EQ(got.size(), big.size());
  EXPECT_TRUE(std::equal(got.begin(), got.end(), big.begin()));
}

TEST(FlatBufferBuilder, MisuseThrowsInsideTheModule) {
  FlatBufferBuilder b;
  EXPECT_THROW(b.AddInt32(0, 1, 0), std::logic_error);
  b.StartTable();
  EXPECT_THROW(b.StartTable(), std::logic_error);
  EXPECT_THROW(b.CreateString("x"), std::logic_error);
  b.AddInt32(0, 1, 0);
  EXPECT_THROW(b.AddInt32(0, 2, 0), std::logic_error);
}

TEST(FlatTable, RejectsTruncatedAndCorruptBuffers) {
  FlatBufferBuilder b;
  FlatOffset s = b.CreateString("a string");
  b.StartTable();
  b.AddOffset(0, s);
  std::vector<uint8_t> buf = b.Finish(b.EndTable(), "TEST");
  EXPECT_THROW(RootTable(std::span<const uint8_t>(buf.data(), 4)), FlatError);
  for (size_t cut = 8; cut < buf.size(); ++cut) {
    std::span<const uint8_t> part(buf.data(), cut);
    try {
      (void)RootTable(part).String(0);
    } catch (const FlatError&) {
    }
  }
  std::vector<uint8_t> bad = buf;
  bad[0] = 0xff;  // root offset far outside
  EXPECT_THROW(RootTable(bad), FlatError);
}

}  // namespace
}  // namespace hil::model
