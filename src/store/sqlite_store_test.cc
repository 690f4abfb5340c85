// What only the SQLite store promises: the file format (docs/persistence.md), persistence across
// reopen and across kill -9, and refusing what it cannot use.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_checkpointer.h"
#include "store/store.h"
#include "testing/temp_dir.h"

namespace orgtrail::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open() {
    auto r = OpenSqliteStore(dir_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : nullptr;
  }

  std::string DbPath() const { return dir_ + "/orgtrail.db"; }

  // Runs one SQL statement on the database file directly; returns the first column of the first
  // row ("" when none).
  std::string Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }

  TempDir tmp_{"orgtrail-sqlite"};
  std::string dir_ = tmp_.path();
};

TEST_F(SqliteStoreTest, CreatesDirectoryAndSchema) {
  dir_ += "/nested/data";
  auto s = Open();
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(std::filesystem::exists(DbPath()));
  s.reset();
  EXPECT_EQ(Sql("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(kSchemaVersion));
  EXPECT_EQ(Sql("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(Sql("SELECT count(*) FROM sqlite_master WHERE name = 'rows'"), "1");
}

TEST_F(SqliteStoreTest, RowsAreReadableWithPlainSql) {
  auto s = Open();
  ASSERT_TRUE(s->Put("accounts", "111111111111", R"({"Id":"111111111111"})").ok());
  s.reset();
  EXPECT_EQ(Sql("SELECT value FROM rows WHERE tbl = 'accounts' AND key = '111111111111'"),
            R"({"Id":"111111111111"})");
}

TEST_F(SqliteStoreTest, ReopenPersists) {
  {
    auto s = Open();
    ASSERT_TRUE(s->Put("accounts", "a", "1").ok());
    ASSERT_TRUE(s->Apply({{"access_keys", "AKIA1", "k"}, {"accounts", "b", "2"}}).ok());
    ASSERT_TRUE(s->Delete("accounts", "a").ok());
  }
  auto s = Open();
  EXPECT_EQ(s->Get("accounts", "a"), std::nullopt);
  EXPECT_EQ(s->Get("accounts", "b"), "2");
  EXPECT_EQ(s->Get("access_keys", "AKIA1"), "k");
}

TEST_F(SqliteStoreTest, ClearKeepsMeta) {
  {
    auto s = Open();
    ASSERT_TRUE(s->Put("t", "k", "v").ok());
    ASSERT_TRUE(s->Clear().ok());
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM rows"), "0");
  EXPECT_EQ(Sql("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(kSchemaVersion));
  EXPECT_NE(Open(), nullptr);
}

// An acknowledged write survives the process being killed with SIGKILL right after Put returns:
// no destructor, no checkpoint, no flush by us.
TEST_F(SqliteStoreTest, AcknowledgedWriteSurvivesKill9) {
  { ASSERT_NE(Open(), nullptr); }  // create the schema in this process
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = OpenSqliteStore(dir_);
    if (!r.ok()) _exit(2);
    Store& s = **r;
    for (int i = 0; i < 50; ++i) {
      if (!s.Put("accounts", "k" + std::to_string(i), "v" + std::to_string(i)).ok()) _exit(3);
    }
    if (!s.Apply({{"access_keys", "AKIA", "x"}, {"accounts", "k0", std::nullopt}}).ok()) _exit(4);
    if (!s.Put("accounts", "last", "acknowledged").ok()) _exit(5);
    kill(getpid(), SIGKILL);
    _exit(6);  // not reached
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  auto s = Open();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Get("accounts", "last"), "acknowledged");
  EXPECT_EQ(s->Get("accounts", "k0"), std::nullopt);
  EXPECT_EQ(s->Get("accounts", "k49"), "v49");
  EXPECT_EQ(s->Get("access_keys", "AKIA"), "x");
  EXPECT_EQ(s->Scan("accounts").size(), 50u);  // k1..k49 and last
}

// Values of 800 bytes or more live in table `big`; `rows` holds their id. Replacing or deleting
// such a value leaves no orphan behind.
TEST_F(SqliteStoreTest, LargeValuesAreKeptOutOfLine) {
  const std::string big1(300 * 1024, 'a');
  const std::string big2(5000, 'b');
  {
    auto s = Open();
    ASSERT_TRUE(s->Put("blocks", "k1", big1).ok());
    ASSERT_TRUE(s->Apply({{"blocks", "k2", big2}, {"blocks", "k3", "small"}}).ok());
    EXPECT_EQ(s->Get("blocks", "k1"), big1);
    std::string buf = "reused";
    ASSERT_TRUE(s->GetInto("blocks", "k2", buf));
    EXPECT_EQ(buf, big2);
    std::vector<Row> rows = s->Scan("blocks");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].value, big1);
    EXPECT_EQ(rows[1].value, big2);
    EXPECT_EQ(rows[2].value, "small");
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM big"), "2");
  EXPECT_EQ(Sql("SELECT typeof(value) FROM rows WHERE key = 'k1'"), "integer");
  EXPECT_EQ(Sql("SELECT typeof(value) FROM rows WHERE key = 'k3'"), "blob");
  {
    auto s = Open();
    ASSERT_TRUE(s->Put("blocks", "k1", big2).ok());         // large -> large: same row of big
    ASSERT_TRUE(s->Put("blocks", "k2", "now small").ok());  // large -> small
    ASSERT_TRUE(s->Put("blocks", "k3", big1).ok());         // small -> large
    EXPECT_EQ(s->Get("blocks", "k1"), big2);
    EXPECT_EQ(s->Get("blocks", "k2"), "now small");
    EXPECT_EQ(s->Get("blocks", "k3"), big1);
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM big"), "2");
  {
    auto s = Open();
    ASSERT_TRUE(s->Delete("blocks", "k1").ok());
    EXPECT_EQ(s->Get("blocks", "k1"), std::nullopt);
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM big"), "1");
  {
    auto s = Open();
    ASSERT_TRUE(s->Clear().ok());
    EXPECT_TRUE(s->Scan("blocks").empty());
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM big"), "0");
}

// Inside a transaction (the gateway holds one around a call that changes state) large values
// take the savepoint path and commit with it.
TEST_F(SqliteStoreTest, LargeValuesInsideATransaction) {
  auto s = Open();
  ASSERT_TRUE(s->Put("blocks", "keep", std::string(8192, 'k')).ok());
  auto tx = s->Begin();
  ASSERT_TRUE(s->Put("blocks", "inner", std::string(8192, 'i')).ok());
  tx.reset();
  EXPECT_EQ(s->Get("blocks", "inner"), std::string(8192, 'i'));
  EXPECT_EQ(s->Get("blocks", "keep"), std::string(8192, 'k'));
}

// A database from before `big` (every value inline, whatever its size) is upgraded in place
// and its rows read as they were.
TEST_F(SqliteStoreTest, Version1IsUpgraded) {
  { ASSERT_NE(Open(), nullptr); }
  Sql("DROP TABLE big");
  Sql("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  Sql("INSERT INTO rows(tbl, key, value) VALUES('blocks', 'old', zeroblob(10000))");
  {
    auto s = Open();
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->Get("blocks", "old"), std::string(10000, '\0'));
    ASSERT_TRUE(s->Put("blocks", "old", std::string(10000, 'n')).ok());
    EXPECT_EQ(s->Get("blocks", "old"), std::string(10000, 'n'));
  }
  EXPECT_EQ(Sql("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(kSchemaVersion));
  EXPECT_EQ(Sql("SELECT count(*) FROM big"), "1");
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  { ASSERT_NE(Open(), nullptr); }
  Sql("UPDATE meta SET value = '" + std::to_string(kSchemaVersion + 1) +
      "' WHERE key = 'schema_version'");
  auto r = OpenSqliteStore(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("schema version " + std::to_string(kSchemaVersion + 1) +
                                   ", newer than this orgtrail supports"),
            std::string::npos)
      << r.error().message;
}

// A data directory of schema version 1 to 3 kept every table in `rows`: the first declaration of a
// sequence table moves its rows to their own table, and the version becomes the current one.
TEST_F(SqliteStoreTest, SequenceTableRowsMoveOnDeclaration) {
  {
    auto s = Open();
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->Put("journal", "0000000000000001", "one").ok());
    ASSERT_TRUE(s->Put("journal", "00000000000000ff", "two").ok());
    ASSERT_TRUE(s->Put("other", "0000000000000001", "x").ok());
  }
  Sql("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  {
    auto s = Open();
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(Sql("SELECT value FROM meta WHERE key = 'schema_version'"),
              std::to_string(kSchemaVersion));
    ASSERT_TRUE(s->DeclareSequenceTable("journal").ok());
    EXPECT_EQ(Sql("SELECT count(*) FROM rows WHERE tbl = 'journal'"), "0");
    EXPECT_EQ(Sql("SELECT group_concat(seq) FROM (SELECT seq FROM seq_journal ORDER BY seq)"),
              "1,255");
    EXPECT_EQ(s->Get("journal", "00000000000000ff"), "two");
    EXPECT_EQ(s->Get("other", "0000000000000001"), "x");
    ASSERT_TRUE(s->Put("journal", "0000000000000100", "three").ok());
    EXPECT_FALSE(s->Put("journal", "not hex", "no").ok());
  }
  auto s = Open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->DeclareSequenceTable("journal").ok());
  ASSERT_EQ(s->Scan("journal").size(), 3u);
  EXPECT_EQ(s->Scan("journal", "", "00000000000000ff")[0].value, "three");
  EXPECT_FALSE(s->DeclareSequenceTable("bad name;").ok());
}

TEST_F(SqliteStoreTest, UnusableDirectoryHasClearError) {
  std::string file = dir_ + "/plain-file";
  std::ofstream(file) << "x";
  auto r = OpenSqliteStore(file + "/data");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("data directory " + file + "/data is not usable: ", 0), 0u)
      << r.error().message;
  auto r2 = OpenSqliteStore(file);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().message, "data directory " + file + " is not usable: not a directory");
}

TEST_F(SqliteStoreTest, NotADatabaseHasClearError) {
  std::ofstream(DbPath()) << std::string(4096, 'x');
  auto r = OpenSqliteStore(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("data directory " + dir_ + " is not usable: ", 0), 0u)
      << r.error().message;
}

TEST_F(SqliteStoreTest, TwoStoresOnOneDirectorySeeEachOther) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a->Put("t", "k", "from-a").ok());
  EXPECT_EQ(b->Get("t", "k"), "from-a");
}

// The read-through cache (row_cache.h) never shows what the database does not hold.
TEST_F(SqliteStoreTest, CachedRowsFollowWritesAndRollbacks) {
  auto s = Open();
  ASSERT_TRUE(s->DeclareSequenceTable("seq").ok());
  EXPECT_EQ(s->Get("t", "k"), std::nullopt);  // remembered as absent
  ASSERT_TRUE(s->Put("t", "k", "v1").ok());
  EXPECT_EQ(s->Get("t", "k"), "v1");
  std::string out;
  ASSERT_TRUE(s->GetInto("t", "k", out));
  EXPECT_EQ(out, "v1");
  // A batch that fails (a sequence table refuses a key that is not a number) changes nothing.
  EXPECT_FALSE(s->Apply({{"t", "k", "v2"}, {"t", "n", "new"}, {"seq", "bad", "x"}}).ok());
  EXPECT_EQ(s->Get("t", "k"), "v1");
  EXPECT_EQ(s->Get("t", "n"), std::nullopt);
  {
    auto txn = s->Begin();
    ASSERT_TRUE(s->Put("t", "k", "v3").ok());
    EXPECT_EQ(s->Get("t", "k"), "v3");  // this thread sees its own write
    EXPECT_FALSE(s->Apply({{"t", "k", "v4"}, {"seq", "bad", "x"}}).ok());
    EXPECT_EQ(s->Get("t", "k"), "v3");  // the failed batch is rolled back, not the transaction
  }
  EXPECT_EQ(s->Get("t", "k"), "v3");
  ASSERT_TRUE(s->Delete("t", "k").ok());
  EXPECT_EQ(s->Get("t", "k"), std::nullopt);
  EXPECT_FALSE(s->GetInto("t", "k", out));
  EXPECT_EQ(Sql("SELECT count(*) FROM rows WHERE tbl = 't'"), "0");
}

TEST_F(SqliteStoreTest, CachedScansFollowWrites) {
  auto s = Open();
  auto keys = [&] {
    std::string out;
    for (const Row& r : s->Scan("t", "p/")) out += r.key + "=" + r.value + ";";
    return out;
  };
  ASSERT_TRUE(s->Put("t", "p/a", "1").ok());
  EXPECT_EQ(keys(), "p/a=1;");
  ASSERT_TRUE(s->Put("t", "p/b", "2").ok());
  EXPECT_EQ(keys(), "p/a=1;p/b=2;");
  ASSERT_TRUE(s->Put("t", "p/a", "3").ok());
  EXPECT_EQ(keys(), "p/a=3;p/b=2;");
  ASSERT_TRUE(s->Apply({{"t", "p/a", std::nullopt}, {"u", "p/c", "4"}}).ok());
  EXPECT_EQ(keys(), "p/b=2;");
  ASSERT_TRUE(s->Clear().ok());
  EXPECT_EQ(keys(), "");
}

TEST_F(SqliteStoreTest, CachedInlineBlobsFollowWrites) {
  auto s = Open();
  ASSERT_TRUE(s->Blobs().Put("blob-1", "body").ok());
  EXPECT_EQ(s->Blobs().Read("blob-1"), "body");
  EXPECT_EQ(s->Blobs().Read("blob-1", 1, 2), "od");
  EXPECT_EQ(s->Blobs().Size("blob-1"), 4u);
  s->Blobs().Remove("blob-1");
  EXPECT_EQ(s->Blobs().Read("blob-1"), std::nullopt);
  EXPECT_EQ(s->Blobs().Size("blob-1"), std::nullopt);
}

// Checkpoints run on the store's own thread (sqlite_checkpointer.h). With small limits, thousands
// of commits get checkpointed there, the WAL file stays bounded (it would otherwise hold every
// page written), a clean close makes the final checkpoint, and every row is there after reopen.
TEST_F(SqliteStoreTest, BackgroundCheckpointsKeepTheWalBounded) {
  sqlite_internal::CheckpointOptions options;
  options.wal_pages = 32;
  options.finish_pages = 64;
  options.writer_pages = 256;
  const std::string wal = DbPath() + "-wal";
  auto key = [](int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "k%05d", i);
    return std::string(buf);
  };
  const std::string value(2000, 'v');  // out of line: rows of `big`, about a page each
  constexpr int kCommits = 3000;       // over 3,000 pages of WAL without checkpoints
  uintmax_t largest = 0;
  {
    auto r = sqlite_internal::OpenSqliteStoreWith(dir_, options);
    ASSERT_TRUE(r.ok()) << r.error().message;
    Store& s = **r;
    for (int i = 0; i < kCommits; ++i) {
      ASSERT_TRUE(s.Put("t", key(i), value + std::to_string(i)).ok());
      if (i % 7 == 0) {
        ASSERT_TRUE(s.Put("t", key(i / 2), value + std::to_string(i / 2)).ok());
      }
      std::error_code ec;
      uintmax_t size = std::filesystem::file_size(wal, ec);
      if (!ec) largest = std::max(largest, size);
    }
    // The thread runs on its own schedule: give it time to finish a pass on a loaded machine.
    for (int i = 0; i < 3000 && sqlite_internal::CheckpointsOf(s).background == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GT(sqlite_internal::CheckpointsOf(s).background, 0u);
  }
  // A WAL frame is a 4 KiB page and a 24-byte header: at most writer_pages and a few commits.
  EXPECT_GT(largest, 0u);
  EXPECT_LE(largest, 32u + (256u + 64u) * (4096u + 24u));
  EXPECT_FALSE(std::filesystem::exists(wal));  // the last close checkpointed and removed it
  auto s = Open();
  ASSERT_NE(s, nullptr);
  std::vector<Row> rows = s->Scan("t");
  ASSERT_EQ(rows.size(), static_cast<size_t>(kCommits));
  for (int i = 0; i < kCommits; ++i) {
    ASSERT_EQ(rows[i].key, key(i));
    ASSERT_EQ(rows[i].value, value + std::to_string(i));
  }
}

// Killed while checkpoints run in the background, the store loses no acknowledged write.
TEST_F(SqliteStoreTest, AcknowledgedWritesSurviveKill9DuringBackgroundCheckpoints) {
  { ASSERT_NE(Open(), nullptr); }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    sqlite_internal::CheckpointOptions options;
    options.wal_pages = 16;
    options.finish_pages = 32;
    options.writer_pages = 128;
    auto r = sqlite_internal::OpenSqliteStoreWith(dir_, options);
    if (!r.ok()) _exit(2);
    Store& s = **r;
    const std::string value(1500, 'w');
    int n = 0;
    for (; n < 1000 || (sqlite_internal::CheckpointsOf(s).background == 0 && n < 200000); ++n) {
      if (!s.Put("t", std::to_string(100000 + n), value + std::to_string(n)).ok()) _exit(3);
    }
    if (!s.Put("count", "n", std::to_string(n)).ok()) _exit(4);
    kill(getpid(), SIGKILL);
    _exit(5);  // not reached
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  auto s = Open();
  ASSERT_NE(s, nullptr);
  std::optional<std::string> count = s->Get("count", "n");
  ASSERT_TRUE(count.has_value());
  std::vector<Row> rows = s->Scan("t");
  ASSERT_EQ(std::to_string(rows.size()), *count);
  ASSERT_GE(rows.size(), 1000u);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].value, std::string(1500, 'w') + std::to_string(i));
  }
}

}  // namespace
}  // namespace orgtrail::store
