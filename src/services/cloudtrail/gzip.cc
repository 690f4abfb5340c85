#include "services/cloudtrail/gzip.h"

#include <libdeflate.h>
#include <zlib.h>

#include <memory>

#include "core/crypto.h"
#include "core/encoding.h"

namespace orgtrail::services::cloudtrail {

std::string Gzip(std::string_view data) { return Gzip(data, nullptr); }

namespace {

struct CompressorFree {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// One compressor per thread, kept: allocating one costs more than compressing a small file.
libdeflate_compressor* Compressor() {
  // Level 1, the fastest: records are repetitive JSON, which it still compresses well.
  thread_local std::unique_ptr<libdeflate_compressor, CompressorFree> compressor(
      libdeflate_alloc_compressor(1));
  return compressor.get();
}

}  // namespace

std::string Gzip(std::string_view data, std::string* sha256_hex) {
  if (sha256_hex != nullptr) *sha256_hex = HexEncode(Sha256(data));
  // The whole file in one call (log and digest files are built whole in memory): libdeflate
  // compresses a whole buffer 2-3x faster than zlib's streaming deflate at the same level.
  libdeflate_compressor* compressor = Compressor();
  std::string out(libdeflate_gzip_compress_bound(compressor, data.size()), '\0');
  size_t size =
      libdeflate_gzip_compress(compressor, data.data(), data.size(), out.data(), out.size());
  out.resize(size);
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
