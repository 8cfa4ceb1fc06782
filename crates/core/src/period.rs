//! The span a run judges: a calendar month (`2026-10`), an ISO 8601 week (`2026-W42`, Monday
//! 00:00 to the next Monday, Beijing time) or one day (`2026-10-15`). Books, close and archive
//! are monthly: a week or a day belongs to the accounting months it touches (`months`).

use std::fmt;

use jiff::civil::{Date, ISOWeekDate, Weekday};

use crate::time::BeijingTime;

/// How long a period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodKind {
    Month,
    Week,
    Day,
}

impl PeriodKind {
    pub fn zh(self) -> &'static str {
        match self {
            PeriodKind::Month => "月",
            PeriodKind::Week => "周",
            PeriodKind::Day => "日",
        }
    }
}

/// A period: its first day and its kind. Ordered by first day, a month before the week and
/// the day that start with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    first: Date,
    kind: PeriodKind,
}

/// Why a text is not a period.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("not a period: {0:?}")]
    Shape(String),
    #[error("no month {month} in {text:?}")]
    NoSuchMonth { text: String, month: i64 },
    #[error("ISO year {year} has {weeks} weeks, not week {week}")]
    NoSuchWeek { year: i16, week: i64, weeks: i8 },
    #[error("no day {day} in {year}-{month:02}")]
    NoSuchDay {
        year: i16,
        month: i8,
        day: i64,
        days: i8,
    },
}

impl PeriodError {
    pub fn zh(&self) -> String {
        match self {
            PeriodError::Shape(text) => format!(
                "期间“{text}”格式不对，应为月份（如 2026-10）、ISO 周（如 2026-W42）或日期（如 2026-10-15）"
            ),
            PeriodError::NoSuchMonth { text, month } => {
                format!("期间“{text}”的月份 {month} 不存在，月份应在 1 到 12 之间")
            }
            PeriodError::NoSuchWeek { year, week, weeks } => {
                format!("期间“{year:04}-W{week:02}”不存在：按 ISO 8601，{year} 年只有 {weeks} 周")
            }
            PeriodError::NoSuchDay {
                year,
                month,
                day,
                days,
            } => format!(
                "期间“{year:04}-{month:02}-{day:02}”不存在：{year} 年 {month} 月只有 {days} 天"
            ),
        }
    }
}

