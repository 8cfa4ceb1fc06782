//! A CSV record splitter that knows physical line numbers.
//!
//! Why not the `csv` crate: its record positions are wrong for CRLF files (the line counter
//! lags by one per CRLF record) and skip blank lines, and every error here must name the
//! physical line a person sees in an editor. This splitter reads a line at a time, handles
//! RFC 4180 quoting (doubled quotes, separators and line breaks inside quotes), and keeps
//! bytes undecoded so the caller decodes per cell in the file's encoding.

use std::io::{BufRead, BufReader, Read};

use crate::limits::{LimitExceeded, MAX_LINE_BYTES, size_text};

pub struct CsvLines {
    reader: BufReader<Box<dyn Read + Send>>,
    /// The byte between cells: `,`, or TAB in Excel's "Unicode text" save.
    separator: u8,
    /// Physical lines consumed so far.
    lines_read: u32,
    line: Vec<u8>,
    /// Cell bytes of the current record (quoted cells unescaped).
    pub cells: Vec<u8>,
    pub bounds: Vec<(usize, usize)>,
    /// The first physical line of the current record (1-based).
    pub start_line: u32,
}

impl CsvLines {
    pub fn new(reader: Box<dyn Read + Send>) -> CsvLines {
        CsvLines::with_separator(reader, b',')
    }

    /// A splitter whose cells are separated by `separator` (`,` or TAB).
    pub fn with_separator(reader: Box<dyn Read + Send>, separator: u8) -> CsvLines {
        CsvLines {
            reader: BufReader::with_capacity(1 << 16, reader),
            separator,
            lines_read: 0,
            line: Vec::with_capacity(1024),
            cells: Vec::with_capacity(1024),
            bounds: Vec::with_capacity(64),
            start_line: 0,
        }
    }

