#![no_main]
//! Generic ERP 售后单 rows after its header (UTF-8): the mapping-profile code path.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_head("店铺,平台,订单号,售后单号,售后类型,状态,申请时间,完成时间,申请金额,退款金额,商家编码,数量,原因\r\n", data, false);
});
