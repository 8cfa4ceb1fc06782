//! A JD POP shop's and a Douyin shop's month, written as the files the seller downloads
//! (formats.md §4 and §6) and reconciled: a month with nothing wrong finds nothing, and each
//! single problem planted in it is found as exactly its code.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{AfterSaleKind, AfterSaleStatus, Dataset, Period, Platform, Record};
use duizhang_engine::{Outcome, Settings, reconcile};
use duizhang_import::{ImportedFile, builtin_importers, import_bytes};
use duizhang_samples::build::{after_sale, at, yuan};
use duizhang_samples::write::jd::{FUNDS_HEADER, ORDER_HEADER_CLASSIC, STATEMENT_HEADER_OLD};
use support::{bom, gbk};

const MONEY: [&str; 12] = [
    "PAYMENT_MISSING",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_ORPHAN",
    "REFUND_UNPAID",
    "REFUND_ORPHAN",
    "REFUND_AMOUNT_MISMATCH",
    "REFUND_EXCEEDS_PAID",
    "REFUND_DUPLICATE",
    "FLOW_DUPLICATE",
    "BALANCE_BREAK",
    "FEE_MISMATCH",
    "SETTLEMENT_MISMATCH",
];

/// A CSV of `header` whose rows give only the cells they name; the others are empty.
fn csv<V: AsRef<str>>(header: &[&str], rows: &[Vec<(&str, V)>]) -> String {
    let mut text = header.join(",");
    text.push_str("\r\n");
    for row in rows {
        let cells: Vec<&str> = header
            .iter()
            .map(|h| {
                row.iter()
                    .find(|(name, _)| name == h)
                    .map_or("", |(_, v)| v.as_ref())
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    text
}

/// Imports the month's files in order and reconciles October 2026 with no settings.
fn month(files: Vec<(&str, Vec<u8>)>, extra: Vec<Record>) -> (Vec<ImportedFile>, Outcome) {
    let importers = builtin_importers();
    let mut imported = Vec::new();
    let mut data = Dataset::default();
    for (name, bytes) in files {
        let mut records = Vec::new();
        import_bytes(name, bytes, &importers, &mut imported, &mut |r| {
            records.push(r)
        });
        for r in records {
            data.push(r);
        }
    }
    for r in extra {
        data.push(r);
    }
    let outcome = reconcile(
        &data,
        &Settings::default(),
        Period::parse("2026-10").unwrap(),
    );
    (imported, outcome)
}

fn money_codes(o: &Outcome) -> Vec<&str> {
    let mut codes: Vec<&str> = o
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .filter(|c| MONEY.contains(c))
        .collect();
    codes.sort_unstable();
    codes
}

fn matched(o: &Outcome, code: &str) -> u64 {
    o.tallies
        .iter()
        .filter(|((_, c), _)| c == code)
        .map(|(_, t)| t.matched)
        .sum()
}

// ---------------------------------------------------------------------------------------------
// JD: order export, 对账表 with 佣金比例, 京东钱包 资金表

const JD_A: &str = "300000000000101";
const JD_B: &str = "300000000000102";
const REF_A: &str = "202610130000011332600000001";
const REF_B: &str = "202610130000011332600000002";
const REF_C: &str = "202610130000011332600000003";

/// Order A: two SKUs, each row its own 应付金额 (88.00 and 39.00); order B: one SKU of 59.00.
fn jd_orders() -> Vec<u8> {
    let row = |no, ware, name, price, paid, sku, finished| {
        vec![
            ("订单号", no),
            ("商品ID", ware),
            ("商品名称", name),
            ("订购数量", "1"),
            ("支付方式", "在线支付"),
            ("下单时间", "2026-10-01 14:41:34"),
            ("京东价", price),
            ("订单金额", paid),
            ("余额支付", "0.00"),
            ("应付金额", paid),
            ("订单状态", "完成"),
            ("订单类型", "普通订单"),
            ("运费金额", "0.00"),
            ("付款确认时间", "2026-10-01 14:42:00"),
            ("货号", sku),
            ("订单完成时间", finished),
        ]
    };
    gbk(&csv(
        ORDER_HEADER_CLASSIC,
        &[
            row(
                JD_A,
                "100000000001",
                "保温杯 500ml",
                "88.00",
                "88.00",
                "CUP-500",
                "2026-10-05 09:00:00",
            ),
            row(
                JD_A,
                "100000000002",
                "保温杯 350ml",
                "39.00",
                "39.00",
                "CUP-350",
                "2026-10-05 09:00:00",
            ),
            row(
                JD_B,
                "100000000003",
                "焖烧罐 1L",
                "59.00",
                "59.00",
                "POT-1L",
                "2026-10-06 10:00:00",
            ),
        ],
    ))
}

/// One 对账表 row: 货款 收入 or 佣金 支出, at 佣金比例 0.05, under `reference`.
fn jd_fee<'a>(
    order: &'a str,
    item: &'a str,
    amount: &'a str,
    reference: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let direction = if amount.starts_with('-') {
        "支出"
    } else {
        "收入"
    };
    vec![
        ("订单编号", order),
        ("父单号", "300000000000100"),
        ("订单状态", "完成"),
        ("订单下单时间", "2026-10-01 14:41:34"),
        ("订单完成时间", "2026-10-05 09:00:00"),
        ("商品数量", "1"),
        ("扣点类型", "基础扣点"),
        ("佣金比例", "0.05"),
        ("费用名称", item),
        ("应结金额", amount),
        ("币种", "CNY"),
        ("收支方向", direction),
        ("结算状态", "已结算"),
        ("预计结算时间", "2026-10-12 17:11:38"),
        ("账单生成时间", "20261012"),
        ("到账时间", "2026-10-13 12:00:00"),
        ("商户订单号", reference),
    ]
}

/// The 资金表 row of a statement's net arriving, with the balance after it.
fn jd_arrival<'a>(
    time: &'a str,
    reference: &'a str,
    amount: &'a str,
    balance: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("商户号", "110000000001"),
        ("账户代码", "WALLET_BASIC"),
        ("账户名称", "京东钱包基本账户"),
        ("日期", time),
        ("商户订单号", reference),
        ("账户余额(元)", balance),
        ("收入金额(元)", amount),
        ("支出金额(元)", "0.00"),
        ("交易备注", "货款结算"),
        ("账单日期", "2026-10-13"),
    ]
}

