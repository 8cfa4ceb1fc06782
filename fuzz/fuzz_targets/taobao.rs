#![no_main]
//! Taobao rows: the 退款报表 (variant-B header, GBK) or today's 订单导出 (one row per 子订单,
//! UTF-8), chosen by the first byte.

use libfuzzer_sys::fuzz_target;

const REFUNDS: &str = "订单编号,退款编号,支付宝交易号,订单付款时间,商品编码,退款完结时间,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,超时时间,退款状态,货物状态,售中或售后,部分退款/全部退款\r\n";
const SUB_ORDERS: &str = "子订单编号,主订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,联系方式备注,订单状态,商家编码,支付单号,买家应付货款,买家实际支付金额,退款状态,退款金额,订单创建时间,订单付款时间,商品id,分阶段订单信息,备注标签,商家备注,主订单买家留言,发货时间,物流单号,物流公司,是否赔付,延迟发货主动赔付金额,赔付出账时间\n";

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((first, rest)) if first % 2 == 1 => duizhang_fuzz::import_with_head(SUB_ORDERS, rest, false),
        _ => duizhang_fuzz::import_with_head(REFUNDS, data, true),
    }
});
