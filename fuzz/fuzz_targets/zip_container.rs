#![no_main]
//! ZIP containers: the fuzzer's bytes either as an archive of their own (the zip reader and the
//! member walk) or cut into the members of an archive built around them, nested up to beyond
//! the nesting limit, stored or deflated (member streaming, name decoding, limits, detection
//! of each member).

use std::io::Write;

use libfuzzer_sys::fuzz_target;

/// Builds an archive of `parts` (name, bytes); the last member is itself an archive of the
/// rest when `depth` asks for it.
fn archive(parts: &[&[u8]], depth: u8, deflate: bool) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (i, part) in parts.iter().enumerate() {
        if writer.start_file(format!("{i}.csv"), options).is_err() || writer.write_all(part).is_err() {
            return Vec::new();
        }
    }
    if depth > 0 {
        let inner = archive(parts, depth - 1, !deflate);
        if writer.start_file("inner.zip", options).is_err() || writer.write_all(&inner).is_err() {
            return Vec::new();
        }
    }
    writer.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 3 {
        0 => duizhang_fuzz::import_any(rest.to_vec()),
        _ => {
            let parts: Vec<&[u8]> = rest.split(|&b| b == 0xFF).take(8).collect();
            let depth = (mode / 3) % 7;
            duizhang_fuzz::import_any(archive(&parts, depth, mode % 3 == 1));
        }
    }
});
