//! What one input may cost: line and cell lengths, decompressed sizes and ratios of archives,
//! nesting of archives, the range of one amount. Each limit is far above what a real bill
//! needs (docs/formats.md lists them) and turns a hostile or broken file into a clear error
//! instead of minutes of work or gigabytes of memory.

use std::fmt;
use std::io::Read;

use duizhang_core::Fen;

/// One physical CSV line (a record with quoted line breaks counts as a whole). A bill's line
/// is under 2 KB.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// One cell's text, CSV or spreadsheet. Excel itself holds at most 32,767 characters.
pub const MAX_CELL_BYTES: usize = 1 << 16;
/// Decompressed bytes of one archive member or gzip stream.
pub const MAX_MEMBER_BYTES: u64 = 16 << 30;
/// Decompressed bytes of all members of one archive together.
pub const MAX_ARCHIVE_BYTES: u64 = 32 << 30;
/// Decompressed bytes per compressed byte, checked once past [`RATIO_GRACE_BYTES`]: text bills
/// compress 5–30 times; a zip bomb, a thousand times.
pub const MAX_RATIO: u64 = 200;
/// Output below this size is never refused for its ratio (small files of one repeated row).
pub const RATIO_GRACE_BYTES: u64 = 16 << 20;
/// Archives inside archives (a ZIP of the month's ZIP downloads is two).
pub const MAX_NESTING: u32 = 4;
/// A member that must be held whole (a workbook, an archive inside an archive).
pub const MAX_BUFFERED_BYTES: u64 = 1 << 30;
/// The largest amount one cell may hold: 10 万亿元. No seller's row comes near it, and it
/// keeps sums of a few cells of a row far from the 64-bit range.
pub const MAX_AMOUNT_FEN: i64 = 1_000_000_000_000_000;

/// A limit that a file went past; carried inside an `io::Error` from the readers below, and
/// turned into a [`crate::ProblemCode::Limit`] problem where the file is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitExceeded {
    pub zh: String,
    pub en: String,
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh)
    }
}

impl std::error::Error for LimitExceeded {}

impl LimitExceeded {
    pub fn into_io(self) -> std::io::Error {
        std::io::Error::other(self)
    }

    /// The limit inside an I/O error, if that is what it is.
    pub fn of(error: &std::io::Error) -> Option<&LimitExceeded> {
        error
            .get_ref()
            .and_then(|e| e.downcast_ref::<LimitExceeded>())
    }
}

/// `1 GiB`, `1.5 KiB`: a size for messages.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
        if bytes >= size {
            let tenths = bytes.saturating_mul(10) / size;
            return format!("{}.{} {unit}", tenths / 10, tenths % 10);
        }
    }
    format!("{bytes} B")
}

/// A size in memory as a size in messages.
pub fn usize_bytes(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A decompressing reader held to [`MAX_MEMBER_BYTES`] and [`MAX_RATIO`] against the
/// compressed size it came from, and counting into a shared archive total.
pub struct Bounded<'t, R> {
    inner: R,
    compressed: u64,
    produced: u64,
    archive: Option<&'t ArchiveBudget>,
    what: String,
}

/// What all members of one archive have produced together, against the archive's own size:
/// members that share their compressed data (overlapping entries) are caught here.
#[derive(Debug, Default)]
pub struct ArchiveBudget {
    pub size: u64,
    pub produced: std::sync::atomic::AtomicU64,
}

