// The status line and headers of a response (server.cc writes them before the body).
#pragma once

#include <string>

#include "http/message.h"

namespace orgtrail::http {

// Serializes the status line and headers, adding Content-Length (RFC 9110 §8.6), Date, Server
// and Connection as needed; CR and LF in names or values become spaces (no response splitting).
std::string SerializeHead(const Response& resp, bool head_request, bool keep_alive, bool http10);

}  // namespace orgtrail::http
