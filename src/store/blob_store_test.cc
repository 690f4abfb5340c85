// Blobs of the SQLite store: small ones are rows of its `blobs` table, written in the caller's
// transaction; large ones are files; both kinds read, concatenate, remove and survive kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/store.h"
#include "testing/temp_dir.h"

namespace orgtrail::store {
namespace {

namespace fs = std::filesystem;

class BlobStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open() {
    auto r = OpenSqliteStore(dir_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : nullptr;
  }

  bool HasFile(const std::string& id) const {
    return fs::exists(fs::path(dir_) / "objects" / id.substr(0, 2) / id);
  }
  bool HasComposite(const std::string& id) const {
    return fs::exists(fs::path(dir_) / "objects" / id.substr(0, 2) / (id + ".parts") / "manifest");
  }

  TempDir tmp_{"orgtrail-blobs"};
  std::string dir_ = tmp_.path();
};

const std::string kSmall(1024, 's');
const std::string kLarge(kInlineBlobMax + 1, 'L');

TEST_F(BlobStoreTest, SmallBlobsAreRowsLargeOnesFiles) {
  auto s = Open();
  ASSERT_TRUE(s->Blobs().Put("small-1", kSmall).ok());
  ASSERT_TRUE(s->Blobs().Put("edge-1", std::string(kInlineBlobMax, 'e')).ok());
  ASSERT_TRUE(s->Blobs().Put("large-1", kLarge).ok());
  ASSERT_TRUE(s->Blobs().Put("empty-1", "").ok());
  EXPECT_FALSE(HasFile("small-1"));
  EXPECT_FALSE(HasFile("edge-1"));
  EXPECT_FALSE(HasFile("empty-1"));
  EXPECT_TRUE(HasFile("large-1"));
  EXPECT_EQ(s->Blobs().FilePath("small-1"), std::nullopt);
  EXPECT_NE(s->Blobs().FilePath("large-1"), std::nullopt);
  EXPECT_EQ(s->Blobs().Read("small-1"), kSmall);
  EXPECT_EQ(s->Blobs().Read("empty-1"), "");
  EXPECT_EQ(s->Blobs().Read("large-1"), kLarge);
  EXPECT_EQ(s->Blobs().Size("small-1"), kSmall.size());
  EXPECT_EQ(s->Blobs().Size("edge-1"), kInlineBlobMax);
  EXPECT_EQ(s->Blobs().Size("large-1"), kLarge.size());
  EXPECT_EQ(s->Blobs().Size("missing-1"), std::nullopt);
  EXPECT_EQ(s->Blobs().Read("missing-1"), std::nullopt);
}

// A file written elsewhere on the same filesystem (a spooled request body) becomes a blob by
// rename: no copy, the file is gone from where it was.
TEST_F(BlobStoreTest, AdoptRenamesAFileIntoPlace) {
  auto s = Open();
  fs::create_directories(fs::path(dir_) / "tmp");
  const std::string path = (fs::path(dir_) / "tmp" / "body-1").string();
  {
    FILE* f = fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    fwrite(kLarge.data(), 1, kLarge.size(), f);
    fclose(f);
  }
  ASSERT_TRUE(fs::is_regular_file(path));
  ASSERT_TRUE(s->Blobs().Adopt("adopted-1", path).ok());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(HasFile("adopted-1"));
  EXPECT_EQ(s->Blobs().Read("adopted-1"), kLarge);
  EXPECT_FALSE(s->Blobs().Adopt("adopted-2", path).ok());  // nothing there any more

  // In memory the bytes are read and the file removed.
  auto memory = MakeMemoryStore();
  {
    FILE* f = fopen(path.c_str(), "wb");
    fwrite(kSmall.data(), 1, kSmall.size(), f);
    fclose(f);
  }
  ASSERT_TRUE(memory->Blobs().Adopt("adopted-3", path).ok());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(memory->Blobs().Read("adopted-3"), kSmall);
}

TEST_F(BlobStoreTest, RangesOfInlineBlobs) {
  auto s = Open();
  ASSERT_TRUE(s->Blobs().Put("abc", "0123456789").ok());
  EXPECT_EQ(s->Blobs().Read("abc", 2, 3), "234");
  EXPECT_EQ(s->Blobs().Read("abc", 8, 100), "89");
  EXPECT_EQ(s->Blobs().Read("abc", 10, 1), "");
  EXPECT_EQ(s->Blobs().Read("abc", 100), "");
}

TEST_F(BlobStoreTest, ConcatMixesBothKinds) {
  auto s = Open();
  ASSERT_TRUE(s->Blobs().Put("p-small", "abc").ok());
  ASSERT_TRUE(s->Blobs().Put("p-large", kLarge).ok());
  // Small result: a row.
  ASSERT_TRUE(s->Blobs().Concat("c-small", {"p-small", "p-small"}).ok());
  EXPECT_FALSE(HasFile("c-small"));
  EXPECT_EQ(s->Blobs().Read("c-small"), "abcabc");
  // Large result from a row and a file: a composite (the row written out, the file linked).
  ASSERT_TRUE(s->Blobs().Concat("c-large", {"p-small", "p-large", "p-small"}).ok());
  EXPECT_FALSE(HasFile("c-large"));
  EXPECT_TRUE(HasComposite("c-large"));
  EXPECT_EQ(s->Blobs().Read("c-large"), "abc" + kLarge + "abc");
  EXPECT_FALSE(s->Blobs().Concat("c-bad", {"p-small", "missing-1"}).ok());
}

// A concatenation of files shares them (no copy): it reads whole and by ranges across its
// pieces, outlives the parts' own names, and a concatenation of it flattens its pieces.
TEST_F(BlobStoreTest, CompositeBlobsShareThePartsFiles) {
  auto s = Open();
  const std::string a(kInlineBlobMax + 10, 'a'), b(kInlineBlobMax + 20, 'b');
  ASSERT_TRUE(s->Blobs().Put("part-a", a).ok());
  ASSERT_TRUE(s->Blobs().Put("part-b", b).ok());
  ASSERT_TRUE(s->Blobs().Put("part-c", "tail").ok());
  ASSERT_TRUE(s->Blobs().Concat("whole", {"part-a", "part-b", "part-c"}).ok());
  const fs::path dir = fs::path(dir_) / "objects" / "wh" / "whole.parts";
  EXPECT_EQ(fs::hard_link_count(dir / "0"), 2u);  // shared with part-a
  EXPECT_EQ(s->Blobs().Size("whole"), a.size() + b.size() + 4);
  s->Blobs().Remove("part-a");
  s->Blobs().Remove("part-b");
  s->Blobs().Remove("part-c");
  EXPECT_EQ(s->Blobs().Read("whole"), a + b + "tail");
  EXPECT_EQ(s->Blobs().Read("whole", a.size() - 2, 4), "aabb");
  EXPECT_EQ(s->Blobs().Read("whole", a.size() + b.size() - 1, 100), "btail");
  EXPECT_EQ(s->Blobs().FilePath("whole"), std::nullopt);
  auto slices = s->Blobs().FileSlices("whole", a.size() - 2, b.size() + 4);
  ASSERT_TRUE(slices.has_value());
  ASSERT_EQ(slices->size(), 3u);
  EXPECT_EQ((*slices)[0].offset, a.size() - 2);
  EXPECT_EQ((*slices)[0].length, 2u);
  EXPECT_EQ((*slices)[1].offset, 0u);
  EXPECT_EQ((*slices)[1].length, b.size());
  EXPECT_EQ((*slices)[2].length, 2u);
  auto one = s->Blobs().FileSlices("whole", 0, 5);
  ASSERT_TRUE(one.has_value());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].path, (dir / "0").string());
  // A copy of the composite links the same pieces.
  ASSERT_TRUE(s->Blobs().Concat("copy-1", {"whole"}).ok());
  s->Blobs().Remove("whole");
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_EQ(s->Blobs().Read("copy-1"), a + b + "tail");
  EXPECT_EQ(fs::hard_link_count(fs::path(dir_) / "objects" / "co" / "copy-1.parts" / "0"), 1u);
}

