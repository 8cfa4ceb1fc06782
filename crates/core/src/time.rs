//! Beijing time. Every bill and export writes naive local times (Asia/Shanghai, no DST since
//! 1991), so the domain keeps civil date-times and never converts through UTC.

use std::fmt;
use std::num::NonZeroU64;

use jiff::civil::{Date, DateTime};

pub use crate::period::{Period, PeriodError, PeriodKind};
use serde::{Deserialize, Serialize};

/// A moment in Beijing time, to the second.
///
/// Packed into one word (a month holds millions of records, most with several times): the
/// fields from year down to second, most significant first, so the integer order is the
/// chronological order; the top bit is always set, which leaves `Option<BeijingTime>` the
/// same 8 bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BeijingTime(NonZeroU64);

const PACKED_TAG: u64 = 1 << 63;
/// Years are stored offset so that every year jiff accepts (-9999..=9999) is positive.
const YEAR_OFFSET: i32 = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a date-time: {0:?}")]
pub struct TimeError(pub String);

impl TimeError {
    pub fn zh(&self) -> String {
        format!("“{}”不是有效的日期时间", self.0)
    }
}

impl BeijingTime {
    pub fn new(y: i16, mo: i8, d: i8, h: i8, mi: i8, s: i8) -> Option<BeijingTime> {
        DateTime::new(y, mo, d, h, mi, s, 0)
            .ok()
            .map(BeijingTime::from_datetime)
    }

    /// The moment `t`, sub-second digits dropped (bills are to the second).
    pub fn from_datetime(t: DateTime) -> BeijingTime {
        let field = |v: i8| u64::from(v.unsigned_abs());
        let year = u64::try_from(i32::from(t.year()) + YEAR_OFFSET).unwrap_or(0);
        let packed = PACKED_TAG
            | year << 26
            | field(t.month()) << 22
            | field(t.day()) << 17
            | field(t.hour()) << 12
            | field(t.minute()) << 6
            | field(t.second());
        BeijingTime(NonZeroU64::new(packed).unwrap_or(NonZeroU64::MIN))
    }