impl ArchiveBudget {
    pub fn new(size: u64) -> ArchiveBudget {
        ArchiveBudget {
            size,
            produced: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl<'t, R: Read> Bounded<'t, R> {
    /// `what` names the stream in messages (`压缩包成员 a.csv`, `gzip 文件`).
    pub fn new(
        inner: R,
        compressed: u64,
        archive: Option<&'t ArchiveBudget>,
        what: impl Into<String>,
    ) -> Self {
        Bounded {
            inner,
            compressed,
            produced: 0,
            archive,
            what: what.into(),
        }
    }

    fn check(&self, total: u64) -> Result<(), LimitExceeded> {
        if self.produced > MAX_MEMBER_BYTES {
            return Err(LimitExceeded {
                zh: format!(
                    "{}解压后超过 {} 的上限，已停止读取",
                    self.what,
                    size_text(MAX_MEMBER_BYTES)
                ),
                en: format!(
                    "{}: more than {MAX_MEMBER_BYTES} bytes decompressed",
                    self.what
                ),
            });
        }
        let archive_ratio = self
            .archive
            .is_some_and(|a| total > RATIO_GRACE_BYTES && total / a.size.max(1) > MAX_RATIO);
        if total > MAX_ARCHIVE_BYTES || archive_ratio {
            return Err(LimitExceeded {
                zh: format!(
                    "压缩包解压后合计超过 {} 或其自身大小的 {MAX_RATIO} 倍，疑似“压缩炸弹”，已停止读取",
                    size_text(MAX_ARCHIVE_BYTES)
                ),
                en: format!("archive: more than {MAX_ARCHIVE_BYTES} bytes decompressed"),
            });
        }
        if self.produced > RATIO_GRACE_BYTES && self.produced / self.compressed.max(1) > MAX_RATIO {
            return Err(LimitExceeded {
                zh: format!(
                    "{}的压缩比超过 {MAX_RATIO} 倍（{} 字节解压出超过 {} 字节），疑似“压缩炸弹”，已停止读取",
                    self.what, self.compressed, self.produced
                ),
                en: format!(
                    "{}: compression ratio above {MAX_RATIO} ({} -> {})",
                    self.what, self.compressed, self.produced
                ),
            });
        }
        Ok(())
    }
}

impl<R: Read> Read for Bounded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let n64 = u64::try_from(n).unwrap_or(u64::MAX);
        self.produced = self.produced.saturating_add(n64);
        let total = match self.archive {
            Some(a) => a
                .produced
                .fetch_add(n64, std::sync::atomic::Ordering::Relaxed)
                .saturating_add(n64),
            None => self.produced,
        };
        self.check(total).map_err(LimitExceeded::into_io)?;
        Ok(n)
    }
}

/// An amount of one cell within [`MAX_AMOUNT_FEN`]: `Err` with the Chinese and English reason.
pub fn check_amount(amount: Fen) -> Result<Fen, (String, String)> {
    if amount.get().unsigned_abs() > MAX_AMOUNT_FEN.unsigned_abs() {
        return Err((
            format!("金额 {amount} 超出合理范围（绝对值不超过 10 万亿元）"),
            format!("amount {amount} beyond {MAX_AMOUNT_FEN} fen"),
        ));
    }
    Ok(amount)
}

/// At most `max` characters of `text` for a message, with the length when cut:
/// `AAAA…（共 10485760 字）`. A cell of megabytes is never echoed whole.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => std::borrow::Cow::Owned(format!(
            "{}…（共 {} 字）",
            &text[..cut],
            text.chars().count()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_its_length_said() {
        assert_eq!(clip("短", 50), "短");
        let long = "A".repeat(60);
        assert_eq!(clip(&long, 50), format!("{}…（共 60 字）", "A".repeat(50)));
        assert_eq!(clip("支付宝账务明细", 3), "支付宝…（共 7 字）");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(usize_bytes(MAX_LINE_BYTES)), "1 MiB");
        assert_eq!(size_text(MAX_MEMBER_BYTES), "16 GiB");
        assert_eq!(size_text(1536), "1.5 KiB");
        assert_eq!(size_text(10), "10 B");
    }

    #[test]
    fn a_bomb_is_stopped_by_its_ratio_and_an_honest_stream_is_not() {
        let zeros = std::io::repeat(0).take(RATIO_GRACE_BYTES + (1 << 20));
        let mut bomb = Bounded::new(zeros, 1000, None, "压缩包成员 x.csv ");
        let err = std::io::copy(&mut bomb, &mut std::io::sink()).expect_err("a bomb is refused");
        let limit = LimitExceeded::of(&err).expect("a limit error");
        assert!(limit.zh.contains("压缩炸弹"), "{}", limit.zh);
        let honest = std::io::repeat(0).take(RATIO_GRACE_BYTES + (1 << 20));
        let mut ok = Bounded::new(honest, RATIO_GRACE_BYTES, None, "x");
        assert!(std::io::copy(&mut ok, &mut std::io::sink()).is_ok());
    }
}
