//! A byte stream handed from one thread to another in chunks: an archive member is
//! decompressed on a helper thread (the archive is borrowed there) while the importer reads it
//! as an ordinary stream, so a member is never held whole.

use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Chunks in flight between the threads: memory stays at a few chunks whatever the member's
/// size.
const CHUNKS_IN_FLIGHT: usize = 4;
const CHUNK_BYTES: usize = 1 << 16;

/// The reading end: ends where the writer ended, or with the writer's error.
pub struct PipeReader {
    rx: Receiver<std::io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
}

/// A pipe: the writing end goes to [`pump`] on the thread that owns the source.
pub fn pipe() -> (SyncSender<std::io::Result<Vec<u8>>>, PipeReader) {
    let (tx, rx) = sync_channel(CHUNKS_IN_FLIGHT);
    (
        tx,
        PipeReader {
            rx,
            chunk: Vec::new(),
            pos: 0,
            done: false,
        },
    )
}

/// Copies `source` into the pipe until its end, an error (passed on to the reader), or the
/// reader hanging up (it stopped early: the rest is not read).
pub fn pump(mut source: impl Read, tx: SyncSender<std::io::Result<Vec<u8>>>) {
    loop {
        let mut buf = vec![0u8; CHUNK_BYTES];
        match source.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                buf.truncate(n);
                if tx.send(Ok(buf)).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}

impl Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                // The writer finished (its end was dropped).
                Err(_) => {
                    self.done = true;
                    return Ok(0);
                }
            }
        }
        let available = self.chunk.get(self.pos..).unwrap_or(&[]);
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_arrive_whole_and_in_order_across_threads() {
        let data: Vec<u8> = (0..300_000u32)
            .map(|i| u8::try_from(i % 251).unwrap_or(0))
            .collect();
        let (tx, mut reader) = pipe();
        let mut got = Vec::new();
        let source = std::io::Cursor::new(&data);
        std::thread::scope(|s| {
            s.spawn(move || pump(source, tx));
            reader.read_to_end(&mut got).expect("read");
        });
        assert_eq!(got, data);
    }

    #[test]
    fn a_reader_that_stops_early_releases_the_writer() {
        let (tx, reader) = pipe();
        std::thread::scope(|s| {
            let writer = s.spawn(move || pump(std::io::repeat(7), tx));
            drop(reader);
            writer.join().expect("writer ends");
        });
    }
}