/// The month's JD files: orders, the 对账表 and the 资金表, each as given.
fn jd_month(
    statement: &[Vec<(&str, &str)>],
    funds: &[Vec<(&str, &str)>],
) -> (Vec<ImportedFile>, Outcome) {
    month(
        vec![
            ("京东订单导出.csv", jd_orders()),
            ("京东对账表.csv", gbk(&csv(STATEMENT_HEADER_OLD, statement))),
            ("京东钱包资金表.csv", gbk(&csv(FUNDS_HEADER, funds))),
        ],
        Vec::new(),
    )
}

fn jd_statement_of<'a>(b_goods: &'a str, b_commission: &'a str) -> Vec<Vec<(&'a str, &'a str)>> {
    vec![
        jd_fee(JD_A, "货款", "88.00", REF_A),
        jd_fee(JD_A, "佣金", "-4.40", REF_A),
        jd_fee(JD_A, "货款", "39.00", REF_A),
        jd_fee(JD_A, "佣金", "-1.95", REF_A),
        jd_fee(JD_B, "货款", b_goods, REF_B),
        jd_fee(JD_B, "佣金", b_commission, REF_B),
    ]
}

#[test]
fn a_jd_month_settled_as_paid_finds_nothing() {
    // A's two rows carry their own amounts: 88.00 + 39.00 is what the buyer paid, and what
    // the statement settles as 货款; commissions are 5 % as the statement states.
    let (files, o) = jd_month(
        &jd_statement_of("59.00", "-2.95"),
        &[
            jd_arrival("2026-10-13 12:01:00", REF_A, "120.65", "1120.65"),
            jd_arrival("2026-10-13 12:02:00", REF_B, "56.05", "1176.70"),
        ],
    );
    assert!(files.iter().all(|f| f.problems.is_empty()), "{files:#?}");
    assert!(money_codes(&o).is_empty(), "{:#?}", o.findings);
    for code in [
        "PAYMENT_AMOUNT_MISMATCH",
        "FEE_MISMATCH",
        "SETTLEMENT_MISMATCH",
        "BALANCE_BREAK",
    ] {
        assert!(
            matched(&o, code) > 0,
            "{code} did not run: {:#?}",
            o.tallies
        );
    }
}

