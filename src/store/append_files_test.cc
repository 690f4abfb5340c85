// Append files (append_files.h): both implementations behave alike; the data-directory one keeps
// files under <dir>/logs of the SQLite store, which its reset and Remove leave empty.
#include "store/append_files.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>

#include "store/store.h"
#include "testing/temp_dir.h"

namespace orgtrail::store {
namespace {

namespace fs = std::filesystem;

struct DiskFiles {
  TempDir tmp{"orgtrail-append"};
  std::unique_ptr<AppendFiles> Make() {
    auto r = OpenDiskAppendFiles(tmp.path() + "/logs");
    EXPECT_TRUE(r.ok());
    return std::move(r).value();
  }
};

struct MemoryFiles {
  std::unique_ptr<AppendFiles> Make() { return MakeMemoryAppendFiles(); }
};

template <typename T>
class AppendFilesTest : public ::testing::Test {
 protected:
  T maker_;
  std::unique_ptr<AppendFiles> files_ = maker_.Make();
};

using AppendFilesKinds = ::testing::Types<DiskFiles, MemoryFiles>;
TYPED_TEST_SUITE(AppendFilesTest, AppendFilesKinds);

TYPED_TEST(AppendFilesTest, WritesAtOffsetsAndReadsRanges) {
  AppendFiles& f = *this->files_;
  ASSERT_TRUE(f.Write("s-1", 0, "hello ").ok());
  ASSERT_TRUE(f.Write("s-1", 6, "world").ok());
  std::string out;
  ASSERT_TRUE(f.Read("s-1", 0, 11, out));
  EXPECT_EQ(out, "hello world");
  ASSERT_TRUE(f.Read("s-1", 6, 5, out));
  EXPECT_EQ(out, "world");
  ASSERT_TRUE(f.Read("s-1", 11, 0, out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(f.Read("s-1", 6, 6, out));  // past the end
  EXPECT_FALSE(f.Read("other", 0, 1, out));
  EXPECT_TRUE(f.Sync().ok());
}

TYPED_TEST(AppendFilesTest, AWriteAtTheCommittedEndReplacesBytesOfARolledBackOne) {
  AppendFiles& f = *this->files_;
  ASSERT_TRUE(f.Write("s-1", 0, "kept").ok());
  ASSERT_TRUE(f.Write("s-1", 4, "rolled back").ok());  // its transaction did not commit
  ASSERT_TRUE(f.Write("s-1", 4, "-next").ok());        // the next write at the committed end
  std::string out;
  ASSERT_TRUE(f.Read("s-1", 0, 9, out));
  EXPECT_EQ(out, "kept-next");
}

TYPED_TEST(AppendFilesTest, ReleaseZeroesARangeAndRemoveForgetsTheFile) {
  AppendFiles& f = *this->files_;
  std::string block(64 * 1024, 'x');
  ASSERT_TRUE(f.Write("s-2", 0, block).ok());
  ASSERT_TRUE(f.Write("s-2", block.size(), "tail").ok());
  f.Release("s-2", 0, block.size());
  std::string out;
  ASSERT_TRUE(f.Read("s-2", block.size(), 4, out));
  EXPECT_EQ(out, "tail");
  ASSERT_TRUE(f.Read("s-2", 0, 16, out));
  EXPECT_EQ(out, std::string(16, '\0'));
  f.Remove("s-2");
  EXPECT_FALSE(f.Read("s-2", block.size(), 4, out));
  f.Remove("s-2");  // missing: not an error
  ASSERT_TRUE(f.Write("s-2", 0, "again").ok());
  ASSERT_TRUE(f.Read("s-2", 0, 5, out));
  EXPECT_EQ(out, "again");
}

TYPED_TEST(AppendFilesTest, ViewsReadRangesInPlaceAsTheFileGrows) {
  AppendFiles& f = *this->files_;
  ASSERT_TRUE(f.Write("v-1", 0, "first").ok());
  AppendFileView view;
  ASSERT_TRUE(f.View("v-1", 1, 4, view));
  EXPECT_EQ(view.bytes, "irst");
  AppendFileView kept;  // a view made before the file grows stays valid, also once removed
  ASSERT_TRUE(f.View("v-1", 1, 4, kept));
  std::string more(100 * 1024, 'm');
  ASSERT_TRUE(f.Write("v-1", 5, more).ok());
  ASSERT_TRUE(f.View("v-1", 5 + more.size() - 3, 3, view));  // past the old mapping
  EXPECT_EQ(view.bytes, "mmm");
  EXPECT_FALSE(f.View("v-1", 5 + more.size() - 3, 4, view));  // past the end
  EXPECT_FALSE(f.View("none", 0, 1, view));
  f.Remove("v-1");
  EXPECT_EQ(kept.bytes, "irst");
}

TYPED_TEST(AppendFilesTest, ClearRemovesEveryFile) {
  AppendFiles& f = *this->files_;
  ASSERT_TRUE(f.Write("a", 0, "1").ok());
  ASSERT_TRUE(f.Write("b", 0, "2").ok());
  f.Clear();
  std::string out;
  EXPECT_FALSE(f.Read("a", 0, 1, out));
  EXPECT_FALSE(f.Read("b", 0, 1, out));
}

TYPED_TEST(AppendFilesTest, RefusesIdsThatAreNotNames) {
  AppendFiles& f = *this->files_;
  EXPECT_FALSE(f.Write("../x", 0, "1").ok());
  EXPECT_FALSE(f.Write("", 0, "1").ok());
}

// A write that fails (here at an offset past the largest file) leaves no file it created: a new
// stream's first batch that cannot be written leaves nothing behind. An existing file stays.
TYPED_TEST(AppendFilesTest, AFailedFirstWriteLeavesNoFile) {
  AppendFiles& f = *this->files_;
  const uint64_t too_far = uint64_t{1} << 63;
  EXPECT_FALSE(f.Write("new-1", too_far, "batch").ok());
  std::string out;
  EXPECT_FALSE(f.Read("new-1", 0, 0, out));
  if constexpr (std::is_same_v<TypeParam, DiskFiles>) {
    EXPECT_TRUE(fs::is_empty(fs::path(this->maker_.tmp.path()) / "logs"));
  }
  ASSERT_TRUE(f.Write("old-1", 0, "kept").ok());
  EXPECT_FALSE(f.Write("old-1", too_far, "batch").ok());
  ASSERT_TRUE(f.Read("old-1", 0, 4, out));
  EXPECT_EQ(out, "kept");
  // The id is free for the next first write.
  ASSERT_TRUE(f.Write("new-1", 0, "next").ok());
  ASSERT_TRUE(f.Read("new-1", 0, 4, out));
  EXPECT_EQ(out, "next");
  EXPECT_TRUE(f.Sync().ok());
}

TEST(SqliteAppendFilesTest, FilesLiveUnderLogsAndSurviveReopenUntilReset) {
  TempDir tmp("orgtrail-append-sqlite");
  {
    auto s = OpenSqliteStore(tmp.path());
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Files().Write("stream-1", 0, "events").ok());
  }
  EXPECT_TRUE(fs::exists(fs::path(tmp.path()) / "logs" / "stream-1"));
  auto s = OpenSqliteStore(tmp.path());
  ASSERT_TRUE(s.ok());
  std::string out;
  ASSERT_TRUE((*s)->Files().Read("stream-1", 0, 6, out));
  EXPECT_EQ(out, "events");
  ASSERT_TRUE((*s)->Clear().ok());
  EXPECT_TRUE(fs::is_empty(fs::path(tmp.path()) / "logs"));
}

// Bytes written before the transaction that refers to them commits survive SIGKILL right after
// it ends, with the row; a later write at the committed end replaces bytes written past it.
TEST(SqliteAppendFilesTest, BytesReferredToByACommittedRowSurviveKill9) {
  TempDir tmp("orgtrail-append-kill");
  { ASSERT_TRUE(OpenSqliteStore(tmp.path()).ok()); }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = OpenSqliteStore(tmp.path());
    if (!r.ok()) _exit(2);
    Store& s = **r;
    {
      auto txn = s.Begin();
      if (!s.Files().Write("stream-1", 0, "acknowledged").ok()) _exit(3);
      if (!s.Put("logs_streams", "k", "end=12").ok()) _exit(4);
    }
    if (!s.Files().Write("stream-1", 12, " and not committed").ok()) _exit(5);
    kill(getpid(), SIGKILL);
    _exit(6);  // not reached
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  auto s = OpenSqliteStore(tmp.path());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->Get("logs_streams", "k"), "end=12");
  std::string out;
  ASSERT_TRUE((*s)->Files().Read("stream-1", 0, 12, out));
  EXPECT_EQ(out, "acknowledged");
  ASSERT_TRUE((*s)->Files().Write("stream-1", 12, "!").ok());
  ASSERT_TRUE((*s)->Files().Read("stream-1", 0, 13, out));
  EXPECT_EQ(out, "acknowledged!");
}

}  // namespace
}  // namespace orgtrail::store
