#include "services/cloudtrail/gzip.h"

#include <zlib.h>

#include "core/crypto.h"
#include "core/encoding.h"

namespace orgtrail::services::cloudtrail {

std::string Gzip(std::string_view data) { return Gzip(data, nullptr); }

std::string Gzip(std::string_view data, std::string* sha256_hex) {
  constexpr size_t kChunk = 64 * 1024;
  z_stream zs{};
  // 15 window bits + 16: gzip header and trailer. The fastest level: records are repetitive
  // JSON, which it still compresses well, with far fewer instructions than the default level.
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  std::optional<Sha256Stream> sha;
  if (sha256_hex != nullptr) sha.emplace();
  size_t at = 0;
  do {
    std::string_view chunk = data.substr(at, kChunk);
    at += chunk.size();
    if (sha) sha->Update(chunk);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    zs.avail_in = static_cast<uInt>(chunk.size());
    deflate(&zs, at >= data.size() ? Z_FINISH : Z_NO_FLUSH);
  } while (at < data.size());
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (sha) *sha256_hex = HexEncode(sha->Final());
  return out;
}

std::optional<std::string> Gunzip(std::string_view data) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace orgtrail::services::cloudtrail
