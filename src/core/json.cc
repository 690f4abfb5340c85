#include "core/json.h"

// SIMD scanning of whitespace and unescaped strings by the reader (SSE2 is part of every x86-64;
// the writer does not use it: core/json_writer.h).
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2) && !defined(RAPIDJSON_SSE42)
#define RAPIDJSON_SSE2
#endif

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/json_sax.h"
#include "core/json_writer.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace orgtrail {

// The in-place stream every document is parsed from: RapidJSON's own, under a type of its own so
// that the reader's scan of unescaped string bytes is the one below.
struct ScanStream : rapidjson::InsituStringStream {
  explicit ScanStream(char* src) : rapidjson::InsituStringStream(src) {}
};

}  // namespace orgtrail

namespace rapidjson {

template <>
struct StreamTraits<orgtrail::ScanStream> {
  enum { copyOptimization = 1 };  // as for InsituStringStream
};

// Copies the string bytes from is.src_ down to is.dst_, unescaping the two-character escapes,
// up to the closing quote, a Unicode escape, a byte below 0x20 or an invalid escape, which
// ParseStringToStream then handles as before. RapidJSON's SSE2 version scans byte by byte up to
// a 16-byte boundary first, so in text with an escape every few bytes (a JSON document inside a
// message) it is a byte-wise loop; it also misses bytes 0x1A-0x1F in its aligned blocks (it
// compares against 0x19), so a raw control character was refused or not depending on where it
// fell. Here every block is an unaligned 16-byte load: the parse buffer carries 16 bytes past
// the text (ParseInPlace), and the scan never starts past the text's end (a NUL stops it).
template <>
template <>
inline void GenericReader<UTF8<>, UTF8<>, CrtAllocator>::ScanCopyUnescapedString<
    orgtrail::ScanStream, orgtrail::ScanStream>(orgtrail::ScanStream& is,
                                                orgtrail::ScanStream& /*os: the same stream*/) {
  // The two-character escapes, as ParseStringToStream's table; \u and anything else is left to
  // it (and its errors).
  static constexpr auto kEscape = [] {
    std::array<char, 256> t{};
    t['"'] = '"';
    t['\\'] = '\\';
    t['/'] = '/';
    t['b'] = '\b';
    t['f'] = '\f';
    t['n'] = '\n';
    t['r'] = '\r';
    t['t'] = '\t';
    return t;
  }();
  char* p = is.src_;
  char* q = is.dst_;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control = _mm_set1_epi8(0x1F);
  for (;;) {
    const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i stop =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(s, quote), _mm_cmpeq_epi8(s, backslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(s, control), control));  // s <= 0x1F
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
    if (mask == 0) {
      if (p != q) _mm_storeu_si128(reinterpret_cast<__m128i*>(q), s);
      p += 16;
      q += 16;
      continue;
    }
    const size_t n = static_cast<size_t>(__builtin_ctz(mask));
    if (p - q >= 16) {
      // Sixteen or more escapes behind: the whole block fits below p, where everything is read
      // already (the bytes past n are overwritten by what follows).
      _mm_storeu_si128(reinterpret_cast<__m128i*>(q), s);
    } else if (p != q) {
      // n < 16 bytes down to q < p: both halves loaded before either is stored.
      if (n >= 8) {
        uint64_t lo, hi;
        std::memcpy(&lo, p, 8);
        std::memcpy(&hi, p + n - 8, 8);
        std::memcpy(q, &lo, 8);
        std::memcpy(q + n - 8, &hi, 8);
      } else if (n >= 4) {
        uint32_t lo, hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + n - 4, 4);
        std::memcpy(q, &lo, 4);
        std::memcpy(q + n - 4, &hi, 4);
      } else {
        for (size_t i = 0; i < n; ++i) q[i] = p[i];
      }
    }
    p += n;
    q += n;
    // A two-character escape is copied here and the scan goes on (p[1] is at most the NUL that
    // ends the text, whose table entry is 0).
    if (*p != '\\') break;
    const char e = kEscape[static_cast<unsigned char>(p[1])];
    if (e == 0) break;
    *q++ = e;
    p += 2;
  }
