#include "http/message.h"

#include "core/encoding.h"

namespace orgtrail::http {

const std::string* Request::FindHeader(std::string_view name) const {
  for (const Header& h : headers)
    if (IEquals(h.name, name)) return &h.value;
  return nullptr;
}

std::string Request::HeaderOr(std::string_view name, std::string_view def) const {
  const std::string* v = FindHeader(name);
  return v ? *v : std::string(def);
}

void Request::SetTarget(std::string t) {
  target = std::move(t);
  size_t q = target.find('?');
  if (q == std::string::npos) {
    path = target;
    query.clear();
  } else {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
}

void Response::SetHeader(std::string name, std::string value) {
  for (Header& h : headers) {
    if (IEquals(h.name, name)) {
      h.value = std::move(value);
      return;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
}

const std::string* Response::FindHeader(std::string_view name) const {
  for (const Header& h : headers)
    if (IEquals(h.name, name)) return &h.value;
  return nullptr;
}

}  // namespace orgtrail::http
