#![no_main]
//! WeChat Pay 资金账单 rows after its header (UTF-8 BOM): the refund rows' 备注
//! (`退款总金额59.00元;含手续费0.35元`) is parsed into the refund it states.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_head("\u{FEFF}记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号\r\n`2026-10-03 18:40:12,`50300002026202610031234567890,`1900000109202610030000000003,`退款,`退款,`支出,`", data, false);
});