/// Only ASCII digits, of a length in `lengths`: no sign, no spaces, no full-width digits.
fn number(text: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<i64> {
    (lengths.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

impl Period {
    /// The calendar month `month` of `year`.
    pub fn year_month(year: i16, month: i8) -> Option<Period> {
        let first = Date::new(year, month, 1).ok()?;
        Some(Period {
            first,
            kind: PeriodKind::Month,
        })
    }

    /// ISO 8601 week `week` of ISO year `year` (its Monday may fall in December of the year
    /// before).
    pub fn week(year: i16, week: i8) -> Option<Period> {
        let monday = ISOWeekDate::new(year, week, Weekday::Monday).ok()?;
        Some(Period {
            first: monday.date(),
            kind: PeriodKind::Week,
        })
    }

    /// The one day `date`.
    pub fn day(date: Date) -> Period {
        Period {
            first: date,
            kind: PeriodKind::Day,
        }
    }

    /// `2026-10` (also `2026-1`), `2026-W42`, `2026-10-15` (also `2026-1-5`); why not, in
    /// words a user can act on.
    pub fn read(text: &str) -> Result<Period, PeriodError> {
        let trimmed = text.trim();
        let shape = || PeriodError::Shape(trimmed.to_string());
        let mut parts = trimmed.split('-');
        let (Some(y), Some(second), third, None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(shape());
        };
        let year = number(y, 4..=4)
            .and_then(|y| i16::try_from(y).ok())
            .ok_or_else(shape)?;
        if let Some(w) = second.strip_prefix('W') {
            let week = number(w, 2..=2).ok_or_else(shape)?;
            if third.is_some() {
                return Err(shape());
            }
            let weeks = weeks_in(year).ok_or_else(shape)?;
            return i8::try_from(week)
                .ok()
                .and_then(|w| Period::week(year, w))
                .ok_or(PeriodError::NoSuchWeek { year, week, weeks });
        }
        let month = number(second, 1..=2).ok_or_else(shape)?;
        let Some(month) = i8::try_from(month).ok().filter(|m| (1..=12).contains(m)) else {
            return Err(PeriodError::NoSuchMonth {
                text: trimmed.to_string(),
                month,
            });
        };
        let Some(d) = third else {
            return Period::year_month(year, month).ok_or_else(shape);
        };
        let day = number(d, 1..=2).ok_or_else(shape)?;
        let days = Date::new(year, month, 1)
            .map_err(|_| shape())?
            .days_in_month();
        i8::try_from(day)
            .ok()
            .and_then(|d| Date::new(year, month, d).ok())
            .filter(|_| day >= 1)
            .map(Period::day)
            .ok_or(PeriodError::NoSuchDay {
                year,
                month,
                day,
                days,
            })
    }

    /// [`Period::read`] without the reason.
    pub fn parse(text: &str) -> Option<Period> {
        Period::read(text).ok()
    }

    /// The calendar month of `t`.
    pub fn of(t: BeijingTime) -> Period {
        let d = t.date();
        Period {
            first: d.first_of_month(),
            kind: PeriodKind::Month,
        }
    }

    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    pub fn is_month(self) -> bool {
        self.kind == PeriodKind::Month
    }

    /// The year of the accounting month the period starts in.
    pub fn year(self) -> i16 {
        self.first.year()
    }

    /// The accounting month (1–12) the period starts in.
    pub fn month(self) -> i8 {
        self.first.month()
    }

    pub fn first_day(self) -> Date {
        self.first
    }

    /// The first day after the period.
    fn after(self) -> Date {
        let next = match self.kind {
            PeriodKind::Month => self.first.checked_add(jiff::Span::new().months(1)),
            PeriodKind::Week => self.first.checked_add(jiff::Span::new().days(7)),
            PeriodKind::Day => self.first.tomorrow(),
        };
        next.unwrap_or(self.first)
    }

    /// How many days the period has (28–31, 7 or 1).
    pub fn days(self) -> i64 {
        i64::from(self.first.until(self.after()).map_or(0, |s| s.get_days()))
    }

    pub fn start(self) -> BeijingTime {
        BeijingTime::start_of(self.first)
    }

    /// The first moment after the period: the cut-off.
    pub fn end(self) -> BeijingTime {
        BeijingTime::start_of(self.after())
    }

    pub fn contains(self, t: BeijingTime) -> bool {
        t >= self.start() && t < self.end()
    }

    /// The period of the same kind right after this one.
    pub fn next(self) -> Period {
        Period {
            first: self.after(),
            kind: self.kind,
        }
    }

    /// The period of the same kind right before this one.
    pub fn previous(self) -> Period {
        let before = match self.kind {
            PeriodKind::Month => self.first.checked_sub(jiff::Span::new().months(1)),
            PeriodKind::Week => self.first.checked_sub(jiff::Span::new().days(7)),
            PeriodKind::Day => self.first.yesterday(),
        };
        Period {
            first: before.unwrap_or(self.first),
            kind: self.kind,
        }
    }

    /// The accounting months the period lies in, earliest first: one, or two for a week that
    /// spans a month's end.
    pub fn months(self) -> Vec<Period> {
        let first = Period::of(self.start());
        let last = Period::of(self.end().plus_days(-1));
        if first == last {
            vec![first]
        } else {
            vec![first, last]
        }
    }
}

/// How many ISO weeks `year` has (52 or 53): the week of 28 December is the last.
fn weeks_in(year: i16) -> Option<i8> {
    Some(Date::new(year, 12, 28).ok()?.iso_week_date().week())
}

impl fmt::Display for Period {
    /// `2026-10`, `2026-W42`, `2026-10-15`: the text [`Period::read`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.first;
        match self.kind {
            PeriodKind::Month => write!(f, "{:04}-{:02}", d.year(), d.month()),
            PeriodKind::Week => {
                let w = d.iso_week_date();
                write!(f, "{:04}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Day => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Period {
        Period::read(text).unwrap_or_else(|e| panic!("{text}: {}", e.zh()))
    }

    fn refusal(text: &str) -> String {
        Period::read(text).err().map(|e| e.zh()).unwrap_or_default()
    }

    #[test]
    fn a_month_runs_from_its_first_midnight_to_the_next_months() {
        let p = read("2026-12");
        assert!(p.is_month());
        assert_eq!(p.to_string(), "2026-12");
        assert_eq!(p.start().to_string(), "2026-12-01 00:00:00");
        assert_eq!(p.end().to_string(), "2027-01-01 00:00:00");
        assert_eq!(p.next().to_string(), "2027-01");
        assert_eq!(p.previous().to_string(), "2026-11");
        assert_eq!(read("2027-01").previous().to_string(), "2026-12");
        assert_eq!(p.days(), 31);
        assert_eq!(read("2026-02").days(), 28);
        assert_eq!(read("2026-1"), read("2026-01"));
        assert_eq!((p.year(), p.month()), (2026, 12));
    }

    #[test]
    fn an_iso_week_runs_from_monday_midnight_to_the_next_monday() {
        let w = read("2026-W42");
        assert_eq!(w.kind(), PeriodKind::Week);
        assert_eq!(w.start().to_string(), "2026-10-12 00:00:00");
        assert_eq!(w.end().to_string(), "2026-10-19 00:00:00");
        assert_eq!(w.days(), 7);
        assert_eq!(w.to_string(), "2026-W42");
        assert_eq!(w.next().to_string(), "2026-W43");
        assert_eq!(w.previous().to_string(), "2026-W41");
        let last_sunday = BeijingTime::new(2026, 10, 18, 23, 59, 59);
        let next_monday = BeijingTime::new(2026, 10, 19, 0, 0, 0);
        assert_eq!(last_sunday.map(|t| w.contains(t)), Some(true));
        assert_eq!(next_monday.map(|t| w.contains(t)), Some(false));
    }

    #[test]
    fn iso_week_one_may_start_in_december_and_a_53_week_year_steps_into_the_next() {
        // 2026-01-01 is a Thursday: week 1 of 2026 starts on Monday 2025-12-29.
        assert_eq!(read("2026-W01").start().to_string(), "2025-12-29 00:00:00");
        assert_eq!(read("2026-W01").previous().to_string(), "2025-W52");
        // 2026 has 53 ISO weeks (it starts on a Thursday); 2027 has 52.
        assert_eq!(read("2026-W53").start().to_string(), "2026-12-28 00:00:00");
        assert_eq!(read("2026-W53").next().to_string(), "2027-W01");
        assert!(refusal("2027-W53").contains("2027 年只有 52 周"));
    }

    #[test]
    fn a_week_across_a_months_end_belongs_to_both_accounting_months() {
        // 2026-W44: Monday 26 October to Sunday 1 November.
        let w = read("2026-W44");
        let months: Vec<String> = w.months().iter().map(ToString::to_string).collect();
        assert_eq!(months, ["2026-10", "2026-11"]);
        let inside = read("2026-W42").months();
        assert_eq!(inside, vec![read("2026-10")]);
    }

    #[test]
    fn a_day_is_one_day_and_steps_across_months_and_years() {
        let d = read("2026-10-15");
        assert_eq!(d.kind(), PeriodKind::Day);
        assert_eq!(d.start().to_string(), "2026-10-15 00:00:00");
        assert_eq!(d.end().to_string(), "2026-10-16 00:00:00");
        assert_eq!(d.days(), 1);
        assert_eq!(read("2026-10-31").next().to_string(), "2026-11-01");
        assert_eq!(read("2027-01-01").previous().to_string(), "2026-12-31");
        assert_eq!(read("2026-1-5").to_string(), "2026-01-05");
        assert_eq!(d.months(), vec![read("2026-10")]);
        assert_eq!(read("2028-02-29").to_string(), "2028-02-29");
    }

    #[test]
    fn impossible_periods_are_refused_with_the_reason_in_chinese() {
        assert_eq!(
            refusal("2026-W54"),
            "期间“2026-W54”不存在：按 ISO 8601，2026 年只有 53 周"
        );
        assert_eq!(
            refusal("2026-W00"),
            "期间“2026-W00”不存在：按 ISO 8601，2026 年只有 53 周"
        );
        assert_eq!(
            refusal("2026-02-30"),
            "期间“2026-02-30”不存在：2026 年 2 月只有 28 天"
        );
        assert_eq!(
            refusal("2026-13"),
            "期间“2026-13”的月份 13 不存在，月份应在 1 到 12 之间"
        );
        assert!(refusal("2026-04-31").contains("只有 30 天"));
        assert!(refusal("2026-10-00").contains("只有 31 天"));
    }

    #[test]
    fn a_period_is_digits_and_dashes_in_one_of_three_shapes() {
        for bad in [
            "2026-+1",
            "2026-010",
            "+202-10",
            "2026-00",
            "2026-1 0",
            "26-10",
            "2026-",
            "2026",
            "２０２６-10",
            "2026--1",
            "2026-0x",
            "2026-W4",
            "2026-W042",
            "2026-w42",
            "2026-W42-1",
            "2026-10-15-1",
            "2026-10-",
            "2026-10-1x",
            "2026/10/15",
            "",
        ] {
            assert!(Period::parse(bad).is_none(), "{bad}");
            assert!(
                Period::read(bad).is_err_and(|e| e.zh().starts_with("期间")),
                "{bad}"
            );
        }
        assert!(
            refusal("2026-W4").contains("2026-W42"),
            "the message shows the shapes"
        );
    }

    #[test]
    fn every_period_reads_back_from_its_text() {
        let mut p = read("2024-12-25");
        for _ in 0..800 {
            assert_eq!(Period::parse(&p.to_string()), Some(p));
            assert_eq!(p.next().previous(), p);
            p = p.next();
        }
        let mut w = read("2020-W50");
        for _ in 0..400 {
            assert_eq!(Period::parse(&w.to_string()), Some(w));
            assert_eq!(w.next().start(), w.end());
            w = w.next();
        }
        let month = read("2026-10");
        assert_eq!(Period::of(month.start().plus_days(20)), month);
    }
}
