//! UTF-16 text (Excel's "Unicode text" save) turned into UTF-8 as it is read, so the rest of
//! the import sees one encoding.

use std::io::Read;

use crate::limits::LimitExceeded;

/// A UTF-8 view of a UTF-16 stream; a byte-order mark is dropped. Text that is not valid
/// UTF-16 (a lone surrogate) is a read error, never a replacement character.
pub struct Utf16Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    out_pos: usize,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, big_endian: bool) -> Self {
        let encoding = if big_endian {
            encoding_rs::UTF_16BE
        } else {
            encoding_rs::UTF_16LE
        };
        Utf16Reader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 1 << 15],
            output: Vec::with_capacity(1 << 16),
            out_pos: 0,
            eof: false,
        }
    }

    fn refill(&mut self) -> std::io::Result<()> {
        self.output.clear();
        self.out_pos = 0;
        while self.output.is_empty() && !self.eof {
            let n = self.inner.read(&mut self.input)?;
            self.eof = n == 0;
            let src = self.input.get(..n).unwrap_or(&[]);
            // Each UTF-16 unit becomes at most 3 bytes of UTF-8.
            let room = self
                .decoder
                .max_utf8_buffer_length_without_replacement(src.len())
                .unwrap_or(src.len().saturating_mul(3).saturating_add(16));
            self.output.resize(room, 0);
            let (result, _read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(src, &mut self.output, self.eof);
            self.output.truncate(written);
            if let encoding_rs::DecoderResult::Malformed(_, _) = result {
                return Err(LimitExceeded {
                    zh: "含有无效的 UTF-16 字符（文件已损坏）".to_string(),
                    en: "malformed UTF-16".to_string(),
                }
                .into_io());
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.out_pos >= self.output.len() {
            self.refill()?;
        }
        let available = self.output.get(self.out_pos..).unwrap_or(&[]);
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_reads_as_the_same_text_in_utf8() {
        let text = "交易时间,金额\r\n2026-10-01 08:00:00,59.00\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut out = String::new();
        Utf16Reader::new(std::io::Cursor::new(le), false)
            .read_to_string(&mut out)
            .expect("valid UTF-16");
        assert_eq!(out, text);
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let mut out = String::new();
        Utf16Reader::new(std::io::Cursor::new(be), true)
            .read_to_string(&mut out)
            .expect("valid UTF-16");
        assert_eq!(out, text);
    }

    #[test]
    fn a_lone_surrogate_is_an_error_not_a_replacement() {
        let bytes = vec![0x41, 0x00, 0x00, 0xD8, 0x41, 0x00];
        let mut out = String::new();
        assert!(
            Utf16Reader::new(std::io::Cursor::new(bytes), false)
                .read_to_string(&mut out)
                .is_err()
        );
    }
}
