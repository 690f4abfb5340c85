#include "protocol/query_xml_writer.h"

namespace orgtrail::protocol {

void QueryXmlWriter::Open(std::string_view name, std::string_view ns) {
  out_ += '<';
  out_ += name;
  if (!ns.empty()) {
    out_ += " xmlns=\"";
    AppendEscaped(out_, ns);
    out_ += '"';
  }
  out_ += '>';
}

void QueryXmlWriter::Close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void QueryXmlWriter::Element(std::string_view name, std::string_view text) {
  Open(name);
  AppendEscaped(out_, text);
  Close(name);
}

void QueryXmlWriter::Empty(std::string_view name) {
  out_ += '<';
  out_ += name;
  out_ += "/>";
}

void QueryXmlWriter::AppendEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    const char* rep = nullptr;
    switch (c) {
      case '&':
        rep = "&amp;";
        break;
      case '<':
        rep = "&lt;";
        break;
      case '>':
        rep = "&gt;";
        break;
      case '"':
        rep = "&quot;";
        break;
      case '\'':
        rep = "&apos;";
        break;
      default:
        break;
    }
    if (rep == nullptr && (c >= 0x20 || c == '\t' || c == '\n')) continue;
    out.append(text.data() + start, i - start);
    if (rep != nullptr) {
      out += rep;
    } else {
      out += "&#x";
      if (c >= 0x10) out += kHex[c >> 4];
      out += kHex[c & 0xF];
      out += ';';
    }
    start = i + 1;
  }
  out.append(text.data() + start, text.size() - start);
}

}  // namespace orgtrail::protocol
