// A minimal streaming XML writer for Query protocol responses (spec/wire.md §4, §6.3).
// Element names come from the service models and are trusted; text is escaped.
#pragma once

#include <string>
#include <string_view>

namespace orgtrail::protocol {

class QueryXmlWriter {
 public:
  // Opens <name> (with xmlns="ns" when ns is not empty).
  void Open(std::string_view name, std::string_view ns = {});
  void Close(std::string_view name);
  // <name>escaped text</name>
  void Element(std::string_view name, std::string_view text);
  // <name/>
  void Empty(std::string_view name);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

  // Escapes character data and attribute values: & < > " ' and control characters as
  // character references (CR is kept as &#xD; so it survives XML line-end normalization).
  static void AppendEscaped(std::string& out, std::string_view text);

 private:
  std::string out_;
};

}  // namespace orgtrail::protocol
