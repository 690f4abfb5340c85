// Raw list members: the declarations, and the single pass that checks a raw list against its
// model while the request is parsed (protocol/raw_member.h).
#include "protocol/raw_member.h"

#include <cstdint>
#include <mutex>
#include <vector>

#include "protocol/raw_list_check.h"

namespace orgtrail::protocol {
namespace {

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
  // Entries are never removed or changed once added: the view outlives the lock.
  for (const Declaration& d : Declarations())
    if (d.service == service && d.operation == operation) return d.member;
  return {};
}

Status ReadRawList(std::string_view raw, std::string& buf, JsonSax& sax) {
  // The text is a slice of a request body the protocol already parsed and found valid UTF-8.
  return ReadJson(raw, buf, sax, /*utf8_checked=*/true);
}

namespace internal {

bool RawListCheck::Supported(const spec::Shape& list) {
  if (list.type != spec::ShapeType::kList || list.member.shape == nullptr) return false;
  const spec::Shape& element = *list.member.shape;
  if (element.type != spec::ShapeType::kStructure || element.members.size() > 64) return false;
  for (const spec::Member& m : element.members) {
    if (m.shape == nullptr) return false;
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

RawListCheck::RawListCheck(const spec::Shape& list) : list_(list), element_(*list.member.shape) {
  for (size_t i = 0; i < element_.members.size(); ++i)
    if (element_.members[i].required) required_ |= uint64_t{1} << i;
}

bool RawListCheck::Key(std::string_view k) {
  if (level_ != 2) return Fail();
  current_ = nullptr;
  for (size_t i = 0; i < element_.members.size(); ++i) {
    if (element_.members[i].WireName() != k) continue;
    uint64_t bit = uint64_t{1} << i;
    if (seen_ & bit) return Fail();  // duplicate key: the ordinary path decides
    seen_ |= bit;
    current_ = element_.members[i].shape;
    return true;
  }
  return Fail();  // unknown member
}

bool RawListCheck::Int64(int64_t i) {
  if (level_ != 2 || current_ == nullptr) return Fail();
  const spec::Shape& s = *current_;
  if (s.type != spec::ShapeType::kLong && s.type != spec::ShapeType::kInteger) return Fail();
  if (s.type == spec::ShapeType::kInteger && (i < INT32_MIN || i > INT32_MAX)) return Fail();
  double d = static_cast<double>(i);
  if ((s.min && d < *s.min) || (s.max && d > *s.max)) return Fail();
  current_ = nullptr;
  return true;
}

bool RawListCheck::String(std::string_view v) {
  if (level_ != 2 || current_ == nullptr) return Fail();
  const spec::Shape& s = *current_;
  if (s.type != spec::ShapeType::kString) return Fail();
  if (s.min && static_cast<double>(v.size()) < *s.min) return Fail();
  if ((s.min && *s.min > 1) || s.max) {
    size_t points = 0;
    for (unsigned char c : v)
      if ((c & 0xC0) != 0x80) ++points;
    double n = static_cast<double>(points);
    if ((s.min && n < *s.min) || (s.max && n > *s.max)) return Fail();
  }
  current_ = nullptr;
  return true;
}

bool RawListCheck::Bool(bool) {
  if (level_ != 2 || current_ == nullptr || current_->type != spec::ShapeType::kBoolean)
    return Fail();
  current_ = nullptr;
  return true;
}

bool RawListCheck::StartObject() {
  if (level_ != 1) return Fail();
  level_ = 2;
  seen_ = 0;
  return true;
}

bool RawListCheck::EndObject() {
  if (level_ != 2) return Fail();
  if ((seen_ & required_) != required_) return Fail();
  level_ = 1;
  ++count_;
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
  return true;
}

}  // namespace internal
}  // namespace orgtrail::protocol