// A composite staged but not renamed into place (a crash in Concat) is gone after a restart.
TEST_F(BlobStoreTest, StagedCompositeIsDroppedOnOpen) {
  { ASSERT_NE(Open(), nullptr); }
  const fs::path staged = fs::path(dir_) / "objects" / "tmp" / "half.parts";
  fs::create_directories(staged);
  {
    FILE* f = fopen((staged / "0").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    fclose(f);
  }
  auto s = Open();
  EXPECT_FALSE(fs::exists(staged));
  EXPECT_EQ(s->Blobs().Read("half"), std::nullopt);
}

TEST_F(BlobStoreTest, RemoveAndClear) {
  auto s = Open();
  ASSERT_TRUE(s->Blobs().Put("small-1", kSmall).ok());
  ASSERT_TRUE(s->Blobs().Put("large-1", kLarge).ok());
  s->Blobs().Remove("small-1");
  s->Blobs().Remove("large-1");
  s->Blobs().Remove("missing-1");
  EXPECT_EQ(s->Blobs().Read("small-1"), std::nullopt);
  EXPECT_EQ(s->Blobs().Read("large-1"), std::nullopt);
  EXPECT_FALSE(HasFile("large-1"));
  ASSERT_TRUE(s->Blobs().Put("small-2", kSmall).ok());
  ASSERT_TRUE(s->Blobs().Put("large-2", kLarge).ok());
  ASSERT_TRUE(s->Clear().ok());
  EXPECT_EQ(s->Blobs().Read("small-2"), std::nullopt);
  EXPECT_EQ(s->Blobs().Read("large-2"), std::nullopt);
}

// A small blob is part of the transaction that writes the row naming it: both commit or neither.
TEST_F(BlobStoreTest, InlineBlobCommitsWithTheTransaction) {
  auto s = Open();
  {
    auto txn = s->Begin();
    ASSERT_TRUE(s->Blobs().Put("in-txn", kSmall).ok());
    ASSERT_TRUE(s->Put("s3_objects", "b/k", "{\"Blob\":\"in-txn\"}").ok());
    s->Blobs().Remove("in-txn");
    // Removal inside the transaction is visible to it.
    EXPECT_EQ(s->Blobs().Read("in-txn"), std::nullopt);
    ASSERT_TRUE(s->Blobs().Put("in-txn", "again").ok());
  }
  auto reopened = Open();
  EXPECT_EQ(reopened->Blobs().Read("in-txn"), "again");
  EXPECT_EQ(reopened->Get("s3_objects", "b/k"), "{\"Blob\":\"in-txn\"}");
}

// A data directory written before small blobs were rows: its files stay readable.
TEST_F(BlobStoreTest, FilesOfSmallBlobsStayReadable) {
  { ASSERT_NE(Open(), nullptr); }
  fs::create_directories(fs::path(dir_) / "objects" / "ol");
  {
    FILE* f = fopen((fs::path(dir_) / "objects" / "ol" / "old-file").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    fputs("written by a file", f);
    fclose(f);
  }
  auto s = Open();
  EXPECT_EQ(s->Blobs().Read("old-file"), "written by a file");
  EXPECT_EQ(s->Blobs().Read("old-file", 13, 4), "file");
  EXPECT_EQ(s->Blobs().Size("old-file"), 17u);
  ASSERT_TRUE(s->Blobs().Concat("copy-of-old", {"old-file"}).ok());
  EXPECT_EQ(s->Blobs().Read("copy-of-old"), "written by a file");
  EXPECT_FALSE(HasFile("copy-of-old"));
  s->Blobs().Remove("old-file");
  EXPECT_FALSE(HasFile("old-file"));
}

// A version 1 database (no `blobs` table) is upgraded when opened.
TEST_F(BlobStoreTest, SchemaOneIsUpgraded) {
  { ASSERT_NE(Open(), nullptr); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/orgtrail.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE blobs; UPDATE meta SET value = '1' WHERE key = "
                         "'schema_version'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = Open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Blobs().Put("small-1", kSmall).ok());
  EXPECT_EQ(s->Blobs().Read("small-1"), kSmall);
  s.reset();
  ASSERT_EQ(sqlite3_open((dir_ + "/orgtrail.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))),
            std::to_string(kSchemaVersion));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// Acknowledged blobs of both kinds survive SIGKILL right after the transaction ends.
TEST_F(BlobStoreTest, AcknowledgedBlobsSurviveKill9) {
  { ASSERT_NE(Open(), nullptr); }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = OpenSqliteStore(dir_);
    if (!r.ok()) _exit(2);
    Store& s = **r;
    {
      auto txn = s.Begin();
      if (!s.Blobs().Put("small-1", kSmall).ok()) _exit(3);
      if (!s.Blobs().Put("large-1", kLarge).ok()) _exit(4);
      if (!s.Put("s3_objects", "b/k", "row").ok()) _exit(5);
    }
    kill(getpid(), SIGKILL);
    _exit(6);  // not reached
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  auto s = Open();
  EXPECT_EQ(s->Get("s3_objects", "b/k"), "row");
  EXPECT_EQ(s->Blobs().Read("small-1"), kSmall);
  EXPECT_EQ(s->Blobs().Read("large-1"), kLarge);
}

}  // namespace
}  // namespace orgtrail::store
