#![no_main]
//! Kept records read back from a store (`duizhang_import::parsed::decode`): any bytes must be
//! refused or decoded, never panic; what decodes must encode and decode to the same records.
//! With the first byte odd, the rest is imported as a file first and what it gave must come
//! back unchanged through encode and decode.

use duizhang_import::parsed::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((first, rest)) if first % 2 == 1 => {
            let (files, dataset) = duizhang_fuzz::read_file(rest.to_vec());
            let kept = encode(&files, &dataset).expect("a file just read encodes");
            let (back_files, back) = decode(&kept).expect("what was encoded decodes");
            assert_eq!(back, dataset);
            assert_eq!(format!("{back_files:?}"), format!("{files:?}"));
        }
        _ => {
            if let Ok((files, dataset)) = decode(data) {
                let kept = encode(&files, &dataset).expect("decoded records encode");
                let (_, again) = decode(&kept).expect("re-encoded records decode");
                assert_eq!(again, dataset);
            }
        }
    }
});