#else
  for (;;) {
    if (*p == '\\' && kEscape[static_cast<unsigned char>(p[1])] != 0) {
      *q++ = kEscape[static_cast<unsigned char>(p[1])];
      p += 2;
    } else if (*p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) {
      *q++ = *p++;
    } else {
      break;
    }
  }
#endif
  is.src_ = p;
  is.dst_ = q;
}

}  // namespace rapidjson

namespace orgtrail {
namespace {

// SAX handler building a Value directly (no intermediate DOM).
class Builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Builder> {
 public:
  bool Null() { return Put(Value()); }
  bool Bool(bool b) { return Put(Value(b)); }
  bool Int(int i) { return Put(Value(static_cast<int64_t>(i))); }
  bool Uint(unsigned u) { return Put(Value(static_cast<int64_t>(u))); }
  bool Int64(int64_t i) { return Put(Value(i)); }
  bool Uint64(uint64_t u) {
    if (u > static_cast<uint64_t>(INT64_MAX)) return Put(Value(static_cast<double>(u)));
    return Put(Value(static_cast<int64_t>(u)));
  }
  bool Double(double d) { return Put(Value(d)); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return Put(Value(std::string(s, n))); }
  bool StartObject() {
    stack_.push_back({Value::MakeMap(), {}});
    return stack_.size() < kMaxDepth;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    stack_.back().key.assign(s, n);
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return Pop(); }
  bool StartArray() {
    stack_.push_back({Value::MakeList(), {}});
    return stack_.size() < kMaxDepth;
  }
  bool EndArray(rapidjson::SizeType) { return Pop(); }

  Value result;

 private:
  static constexpr size_t kMaxDepth = 200;
  struct Frame {
    Value value;
    std::string key;
  };
  bool Put(Value v) {
    if (stack_.empty()) {
      result = std::move(v);
      return true;
    }
    Frame& f = stack_.back();
    if (f.value.is_list()) {
      f.value.MutableList().push_back(std::move(v));
    } else {
      // Duplicate keys: the last one wins, as in most JSON readers.
      f.value.Set(std::move(f.key), std::move(v));
      f.key.clear();
    }
    return true;
  }
  bool Pop() {
    Value v = std::move(stack_.back().value);
    stack_.pop_back();
    return Put(std::move(v));
  }
  std::vector<Frame> stack_;
};

// Input stream over a byte range for rapidjson::UTF8<>::Validate.
struct ByteStream {
  using Ch = char;
  const char* p;
  const char* end;
  Ch Peek() const { return p < end ? *p : '\0'; }
  Ch Take() { return p < end ? *p++ : '\0'; }
  size_t Tell() const { return 0; }
};
struct NullSink {
  using Ch = char;
  void Put(Ch) {}
};

}  // namespace

// JSON text must be UTF-8: bytes that are not (a blob or a header echoed in a message) are
// replaced with U+FFFD, so clients always receive a document they can decode.
std::string ValidUtf8(std::string_view s) {
  bool ascii = true;
  for (unsigned char c : s) ascii &= c < 0x80;
  if (ascii) return std::string(s);
  std::string out;
  ByteStream in{s.data(), s.data() + s.size()};
  NullSink sink;
  while (in.p < in.end) {
    const char* start = in.p;
    if (static_cast<unsigned char>(*start) < 0x80 ||
        (rapidjson::UTF8<>::Validate(in, sink) && in.p <= in.end)) {
      if (in.p == start) ++in.p;
      out.append(start, in.p);
    } else {
      in.p = start + 1;
      out.append("\xEF\xBF\xBD");
    }
  }
  return out;
}

namespace {

template <typename W>
void WriteString(W& w, const std::string& s, bool key) {
  std::string valid = ValidUtf8(s);
  auto n = static_cast<rapidjson::SizeType>(valid.size());
  if (key)
    w.Key(valid.data(), n, true);
  else
    w.String(valid.data(), n, true);
}

template <typename W>
void Write(W& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      w.Null();
      break;
    case Value::Kind::kBool:
      w.Bool(v.AsBool());
      break;
    case Value::Kind::kInt:
      w.Int64(v.AsInt());
      break;
    case Value::Kind::kDouble: {
      double d = v.AsDouble();
      if (std::isfinite(d))
        w.Double(d);
      else
        w.Null();
      break;
    }
    case Value::Kind::kString:
      WriteString(w, v.AsString(), false);
      break;
    case Value::Kind::kList:
      w.StartArray();
      for (const Value& e : v.AsList()) Write(w, e);
      w.EndArray();
      break;
    case Value::Kind::kMap:
      w.StartObject();
      for (const auto& [k, e] : v.AsMap()) {
        WriteString(w, k, true);
        Write(w, e);
      }
      w.EndObject();
      break;
  }
}

// Offset of the first byte of `text` that is not part of valid UTF-8, or npos. ASCII is
// checked sixteen (SSE2) or eight bytes at a time.
size_t InvalidUtf8At(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  NullSink sink;
  while (p < end) {
#ifdef __SSE2__
    if (end - p >= 16) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      if (_mm_movemask_epi8(block) == 0) {  // no byte with its top bit set
        p += 16;
        continue;
      }
    }
#endif
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
      continue;
    }
    ByteStream in{p, end};
    if (!rapidjson::UTF8<>::Validate(in, sink) || in.p > end)
      return static_cast<size_t>(p - text.data());
    p = in.p;
  }
  return std::string_view::npos;
}

