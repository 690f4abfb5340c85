#include "core/isal.h"

#include <dlfcn.h>

#include <memory>
#include <vector>

namespace orgtrail {

const Isal* OpenIsal() {
  static const Isal lib = [] {
    Isal l;
    void* h = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) return l;
    l.deflate_init = reinterpret_cast<decltype(&isal_deflate_init)>(dlsym(h, "isal_deflate_init"));
    l.deflate = reinterpret_cast<decltype(&isal_deflate)>(dlsym(h, "isal_deflate"));
    l.inflate_init = reinterpret_cast<decltype(&isal_inflate_init)>(dlsym(h, "isal_inflate_init"));
    l.inflate = reinterpret_cast<decltype(&isal_inflate)>(dlsym(h, "isal_inflate"));
    return l;
  }();
  bool whole = lib.deflate_init != nullptr && lib.deflate != nullptr &&
               lib.inflate_init != nullptr && lib.inflate != nullptr;
  return whole ? &lib : nullptr;
}

namespace {
struct Deflater {
  isal_zstream stream;
  std::vector<uint8_t> level_buf = std::vector<uint8_t>(ISAL_DEF_LVL1_DEFAULT);
};
}  // namespace

isal_zstream& ThreadDeflateStream(const Isal& isal, uint16_t gzip_flag) {
  thread_local std::unique_ptr<Deflater> deflater = std::make_unique<Deflater>();
  isal_zstream& z = deflater->stream;
  isal.deflate_init(&z);
  z.level = 1;
  z.level_buf = deflater->level_buf.data();
  z.level_buf_size = static_cast<uint32_t>(deflater->level_buf.size());
  z.gzip_flag = gzip_flag;
  z.flush = NO_FLUSH;
  return z;
}

}  // namespace orgtrail
