#include "services/s3/body.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "core/body_file.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "services/s3/state.h"
#include "store/blob_store.h"

namespace orgtrail::services::s3 {
namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One digest ("md5", "crc32", ...) of a file, read in pieces; raw bytes, "" on a read error.
std::string DigestOfFile(const std::string& path, std::string_view name) {
  MultiDigest digest;
  if (!digest.Add(name)) return "";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string buf(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return "";
    }
    if (n == 0) break;
    digest.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return digest.Final()[0].second;
}

// A spooled body: its digests were computed while the server checked it; any missing one is
// computed from the file.
Result<StoredBody> StoreFileBody(gateway::Call& call, const Value& input, const BodyFileRef& file,
                                 const Value& digests, std::string_view default_algorithm) {
  StoredBody out;
  out.size = static_cast<int64_t>(file.length);
  std::string md5 = digests.GetString("md5");
  if (md5.empty()) md5 = HexEncode(DigestOfFile(file.path, "md5"));
  out.etag = "\"" + md5 + "\"";
  for (std::string_view alg : kChecksumAlgorithms) {
    std::string member = "Checksum" + std::string(alg);
    if (const Value* v = input.Find(member); v && v->is_string() && !v->AsString().empty()) {
      out.checksum = Value::MakeMap().Set("Algorithm", alg).Set("Value", v->AsString());
      break;
    }
  }
  if (out.checksum.is_null()) {
    std::string alg = Upper(input.GetString("ChecksumAlgorithm"));
    if (alg.empty()) alg = std::string(default_algorithm);
    for (std::string_view a : kChecksumAlgorithms) {
      if (a != alg) continue;
      std::string value = digests.GetString(ToLower(alg));
      if (value.empty()) value = Base64Encode(DigestOfFile(file.path, ToLower(alg)));
      out.checksum = Value::MakeMap().Set("Algorithm", a).Set("Value", value);
    }
  }
  out.blob = NewBlobId(call);
  ORGTRAIL_CHECK(call.env.store.Blobs().Adopt(out.blob, file.path));
  return out;
}

}  // namespace

Result<StoredBody> StoreBody(gateway::Call& call, const Value& input,
                             std::string_view default_algorithm, std::string_view reuse_blob) {
  const Value& body = input["Body"];
  if (auto file = AsBodyFile(body))
    return StoreFileBody(call, input, *file, body[kBodyFileDigestsKey], default_algorithm);
  const std::string& data = body.AsString();
  StoredBody out;
  out.checksum = ChecksumOf(input, data);
  if (out.checksum.is_null() && !default_algorithm.empty())
    out.checksum = Value::MakeMap()
                       .Set("Algorithm", default_algorithm)
                       .Set("Value", ComputeChecksum(default_algorithm, data));
  out.blob = !reuse_blob.empty() && data.size() <= store::kInlineBlobMax ? std::string(reuse_blob)
                                                                         : NewBlobId(call);
  ORGTRAIL_CHECK(call.env.store.Blobs().Put(out.blob, data));
  out.size = static_cast<int64_t>(data.size());
  out.etag = QuotedMd5Hex(data);
  return out;
}

}  // namespace orgtrail::services::s3
