#include "protocol/xml_writer.h"

namespace orgtrail::protocol {

void AppendXmlEscaped(std::string& out, std::string_view text, bool attribute) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        if (attribute)
          out += "&quot;";
        else
          out += ch;
        break;
      case '\'':
        if (attribute)
          out += "&apos;";
        else
          out += ch;
        break;
      default:
        if (c < 0x20 && ((c != '\t' && c != '\n') || attribute)) {
          out += "&#x";
          if (c >= 0x10) out += kHex[c >> 4];
          out += kHex[c & 0xF];
          out += ';';
        } else {
          out += ch;
        }
    }
  }
}

void XmlWriter::Declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

void XmlWriter::CloseStartTag() {
  if (start_open_) {
    out_ += '>';
    start_open_ = false;
  }
}

void XmlWriter::Start(std::string_view name) {
  CloseStartTag();
  out_ += '<';
  out_ += name;
  start_open_ = true;
}

void XmlWriter::Attribute(std::string_view name, std::string_view value) {
  out_ += ' ';
  out_ += name;
  out_ += "=\"";
  AppendXmlEscaped(out_, value, /*attribute=*/true);
  out_ += '"';
}

void XmlWriter::Text(std::string_view text) {
  CloseStartTag();
  AppendXmlEscaped(out_, text, /*attribute=*/false);
}

void XmlWriter::End(std::string_view name) {
  CloseStartTag();
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void XmlWriter::Element(std::string_view name, std::string_view text) {
  Start(name);
  Text(text);
  End(name);
}

}  // namespace orgtrail::protocol
