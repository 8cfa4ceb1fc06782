#![no_main]
//! Pinduoduo rows, the layout chosen by the first byte: the 货款明细 after its real preamble
//! (GBK), and the order export (GBK).

use libfuzzer_sys::fuzz_target;

const HEADS: &[(&str, bool)] = &[
    (
        "拼多多店铺账务明细查询\r\n\r\n起始时间：2026-10-01 00:00:00  终止时间：2026-10-31 23:59:59\r\n----------交易记录明细列表---------\r\n商户订单号,发生时间,收入金额（+元）,支出金额（-元）,账务类型,备注,业务描述\r\n",
        true,
    ),
    (
        "商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,确认收货时间,商品id,商品规格,样式ID,商家编码-规格维度,商家编码-商品维度,商家备注,售后状态,快递单号,快递公司,订单成交时间\r\n",
        true,
    ),
];

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_one_of(HEADS, data);
});
