#![no_main]
//! Douyin 资金流水 rows after its header (UTF-8 BOM).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_head("\u{FEFF}动账时间,动帐流水号,动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,订单实付应结,运费实付,实际平台补贴,订单退款,平台服务费,佣金,招商服务费,站外推广费,备注\r\n", data, false);
});