#[test]
fn jd_goods_money_settled_short_of_what_the_buyer_paid_is_a_payment_mismatch() {
    // B paid 59.00, nothing refunded; the statement settles 49.00 of 货款 (its commission and
    // the wallet's arrival follow from that, so nothing else is wrong).
    let (_, o) = jd_month(
        &jd_statement_of("49.00", "-2.45"),
        &[
            jd_arrival("2026-10-13 12:01:00", REF_A, "120.65", "1120.65"),
            jd_arrival("2026-10-13 12:02:00", REF_B, "46.55", "1167.20"),
        ],
    );
    assert_eq!(
        money_codes(&o),
        ["PAYMENT_AMOUNT_MISMATCH"],
        "{:#?}",
        o.findings
    );
    let f = &o.findings[0];
    assert_eq!(f.order_no.as_deref(), Some(JD_B));
    assert_eq!((f.expected_fen, f.actual_fen), (Some(5900), Some(4900)));
}

#[test]
fn a_jd_commission_off_the_rate_the_statement_states_is_a_fee_mismatch() {
    // 佣金比例 0.05 of 59.00 is 2.95; 5.90 was deducted (and arrived net of it).
    let (_, o) = jd_month(
        &jd_statement_of("59.00", "-5.90"),
        &[
            jd_arrival("2026-10-13 12:01:00", REF_A, "120.65", "1120.65"),
            jd_arrival("2026-10-13 12:02:00", REF_B, "53.10", "1173.75"),
        ],
    );
    assert_eq!(money_codes(&o), ["FEE_MISMATCH"], "{:#?}", o.findings);
    let f = &o.findings[0];
    assert_eq!(f.order_no.as_deref(), Some(JD_B));
    assert_eq!((f.expected_fen, f.actual_fen), (Some(295), Some(590)));
}

#[test]
fn jd_goods_money_for_an_order_in_no_export_is_an_orphan() {
    let mut statement = jd_statement_of("59.00", "-2.95");
    statement.push(jd_fee("300000000000199", "货款", "30.00", REF_C));
    statement.push(jd_fee("300000000000199", "佣金", "-1.50", REF_C));
    let (_, o) = jd_month(
        &statement,
        &[
            jd_arrival("2026-10-13 12:01:00", REF_A, "120.65", "1120.65"),
            jd_arrival("2026-10-13 12:02:00", REF_B, "56.05", "1176.70"),
            jd_arrival("2026-10-13 12:03:00", REF_C, "28.50", "1205.20"),
        ],
    );
    assert_eq!(money_codes(&o), ["PAYMENT_ORPHAN"], "{:#?}", o.findings);
    let f = &o.findings[0];
    assert_eq!(f.order_no.as_deref(), Some("300000000000199"));
    // The 资金表 row it arrived with, by the id a person finds in the file.
    assert_eq!(f.txn_no.as_deref(), Some(REF_C));
}