    /// Reads one physical line, refusing one longer than [`MAX_LINE_BYTES`] (a file with no
    /// line breaks would otherwise be held whole, several times over).
    fn read_line(&mut self) -> std::io::Result<bool> {
        self.line.clear();
        let mut any = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            any = true;
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if self.line.len().saturating_add(take) > MAX_LINE_BYTES.saturating_add(2) {
                return Err(self.too_long());
            }
            self.line.extend_from_slice(&buf[..take]);
            self.reader.consume(take);
            if done {
                break;
            }
        }
        if !any {
            return Ok(false);
        }
        self.lines_read = self.lines_read.saturating_add(1);
        if self.line.last() == Some(&b'\n') {
            self.line.pop();
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
        }
        Ok(true)
    }

    fn too_long(&self) -> std::io::Error {
        let line = self.lines_read.saturating_add(1);
        LimitExceeded {
            zh: format!(
                "第 {line} 行超过 {} 的行长度上限（账单的一行不到 2 KB：文件不是账单，或缺少换行、引号未闭合）",
                size_text(crate::limits::usize_bytes(MAX_LINE_BYTES))
            ),
            en: format!("line {line} longer than {MAX_LINE_BYTES} bytes"),
        }
        .into_io()
    }

    /// The physical line being read (for errors raised while reading it).
    pub fn current_line(&self) -> u32 {
        self.lines_read.saturating_add(1)
    }

    /// Reads the next record; `false` at the end of input. A blank line is a record with one
    /// empty cell.
    pub fn next_record(&mut self) -> std::io::Result<bool> {
        self.cells.clear();
        self.bounds.clear();
        if !self.read_line()? {
            return Ok(false);
        }
        self.start_line = self.lines_read;
        // Fast path: most bill lines have no quotes; split on commas without copying cell by cell.
        if memchr::memchr(b'"', &self.line).is_none() {
            std::mem::swap(&mut self.cells, &mut self.line);
            let mut start = 0usize;
            for comma in memchr::memchr_iter(self.separator, &self.cells) {
                self.bounds.push((start, comma));
                start = comma + 1;
            }
            self.bounds.push((start, self.cells.len()));
            return Ok(true);
        }
        let mut pos = 0usize;
        let mut cell_start = 0usize;
        let mut in_quotes = false;
        let mut at_cell_start = true;
        loop {
            if pos >= self.line.len() {
                if in_quotes {
                    // A line break inside a quoted cell: the record continues on the next line.
                    if self.cells.len() > MAX_LINE_BYTES {
                        return Err(self.too_long());
                    }
                    self.cells.push(b'\n');
                    if !self.read_line()? {
                        break; // unterminated quote at end of file: keep what we have
                    }
                    pos = 0;
                    continue;
                }
                break;
            }
            let b = self.line[pos];
            if in_quotes {
                if b == b'"' {
                    if self.line.get(pos + 1) == Some(&b'"') {
                        self.cells.push(b'"');
                        pos += 2;
                        continue;
                    }
                    in_quotes = false;
                    pos += 1;
                    continue;
                }
                self.cells.push(b);
                pos += 1;
                continue;
            }
            match b {
                _ if b == self.separator => {
                    self.bounds.push((cell_start, self.cells.len()));
                    cell_start = self.cells.len();
                    at_cell_start = true;
                }
                b'"' if at_cell_start => {
                    in_quotes = true;
                    at_cell_start = false;
                }
                _ => {
                    // Fast path: copy the run of plain bytes up to the next separator or quote.
                    let run_end = self.line[pos..]
                        .iter()
                        .position(|&c| c == self.separator || c == b'"')
                        .map_or(self.line.len(), |i| pos + i);
                    let run_end = run_end.max(pos + 1);
                    self.cells.extend_from_slice(&self.line[pos..run_end]);
                    at_cell_start = false;
                    pos = run_end;
                    continue;
                }
            }
            pos += 1;
        }
        self.bounds.push((cell_start, self.cells.len()));
        Ok(true)
    }

    pub fn cell(&self, index: usize) -> &[u8] {
        self.bounds
            .get(index)
            .and_then(|&(a, b)| self.cells.get(a..b))
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &str) -> Vec<(u32, Vec<String>)> {
        let mut r = CsvLines::new(Box::new(std::io::Cursor::new(input.as_bytes().to_vec())));
        let mut out = Vec::new();
        while r.next_record().unwrap_or(false) {
            let cells = (0..r.bounds.len())
                .map(|i| String::from_utf8_lossy(r.cell(i)).into_owned())
                .collect();
            out.push((r.start_line, cells));
        }
        out
    }

    #[test]
    fn counts_physical_lines_with_crlf_blank_lines_and_quoted_breaks() {
        let got = records("#x\r\n\r\nh,h2\r\n1,\"a\r\nb\"\r\n\"q\"\"q\",x\"y\r\nlast");
        let want: Vec<(u32, Vec<String>)> = vec![
            (1, vec!["#x".into()]),
            (2, vec!["".into()]),
            (3, vec!["h".into(), "h2".into()]),
            (4, vec!["1".into(), "a\r\nb".replace("\r\n", "\n")]),
            (6, vec!["q\"q".into(), "x\"y".into()]),
            (7, vec!["last".into()]),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn splits_on_tabs_when_told_and_keeps_commas_inside_cells() {
        let mut r = CsvLines::with_separator(
            Box::new(std::io::Cursor::new(b"a\t1,234.00\t\"x\ty\"\n".to_vec())),
            b'\t',
        );
        assert!(r.next_record().unwrap_or(false));
        let cells: Vec<&[u8]> = (0..r.bounds.len()).map(|i| r.cell(i)).collect();
        assert_eq!(cells, vec![&b"a"[..], &b"1,234.00"[..], &b"x\ty"[..]]);
    }

    #[test]
    fn keeps_trailing_empty_cells() {
        assert_eq!(
            records("a,,\n"),
            vec![(1, vec!["a".into(), "".into(), "".into()])]
        );
    }
}
