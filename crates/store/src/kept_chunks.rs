//! How a kept file's bytes are stored: in chunks of [`FILE_CHUNK`] bytes of the file, each
//! compressed on its own ([`crate::compression`]), so that one line is read back from one
//! chunk (the order lookup) and no stored value nears the databases' 1 GB limit. Chunks
//! written before compression existed are plain.

use crate::compression::{Codec, Compressor, Stored};
use crate::error::StoreError;

/// How many bytes of a kept file one chunk holds (the last one fewer). Stored data depends
/// on it: chunks start at multiples of it.
pub const FILE_CHUNK: usize = 1 << 20;

/// One chunk as stored: where it starts in the file, how it is stored, its stored bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredChunk {
    pub at: i64,
    pub codec: Codec,
    pub bytes: Vec<u8>,
}

/// A file's bytes as the chunks to store.
pub fn pack(bytes: &[u8]) -> Result<Vec<StoredChunk>, StoreError> {
    let mut compressor = Compressor::new()?;
    (0i64..)
        .step_by(FILE_CHUNK)
        .zip(bytes.chunks(FILE_CHUNK))
        .map(|(at, plain)| {
            let Stored { codec, bytes } = compressor.store(plain)?;
            Ok(StoredChunk { at, codec, bytes })
        })
        .collect()
}

/// The file's bytes a stored chunk holds.
pub(crate) fn unpack(chunk: StoredChunk) -> Result<Vec<u8>, StoreError> {
    let at = chunk.at;
    // A chunk never holds more than FILE_CHUNK bytes of the file.
    crate::compression::load(
        Stored {
            codec: chunk.codec,
            bytes: chunk.bytes,
        },
        FILE_CHUNK,
    )
    .map_err(|e| StoreError::Database(format!("kept file chunk at byte {at}: {e}")))
}

/// A kept file's bytes from all its chunks, in order; checked against the size kept with it.
pub(crate) fn join(chunks: Vec<StoredChunk>, size: i64) -> Result<Vec<u8>, StoreError> {
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    for chunk in chunks {
        if i64::try_from(bytes.len()).ok() != Some(chunk.at) {
            return Err(StoreError::Database(format!(
                "kept file chunk at byte {} follows {} bytes",
                chunk.at,
                bytes.len()
            )));
        }
        bytes.extend_from_slice(&unpack(chunk)?);
    }
    if i64::try_from(bytes.len()).ok() != Some(size) {
        return Err(StoreError::Database(format!(
            "kept file holds {} bytes, {size} were kept",
            bytes.len()
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(rows: usize) -> Vec<u8> {
        let mut text = String::from("订单号,金额\n");
        for i in 0..rows {
            text.push_str(&format!("4000{i:016},{}.{:02}\n", i % 997, i % 100));
        }
        text.into_bytes()
    }

    #[test]
    fn a_file_is_read_back_byte_for_byte_from_its_chunks() {
        let bytes = csv(120_000);
        assert!(bytes.len() > 2 * FILE_CHUNK);
        let chunks = pack(&bytes).expect("pack");
        assert_eq!(chunks.len(), bytes.len().div_ceil(FILE_CHUNK));
        assert!(chunks.iter().all(|c| c.codec == Codec::Zstd));
        let stored: usize = chunks.iter().map(|c| c.bytes.len()).sum();
        assert!(stored * 3 < bytes.len(), "{stored} of {}", bytes.len());
        let size = i64::try_from(bytes.len()).expect("size");
        assert_eq!(join(chunks, size).expect("join"), bytes);
    }

    #[test]
    fn bytes_that_do_not_compress_are_kept_as_they_are() {
        // A workbook or an archive is compressed already: here, bytes with no repetition.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let noise: Vec<u8> = (0..5000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        let chunks = pack(&noise).expect("pack");
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].codec, Codec::Plain);
        assert_eq!(join(chunks, 5000).expect("join"), noise);
    }

    #[test]
    fn a_missing_or_damaged_chunk_is_an_error_not_a_shorter_file() {
        let bytes = csv(120_000);
        let size = i64::try_from(bytes.len()).expect("size");
        let mut chunks = pack(&bytes).expect("pack");
        chunks.remove(1);
        assert!(join(chunks, size).is_err());
        let mut chunks = pack(&bytes).expect("pack");
        chunks.pop();
        assert!(join(chunks, size).is_err());
        let mut chunks = pack(&bytes).expect("pack");
        chunks[0].bytes.truncate(100);
        assert!(join(chunks, size).is_err());
    }
}
