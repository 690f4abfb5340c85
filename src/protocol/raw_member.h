// Raw list members of the JSON protocol (docs/architecture.md, "Raw list members").
//
// The protocol layer parses a request into a Value and validates it against the model; a
// handler never reads the wire. One exception, taken deliberately for bulk ingest: an operation
// may declare one list member of its input raw. For such an operation the JSON protocol parses
// the list without building a Value per element, checks every element against the model in the
// same pass (required members, types, lengths, ranges, list length), and hands the handler the
// member as a string Value holding the list's JSON text, already known to be well formed and
// valid. The handler reads it with ReadRawList. Whenever the fast pass cannot vouch for the list
// (a null, an unknown or duplicate key, a number that is not an integer, a value out of its
// constraints, any invalid member elsewhere in the input), the request takes the ordinary path
// and the member is a list Value as usual, with the model's exact errors. Internal callers
// (Registry::CallInternal) always pass a list: a handler that declares a raw member accepts both
// forms and must treat them alike.
#pragma once

#include <string>
#include <string_view>

#include "core/json_sax.h"
#include "core/result.h"

namespace orgtrail::protocol {

// Declares `member` (a list of structures whose members are strings, integers, longs or
// booleans without enums) of `operation`'s input raw. Call at registration. Declaring again
// replaces the declaration; an empty `member` withdraws it (tests).
void DeclareRawListMember(std::string_view service, std::string_view operation,
                          std::string_view member);

// The raw member declared for (service, operation), or "".
std::string_view RawListMember(std::string_view service, std::string_view operation);

// Reads a raw member's text (the string Value the protocol produced) into `sax`: StartArray,
// then per element StartObject, Key (the member's wire name) and its scalar, ..., EndObject,
// then EndArray. String views point into `buf`, whose capacity callers may reuse.
Status ReadRawList(std::string_view raw, std::string& buf, JsonSax& sax);

}  // namespace orgtrail::protocol
