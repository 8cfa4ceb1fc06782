//! Exact money: integer 分 (fen). Never floating point.

use std::fmt;
use std::iter::Sum;
use std::num::NonZeroU64;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// An amount of money in 分 (1/100 元). Signed: negative is money going out.
///
/// Stored with its sign bit flipped in a non-zero word: the order of the stored words is the
/// order of the amounts, and `Option<Fen>` stays 8 bytes (records carry many optional
/// amounts). The one value given up, `i64::MIN` 分, is no amount of money; [`Fen::new`] maps
/// it to the next one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(NonZeroU64);

const SIGN_BIT: u64 = 1 << 63;

/// Why a money text could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("empty amount")]
    Empty,
    #[error("not an amount: {0:?}")]
    Invalid(String),
    #[error("more than 2 decimal places that are not zero: {0:?}")]
    SubFen(String),
    #[error("amount out of range: {0:?}")]
    Overflow(String),
}

impl MoneyError {
    /// The reason in Chinese, for users.
    pub fn zh(&self) -> String {
        match self {
            MoneyError::Empty => "金额为空".to_string(),
            MoneyError::Invalid(s) => format!("“{s}”不是有效金额"),
            MoneyError::SubFen(s) => format!("金额“{s}”精确到分以下（超过两位非零小数）"),
            MoneyError::Overflow(s) => format!("金额“{s}”超出范围"),
        }
    }
}

impl Fen {
    pub const ZERO: Fen = Fen::new(0);

    /// `fen` 分. `i64::MIN`, which no amount reaches, becomes `i64::MIN + 1`.
    pub const fn new(fen: i64) -> Fen {
        let fen = if fen == i64::MIN { i64::MIN + 1 } else { fen };
        // Flipping the sign bit maps every i64 but i64::MIN to a non-zero word, in order.
        match NonZeroU64::new(fen.cast_unsigned() ^ SIGN_BIT) {
            Some(word) => Fen(word),
            None => Fen(NonZeroU64::MIN),
        }
    }

    /// The amount in 分.
    pub const fn get(self) -> i64 {
        (self.0.get() ^ SIGN_BIT).cast_signed()
    }

    pub fn from_yuan(yuan: i64) -> Fen {
        Fen::new(yuan * 100)
    }

    pub fn abs(self) -> Fen {
        Fen::new(self.get().abs())
    }

    pub fn is_zero(self) -> bool {
        self.get() == 0
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.get().checked_add(other.get()).map(Fen::new)
    }

    /// Parses an amount in 元 as sellers' files write it: `59.00`, `-12.6`, `1,234.56`,
    /// `¥28.16`, `+3`, full-width minus, `0.35000` (WeChat fees: trailing zeros beyond 分
    /// are accepted, non-zero ones are an error), `(12.30)` as a negative.
    pub fn parse_yuan(text: &str) -> Result<Fen, MoneyError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let invalid = || MoneyError::Invalid(text.to_string());
        let (mut negative, mut rest) = (false, s);
        if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            negative = true;
            rest = inner.trim();
        }
        for sign in ['-', '−', '－'] {
            if let Some(r) = rest.strip_prefix(sign) {
                if negative {
                    return Err(invalid());
                }
                negative = true;
                rest = r.trim_start();
                break;
            }
        }
        let mut signed = negative;
        if !negative && let Some(r) = rest.strip_prefix('+').or_else(|| rest.strip_prefix('＋')) {
            rest = r.trim_start();
            signed = true;
        }
        for currency in ['¥', '￥'] {
            if let Some(r) = rest.strip_prefix(currency) {
                rest = r.trim_start();
                // Excel's Chinese currency format writes the sign after the symbol: ￥-64.40.
                if !signed {
                    for sign in ['-', '−', '－'] {
                        if let Some(r) = rest.strip_prefix(sign) {
                            negative = true;
                            rest = r.trim_start();
                            break;
                        }
                    }
                }
                break;
            }
        }
        let (int_part, frac_part) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
            return Err(invalid());
        }
        let mut yuan: i64 = 0;
        let mut digits_since_comma: Option<usize> = None;
        for (i, b) in int_part.bytes().enumerate() {
            match b {
                b'0'..=b'9' => {
                    yuan = yuan
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(i64::from(b - b'0')))
                        .ok_or_else(|| MoneyError::Overflow(text.to_string()))?;
                    if let Some(n) = digits_since_comma.as_mut() {
                        *n += 1;
                    }
                }
                // Thousands separator: only between groups of exactly three digits.
                b',' if i > 0 && digits_since_comma.is_none_or(|n| n == 3) => {
                    digits_since_comma = Some(0);
                }
                _ => return Err(invalid()),
            }
        }
        if digits_since_comma.is_some_and(|n| n != 3) {
            return Err(invalid());
        }
        let mut fen_part: i64 = 0;
        if let Some(frac) = frac_part {
            for (i, b) in frac.bytes().enumerate() {
                if !b.is_ascii_digit() {
                    return Err(invalid());
                }
                let d = i64::from(b - b'0');
                match i {
                    0 => fen_part += d * 10,
                    1 => fen_part += d,
                    _ if d != 0 => return Err(MoneyError::SubFen(text.to_string())),
                    _ => {}
                }
            }
        }
        let total = yuan
            .checked_mul(100)
            .and_then(|v| v.checked_add(fen_part))
            .ok_or_else(|| MoneyError::Overflow(text.to_string()))?;
        Ok(Fen::new(if negative { -total } else { total }))
    }

    /// `12.30`, `-0.05`: the canonical 元 text with two decimals.
    pub fn to_yuan_string(self) -> String {
        self.to_string()
    }
}

