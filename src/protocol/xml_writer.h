// A small streaming XML writer for response documents (S3 REST-XML). Escapes text and attribute
// values; characters XML 1.0 cannot carry (C0 controls other than tab, LF, CR) are written as
// numeric character references so the document stays well-formed for lenient readers.
#pragma once

#include <string>
#include <string_view>

namespace orgtrail::protocol {

// Escapes &, <, > (and " ' in attributes); CR and controls become &#xN;.
void AppendXmlEscaped(std::string& out, std::string_view text, bool attribute);

class XmlWriter {
 public:
  // <?xml version="1.0" encoding="UTF-8"?> followed by a newline.
  void Declaration();
  // Starts an element; attributes may follow until content or End().
  void Start(std::string_view name);
  void Attribute(std::string_view name, std::string_view value);
  void Text(std::string_view text);
  // Ends the innermost open element; an element with no content is written <a></a>.
  void End(std::string_view name);
  // <name>text</name>
  void Element(std::string_view name, std::string_view text);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void CloseStartTag();
  std::string out_;
  bool start_open_ = false;
};

}  // namespace orgtrail::protocol
