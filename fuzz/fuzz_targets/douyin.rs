#![no_main]
//! Douyin rows (UTF-8 BOM), the layout chosen by the first byte: the 资金流水, the order
//! export, and the 结算账单 with its formula legend line.

use libfuzzer_sys::fuzz_target;

const HEADS: &[(&str, bool)] = &[
    (
        "\u{FEFF}动账时间,动帐流水号,动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,订单实付应结,运费实付,实际平台补贴,订单退款,平台服务费,佣金,招商服务费,站外推广费,备注\r\n",
        false,
    ),
    (
        "\u{FEFF}主订单编号,子订单编号,选购商品,商品规格,商品数量,商家编码,订单应付金额,运费,收件人,收件人手机号,详细地址,订单提交时间,商家备注,订单完成时间,订单状态,售后状态,取消原因,发货时间,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额\n",
        false,
    ),
    (
        "\u{FEFF}结算时间,订单号,子订单号,结算金额,结算账户,结算单类型,有结算前退款,下单时间,收入合计,支出合计,平台服务费,达人佣金\n , , ,收入+支出, , , , , , , , \n",
        false,
    ),
];

fuzz_target!(|data: &[u8]| {
    duizhang_fuzz::import_with_one_of(HEADS, data);
});
