// Process log on stderr, one line per event: "<ISO time> <level> <message>". The level is set once
// at start-up (--log-level). Pure cores (auth, policy, filter) never log.
#pragma once

#include <string_view>

namespace orgtrail::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug" | "info" | "warn" | "error"; unknown names give kInfo.
Level ParseLevel(std::string_view name);
void SetLevel(Level level);
bool Enabled(Level level);
void Write(Level level, std::string_view message);

inline void Debug(std::string_view m) { Write(Level::kDebug, m); }
inline void Info(std::string_view m) { Write(Level::kInfo, m); }
inline void Warn(std::string_view m) { Write(Level::kWarn, m); }
inline void Error(std::string_view m) { Write(Level::kError, m); }

}  // namespace orgtrail::log
