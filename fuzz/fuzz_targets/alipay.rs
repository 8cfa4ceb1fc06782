#![no_main]
//! Alipay 账务明细 / 业务明细 rows after a real preamble and header (GBK).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_head("#支付宝账务明细查询\r\n#账号：[20880000000000000156]\r\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n", data, true);
});
