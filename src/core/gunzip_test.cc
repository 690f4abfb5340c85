#include "core/gunzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace orgtrail {
namespace {

std::string Gzip(std::string_view in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(GunzipTest, RoundTripsMembersAndRefusesBadInput) {
  std::string text(100000, 'x');
  EXPECT_EQ(Gunzip(Gzip(text), 1 << 20), text);
  EXPECT_EQ(Gunzip(Gzip("ab") + Gzip("cd"), 100), "abcd");
  EXPECT_EQ(Gunzip(Gzip(text), 1000), std::nullopt);  // over the size cap
  std::string gz = Gzip("hello");
  EXPECT_EQ(Gunzip(gz.substr(0, gz.size() - 4), 100), std::nullopt);  // truncated
  EXPECT_EQ(Gunzip("not gzip", 100), std::nullopt);
  EXPECT_EQ(Gunzip("", 100), std::nullopt);
}

}  // namespace
}  // namespace orgtrail
