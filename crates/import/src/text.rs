//! Text-level facts of sellers' files: encodings, anti-Excel guards on cells, header spelling.

use serde::Serialize;

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// UTF-8 with a byte-order mark (WeChat, Douyin).
    Utf8Bom,
    Utf8,
    /// GBK / GB18030 (Alipay, PDD, Taobao CSV). Decoded as GB18030, a superset of GBK.
    Gb18030,
    /// Cells came typed from a spreadsheet (XLSX / XLS).
    Spreadsheet,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gb18030 => "GBK/GB18030",
            TextEncoding::Spreadsheet => "XLSX",
        }
    }
}

/// Decides the encoding from the first bytes: a BOM means UTF-8; else valid UTF-8 means UTF-8
/// (a multi-byte sequence cut by the end of the sample is allowed); else GB18030.
pub fn sniff_encoding(sample: &[u8]) -> TextEncoding {
    if sample.starts_with(b"\xEF\xBB\xBF") {
        return TextEncoding::Utf8Bom;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => TextEncoding::Utf8,
        // error_len() == None: the sample ends inside a character, which is not an error.
        Err(e) if e.error_len().is_none() && sample.len() - e.valid_up_to() < 4 => {
            TextEncoding::Utf8
        }
        Err(_) => TextEncoding::Gb18030,
    }
}

/// Removes the guards that exports put around cells so Excel keeps them as text:
/// WeChat's leading backtick, Alipay's trailing TAB, Douyin's leading TAB and `'`, JD's
/// `="…"`, a BOM, and surrounding spaces (ASCII and full-width).
pub fn clean_cell(raw: &str) -> &str {
    let mut s = trim_blank(raw);
    if let Some(inner) = s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        s = trim_blank(inner);
    }
    if let Some(rest) = s.strip_prefix('`') {
        s = trim_blank(rest);
    }
    if let Some(rest) = s.strip_prefix('\'') {
        s = trim_blank(rest);
    }
    s
}

fn trim_blank(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}' || c == '\u{3000}')
}

/// Normalises a header cell for comparison: guards and spaces removed, full-width
/// punctuation made half-width, ASCII lower-cased. `收入金额（+元）` == `收入金额(+元)`.
pub fn normalize_header(raw: &str) -> String {
    let cleaned = clean_cell(raw).trim_matches('"');
    let mut out = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        let mapped = match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '，' => ',',
            '／' => '/',
            '＋' => '+',
            '－' => '-',
            '【' => '[',
            '】' => ']',
            c if c.is_whitespace() || c == '\u{FEFF}' || c == '\u{3000}' || c == '*' => continue,
            c => c.to_ascii_lowercase(),
        };
        out.push(mapped);
    }
    out
}

/// Values that mean "nothing here" in sellers' exports (Douyin writes `-`).
pub fn is_blank_value(cleaned: &str) -> bool {
    cleaned.is_empty()
        || cleaned == "-"
        || cleaned == "--"
        || cleaned == "null"
        || cleaned == "NULL"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_every_guard_formats_md_lists() {
        assert_eq!(
            clean_cell("`4200002026202610031234567890"),
            "4200002026202610031234567890"
        );
        assert_eq!(
            clean_cell("2026100322001412340500000001\t"),
            "2026100322001412340500000001"
        );
        assert_eq!(clean_cell("\t6917926768823643751"), "6917926768823643751");
        assert_eq!(clean_cell("'6900000000000000001"), "6900000000000000001");
        assert_eq!(clean_cell("=\"300000000000001\""), "300000000000001");
        assert_eq!(clean_cell("\u{FEFF}交易时间"), "交易时间");
        assert_eq!(clean_cell("`"), "");
        assert_eq!(clean_cell("\t"), "");
        assert_eq!(clean_cell("　纯棉T恤　"), "纯棉T恤");
    }

    #[test]
    fn headers_compare_across_widths() {
        assert_eq!(
            normalize_header("收入金额（+元）"),
            normalize_header("收入金额(+元)")
        );
        assert_eq!(normalize_header("商品 id"), normalize_header("商品ID"));
        assert_eq!(normalize_header("\u{FEFF}交易时间"), "交易时间");
        assert_eq!(normalize_header("店铺*"), "店铺");
    }

    #[test]
    fn sniffs_encodings() {
        assert_eq!(sniff_encoding(b"\xEF\xBB\xBFabc"), TextEncoding::Utf8Bom);
        assert_eq!(sniff_encoding("交易时间".as_bytes()), TextEncoding::Utf8);
        // "交易" cut in the middle of the second character is still UTF-8.
        let bytes = "交易".as_bytes();
        assert_eq!(sniff_encoding(&bytes[..5]), TextEncoding::Utf8);
        let (gbk, _, _) = encoding_rs::GBK.encode("#支付宝账务明细查询");
        assert_eq!(sniff_encoding(&gbk), TextEncoding::Gb18030);
    }
}
