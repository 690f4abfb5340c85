// Intel ISA-L's igzip (DEFLATE, ~5x faster than zlib at level 1 on record text), opened with
// dlopen when first needed instead of linked: a server that compresses nothing never maps it,
// and its pages would count in every server's idle RSS (docs/performance.md, "Idle RSS").
// Users fall back to zlib where it cannot be opened.
#pragma once

#include <isa-l/igzip_lib.h>

#include <cstdint>

namespace orgtrail {

struct Isal {
  decltype(&isal_deflate_init) deflate_init = nullptr;
  decltype(&isal_deflate) deflate = nullptr;
  decltype(&isal_inflate_init) inflate_init = nullptr;
  decltype(&isal_inflate) inflate = nullptr;
};

// libisal.so.2's functions, or nullptr where it cannot be opened.
const Isal* OpenIsal();

// This thread's deflate stream at level 1, reset for a new stream: `gzip_flag` IGZIP_GZIP (a gzip
// file) or IGZIP_DEFLATE (raw DEFLATE), no input or output set yet. The stream and its level
// buffer are kept per thread: allocating them costs more than compressing a small input.
isal_zstream& ThreadDeflateStream(const Isal& isal, uint16_t gzip_flag);

}  // namespace orgtrail
