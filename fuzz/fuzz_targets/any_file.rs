#![no_main]
//! Any bytes as a whole file: encoding sniffing, ZIP and spreadsheet containers, detection.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_any(data.to_vec());
});
