//! Douyin (抖店), formats.md §6: the order export with the further columns other projects'
//! fixtures show, and the 资金流水 in the full column set of ShopeX's luban.php with signed
//! amounts and `'` guards. (The §6.1 and §6.3 examples and the 2026 fund-flow shape are read
//! byte for byte in crates/samples/tests/douyin.rs; the after-sales export, UNCONFIRMED, by the
//! shipped profile in crates/samples/tests/profiles.rs.)

use duizhang_core::{FlowKind, OrderStatus};
use duizhang_import::ProblemCode;

use super::{assert_problem, at, bom, clean, fen, import, lf, t, t_opt};

#[test]
fn an_order_export_with_further_columns_reads_the_same_order() {
    // §6.1's header and example row, with the columns other fixtures show appended.
    let text = lf(&[
        "主订单编号,子订单编号,选购商品,商品规格,商品数量,商家编码,订单应付金额,运费,收件人,收件人手机号,详细地址,订单提交时间,商家备注,订单完成时间,订单状态,售后状态,取消原因,发货时间,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额,商品ID,商品单价,商品金额,商家收入金额,支付完成时间,支付方式,快递信息,达人ID,达人昵称",
        "\"\t6900000000000000001\",\"\t6900000000000000001\",\"\t辣条礼包\",\"\t1袋\",1,\"\tSKU300400008\",28.90,0.00,##密文,$$密文,##密文,2026-10-02 00:54:10,-,2026-10-04 13:18:29,已完成,退款成功,,2026-10-02 08:53:45,2.00,3.00,0.00,\"\t3600000000001\",33.90,33.90,25.37,2026-10-02 00:54:20,抖音支付,SF123-顺丰速运,\"\t1000001\",某达人",
    ]);
    let read = clean("订单.csv", bom(&text), "douyin.orders");
    let o = &read.data.orders[0];
    assert_eq!(o.order_no, "6900000000000000001");
    assert_eq!(o.status, OrderStatus::Finished);
    assert_eq!(o.paid, Some(fen(2890)));
    assert_eq!(o.created_at, t_opt("2026-10-02 00:54:10"));
    assert_eq!(o.finished_at, t_opt("2026-10-04 13:18:29"));
    assert_eq!(o.lines.len(), 1);
    assert_eq!(o.lines[0].sku.as_deref(), Some("SKU300400008"));
    assert_eq!(
        o.lines[0].sub_order_no.as_deref(),
        Some("6900000000000000001")
    );
    assert_eq!(o.lines[0].quantity, 1);
    assert_eq!(o.source, at(2));
}

const FULL_FLOW_HEADER: &str = "动账时间,订单号,动帐流水号,子订单号,订单类型,商品ID,动账账户,备注,订单实付应结,实际平台补贴,以旧换新抵扣,政府补贴平台垫资,实际达人补贴,实际抖音支付补贴,实际抖音月付营销补贴,银行补贴,订单退款,动账方向,动账金额,动账场景,计费类型,售后编号,下单时间,运费实付,实际平台补贴_运费,平台服务费,佣金,服务商佣金,渠道分成,招商服务费,站外推广费,其他分成,是否免佣,免佣金额";

/// The luban.php column order: a settlement in, a refund after settlement out (signed, with
/// its 售后编号) and a withdrawal.
fn full_fund_flow() -> String {
    lf(&[
        FULL_FLOW_HEADER,
        "2026-10-08 05:59:20,'6900000000000000001,'7420000000000000001,'6900000000000000001,普通订单,'3600000000001,聚合账户,-,28.90,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,入账,25.37,货款结算入账,小店自卖,-,2026-10-02 00:54:10,0.00,0.00,1.45,2.08,0.00,0.00,0.00,0.00,0.00,否,0.00",
        "2026-10-20 18:34:00,'6900000000000000002,'7420000000000000002,'6900000000000000002,普通订单,'3600000000002,聚合账户,-,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,8.17,出账,-8.17,退款-结算后退款-退用户,小店自卖,'7000000000000000009,2026-10-03 10:00:00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,否,0.00",
        "2026-10-21 10:00:00,-,'7420000000000000003,-,-,-,聚合账户,提现至银行卡,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,出账,-500.00,提现,-,-,-,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,否,0.00",
    ])
}

#[test]
fn the_full_fund_flow_column_set_reads_settlement_refund_and_withdrawal() {
    let read = clean("资金流水.csv", bom(&full_fund_flow()), "douyin.fund_flow");
    let rows = &read.data.fund_flows;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].txn_no, "7420000000000000001");
    assert_eq!(rows[0].order_no.as_deref(), Some("6900000000000000001"));
    assert_eq!(rows[0].kind, FlowKind::Income);
    assert_eq!(rows[0].amount, fen(2537));
    assert_eq!(rows[0].occurred_at, t("2026-10-08 05:59:20"));
    assert_eq!(rows[0].source, at(2));
    assert_eq!(rows[1].kind, FlowKind::Refund);
    assert_eq!(rows[1].amount, fen(-817));
    assert_eq!(rows[1].refund_no.as_deref(), Some("7000000000000000009"));
    assert_eq!(rows[2].kind, FlowKind::Withdrawal);
    assert_eq!(rows[2].amount, fen(-50000));
    assert_eq!(rows[2].order_no, None);
    assert_eq!(rows[2].source, at(4));
}

#[test]
fn a_fund_flow_row_of_unknown_direction_names_line_and_column() {
    let text = full_fund_flow().replacen(",出账,-500.00,", ",冻结,-500.00,", 1);
    let read = import("资金流水.csv", bom(&text));
    assert_eq!(read.data.fund_flows.len(), 2);
    assert_problem(
        read.only_problem(),
        ProblemCode::BadValue,
        4,
        "动账方向",
        "冻结",
    );
}