#[test]
fn a_jd_wallet_balance_break_names_the_rows_own_merchant_order_number() {
    let (_, o) = jd_month(
        &jd_statement_of("59.00", "-2.95"),
        &[
            jd_arrival("2026-10-13 12:01:00", REF_A, "120.65", "1120.65"),
            // 1120.65 + 56.05 is 1176.70, not 1186.70.
            jd_arrival("2026-10-13 12:02:00", REF_B, "56.05", "1186.70"),
        ],
    );
    assert_eq!(money_codes(&o), ["BALANCE_BREAK"], "{:#?}", o.findings);
    let f = &o.findings[0];
    assert_eq!(f.txn_no.as_deref(), Some(REF_B));
    assert!(f.message.contains(REF_B), "{}", f.message);
}

// ---------------------------------------------------------------------------------------------
// Douyin: order export with 运费 on a row, 结算账单, 资金流水

const DY_ORDER_HEADER: &[&str] = &[
    "主订单编号",
    "子订单编号",
    "选购商品",
    "商品规格",
    "商品数量",
    "商家编码",
    "商品单价",
    "商品金额",
    "订单应付金额",
    "运费",
    "收件人",
    "收件人手机号",
    "详细地址",
    "订单提交时间",
    "商家备注",
    "订单完成时间",
    "订单状态",
    "售后状态",
    "取消原因",
    "发货时间",
    "平台实际承担优惠金额",
    "商家实际承担优惠金额",
    "达人实际承担优惠金额",
];

const D1: &str = "6900000000000000101";
const D2: &str = "6900000000000000201";
const D3: &str = "6900000000000000301";

/// Text cells quoted with a TAB inside the quotes (formats.md §6.1).
fn tab(s: &str) -> String {
    format!("\"\t{s}\"")
}

/// One 子订单 row; `payable` is 订单应付金额, which includes the row's 运费.
#[allow(clippy::too_many_arguments)]
fn dy_row(
    order: &str,
    sub: &str,
    sku: &str,
    qty: &str,
    price: &str,
    goods: &str,
    payable: &str,
    freight: &str,
    discounts: [&str; 3],
    status: &str,
    after_sale: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("主订单编号", tab(order)),
        ("子订单编号", tab(sub)),
        ("选购商品", tab("辣条礼包")),
        ("商品规格", tab("默认")),
        ("商品数量", qty.into()),
        ("商家编码", tab(sku)),
        ("商品单价", price.into()),
        ("商品金额", goods.into()),
        ("订单应付金额", payable.into()),
        ("运费", freight.into()),
        ("收件人", "##密文".into()),
        ("收件人手机号", "$$密文".into()),
        ("详细地址", "##密文".into()),
        ("订单提交时间", "2026-10-02 00:54:10".into()),
        ("商家备注", "-".into()),
        ("订单完成时间", "2026-10-04 13:18:29".into()),
        ("订单状态", status.into()),
        ("售后状态", after_sale.into()),
        ("发货时间", "2026-10-02 08:53:45".into()),
        ("平台实际承担优惠金额", discounts[0].into()),
        ("商家实际承担优惠金额", discounts[1].into()),
        ("达人实际承担优惠金额", discounts[2].into()),
    ]
}

/// D1: two 子订单, the first carrying the order's 5.00 运费 in its 订单应付金额
/// (30.00 − 5.00 discounts + 5.00 运费 = 30.00; 39.80 − 1.00 = 38.80). D2: one of 25.00.
/// D3: 45.00, wholly refunded on the 6th, before any settlement.
fn dy_orders() -> Vec<u8> {
    bom(&csv(
        DY_ORDER_HEADER,
        &[
            dy_row(
                D1,
                "6900000000000000111",
                "SKU-A",
                "1",
                "30.00",
                "30.00",
                "30.00",
                "5.00",
                ["2.00", "3.00", "0.00"],
                "已完成",
                "-",
            ),
            dy_row(
                D1,
                "6900000000000000112",
                "SKU-B",
                "2",
                "19.90",
                "39.80",
                "38.80",
                "0.00",
                ["0.00", "1.00", "0.00"],
                "已完成",
                "-",
            ),
            dy_row(
                D2,
                D2,
                "SKU-C",
                "1",
                "25.00",
                "25.00",
                "25.00",
                "0.00",
                ["0.00", "0.00", "0.00"],
                "已完成",
                "-",
            ),
            dy_row(
                D3,
                D3,
                "SKU-D",
                "1",
                "48.00",
                "48.00",
                "45.00",
                "0.00",
                ["3.00", "0.00", "0.00"],
                "已完成",
                "退款成功",
            ),
        ],
    ))
}

