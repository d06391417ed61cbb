#include "flatbuffer_reader.h"

#include <vector>

#include <gtest/gtest.h>

#include "testing/model_builder.h"

namespace hil::agent::engine::fb {
namespace {

namespace testing = hil::agent::engine::testing;
using testing::AddChild;
using testing::AddScalar;
using testing::FbNodeP;
using testing::Ints;
using testing::Serialize;
using testing::Tables;

TEST(FlatbufferReaderTest, ReadsScalarsVectorsAndSubtables) {
  FbNodeP child = testing::Table();
  AddScalar(child, 1, 4, 77);
  FbNodeP root = testing::Table();
  AddScalar(root, 0, 1, 0xAB);
  AddScalar(root, 2, 4, 0xFFFFFFFEu);  // -2
  AddChild(root, 3, Ints({5, 6, 7}));
  AddChild(root, 4, child);
  AddChild(root, 5, Tables({child, child}));
  const std::vector<uint8_t> b = Serialize(root);
  Blob blob{b.data(), b.size()};
  const Table t = Table::At(&blob, LoadU32(b.data()));
  ASSERT_TRUE(t.valid());
  bool bad = false;
  EXPECT_EQ(t.U8(0, 0, &bad), 0xAB);
  EXPECT_EQ(t.I32(1, 42, &bad), 42);  // absent: default
  EXPECT_EQ(t.I32(2, 0, &bad), -2);
  EXPECT_EQ(t.I32(9, 9, &bad), 9);    // beyond the vtable: default
  const Vector v = t.Vec(3, 4, &bad);
  ASSERT_TRUE(v.valid());
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.I32(2), 7);
  const Table c = t.SubTable(4, &bad);
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.I32(1, 0, &bad), 77);
  const Vector tv = t.Vec(5, 4, &bad);
  ASSERT_TRUE(tv.valid());
  EXPECT_EQ(Table::TableElem(&blob, tv, 1).I32(1, 0, &bad), 77);
  EXPECT_FALSE(Table::TableElem(&blob, tv, 2).valid());
  EXPECT_FALSE(bad);
}

TEST(FlatbufferReaderTest, RejectsOutOfBounds) {
  FbNodeP root = testing::Table();
  AddChild(root, 0, Ints({1, 2, 3, 4}));
  std::vector<uint8_t> b = Serialize(root, false);
  const uint32_t root_pos = LoadU32(b.data());
  Blob blob{b.data(), b.size()};
  EXPECT_FALSE(Table::At(&blob, b.size()).valid());
  EXPECT_FALSE(Table::At(&blob, b.size() - 3).valid());
  EXPECT_FALSE(Table::At(nullptr, 0).valid());
  // A vector whose count runs past the end.
  const uint32_t vec_pos = static_cast<uint32_t>(b.size()) - 20;
  ASSERT_EQ(LoadU32(b.data() + vec_pos), 4u);
  b[vec_pos] = 5;
  bool bad = false;
  const Table t = Table::At(&blob, root_pos);
  ASSERT_TRUE(t.valid());
  EXPECT_FALSE(t.Vec(0, 4, &bad).valid());
  EXPECT_TRUE(bad);
  // Count whose byte size overflows 32 bits.
  b[vec_pos] = 0xFF; b[vec_pos + 1] = 0xFF; b[vec_pos + 2] = 0xFF; b[vec_pos + 3] = 0x7F;
  bad = false;
  EXPECT_FALSE(t.Vec(0, 8, &bad).valid());
  EXPECT_TRUE(bad);
  EXPECT_FALSE(VectorAt(&blob, static_cast<uint64_t>(b.size()) + 100, 1).valid());
}

}  // namespace
}  // namespace hil::agent::engine::fb
