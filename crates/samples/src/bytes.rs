//! Encodings and line endings of sellers' files.

/// How a text file is encoded on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// GBK (what Alipay, PDD and Taobao CSVs use).
    Gbk,
    Utf8,
    Utf8Bom,
}

/// A text file under construction: lines joined with the chosen line ending.
#[derive(Clone, Debug)]
pub struct TextFile {
    pub encoding: Encoding,
    pub crlf: bool,
    text: String,
}

impl TextFile {
    pub fn new(encoding: Encoding, crlf: bool) -> TextFile {
        TextFile {
            encoding,
            crlf,
            text: String::new(),
        }
    }

    pub fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push_str(if self.crlf { "\r\n" } else { "\n" });
    }

    /// A row of cells joined with commas (cells are written as given: no quoting).
    pub fn cells<S: AsRef<str>>(&mut self, cells: &[S]) {
        let joined: Vec<&str> = cells.iter().map(AsRef::as_ref).collect();
        self.line(&joined.join(","));
    }

    /// A row of cells, each quoted RFC-4180 style when it holds a comma, quote or newline.
    pub fn quoted_cells<S: AsRef<str>>(&mut self, cells: &[S]) {
        let joined: Vec<String> = cells.iter().map(|c| quote_if_needed(c.as_ref())).collect();
        self.line(&joined.join(","));
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_bytes(self) -> Vec<u8> {
        encode(&self.text, self.encoding)
    }
}

pub fn quote_if_needed(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// Encodes text; GBK via encoding_rs (characters outside GBK become numeric references,
/// which sellers' files never contain).
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Gbk => encoding_rs::GBK.encode(text).0.into_owned(),
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => {
            let mut v = b"\xEF\xBB\xBF".to_vec();
            v.extend_from_slice(text.as_bytes());
            v
        }
    }
}
