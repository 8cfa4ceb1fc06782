//! Text-level facts of sellers' files: encodings, anti-Excel guards on cells, header spelling.

use serde::{Deserialize, Serialize};

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// UTF-8 with a byte-order mark (WeChat, Douyin).
    Utf8Bom,
    Utf8,
    /// GBK / GB18030 (Alipay, PDD, Taobao CSV). Decoded as GB18030, a superset of GBK.
    Gb18030,
    /// Cells came typed from a spreadsheet (XLSX / XLS).
    Spreadsheet,
    /// UTF-16 (Excel's "Unicode text" save), little- or big-endian: read as text after
    /// decoding.
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gb18030 => "GBK/GB18030",
            TextEncoding::Spreadsheet => "XLSX",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// Decides the encoding from the first bytes: a BOM means UTF-8 (or UTF-16); NUL bytes in
/// every other place mean UTF-16 without a BOM; else text that is UTF-8 but for a few bad
/// bytes is UTF-8 (the bad bytes are then reported on their own line, not taken as a sign of
/// GBK); else GB18030.
pub fn sniff_encoding(sample: &[u8]) -> TextEncoding {
    if sample.starts_with(b"\xEF\xBB\xBF") {
        return TextEncoding::Utf8Bom;
    }
    if let Some(utf16) = sniff_utf16(sample) {
        return utf16;
    }
    let (multibyte, bad) = utf8_census(sample);
    // GBK text almost never forms valid UTF-8 sequences; UTF-8 text with a damaged byte
    // keeps hundreds of them.
    if bad == 0 || (multibyte >= 8 && bad.saturating_mul(16) <= multibyte) {
        TextEncoding::Utf8
    } else {
        TextEncoding::Gb18030
    }
}

/// The byte between cells of a text table: TAB when the sample holds more TABs than commas
/// outside quotes (Excel's "Unicode text" save, and TAB-separated exports), else `,`.
/// Alipay's ID cells end in a TAB, but each such row holds far more commas than TABs; TABs
/// inside quotes (抖店's `"\t6917…"`) are cell text. Counted in UTF-16 code units for UTF-16
/// (a CJK unit may hold a 0x09 or 0x2C byte); in GB18030 and UTF-8 none of the three bytes
/// occurs inside a multi-byte character.
pub fn sniff_separator(sample: &[u8], encoding: TextEncoding) -> u8 {
    let units: Box<dyn Iterator<Item = u16> + '_> = match encoding {
        TextEncoding::Utf16Le => Box::new(
            sample
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]])),
        ),
        TextEncoding::Utf16Be => Box::new(
            sample
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]])),
        ),
        _ => Box::new(sample.iter().map(|&b| u16::from(b))),
    };
    let (mut tabs, mut commas, mut quoted) = (0usize, 0usize, false);
    for unit in units {
        match unit {
            0x22 => quoted = !quoted,
            0x0A if quoted => {}
            0x09 if !quoted => tabs += 1,
            0x2C if !quoted => commas += 1,
            _ => {}
        }
    }
    if tabs > commas { b'\t' } else { b',' }
}

/// UTF-16 by its byte-order mark, or by NUL bytes in most odd (LE) or even (BE) places of a
/// sample of ASCII-range text: no bill in another encoding holds NUL bytes.
fn sniff_utf16(sample: &[u8]) -> Option<TextEncoding> {
    if sample.starts_with(b"\xFF\xFE") {
        return Some(TextEncoding::Utf16Le);
    }
    if sample.starts_with(b"\xFE\xFF") {
        return Some(TextEncoding::Utf16Be);
    }
    let pairs = sample.len() / 2;
    if pairs < 8 {
        return None;
    }
    let zero_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    if zero_odd * 3 >= pairs * 2 && zero_even * 10 < pairs {
        Some(TextEncoding::Utf16Le)
    } else if zero_even * 3 >= pairs * 2 && zero_odd * 10 < pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Valid multi-byte UTF-8 characters and invalid sequences in `sample` (a character cut by
/// the end of the sample is neither).
fn utf8_census(sample: &[u8]) -> (usize, usize) {
    let (mut multibyte, mut bad) = (0usize, 0usize);
    for chunk in sample.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        let invalid = chunk.invalid();
        // An incomplete character at the very end is the sample's cut, not a bad byte.
        let at_end = invalid.len() < 4
            && std::ptr::eq(invalid.as_ptr_range().end, sample.as_ptr_range().end);
        if !invalid.is_empty() && !at_end {
            bad += 1;
        }
    }
    (multibyte, bad)
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
    fn tabs_inside_quotes_or_ending_id_cells_do_not_make_a_file_tab_separated() {
        let douyin = "主订单编号,子订单编号,选购商品\n".to_string()
            + &"\"\t69001\",\"\t69001\",\"\t辣条\"\n".repeat(3);
        assert_eq!(sniff_separator(douyin.as_bytes(), TextEncoding::Utf8), b',');
        let alipay = "账务流水号,业务流水号,发生时间\n2026\t,2026\t,2026-10-01 09:12:33\n";
        assert_eq!(sniff_separator(alipay.as_bytes(), TextEncoding::Utf8), b',');
        let excel = "订单号\t商品\t金额\n1\t\"a,b\"\t1,234.00\n";
        let le: Vec<u8> = excel.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(sniff_separator(&le, TextEncoding::Utf16Le), b'\t');
        // 三 is U+4E09: its low byte is a TAB, which is no separator.
        let cjk: Vec<u8> = "三,三,三\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff_separator(&cjk, TextEncoding::Utf16Le), b',');
    }

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

    #[test]
    fn utf8_with_one_damaged_byte_stays_utf8() {
        let mut text = "交易时间,商户订单号,金额\n".repeat(30).into_bytes();
        text[200] = 0xFF;
        assert_eq!(sniff_encoding(&text), TextEncoding::Utf8);
        // A GBK file is not mistaken for damaged UTF-8.
        let text = "账务流水号,业务流水号,商户订单号\n".repeat(30);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        assert_eq!(sniff_encoding(&gbk), TextEncoding::Gb18030);
    }

    #[test]
    fn utf16_is_recognised_with_or_without_its_mark() {
        let le: Vec<u8> = "交易时间,金额\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend_from_slice(&le);
        assert_eq!(sniff_encoding(&with_bom), TextEncoding::Utf16Le);
        let ascii_le: Vec<u8> = "order,amount,time\r\n1,2.00,x\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff_encoding(&ascii_le), TextEncoding::Utf16Le);
        let ascii_be: Vec<u8> = "order,amount,time\r\n1,2.00,x\r\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(sniff_encoding(&ascii_be), TextEncoding::Utf16Be);
    }
}