constexpr size_t kSimdPadding = 16;

// A Builder that sends the array value of one top-level member to a JsonSax instead. The key is
// held back until its value shows whether it is diverted.
class DivertingBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DivertingBuilder> {
 public:
  explicit DivertingBuilder(JsonDiversion& d) : d_(d), sax_(*d.sax) {}
  rapidjson::InsituStringStream* stream = nullptr;

  bool Null() {
    return Scalar([&] { return sax_.Null(); }, [&] { return b_.Null(); });
  }
  bool Bool(bool v) {
    return Scalar([&] { return sax_.Bool(v); }, [&] { return b_.Bool(v); });
  }
  bool Int(int i) { return Int64(i); }
  bool Uint(unsigned u) { return Int64(u); }
  bool Int64(int64_t i) {
    return Scalar([&] { return sax_.Int64(i); }, [&] { return b_.Int64(i); });
  }
  bool Uint64(uint64_t u) {
    if (u > static_cast<uint64_t>(INT64_MAX)) return Double(static_cast<double>(u));
    return Int64(static_cast<int64_t>(u));
  }
  bool Double(double v) {
    return Scalar([&] { return sax_.Double(v); }, [&] { return b_.Double(v); });
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return Scalar([&] { return sax_.String({s, n}); }, [&] { return b_.String(s, n, copy); });
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (inside_ > 0) return sax_.Key({s, n});
    if (depth_ == 1 && std::string_view(s, n) == d_.member) {
      ++d_.occurrences;
      held_ = true;
      return true;
    }
    return b_.Key(s, n, copy);
  }
  bool StartObject() {
    if (inside_ > 0) {
      ++inside_;
      return sax_.StartObject();
    }
    if (!Release()) return false;
    ++depth_;
    return b_.StartObject();
  }
  bool EndObject(rapidjson::SizeType n) {
    if (inside_ > 0) {
      --inside_;
      return sax_.EndObject();
    }
    --depth_;
    return b_.EndObject(n);
  }
  bool StartArray() {
    if (inside_ > 0) {
      ++inside_;
      return sax_.StartArray();
    }
    if (held_) {
      held_ = false;
      d_.diverted = true;
      d_.begin = stream->Tell() - 1;
      inside_ = 1;
      return sax_.StartArray();
    }
    ++depth_;
    return b_.StartArray();
  }
  bool EndArray(rapidjson::SizeType n) {
    if (inside_ > 0) {
      if (--inside_ == 0) d_.end = stream->Tell();
      return sax_.EndArray();
    }
    --depth_;
    return b_.EndArray(n);
  }