/// 结算账单 (formats.md §6.3): the formula legend line under the header, ids with `'`.
fn dy_settlements() -> Vec<u8> {
    let mut text = String::from(
        "结算时间,订单号,子订单号,结算金额,结算账户,结算单类型,有结算前退款,下单时间,收入合计,支出合计,平台服务费,达人佣金\r\n , , ,收入+支出, , , , , , , , \r\n",
    );
    for (order, sub, amount) in [
        // D1's first 子订单: 30.00 paid + 2.00 the platform's own discount, 免佣.
        (D1, "6900000000000000111", "32.00"),
        (D1, "6900000000000000112", "38.80"),
        (D2, D2, "25.00"),
    ] {
        text.push_str(&format!(
            "2026-10-08 05:59:20,'{order},'{sub},{amount},聚合账户,已结算,否,2026-10-02 00:54:10,{amount},0.00,0.00,0.00\r\n"
        ));
    }
    bom(&text)
}

const DY_FLOW_HEADER: &str = "动账时间,动帐流水号,动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,订单实付应结,运费实付,实际平台补贴,订单退款,平台服务费,佣金,招商服务费,站外推广费,备注";

/// 资金流水 rows: (time, 动帐流水号, 方向, 金额, 场景, 子订单号, 订单号).
fn dy_flows(rows: &[(&str, &str, &str, &str, &str, &str, &str)]) -> Vec<u8> {
    let mut text = format!("{DY_FLOW_HEADER}\r\n");
    for (time, txn, direction, amount, scene, sub, order) in rows {
        text.push_str(&format!(
            "{time},{txn},{direction},{amount},聚合账户,{scene},小店自卖,{sub},{order},{amount},0.00,0.00,0.00,0.00,0.00,0.00,0.00,\r\n"
        ));
    }
    bom(&text)
}

const DY_SETTLED: [(&str, &str, &str, &str, &str, &str, &str); 3] = [
    (
        "2026-10-08 06:00:01",
        "7420000000000000001",
        "入账",
        "32.00",
        "货款结算入账",
        "6900000000000000111",
        D1,
    ),
    (
        "2026-10-08 06:00:02",
        "7420000000000000002",
        "入账",
        "38.80",
        "货款结算入账",
        "6900000000000000112",
        D1,
    ),
    (
        "2026-10-08 06:00:03",
        "7420000000000000003",
        "入账",
        "25.00",
        "货款结算入账",
        D2,
        D2,
    ),
];

/// The buyer's return of D3, refunded in full on the 6th (as the ERP keeps it).
fn d3_refund() -> Record {
    let mut a = after_sale(
        Platform::Douyin,
        D3,
        "146000000000000301",
        AfterSaleKind::ReturnAndRefund,
        yuan("45.00"),
    );
    a.status = AfterSaleStatus::Completed;
    a.applied_at = Some(at("2026-10-05 09:00:00"));
    a.completed_at = Some(at("2026-10-06 10:00:00"));
    Record::AfterSale(a)
}

fn dy_month(flows: &[(&str, &str, &str, &str, &str, &str, &str)]) -> (Vec<ImportedFile>, Outcome) {
    month(
        vec![
            ("抖店订单.csv", dy_orders()),
            ("抖店结算账单.csv", dy_settlements()),
            ("抖店资金流水.csv", dy_flows(flows)),
        ],
        vec![d3_refund()],
    )
}

