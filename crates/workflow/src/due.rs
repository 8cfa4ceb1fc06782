//! When a case is due: its creation time plus the time its severity allows (the company's SLA).

use duizhang_core::{BeijingTime, FindingSeverity};
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

/// Hours allowed per severity. Defaults: 严重 1 day, 高 2 days, 中 5 days, 低 10 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sla {
    pub critical_hours: u32,
    pub high_hours: u32,
    pub medium_hours: u32,
    pub low_hours: u32,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            critical_hours: 24,
            high_hours: 48,
            medium_hours: 120,
            low_hours: 240,
        }
    }
}

/// The longest SLA accepted: a year. Longer is a typing error, refused where settings are read.
pub const MAX_SLA_HOURS: u32 = 24 * 366;

impl Sla {
    pub fn hours(&self, severity: FindingSeverity) -> u32 {
        match severity {
            FindingSeverity::Critical => self.critical_hours,
            FindingSeverity::High => self.high_hours,
            FindingSeverity::Medium => self.medium_hours,
            FindingSeverity::Low => self.low_hours,
        }
    }

    /// Every value between one hour and a year; the field name of the first that is not.
    pub fn invalid_field(&self) -> Option<&'static str> {
        [
            ("critical_hours", self.critical_hours),
            ("high_hours", self.high_hours),
            ("medium_hours", self.medium_hours),
            ("low_hours", self.low_hours),
        ]
        .into_iter()
        .find(|(_, hours)| !(1..=MAX_SLA_HOURS).contains(hours))
        .map(|(name, _)| name)
    }

    /// The due time of a case created at `created` (civil time: no daylight saving in China).
    pub fn due(&self, severity: FindingSeverity, created: BeijingTime) -> BeijingTime {
        let hours = i64::from(self.hours(severity).min(MAX_SLA_HOURS));
        created
            .datetime()
            .checked_add(hours.hours())
            .map(BeijingTime::from_datetime)
            .unwrap_or(created)
    }
}
