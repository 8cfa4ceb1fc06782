#![no_main]
//! JD 对账表 rows after its header (UTF-8).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_head("订单编号,父单号,订单状态,订单下单时间,订单完成时间,售后服务单号,售后退款时间,商品编号,商品名称,商品数量,扣点类型,佣金比例,费用名称,应结金额,币种,收支方向,结算状态,预计结算时间,账单生成时间,到账时间,商户订单号,资金动账备注\r\n", data, false);
});