    /// A spreadsheet's date-time: Excel's serial number (days since the workbook's epoch, the
    /// fraction the time of day), rounded to the second. The 1900 system counts from
    /// 1899-12-30 (Excel's phantom 1900-02-29 is not reproduced: bills are far later); the
    /// 1904 system (`date1904`, Excel for Mac) from 1904-01-01. `None` outside Excel's range.
    pub fn from_excel_serial(serial: f64, date1904: bool) -> Option<BeijingTime> {
        if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
            return None;
        }
        // Round to the second: the fraction is binary and 0.5 s noise is common.
        let total_seconds: i64 = format!("{:.0}", (serial * 86_400.0).round()).parse().ok()?;
        let epoch = if date1904 {
            jiff::civil::date(1904, 1, 1)
        } else {
            jiff::civil::date(1899, 12, 30)
        };
        let t = epoch
            .at(0, 0, 0, 0)
            .checked_add(jiff::Span::new().seconds(total_seconds))
            .ok()?;
        Some(BeijingTime::from_datetime(t))
    }

    /// Midnight at the start of `date`.
    pub fn start_of(date: Date) -> BeijingTime {
        BeijingTime::from_datetime(date.at(0, 0, 0, 0))
    }

    /// The packed fields back, every one within its range by construction.
    fn fields(self) -> (i16, i8, i8, i8, i8, i8) {
        let packed = self.0.get();
        let bits = |shift: u32, width: u32| (packed >> shift) & ((1 << width) - 1);
        let narrow = |v: u64| i8::try_from(v).unwrap_or(0);
        let year = i32::try_from(bits(26, 15)).unwrap_or(YEAR_OFFSET) - YEAR_OFFSET;
        (
            i16::try_from(year).unwrap_or(0),
            narrow(bits(22, 4)),
            narrow(bits(17, 5)),
            narrow(bits(12, 5)),
            narrow(bits(6, 6)),
            narrow(bits(0, 6)),
        )
    }

    pub fn datetime(self) -> DateTime {
        let (y, mo, d, h, mi, s) = self.fields();
        DateTime::new(y, mo, d, h, mi, s, 0).unwrap_or_default()
    }

    pub fn date(self) -> Date {
        let (y, mo, d, ..) = self.fields();
        Date::new(y, mo, d).unwrap_or_default()
    }

    /// Parses the shapes sellers' files use: `2026-10-01 09:12:33`, `2026/10/1 9:12`,
    /// `2026-10-01T09:12:33`, `2026-10-01 09:12:33.683`, `2019年09月16日 00:00:00`,
    /// a date alone (`2026-10-01`, `20261012`) as midnight.
    pub fn parse(text: &str) -> Result<BeijingTime, TimeError> {
        let err = || TimeError(text.to_string());
        let s = text.trim();
        if s.is_empty() {
            return Err(err());
        }
        // Compact date `20261012`.
        if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
            let n = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<i16>().ok());
            let (y, m, d) = (
                n(0..4).ok_or_else(err)?,
                n(4..6).ok_or_else(err)?,
                n(6..8).ok_or_else(err)?,
            );
            return BeijingTime::new(
                y,
                i8::try_from(m).map_err(|_| err())?,
                i8::try_from(d).map_err(|_| err())?,
                0,
                0,
                0,
            )
            .ok_or_else(err);
        }
        let mut numbers = [0i64; 7];
        let mut count = 0usize;
        let mut current: Option<i64> = None;
        let mut fraction_started = false;
        for (i, c) in s.char_indices() {
            if let Some(d) = c.to_digit(10) {
                if fraction_started {
                    continue; // sub-second digits are dropped: bills are to the second
                }
                let v = current.unwrap_or(0) * 10 + i64::from(d);
                if v > 99_999 {
                    return Err(err());
                }
                current = Some(v);
                continue;
            }
            if let Some(v) = current.take() {
                if count >= 6 {
                    return Err(err());
                }
                numbers[count] = v;
                count += 1;
            }
            let separator_ok = match c {
                '-' | '/' | '年' | '月' => count < 3,
                '日' => count == 3,
                ' ' | 'T' => count == 3 || (count > 3 && c == ' '),
                ':' => (4..6).contains(&count),
                '.' => count == 6 && !fraction_started,
                _ => false,
            };
            if !separator_ok {
                return Err(err());
            }
            if c == '.' {
                fraction_started = true;
            }
            let _ = i;
        }
        if let Some(v) = current.take()
            && !fraction_started
        {
            if count >= 6 {
                return Err(err());
            }
            numbers[count] = v;
            count += 1;
        }
        if !(count == 3 || count == 5 || count == 6) {
            return Err(err());
        }
        let narrow = |v: i64| i8::try_from(v).map_err(|_| err());
        let year = i16::try_from(numbers[0]).map_err(|_| err())?;
        if !(1990..=2200).contains(&year) {
            return Err(err());
        }
        BeijingTime::new(
            year,
            narrow(numbers[1])?,
            narrow(numbers[2])?,
            narrow(numbers[3])?,
            narrow(numbers[4])?,
            narrow(numbers[5])?,
        )
        .ok_or_else(err)
    }

    /// Days later (negative: earlier), same clock time.
    pub fn plus_days(self, days: i64) -> BeijingTime {
        let t = self.datetime();
        BeijingTime::from_datetime(t.checked_add(jiff::Span::new().days(days)).unwrap_or(t))
    }

    /// Seconds since 1970-01-01 00:00:00 Beijing time (a local epoch, for arithmetic only).
    pub fn local_seconds(self) -> i64 {
        let (y, mo, d, h, mi, s) = self.fields();
        let days = days_from_civil(i64::from(y), i64::from(mo), i64::from(d));
        days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
    }

    /// Whole-or-partial seconds from `self` to `later`.
    pub fn seconds_until(self, later: BeijingTime) -> i64 {
        later.local_seconds() - self.local_seconds()
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl fmt::Display for BeijingTime {
    /// `2026-10-01 09:12:33`, the way the files and accountants write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.fields();
        write!(f, "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

impl fmt::Debug for BeijingTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BeijingTime({self})")
    }
}

/// Serialized as jiff's civil date-time (`2026-10-01T09:12:33`), as before packing; a binary
/// format (records kept by a workspace) gets the packed word, which is a fraction of the size
/// and needs no parsing.
impl Serialize for BeijingTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            self.datetime().serialize(serializer)
        } else {
            serializer.serialize_u64(self.0.get())
        }
    }
}

impl<'de> Deserialize<'de> for BeijingTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            return DateTime::deserialize(deserializer).map(BeijingTime::from_datetime);
        }
        let packed = u64::deserialize(deserializer)?;
        // Only a word `from_datetime` could have made is a time: packing it again gives it back.
        NonZeroU64::new(packed)
            .filter(|p| p.get() & PACKED_TAG != 0)
            .map(BeijingTime)
            .and_then(|t| {
                let (y, mo, d, h, mi, s) = t.fields();
                BeijingTime::new(y, mo, d, h, mi, s).filter(|again| *again == t)
            })
            .ok_or_else(|| serde::de::Error::custom(format_args!("not a packed time: {packed:#x}")))
    }
}

