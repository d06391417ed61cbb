// ReadRegularFile: the one way the tool reads a file a user names.
#include "hil/core/file.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hil {
namespace {

using ::testing::HasSubstr;

class ReadRegularFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_file_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(ReadRegularFileTest, ReadsAWholeFileUpToTheLimit) {
  const auto p = Write("a.bin", std::string("ab\0cd", 5));
  auto r = ReadRegularFile(p, 5);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, std::string("ab\0cd", 5));
  auto empty = ReadRegularFile(Write("e.bin", ""), 0);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST_F(ReadRegularFileTest, RefusesABiggerFileBeforeReadingIt) {
  const auto p = Write("big.bin", std::string(100, 'x'));
  auto r = ReadRegularFile(p, 99);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Status::kTooLarge);
  EXPECT_EQ(r.error().message, p + ": 100 bytes, more than the 99 bytes accepted");
}

TEST_F(ReadRegularFileTest, NamesWhatIsNotARegularFile) {
  auto missing = ReadRegularFile((dir_ / "nothere").string(), 10);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Status::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("nothere: cannot open (No such file or directory)"));

  auto dir = ReadRegularFile(dir_.string(), 10);
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().message, dir_.string() + ": is a directory, not a file");

  // /dev/zero would never end; a FIFO without a writer would block forever on open.
  auto zero = ReadRegularFile("/dev/zero", 1 << 20);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "/dev/zero: is a character device, not a regular file");
  const auto fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto f = ReadRegularFile(fifo, 10);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message, fifo + ": is a FIFO, not a regular file");

  const auto sock_path = (dir_ / "sock").string();
  const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock_path.c_str());
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto sock = ReadRegularFile(sock_path, 10);
  ::close(s);
  ASSERT_FALSE(sock);
  EXPECT_THAT(sock.error().message, HasSubstr(sock_path + ": cannot open"));  // open() on a socket: ENXIO

  auto none = ReadRegularFile("", 10);
  ASSERT_FALSE(none);
}

TEST_F(ReadRegularFileTest, FollowsSymlinksToRegularFilesOnly) {
  const auto target = Write("t.txt", "hello");
  const auto link = (dir_ / "link").string();
  std::filesystem::create_symlink(target, link);
  auto r = ReadRegularFile(link, 10);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "hello");
  const auto to_dev = (dir_ / "to_dev").string();
  std::filesystem::create_symlink("/dev/zero", to_dev);
  auto z = ReadRegularFile(to_dev, 10);
  ASSERT_FALSE(z);
  EXPECT_THAT(z.error().message, HasSubstr("is a character device"));
}

}  // namespace
}  // namespace hil
