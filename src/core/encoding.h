// Byte encodings used on the wire: hex, base64, RFC 3986 percent-encoding, form/query strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgtrail {

std::string HexEncode(std::string_view bytes);  // lower case
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
// Strict base64 (padding required, no whitespace); nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);  // no padding
std::optional<std::string> Base64UrlDecode(std::string_view text);

// RFC 3986 percent-encoding: every byte except A-Z a-z 0-9 - _ . ~ is encoded as %XX (upper
// hex); '/' is kept when keep_slash is true (SigV4 canonical URIs and S3 keys).
std::string UriEncode(std::string_view s, bool keep_slash = false);
// Percent-decoding. When plus_as_space is true, '+' decodes to ' ' (form encoding).
// Malformed escapes are kept literally.
std::string UriDecode(std::string_view s, bool plus_as_space = false);

// Splits "a=1&b=&c" into decoded pairs [("a","1"),("b",""),("c","")]. Empty segments are skipped.
using Params = std::vector<std::pair<std::string, std::string>>;
Params ParseQueryString(std::string_view qs, bool plus_as_space = true);

bool IEquals(std::string_view a, std::string_view b);  // ASCII case-insensitive
std::string ToLower(std::string_view s);
std::string_view Trim(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::vector<std::string_view> Split(std::string_view s, char sep);

}  // namespace orgtrail