impl BeijingTime {
    /// `2026-10-01T09:12:33`, the findings format.
    pub fn iso(self) -> String {
        let text = self.to_string();
        text.replacen(' ', "T", 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: &str) -> String {
        BeijingTime::parse(s)
            .map(|t| t.to_string())
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn parses_sellers_shapes() {
        assert_eq!(t("2026-10-01 09:12:33"), "2026-10-01 09:12:33");
        assert_eq!(t("2026/10/1 9:12"), "2026-10-01 09:12:00");
        assert_eq!(t("2026-10-01T09:12:33"), "2026-10-01 09:12:33");
        assert_eq!(t("2021-05-07 09:20:39.683"), "2021-05-07 09:20:39");
        assert_eq!(t("2019年09月16日 00:00:00"), "2019-09-16 00:00:00");
        assert_eq!(t("2026-10-01"), "2026-10-01 00:00:00");
        assert_eq!(t("20261012"), "2026-10-12 00:00:00");
    }

    #[test]
    fn rejects_impossible_times() {
        for s in [
            "",
            "-",
            "2026-13-01 00:00:00",
            "2026-02-30 10:00:00",
            "2026-10-01 25:00:00",
            "10/01/2026",
            "abc",
            "2026-10",
            "1.5",
            "2026-10-01 09:12:33:44",
        ] {
            assert!(BeijingTime::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn a_time_takes_one_word_and_keeps_its_fields() {
        assert_eq!(std::mem::size_of::<BeijingTime>(), 8);
        assert_eq!(std::mem::size_of::<Option<BeijingTime>>(), 8);
        let t = BeijingTime::parse("2026-10-31 23:59:58.731").unwrap_or_else(|_| unreachable!());
        assert_eq!(t.to_string(), "2026-10-31 23:59:58");
        assert_eq!(t.date(), jiff::civil::date(2026, 10, 31));
        assert_eq!(
            t.datetime(),
            jiff::civil::date(2026, 10, 31).at(23, 59, 58, 0)
        );
        assert_eq!(format!("{t:?}"), "BeijingTime(2026-10-31 23:59:58)");
        let json = serde_json::to_string(&t).unwrap_or_default();
        assert_eq!(json, "\"2026-10-31T23:59:58\"");
        let back: Option<BeijingTime> = serde_json::from_str(&json).ok();
        assert_eq!(back, Some(t));
        assert_eq!(
            BeijingTime::from_datetime(jiff::civil::date(-9999, 1, 1).at(0, 0, 0, 0)).date(),
            jiff::civil::date(-9999, 1, 1)
        );
    }

    #[test]
    fn a_binary_format_keeps_the_packed_word_and_refuses_a_word_no_time_packs_to() {
        let t = BeijingTime::new(2026, 10, 31, 23, 59, 58).unwrap_or_else(|| unreachable!());
        let bytes = postcard::to_stdvec(&t).unwrap_or_default();
        assert_eq!(postcard::from_bytes::<BeijingTime>(&bytes).ok(), Some(t));
        // The text form would be 19 bytes and more; the word is at most 10 as a varint.
        assert!(bytes.len() <= 10, "{} bytes", bytes.len());
        // February 30th, and a word without the packed tag, are no time.
        let feb30 = t.0.get() & !(0b1_1111 << 17 | 0b1111 << 22) | 2 << 22 | 30 << 17;
        for word in [feb30, 12345] {
            let bytes = postcard::to_stdvec(&word).unwrap_or_default();
            assert!(
                postcard::from_bytes::<BeijingTime>(&bytes).is_err(),
                "{word:#x}"
            );
        }
    }

    proptest! {
        #[test]
        fn binary_round_trips(y in 1990i16..2100, mo in 1i8..=12, d in 1i8..=28, h in 0i8..24, mi in 0i8..60, s in 0i8..60) {
            let t = BeijingTime::new(y, mo, d, h, mi, s).unwrap_or_else(|| unreachable!());
            let bytes = postcard::to_stdvec(&Some(t)).unwrap_or_default();
            prop_assert_eq!(postcard::from_bytes::<Option<BeijingTime>>(&bytes).ok(), Some(Some(t)));
        }

        #[test]
        fn display_then_parse_round_trips(y in 1990i16..2100, mo in 1i8..=12, d in 1i8..=28, h in 0i8..24, mi in 0i8..60, s in 0i8..60) {
            let t = BeijingTime::new(y, mo, d, h, mi, s).unwrap_or_else(|| unreachable!());
            prop_assert_eq!(BeijingTime::parse(&t.to_string()), Ok(t));
        }

        #[test]
        fn packed_order_is_chronological(a in 0i64..4_000_000_000, b in 0i64..4_000_000_000) {
            let start = BeijingTime::new(1990, 1, 1, 0, 0, 0).unwrap_or_else(|| unreachable!());
            let at = |s: i64| {
                let t = start.datetime().checked_add(jiff::Span::new().seconds(s)).unwrap_or_default();
                BeijingTime::from_datetime(t)
            };
            prop_assert_eq!(at(a).cmp(&at(b)), a.cmp(&b));
            prop_assert_eq!(start.seconds_until(at(a)), a);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = BeijingTime::parse(&s);
        }
    }
}
