// Raw list members: the declarations, the single pass that checks a raw list against its model
// and packs it while the request is parsed, and the reader of the packed form
// (protocol/raw_member.h).
#include "protocol/raw_member.h"

#include <cstring>
#include <mutex>

#include "core/bytes.h"
#include "protocol/raw_list_check.h"

namespace orgtrail::protocol {
namespace {

constexpr std::string_view kMagic("RL1\0", 4);

struct Declaration {
  std::string service;
  std::string operation;
  std::string member;
};

std::mutex& DeclarationsMutex() {
  static std::mutex mu;
  return mu;
}
std::vector<Declaration>& Declarations() {
  static std::vector<Declaration> declarations;
  return declarations;
}

bool TakeBytes(std::string_view& in, size_t n, std::string_view& out) {
  if (in.size() < n) return false;
  out = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

}  // namespace

void DeclareRawListMember(std::string_view service, std::string_view operation,
                          std::string_view member) {
  std::lock_guard lock(DeclarationsMutex());
  for (Declaration& d : Declarations()) {
    if (d.service == service && d.operation == operation) {
      d.member = member;
      return;
    }
  }
  Declarations().push_back({std::string(service), std::string(operation), std::string(member)});
}

std::string_view RawListMember(std::string_view service, std::string_view operation) {
  std::lock_guard lock(DeclarationsMutex());
  // Entries are not removed once added: the view outlives the lock (a declaration replaced
  // while a request reads it happens only in tests, which do not run requests meanwhile).
  for (const Declaration& d : Declarations())
    if (d.service == service && d.operation == operation) return d.member;
  return {};
}

bool RawList::Open(std::string_view packed) {
  names_.clear();
  fields_.clear();
  count_ = read_ = 0;
  if (packed.substr(0, kMagic.size()) != kMagic) return false;
  packed.remove_prefix(kMagic.size());
  uint32_t m = 0;
  if (!TakePod(packed, m) || m > 64) return false;
  for (uint32_t i = 0; i < m; ++i) {
    uint16_t len = 0;
    std::string_view name;
    if (!TakePod(packed, len) || !TakeBytes(packed, len, name)) return false;
    names_.push_back(name);
  }
  if (!TakePod(packed, count_)) return false;
  fields_.resize(m);
  rest_ = packed;
  return true;
}

int RawList::Member(std::string_view wire_name) const {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == wire_name) return static_cast<int>(i);
  return -1;
}

bool RawList::Next() {
  if (read_ >= count_) return false;
  for (Field& f : fields_) {
    if (!TakePod(rest_, f.tag)) return false;
    switch (f.tag) {
      case 0:
        break;
      case 1:
        if (!TakePod(rest_, f.i)) return false;
        break;
      case 2: {
        uint8_t b = 0;
        if (!TakePod(rest_, b)) return false;
        f.i = b;
        break;
      }
      case 3: {
        uint32_t len = 0;
        if (!TakePod(rest_, len) || !TakeBytes(rest_, len, f.s)) return false;
        break;
      }
      default:
        return false;
    }
  }
  ++read_;
  return true;
}

std::optional<int64_t> RawList::Int(int member) const {
  if (member < 0 || static_cast<size_t>(member) >= fields_.size()) return std::nullopt;
  const Field& f = fields_[member];
  return f.tag == 1 ? std::optional<int64_t>(f.i) : std::nullopt;
}

std::optional<bool> RawList::Bool(int member) const {
  if (member < 0 || static_cast<size_t>(member) >= fields_.size()) return std::nullopt;
  const Field& f = fields_[member];
  return f.tag == 2 ? std::optional<bool>(f.i != 0) : std::nullopt;
}

std::optional<std::string_view> RawList::String(int member) const {
  if (member < 0 || static_cast<size_t>(member) >= fields_.size()) return std::nullopt;
  const Field& f = fields_[member];
  return f.tag == 3 ? std::optional<std::string_view>(f.s) : std::nullopt;
}

RawListWriter::RawListWriter(std::initializer_list<std::string_view> members, size_t reserve) {
  packed_.reserve(reserve + 16);
  packed_.append(kMagic);
  AppendPod(packed_, static_cast<uint32_t>(members.size()));
  for (std::string_view name : members) {
    AppendPod(packed_, static_cast<uint16_t>(name.size()));
    packed_.append(name);
  }
  count_at_ = packed_.size();
  AppendPod(packed_, uint32_t{0});
}

void RawListWriter::Int(int64_t v) {
  packed_.push_back('\1');
  AppendPod(packed_, v);
}

void RawListWriter::Bool(bool v) {
  packed_.push_back('\2');
  AppendPod(packed_, static_cast<uint8_t>(v ? 1 : 0));
}

void RawListWriter::String(std::string_view v) {
  packed_.push_back('\3');
  AppendPod(packed_, static_cast<uint32_t>(v.size()));
  packed_.append(v);
}

void RawListWriter::Absent() { packed_.push_back('\0'); }

std::string RawListWriter::Finish() {
  std::memcpy(packed_.data() + count_at_, &count_, sizeof count_);
  count_ = 0;
  return std::move(packed_);
}

namespace internal {

bool RawListCheck::Supported(const spec::Shape& list) {
  if (list.type != spec::ShapeType::kList || list.member.shape == nullptr) return false;
  const spec::Shape& element = *list.member.shape;
  if (element.type != spec::ShapeType::kStructure || element.members.size() > 64) return false;
  for (const spec::Member& m : element.members) {
    if (m.shape == nullptr || m.WireName().size() > UINT16_MAX) return false;
    switch (m.shape->type) {
      case spec::ShapeType::kString:
        if (!m.shape->enum_values.empty()) return false;
        break;
      case spec::ShapeType::kInteger:
      case spec::ShapeType::kLong:
      case spec::ShapeType::kBoolean:
        break;
      default:
        return false;
    }
  }
  return true;
}

RawListCheck::RawListCheck(const spec::Shape& list, std::string& packed)
    : list_(list), element_(*list.member.shape), packed_(packed) {
  slots_.resize(element_.members.size());
  packed_.append(kMagic);
  AppendPod(packed_, static_cast<uint32_t>(element_.members.size()));
  for (size_t i = 0; i < element_.members.size(); ++i) {
    const std::string& name = element_.members[i].WireName();
    AppendPod(packed_, static_cast<uint16_t>(name.size()));
    packed_.append(name);
    if (element_.members[i].required) required_ |= uint64_t{1} << i;
  }
  count_at_ = packed_.size();
  AppendPod(packed_, uint32_t{0});
}

bool RawListCheck::Key(std::string_view k) {
  if (level_ != 2) return Fail();
  current_ = -1;
  for (size_t i = 0; i < element_.members.size(); ++i) {
    if (element_.members[i].WireName() != k) continue;
    uint64_t bit = uint64_t{1} << i;
    if (seen_ & bit) return Fail();  // duplicate key: the ordinary path decides
    seen_ |= bit;
    current_ = static_cast<int>(i);
    return true;
  }
  return Fail();  // unknown member
}

bool RawListCheck::Int64(int64_t i) {
  if (level_ != 2 || current_ < 0) return Fail();
  const spec::Shape& s = *element_.members[current_].shape;
  if (s.type != spec::ShapeType::kLong && s.type != spec::ShapeType::kInteger) return Fail();
  if (s.type == spec::ShapeType::kInteger && (i < INT32_MIN || i > INT32_MAX)) return Fail();
  double d = static_cast<double>(i);
  if ((s.min && d < *s.min) || (s.max && d > *s.max)) return Fail();
  slots_[current_] = {1, i, {}};
  current_ = -1;
  return true;
}

bool RawListCheck::String(std::string_view v) {
  if (level_ != 2 || current_ < 0) return Fail();
  const spec::Shape& s = *element_.members[current_].shape;
  if (s.type != spec::ShapeType::kString || v.size() > UINT32_MAX) return Fail();
  if (s.min && static_cast<double>(v.size()) < *s.min) return Fail();
  if ((s.min && *s.min > 1) || s.max) {
    size_t points = 0;
    for (unsigned char c : v)
      if ((c & 0xC0) != 0x80) ++points;
    double n = static_cast<double>(points);
    if ((s.min && n < *s.min) || (s.max && n > *s.max)) return Fail();
  }
  slots_[current_] = {3, 0, v};
  current_ = -1;
  return true;
}

bool RawListCheck::Bool(bool b) {
  if (level_ != 2 || current_ < 0) return Fail();
  if (element_.members[current_].shape->type != spec::ShapeType::kBoolean) return Fail();
  slots_[current_] = {2, b ? 1 : 0, {}};
  current_ = -1;
  return true;
}

bool RawListCheck::StartObject() {
  if (level_ != 1) return Fail();
  level_ = 2;
  seen_ = 0;
  for (Slot& s : slots_) s.tag = 0;
  return true;
}

bool RawListCheck::EndObject() {
  if (level_ != 2) return Fail();
  if ((seen_ & required_) != required_) return Fail();
  level_ = 1;
  ++count_;
  for (const Slot& s : slots_) {
    packed_.push_back(static_cast<char>(s.tag));
    if (s.tag == 1) AppendPod(packed_, s.i);
    if (s.tag == 2) packed_.push_back(static_cast<char>(s.i));
    if (s.tag == 3) {
      AppendPod(packed_, static_cast<uint32_t>(s.s.size()));
      packed_.append(s.s);
    }
  }
  return true;
}

bool RawListCheck::StartArray() {
  if (level_ != 0) return Fail();
  level_ = 1;
  return true;
}

bool RawListCheck::EndArray() {
  if (level_ != 1) return Fail();
  level_ = 0;
  ended_ = true;
  double n = static_cast<double>(count_);
  if ((list_.min && n < *list_.min) || (list_.max && n > *list_.max)) return Fail();
  std::memcpy(packed_.data() + count_at_, &count_, sizeof(count_));
  return true;
}

}  // namespace internal
}  // namespace orgtrail::protocol
