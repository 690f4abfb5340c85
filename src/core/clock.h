// Clocks (DESIGN.md §5). No orgtrail code reads the wall clock directly; it asks a Clock.
//
// The orgtrail clock is wall time plus an offset that the admin API (and tests) may advance:
// session expiry, alarm periods, retention and digest hours follow it. Signature checks (clock
// skew, presigned expiry) use WallMillis(), so advancing the orgtrail clock never breaks signing.
#pragma once

#include <atomic>
#include <cstdint>

namespace orgtrail {

class Clock {
 public:
  virtual ~Clock() = default;
  // The orgtrail (emulated) time, milliseconds since the epoch.
  virtual int64_t NowMillis() const = 0;
  // Real time, milliseconds since the epoch. For signature-time checks only.
  virtual int64_t WallMillis() const = 0;
  // Moves the orgtrail clock forward by `millis` (never backward: negative values are ignored).
  virtual void Advance(int64_t millis) = 0;
  // Sets the orgtrail clock to `millis` if that is not in its past; returns whether it moved.
  virtual bool SetNow(int64_t millis) = 0;
  // Back to wall time (offset 0), used by the admin reset.
  virtual void Reset() = 0;

  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

// Wall time plus an adjustable, monotone offset.
class SystemClock : public Clock {
 public:
  int64_t NowMillis() const override;
  int64_t WallMillis() const override;
  void Advance(int64_t millis) override;
  bool SetNow(int64_t millis) override;
  void Reset() override { offset_ = 0; }

 private:
  std::atomic<int64_t> offset_{0};
};

// A clock that only moves when told; wall time moves with it. For tests.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_millis = 1767225600000) : now_(start_millis) {}
  int64_t NowMillis() const override { return now_; }
  int64_t WallMillis() const override { return now_; }
  void Advance(int64_t millis) override {
    if (millis > 0) now_ += millis;
  }
  bool SetNow(int64_t millis) override {
    if (millis < now_) return false;
    now_ = millis;
    return true;
  }
  void Reset() override {}

 private:
  std::atomic<int64_t> now_;
};

}  // namespace orgtrail