#[test]
fn a_douyin_month_with_freight_on_a_line_and_a_pickup_charge_finds_nothing() {
    let mut flows = DY_SETTLED.to_vec();
    // 上门取件运费 charged against D1's second 子订单: money of no settlement.
    flows.push((
        "2026-10-10 11:00:00",
        "7420000000000000004",
        "出账",
        "8.00",
        "上门取件运费",
        "6900000000000000112",
        D1,
    ));
    let (files, o) = dy_month(&flows);
    assert!(files.iter().all(|f| f.problems.is_empty()), "{files:#?}");
    let codes: Vec<&str> = o.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.is_empty(), "{:#?}", o.findings);
    // The line-level amount checks ran on both of D1's lines, the 运费 in the first.
    for code in [
        "ORDER_AMOUNT_ERROR",
        "DISCOUNT_ALLOCATION_ERROR",
        "SETTLEMENT_MISMATCH",
        "PAYMENT_MISSING",
    ] {
        assert!(
            matched(&o, code) > 0,
            "{code} did not run: {:#?}",
            o.tallies
        );
    }
}

#[test]
fn two_douyin_rows_of_one_sub_order_scene_and_amount_are_a_duplicate() {
    let mut flows = DY_SETTLED.to_vec();
    // D2's settlement credited a second time under another 动帐流水号.
    flows.push((
        "2026-10-08 06:00:09",
        "7420000000000000005",
        "入账",
        "25.00",
        "货款结算入账",
        D2,
        D2,
    ));
    let (_, o) = dy_month(&flows);
    assert_eq!(money_codes(&o), ["FLOW_DUPLICATE"], "{:#?}", o.findings);
    let f = &o.findings[0];
    assert_eq!(f.txn_no.as_deref(), Some("7420000000000000005"));
    assert_eq!(f.order_no.as_deref(), Some(D2));
}

#[test]
fn a_douyin_line_whose_amount_misses_its_freight_is_an_order_amount_error() {
    // The second 子订单 asks 40.80 for 39.80 − 1.00 of goods and no 运费.
    let text = String::from_utf8(dy_orders())
        .unwrap()
        .replacen(",38.80,0.00,", ",40.80,0.00,", 1);
    let (_, o) = month(vec![("抖店订单.csv", text.into_bytes())], Vec::new());
    let codes: Vec<(&str, Option<&str>)> = o
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.sku.as_deref()))
        .collect();
    // The order is off by exactly that line's 2.00: one error, told once, on the line.
    assert_eq!(
        codes,
        [("ORDER_AMOUNT_ERROR", Some("SKU-B"))],
        "{:#?}",
        o.findings
    );
}

#[test]
fn a_douyin_sub_order_refunded_with_its_freight_does_not_exceed_what_was_paid() {
    // D1's first 子订单 cost the buyer 30.00 with the 5.00 运费 (25.00 of goods money); its
    // refund after the settlement gives back all 30.00 (refund_amount 含运费), not more.
    let refund = |amount: &str| {
        let mut a = after_sale(
            Platform::Douyin,
            D1,
            "146000000000000111",
            AfterSaleKind::RefundOnly,
            yuan(amount),
        );
        a.applied_at = Some(at("2026-10-10 09:00:00"));
        a.completed_at = Some(at("2026-10-10 10:00:00"));
        let mut line = duizhang_samples::build::after_sale_line("SKU-A", 1);
        line.sub_order_no = Some("6900000000000000111".into());
        line.refund = Some(yuan(amount));
        a.lines.push(line);
        Record::AfterSale(a)
    };
    let codes = |amount: &str| {
        let (_, o) = month(
            vec![
                ("抖店订单.csv", dy_orders()),
                ("抖店结算账单.csv", dy_settlements()),
                ("抖店资金流水.csv", dy_flows(&DY_SETTLED)),
            ],
            vec![d3_refund(), refund(amount)],
        );
        o.findings
            .iter()
            .filter(|f| f.code == "REFUND_EXCEEDS_PAID")
            .map(|f| (f.expected_fen, f.actual_fen))
            .collect::<Vec<_>>()
    };
    assert!(codes("30.00").is_empty());
    assert_eq!(codes("36.00"), [(Some(3000), Some(3600))]);
}