impl Default for Fen {
    fn default() -> Fen {
        Fen::ZERO
    }
}

impl fmt::Debug for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fen({})", self.get())
    }
}

/// Serialized as the plain integer of 分.
impl Serialize for Fen {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.get())
    }
}

impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(Fen::new)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.get() < 0 { "-" } else { "" };
        let abs = self.get().unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl std::str::FromStr for Fen {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Fen, MoneyError> {
        Fen::parse_yuan(s)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen::new(self.get() + rhs.get())
    }
}
impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen::new(self.get() - rhs.get())
    }
}
impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen::new(-self.get())
    }
}
impl AddAssign for Fen {
    fn add_assign(&mut self, rhs: Fen) {
        *self = *self + rhs;
    }
}
impl SubAssign for Fen {
    fn sub_assign(&mut self, rhs: Fen) {
        *self = *self - rhs;
    }
}
impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        Fen::new(iter.map(|f| f.get()).sum())
    }
}
impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        Fen::new(iter.map(|f| f.get()).sum())
    }
}

/// A rate such as a fee rate `0.60%`, in parts per million (0.60% = 6000).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct RatePpm(pub i64);

impl RatePpm {
    /// Parses `0.60%`, `1%`, or a plain fraction `0.05` (JD 佣金比例 = 5%).
    pub fn parse(text: &str) -> Result<RatePpm, MoneyError> {
        let s = text.trim();
        let (number, scale_exp) = match s.strip_suffix('%').or_else(|| s.strip_suffix('％')) {
            Some(n) => (n.trim(), 4u32), // percent → ppm: × 10^4
            None => (s, 6u32),           // fraction → ppm: × 10^6
        };
        if number.is_empty() {
            return Err(MoneyError::Empty);
        }
        let invalid = || MoneyError::Invalid(text.to_string());
        let (int_part, frac) = number.split_once('.').unwrap_or((number, ""));
        if int_part.is_empty() && frac.is_empty() {
            return Err(invalid());
        }
        let mut value: i64 = 0;
        let mut exp = scale_exp;
        for b in int_part.bytes() {
            if !b.is_ascii_digit() {
                return Err(invalid());
            }
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or_else(|| MoneyError::Overflow(text.to_string()))?;
        }
        for b in frac.bytes() {
            if !b.is_ascii_digit() {
                return Err(invalid());
            }
            let d = i64::from(b - b'0');
            if exp == 0 {
                if d != 0 {
                    return Err(MoneyError::SubFen(text.to_string()));
                }
                continue;
            }
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(d))
                .ok_or_else(|| MoneyError::Overflow(text.to_string()))?;
            exp -= 1;
        }
        value
            .checked_mul(10i64.pow(exp))
            .map(RatePpm)
            .ok_or_else(|| MoneyError::Overflow(text.to_string()))
    }

    /// rate × base, rounded half away from zero to the 分 (四舍五入), as payment providers do.
    pub fn apply(self, base: Fen) -> Fen {
        let product = i128::from(base.get()) * i128::from(self.0);
        let million = 1_000_000i128;
        let rounded = (product.abs() + million / 2) / million;
        let signed = if product < 0 { -rounded } else { rounded };
        Fen::new(i64::try_from(signed).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for RatePpm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ppm → percent with up to 4 decimals, trailing zeros trimmed to 2.
        let whole = self.0 / 10_000;
        let frac = (self.0 % 10_000).abs();
        let mut frac_text = format!("{frac:04}");
        while frac_text.len() > 2 && frac_text.ends_with('0') {
            frac_text.pop();
        }
        write!(f, "{whole}.{frac_text}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_shapes_sellers_files_use() {
        let cases = [
            ("59.00", 5900),
            ("-12.60", -1260),
            ("0.35000", 35),
            ("-0.35000", -35),
            ("1,234.56", 123456),
            ("¥28.16", 2816),
            ("￥28.16", 2816),
            // Excel's Chinese currency format puts the sign after the symbol.
            ("￥-64.40", -6440),
            ("¥-1,234.56", -123456),
            ("-￥64.40", -6440),
            ("+3", 300),
            ("−8.17", -817),
            ("(12.30)", -1230),
            (".5", 50),
            ("7.", 700),
            ("0", 0),
            (" 88.00 ", 8800),
        ];
        for (text, fen) in cases {
            assert_eq!(Fen::parse_yuan(text), Ok(Fen::new(fen)), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for text in [
            "", "  ", "abc", "1.2.3", "12,34.00", "--1", "1e5", "NaN", "12元", ",100", "-", ".",
            "-￥-1", "+￥-1", "(￥-1)",
        ] {
            assert!(Fen::parse_yuan(text).is_err(), "{text:?} must be rejected");
        }
        assert_eq!(
            Fen::parse_yuan("0.354"),
            Err(MoneyError::SubFen("0.354".into()))
        );
        assert!(matches!(
            Fen::parse_yuan("99999999999999999999"),
            Err(MoneyError::Overflow(_))
        ));
    }

    #[test]
    fn formats_with_two_decimals() {
        assert_eq!(Fen::new(-5).to_string(), "-0.05");
        assert_eq!(Fen::new(123456).to_string(), "1234.56");
        assert_eq!(Fen::new(0).to_string(), "0.00");
    }

    #[test]
    fn rates() {
        assert_eq!(RatePpm::parse("0.60%"), Ok(RatePpm(6000)));
        assert_eq!(RatePpm::parse("1%"), Ok(RatePpm(10000)));
        assert_eq!(RatePpm::parse("0.05"), Ok(RatePpm(50000)));
        assert_eq!(RatePpm(6000).to_string(), "0.60%");
        // 59.00 × 0.60% = 0.354 → 0.35; 0.355 rounds half up.
        assert_eq!(RatePpm(6000).apply(Fen::new(5900)), Fen::new(35));
        assert_eq!(RatePpm(5000).apply(Fen::new(7100)), Fen::new(36));
        assert_eq!(RatePpm(5000).apply(Fen::new(-7100)), Fen::new(-36));
    }

    #[test]
    fn optional_amounts_take_no_more_room_than_amounts() {
        assert_eq!(std::mem::size_of::<Option<Fen>>(), 8);
        assert_eq!(Fen::new(i64::MIN), Fen::new(i64::MIN + 1));
        assert_eq!(Fen::default(), Fen::ZERO);
        assert_eq!(format!("{:?}", Fen::new(-5900)), "Fen(-5900)");
        let json = serde_json::to_string(&[Fen::new(-12), Fen::new(0)]).unwrap_or_default();
        assert_eq!(json, "[-12,0]");
        let back: Vec<Fen> = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, vec![Fen::new(-12), Fen::ZERO]);
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(v in -10_000_000_000_000i64..10_000_000_000_000i64) {
            prop_assert_eq!(Fen::parse_yuan(&Fen::new(v).to_string()), Ok(Fen::new(v)));
        }

        #[test]
        fn amounts_keep_their_value_and_order(a in (i64::MIN + 1).., b in (i64::MIN + 1)..) {
            prop_assert_eq!(Fen::new(a).get(), a);
            prop_assert_eq!(Fen::new(a).cmp(&Fen::new(b)), a.cmp(&b));
        }

        #[test]
        fn rate_parse_never_panics_on_long_numbers(s in "[0-9]{1,40}(\\.[0-9]{0,30})?%?") {
            let _ = RatePpm::parse(&s);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = Fen::parse_yuan(&s);
            let _ = RatePpm::parse(&s);
        }

        #[test]
        fn thousands_separated_text_parses_to_the_same_amount(v in 0i64..1_000_000_000_000i64) {
            let plain = Fen::new(v).to_string();
            let (int, frac) = plain.split_once('.').unwrap_or((&plain, "00"));
            let mut grouped = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 { grouped.push(','); }
                grouped.push(c);
            }
            prop_assert_eq!(Fen::parse_yuan(&format!("{grouped}.{frac}")), Ok(Fen::new(v)));
        }
    }
}
