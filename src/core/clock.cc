#include "core/clock.h"

#include <chrono>

namespace orgtrail {

int64_t SystemClock::WallMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t SystemClock::NowMillis() const { return WallMillis() + offset_.load(); }

void SystemClock::Advance(int64_t millis) {
  if (millis > 0) offset_ += millis;
}

bool SystemClock::SetNow(int64_t millis) {
  int64_t delta = millis - NowMillis();
  if (delta < 0) return false;
  offset_ += delta;
  return true;
}

}  // namespace orgtrail