  Builder& builder() { return b_; }

 private:
  // A held key whose value is not an array goes to the Value after all.
  bool Release() {
    if (!held_) return true;
    held_ = false;
    return b_.Key(d_.member.data(), static_cast<rapidjson::SizeType>(d_.member.size()), true);
  }
  template <typename ToSax, typename ToBuilder>
  bool Scalar(ToSax to_sax, ToBuilder to_builder) {
    if (inside_ > 0) return to_sax();
    if (!Release()) return false;
    return to_builder();
  }

  JsonDiversion& d_;
  JsonSax& sax_;
  Builder b_;
  int depth_ = 0;   // nesting of the Value being built
  int inside_ = 0;  // nesting inside the diverted array
  bool held_ = false;
};

AwsError EncodingError(size_t bad) {
  return AwsError(
      "SerializationException",
      std::string(rapidjson::GetParseError_En(rapidjson::kParseErrorStringInvalidEncoding)) +
          " (at offset " + std::to_string(bad) + ")");
}

// Parses `text` with `handler` from a padded copy in `buf`, in place: the SIMD scans load
// 16-byte blocks that may reach past the last byte of the text, so the copy carries 16 bytes of
// padding (15 NULs and the string's terminator) and every load stays inside the buffer.
template <typename Handler>
Status ParseInPlace(std::string_view text, std::string& buf, Handler& handler) {
  buf.reserve(text.size() + kSimdPadding);
  buf.assign(text);
  buf.append(kSimdPadding - 1, '\0');
  rapidjson::Reader reader;
  ScanStream is(buf.data());
  if constexpr (requires { handler.stream; }) handler.stream = &is;
  rapidjson::ParseResult ok =
      reader.Parse<rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseInsituFlag>(is, handler);
  if (!ok) {
    std::string msg = rapidjson::GetParseError_En(ok.Code());
    return AwsError("SerializationException",
                    msg + " (at offset " + std::to_string(ok.Offset()) + ")");
  }
  // Only whitespace may follow the document (a NUL byte inside the text ends the parse early:
  // it is refused here too).
  for (size_t i = is.Tell(); i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      return AwsError(
          "SerializationException",
          "Unexpected data after the JSON document (at offset " + std::to_string(i) + ")");
  }
  return Ok();
}

// The parse buffer of this thread, kept between documents so that parsing a large request
// touches pages already mapped; a buffer grown past 8 MiB is given back.
std::string& ScratchBuffer() {
  thread_local std::string buf;
  constexpr size_t kKeep = 8u << 20;
  if (buf.capacity() > kKeep) std::string().swap(buf);
  return buf;
}

}  // namespace

// The text is checked as UTF-8 as a whole (outside strings only ASCII is valid JSON anyway),
// then parsed in place from a copy: RapidJSON's SIMD scan of unescaped strings applies, and
// strings are not copied into the reader's stack first.
Result<Value> ParseJson(std::string_view text) {
  if (size_t bad = InvalidUtf8At(text); bad != std::string_view::npos) return EncodingError(bad);
  Builder builder;
  ORGTRAIL_CHECK(ParseInPlace(text, ScratchBuffer(), builder));
  return std::move(builder.result);
}

Result<Value> ParseJsonDiverting(std::string_view text, JsonDiversion& diversion) {
  if (size_t bad = InvalidUtf8At(text); bad != std::string_view::npos) return EncodingError(bad);
  DivertingBuilder builder(diversion);
  ORGTRAIL_CHECK(ParseInPlace(text, ScratchBuffer(), builder));
  return std::move(builder.builder().result);
}

std::string WriteJson(const Value& v) {
  JsonOutBuffer buf;
  JsonWriter w(buf);
  Write(w, v);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace orgtrail
