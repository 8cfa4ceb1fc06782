#![no_main]
//! Pinduoduo 货款明细 rows after the real preamble and header (GBK).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_head("拼多多店铺账务明细查询\r\n\r\n起始时间：2026-10-01 00:00:00  终止时间：2026-10-31 23:59:59\r\n----------交易记录明细列表---------\r\n商户订单号,发生时间,收入金额（+元）,支出金额（-元）,账务类型,备注,业务描述\r\n", data, true);
});
