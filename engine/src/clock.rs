//! Time as a trait object: the real clock, or a scaled one (`--time-scale 0` skips Waits without
//! changing what the history says).

use chrono::{DateTime, Utc};

/// How an engine relates durable time to wall-clock time.
#[derive(Debug, Clone, Copy)]
pub struct TimeScale(pub f64);

impl TimeScale {
    pub const REAL: TimeScale = TimeScale(1.0);
    pub const SKIP: TimeScale = TimeScale(0.0);

    pub fn is_virtual(self) -> bool {
        self.0 == 0.0
    }

    /// How long to really sleep for a durable delay of `secs`.
    pub fn real_delay(self, secs: f64) -> std::time::Duration {
        std::time::Duration::from_secs_f64((secs * self.0).max(0.0))
    }
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock fixed at a given instant plus the real time elapsed since creation (for replaying a
/// recording made at a known instant).
pub struct OffsetClock {
    offset: chrono::Duration,
}

impl OffsetClock {
    pub fn starting_at(t: DateTime<Utc>) -> Self {
        OffsetClock { offset: t - Utc::now() }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}
