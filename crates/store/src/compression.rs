//! How large values are stored: as they are, or compressed with zstd at its fastest level.
//! The stored row says which ([`Codec`], its column `codec`), so values written before
//! compression existed, or that compression would not make smaller, read back as they are.
//!
//! Sellers' downloads and the CSV a run renders are text that zstd's fastest level shrinks
//! five- to sevenfold at some 600 MB/s a core: the databases then write a sixth of the bytes
//! (SQLite each page twice, to its log and to the database; PostgreSQL to its log and table).

use crate::error::StoreError;

/// zstd's level: its fastest ordinary one. Higher levels save little on this text and cost
/// several times the time.
const LEVEL: i32 = 1;

/// A value this large is compressed in pieces on several threads (zstd frames one after the
/// other, which read back as one value).
const PIECE: usize = 16 << 20;

/// How a stored value's bytes are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// The bytes as they are.
    Plain,
    /// zstd frames of the bytes.
    Zstd,
}

impl Codec {
    /// The value stored in the column.
    pub fn code(self) -> i64 {
        match self {
            Codec::Plain => 0,
            Codec::Zstd => 1,
        }
    }

    pub fn from_code(code: i64) -> Result<Codec, StoreError> {
        match code {
            0 => Ok(Codec::Plain),
            1 => Ok(Codec::Zstd),
            other => Err(StoreError::Database(format!(
                "stored value of unknown codec {other}"
            ))),
        }
    }
}

/// A value as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub codec: Codec,
    pub bytes: Vec<u8>,
}

/// Compresses values one after another, reusing its state.
pub struct Compressor(zstd::bulk::Compressor<'static>);

impl Compressor {
    pub fn new() -> Result<Compressor, StoreError> {
        zstd::bulk::Compressor::new(LEVEL)
            .map(Compressor)
            .map_err(zstd_failed)
    }

    /// `plain` as stored: compressed, or as it is when that is no smaller (a workbook, a ZIP).
    pub fn store(&mut self, plain: &[u8]) -> Result<Stored, StoreError> {
        let packed = self.0.compress(plain).map_err(zstd_failed)?;
        Ok(smaller(plain, packed))
    }
}

/// `packed` when it is smaller than `plain`, else `plain` as it is.
fn smaller(plain: &[u8], packed: Vec<u8>) -> Stored {
    if packed.len() < plain.len() {
        Stored {
            codec: Codec::Zstd,
            bytes: packed,
        }
    } else {
        Stored {
            codec: Codec::Plain,
            bytes: plain.to_vec(),
        }
    }
}

/// A large value as stored, compressed in pieces on as many threads as there are cores.
pub fn store_large(plain: &[u8]) -> Result<Stored, StoreError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if plain.len() <= PIECE || threads < 2 {
        return Compressor::new()?.store(plain);
    }
    let per_thread = plain.len().div_ceil(threads).max(PIECE);
    let frames: Vec<Result<Vec<u8>, StoreError>> = std::thread::scope(|s| {
        let work: Vec<_> = plain
            .chunks(per_thread)
            .map(|piece| {
                s.spawn(move || {
                    let mut compressor = Compressor::new()?;
                    piece
                        .chunks(PIECE)
                        .map(|p| compressor.0.compress(p).map_err(zstd_failed))
                        .collect::<Result<Vec<_>, _>>()
                        .map(|frames| frames.concat())
                })
            })
            .collect();
        work.into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    Err(StoreError::Database("compression thread failed".into()))
                })
            })
            .collect()
    });
    let mut bytes = Vec::new();
    for frame in frames {
        bytes.extend(frame?);
    }
    Ok(smaller(plain, bytes))
}

/// The value a stored one holds; `limit` bounds what a compressed one may grow to (a
/// damaged or foreign value is refused rather than allocated).
pub fn load(stored: Stored, limit: usize) -> Result<Vec<u8>, StoreError> {
    match stored.codec {
        Codec::Plain => Ok(stored.bytes),
        Codec::Zstd => {
            use std::io::Read;
            let decoder =
                zstd::stream::read::Decoder::new(stored.bytes.as_slice()).map_err(zstd_failed)?;
            let mut plain = Vec::new();
            let limit = u64::try_from(limit).unwrap_or(u64::MAX);
            decoder
                .take(limit.saturating_add(1))
                .read_to_end(&mut plain)
                .map_err(|e| {
                    StoreError::Database(format!("stored value does not decompress: {e}"))
                })?;
            if u64::try_from(plain.len()).unwrap_or(u64::MAX) > limit {
                return Err(StoreError::Database(format!(
                    "stored value decompresses beyond {limit} bytes"
                )));
            }
            Ok(plain)
        }
    }
}

/// A text value stored either as text or, compressed, beside it (`packed`).
pub fn text_of(text: String, packed: Option<Vec<u8>>) -> Result<String, StoreError> {
    let Some(bytes) = packed else {
        return Ok(text);
    };
    let plain = load(
        Stored {
            codec: Codec::Zstd,
            bytes,
        },
        usize::MAX,
    )?;
    String::from_utf8(plain)
        .map_err(|e| StoreError::Database(format!("stored text is not UTF-8: {e}")))
}

fn zstd_failed(e: std::io::Error) -> StoreError {
    StoreError::Database(format!("zstd: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(rows: usize) -> Vec<u8> {
        let mut text = String::from("凭证号,来源文件,行号\n");
        for i in 0..rows {
            text.push_str(&format!("记-{},账务明细.csv,{}\n", i / 7, i + 6));
        }
        text.into_bytes()
    }

    #[test]
    fn a_large_value_compressed_in_pieces_reads_back_whole() {
        let plain = csv(2_000_000);
        assert!(plain.len() > 2 * PIECE);
        let stored = store_large(&plain).expect("compresses");
        assert_eq!(stored.codec, Codec::Zstd);
        assert!(stored.bytes.len() * 4 < plain.len());
        assert_eq!(load(stored, plain.len()).expect("reads back"), plain);
    }

    #[test]
    fn a_value_larger_than_its_limit_or_damaged_is_refused() {
        let plain = csv(1000);
        let stored = Compressor::new()
            .expect("zstd")
            .store(&plain)
            .expect("compresses");
        assert!(load(stored.clone(), plain.len() - 1).is_err());
        let mut cut = stored.clone();
        cut.bytes.truncate(cut.bytes.len() / 2);
        assert!(load(cut, plain.len()).is_err());
        assert_eq!(load(stored, plain.len()).expect("reads"), plain);
        assert!(Codec::from_code(7).is_err());
    }
}
