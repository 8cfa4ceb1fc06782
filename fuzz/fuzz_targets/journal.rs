#![no_main]
//! The journal read back from an accounting system (`--journal`): 用友 凭证引入 text and the
//! generic Excel journal (a workbook), each with its links; must return an error or vouchers,
//! never panic.

use libfuzzer_sys::fuzz_target;

const U8_HEAD: &str = "2026-10-31,记,1,1,销售收入,1122,100.00,,\r\n";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 3 {
        0 => {
            let mut text = U8_HEAD.as_bytes().to_vec();
            text.extend_from_slice(rest);
            let _ = duizhang_books::import::u8_text(&text, "fuzz.txt");
        }
        1 => {
            let _ = duizhang_books::import::excel(rest, "fuzz.xlsx");
        }
        _ => {
            let (book, csv) = rest.split_at(rest.len() / 2);
            let _ = duizhang_books::import::excel_with_sources(book, "fuzz.xlsx", Some((csv, "fuzz.csv")));
        }
    }
});
