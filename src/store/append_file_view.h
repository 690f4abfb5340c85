// Reading a range of an append file (append_files.h) without copying it: the data-directory
// implementation maps the file (read-only, shared) and hands out a view into the mapping, kept
// alive by `hold` (a file removed meanwhile stays readable until the view is dropped: files are
// never truncated, released ranges read as zeros); other implementations copy into `buf`. Kept
// out of append_files.h, which store.h includes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/append_files.h"

namespace orgtrail::store {

struct AppendFileView {
  std::string_view bytes;
  std::shared_ptr<const void> hold;
  std::string buf;
};

// Bytes [offset, offset + length) of file `id` into `out`; false when the file is missing or
// shorter.
bool ViewAppendFile(AppendFiles& files, std::string_view id, uint64_t offset, uint64_t length,
                    AppendFileView& out);

}  // namespace orgtrail::store
