#![no_main]
//! Taobao/Tmall trade API JSON: the fuzzer's bytes after the opening of a standard
//! `taobao.trades.sold.get` response, so that it spends its time in the trades and their
//! fields (the response walk, ids, amounts, sub-orders, line counting, error positions).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_head(
        "{\"trades_sold_get_response\":{\"total_results\":1,\"trades\":{\"trade\":[",
        data,
        false,
    );
});
