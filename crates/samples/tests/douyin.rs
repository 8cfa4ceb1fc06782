//! Douyin shop (抖店) exports: real shapes in, exact records out.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{
    BeijingTime, Fen, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, OrderStatus, Platform,
    Record, SettlementRow,
};
use duizhang_import::{ProblemCode, Severity};
use duizhang_samples::bytes::Encoding;
use duizhang_samples::write::douyin::{FlowOptions, fund_flow, orders, settlement};
use support::{at, bom, import, import_clean};

fn t(d: i8, h: i8, m: i8, s: i8) -> BeijingTime {
    BeijingTime::new(2026, 10, d, h, m, s).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Order export

const ORDER_HEADER: &str = "主订单编号,子订单编号,选购商品,商品规格,商品数量,商家编码,订单应付金额,运费,收件人,收件人手机号,详细地址,订单提交时间,商家备注,订单完成时间,订单状态,售后状态,取消原因,发货时间,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额";

/// formats.md §6.1's example row (⇥ is a TAB inside the quotes).
const ORDER_ROW: &str = "\"\t6900000000000000001\",\"\t6900000000000000001\",\"\t辣条礼包\",\"\t1袋\",1,\"\tSKU300400008\",28.90,0.00,##密文,$$密文,##密文,2026-10-02 00:54:10,-,2026-10-04 13:18:29,已完成,退款成功,,2026-10-02 08:53:45,2.00,3.00,0.00";

fn order_file(rows: &[&str]) -> Vec<u8> {
    let mut text = format!("{ORDER_HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    bom(&text)
}

#[test]
fn reads_the_formats_md_order_example_exactly() {
    let (file, data) = import_clean("orders.csv", order_file(&[ORDER_ROW]), "douyin.orders");
    assert_eq!(file.header_line, Some(1));
    assert_eq!(data.orders.len(), 1);
    let o = &data.orders[0];
    assert_eq!(o.platform, Platform::Douyin);
    assert_eq!(o.order_no, "6900000000000000001", "TAB guard removed");
    // 已完成 stays finished although a line's after-sale refunded: the order went through.
    assert_eq!(o.status, OrderStatus::Finished);
    assert_eq!(o.paid, Some(Fen::new(2890)));
    assert_eq!(o.postage, Some(Fen::new(0)));
    assert_eq!(o.platform_discount, Some(Fen::new(200)));
    assert_eq!(o.seller_discount, Some(Fen::new(300)));
    assert_eq!(o.other_discount, Some(Fen::new(0)));
    assert_eq!(o.created_at, Some(t(2, 0, 54, 10)));
    assert_eq!(o.shipped_at, Some(t(2, 8, 53, 45)));
    assert_eq!(o.finished_at, Some(t(4, 13, 18, 29)));
    assert_eq!(o.goods, None, "the export states no goods amount");
    let l = &o.lines[0];
    assert_eq!(l.sub_order_no.as_deref(), Some("6900000000000000001"));
    assert_eq!(l.sku.as_deref(), Some("SKU300400008"));
    assert_eq!(l.title.as_deref(), Some("辣条礼包"));
    assert_eq!(l.quantity, 1);
    // Hand-checked: 2.00 + 3.00 + 0.00 of discounts on the line.
    assert_eq!(l.discount, Some(Fen::new(500)));
    assert_eq!(l.paid, Some(Fen::new(2890)));
    assert_eq!(l.source, at(2));
}

#[test]
fn an_order_export_naming_the_sellers_code_huohao_reads_it_as_the_sku() {
    // A seller's workbook sheet of the order export: 货号 where the export says 商家编码,
    // 商品金额 beside 订单应付金额.
    let text = "主订单编号,子订单编号,选购商品,商品规格,商品数量,货号,商品金额,订单应付金额,运费,订单提交时间,订单完成时间,订单状态,售后状态\n\
\"\t6954164338068755932\",\"\t6954164338068755932\",\"\t辣条礼包\",\"\t1袋\",1,\"\tHT-01\",109.00,109.00,0.00,2026-10-02 00:54:10,2026-10-04 13:18:29,已完成,-\n";
    let (_, data) = import_clean("订单明细.csv", bom(text), "douyin.orders");
    let o = &data.orders[0];
    assert_eq!(o.lines.len(), 1);
    assert_eq!(o.lines[0].sku.as_deref(), Some("HT-01"));
    assert_eq!(o.paid, Some(Fen::new(10900)));
}

#[test]
fn sub_orders_of_one_order_become_its_lines() {
    let second = ORDER_ROW
        .replacen(
            "6900000000000000001\",\"\t6900000000000000001",
            "6900000000000000001\",\"\t6900000000000000002",
            1,
        )
        .replace("\t辣条礼包", "\t牛肉干")
        .replace("SKU300400008", "SKU300400009")
        .replace(",1,", ",2,")
        .replace("28.90,0.00", "39.80,5.00")
        .replace("2.00,3.00,0.00", "0.00,1.00,4.00")
        .replace("已完成,退款成功", "已完成,-");
    let other = ORDER_ROW
        .replace("6900000000000000001", "6900000000000000003")
        .replace("已完成,退款成功", "待发货,-")
        .replace("2026-10-04 13:18:29", "-")
        .replace("2026-10-02 08:53:45", "-");
    let (_, data) = import_clean(
        "orders.csv",
        order_file(&[ORDER_ROW, &second, &other]),
        "douyin.orders",
    );
    assert_eq!(data.orders.len(), 2);
    let o = &data.orders[0];
    // Hand-checked sums over the two rows.
    assert_eq!(o.paid, Some(Fen::new(2890 + 3980)));
    assert_eq!(o.postage, Some(Fen::new(500)));
    assert_eq!(o.platform_discount, Some(Fen::new(200)));
    assert_eq!(o.seller_discount, Some(Fen::new(400)));
    assert_eq!(o.other_discount, Some(Fen::new(400)));
    assert_eq!(o.lines.len(), 2);
    assert_eq!(o.lines[1].quantity, 2);
    assert_eq!(o.lines[1].discount, Some(Fen::new(500)));
    // 39.80 payable includes the row's 5.00 运费: the line's goods money is 34.80.
    assert_eq!(o.lines[1].paid, Some(Fen::new(3480)));
    assert_eq!(o.lines[1].source, at(3));
    let p = &data.orders[1];
    assert_eq!(p.status, OrderStatus::Paid);
    assert_eq!(p.shipped_at, None, "`-` is empty");
    assert_eq!(p.finished_at, None);
}

#[test]
fn order_statuses() {
    let row = |status: &str, after: &str, no: &str| {
        ORDER_ROW
            .replace("已完成,退款成功", &format!("{status},{after}"))
            .replace("6900000000000000001", no)
    };
    let rows = [
        row("已发货", "-", "1"),
        row("待发货", "-", "2"),
        row("已关闭", "-", "3"),
        row("已关闭", "退款成功", "4"),
        row("已完成", "-", "5"),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let (_, data) = import_clean("orders.csv", order_file(&refs), "douyin.orders");
    let statuses: Vec<OrderStatus> = data.orders.iter().map(|o| o.status).collect();
    assert_eq!(
        statuses,
        vec![
            OrderStatus::Shipped,
            OrderStatus::Paid,
            OrderStatus::Cancelled,
            OrderStatus::Refunded,
            OrderStatus::Finished
        ]
    );

    let (files, records) = import("orders.csv", order_file(&[&row("拼单中", "-", "9")]));
    assert_eq!(records.len(), 1, "read, with its status unknown");
    let p = &files[0].problems;
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].severity, Severity::Warning);
    assert_eq!((p[0].line, p[0].column), (Some(2), Some(15)));
}

#[test]
fn order_errors_name_line_and_column() {
    let bad = ORDER_ROW.replace(",28.90,", ",28.9x,");
    let (files, records) = import("orders.csv", order_file(&[ORDER_ROW, &bad]));
    assert_eq!(records.len(), 1, "the bad row is not read as anything");
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(3), Some(7)));
    assert_eq!(p.column_name.as_deref(), Some("订单应付金额"));

    let bad = ORDER_ROW.replace("2026-10-02 00:54:10", "2026-10-32 00:54:10");
    let (files, _) = import("orders.csv", order_file(&[&bad]));
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadTime);
    assert_eq!((p.line, p.column), (Some(2), Some(12)));

    // A download cut inside a row.
    let cut = &ORDER_ROW[..ORDER_ROW.find("##密文").unwrap()];
    let (files, records) = import("orders.csv", order_file(&[ORDER_ROW, cut]));
    assert_eq!(records.len(), 1);
    assert_eq!(files[0].problems[0].code, ProblemCode::Truncated);
    assert_eq!(files[0].problems[0].line, Some(3));
}

fn sample_orders() -> Vec<Order> {
    let line = |sub: &str, sku: &str, qty: i64, discount: i64, paid: i64| OrderLine {
        sub_order_no: Some(sub.into()),
        sku: Some(sku.into()),
        title: Some("辣条礼包, 麻辣味".into()),
        quantity: qty,
        unit_price: None,
        goods: None,
        discount: Some(Fen::new(discount)),
        paid: Some(Fen::new(paid)),
        source: at(0),
    };
    let order = |no: &str, status, text: &str, lines: Vec<OrderLine>| Order {
        platform: Platform::Douyin,
        shop: None,
        order_no: no.into(),
        status,
        status_text: text.into(),
        created_at: Some(t(2, 0, 54, 10)),
        paid_at: None,
        shipped_at: (status != OrderStatus::Paid).then(|| t(2, 8, 53, 45)),
        finished_at: (status == OrderStatus::Finished).then(|| t(4, 13, 18, 29)),
        goods: None,
        postage: Some(Fen::new(500)),
        seller_discount: Some(Fen::new(300)),
        platform_discount: Some(Fen::new(200)),
        other_discount: Some(Fen::new(100)),
        // 订单应付金额 includes 运费: the order's 实付 is its lines' goods money and postage.
        paid: Some(lines.iter().filter_map(|l| l.paid).sum::<Fen>() + Fen::new(500)),
        seller_receivable: None,
        refunded: None,
        payment_no: None,
        lines,
        source: at(0),
    };
    vec![
        order(
            "6900000000000000001",
            OrderStatus::Finished,
            "已完成",
            vec![
                line("6900000000000000101", "SKU-A", 1, 600, 2890),
                line("6900000000000000102", "SKU-B", 3, 0, 5970),
            ],
        ),
        order(
            "6900000000000000002",
            OrderStatus::Refunded,
            "已关闭",
            vec![line("6900000000000000201", "SKU-A", 1, 600, 2890)],
        ),
        order(
            "6900000000000000003",
            OrderStatus::Paid,
            "待发货",
            vec![line("6900000000000000301", "SKU-C", 2, 600, 1000)],
        ),
    ]
}

#[test]
fn orders_round_trip_through_the_writer() {
    let want = sample_orders();
    for crlf in [false, true] {
        let (_, data) = import_clean("o.csv", orders(&want, crlf), "douyin.orders");
        assert_eq!(data.orders.len(), want.len());
        let mut line = 2;
        for (got, want) in data.orders.iter().zip(&want) {
            let mut expected = want.clone();
            expected.source = at(line);
            for l in &mut expected.lines {
                l.source = at(line);
                line += 1;
            }
            assert_eq!(got, &expected);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 资金流水

const FLOW_HEADER: &str = "动账时间,动帐流水号,动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,订单实付应结,运费实付,实际平台补贴,订单退款,平台服务费,佣金,招商服务费,站外推广费,备注";

/// Rows in the 2026 real file's shape (formats.md §6.2), absolute amounts.
const FLOW_ROWS: &str = "2026-10-08 05:59:20,'7420000000000000001,入账,25.37,聚合账户,货款结算入账,小店自卖,'6900000000000000001,'6900000000000000001,28.90,0.00,0.00,0.00,1.45,2.08,0.00,0.00,-
2026-10-20 18:34:00,'7420000000000000002,出账,8.17,聚合账户,退款-结算后退款-退用户,小店自卖,'6900000000000000002,'6900000000000000002,0.00,0.00,0.00,8.17,0.00,0.00,0.00,0.00,-
2026-10-21 10:00:00,'7420000000000000003,出账,500.00,聚合账户,提现,-,-,-,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,提现至银行卡
2026-10-22 11:00:00,'7420000000000000004,出账,2000.00,聚合账户,货款充值保证金,-,-,-,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,-
2026-10-23 12:00:00,'7420000000000000005,出账,12.00,聚合账户,消费者赔付,-,'6900000000000000001,'6900000000000000001,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,-
";

fn flow_file(header: &str, rows: &str) -> Vec<u8> {
    bom(&format!("{header}\n{rows}"))
}

fn signed(rows: &str) -> String {
    rows.replace("出账,", "出账,-")
}

#[test]
fn reads_fund_flow_with_absolute_and_signed_amounts_alike() {
    let want = [
        (FlowKind::Income, Fen::new(2537)),
        (FlowKind::Refund, Fen::new(-817)),
        (FlowKind::Withdrawal, Fen::new(-50000)),
        (FlowKind::Transfer, Fen::new(-200000)),
        (FlowKind::Other, Fen::new(-1200)),
    ];
    for (name, rows) in [
        ("absolute", FLOW_ROWS.to_string()),
        ("signed", signed(FLOW_ROWS)),
    ] {
        let (file, data) = import_clean(
            "flow.csv",
            flow_file(FLOW_HEADER, &rows),
            "douyin.fund_flow",
        );
        assert_eq!(file.header_line, Some(1));
        let got: Vec<(FlowKind, Fen)> =
            data.fund_flows.iter().map(|r| (r.kind, r.amount)).collect();
        assert_eq!(got, want, "{name}");
        let r = &data.fund_flows[0];
        assert_eq!(r.provider, FundProvider::Douyin);
        assert_eq!(r.txn_no, "7420000000000000001", "' guard removed");
        assert_eq!(r.order_no.as_deref(), Some("6900000000000000001"));
        assert_eq!(r.merchant_ref.as_deref(), Some("6900000000000000001"));
        assert_eq!(r.account.as_deref(), Some("聚合账户"));
        assert_eq!(r.kind_text, "货款结算入账");
        assert_eq!(r.occurred_at, t(8, 5, 59, 20));
        assert_eq!(r.source, at(2));
        assert_eq!(data.fund_flows[2].order_no, None, "`-` is empty");
        assert_eq!(data.fund_flows[2].memo.as_deref(), Some("提现至银行卡"));
    }
}

#[test]
fn the_regular_spelling_and_a_refund_number_are_read() {
    let header = format!(
        "{},售后编号",
        FLOW_HEADER.replace("动帐流水号", "动账流水号")
    );
    let rows: String = FLOW_ROWS
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                format!("{l},'146000000000000001\n")
            } else {
                format!("{l},-\n")
            }
        })
        .collect();
    let (_, data) = import_clean("flow.csv", flow_file(&header, &rows), "douyin.fund_flow");
    assert_eq!(data.fund_flows.len(), 5);
    assert_eq!(
        data.fund_flows[1].refund_no.as_deref(),
        Some("146000000000000001")
    );
    assert_eq!(data.fund_flows[0].refund_no, None);
}

#[test]
fn the_direction_of_a_row_comes_from_its_movement_not_its_scene() {
    // A refund scene that brings money in (a subsidy given back) is no refund to a buyer; a
    // settlement scene that takes money out is no sales income (formats.md §1.4 rule).
    let rows = "2026-10-20 18:34:00,'7420000000000000011,入账,3.00,聚合账户,退款-订单退款触发-退分账,小店自卖,'6900000000000000002,'6900000000000000002,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,-
2026-10-21 09:00:00,'7420000000000000012,出账,25.37,聚合账户,货款结算入账,小店自卖,'6900000000000000001,'6900000000000000001,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,-
";
    let (_, data) = import_clean("flow.csv", flow_file(FLOW_HEADER, rows), "douyin.fund_flow");
    let kinds: Vec<(FlowKind, i64)> = data
        .fund_flows
        .iter()
        .map(|r| (r.kind, r.amount.get()))
        .collect();
    assert_eq!(kinds, [(FlowKind::Other, 300), (FlowKind::Other, -2537)]);
}

#[test]
fn kinds_from_scene_text() {
    use duizhang_import::formats::douyin::douyin_flow_kind;
    for (text, kind) in [
        ("订单结算", FlowKind::Income),
        ("货款结算入账", FlowKind::Income),
        ("退款-订单退款触发-退补贴", FlowKind::Refund),
        ("提现", FlowKind::Withdrawal),
        ("提现退票", FlowKind::Withdrawal),
        ("平台服务费", FlowKind::Fee),
        ("佣金入账", FlowKind::Commission),
        ("充值保证金", FlowKind::Transfer),
        ("上门取件运费", FlowKind::Other),
        ("主体变更旧主体资金转入新主体", FlowKind::Other),
    ] {
        assert_eq!(douyin_flow_kind(text), kind, "{text}");
    }
}

#[test]
fn fund_flow_errors() {
    // A signed export whose sign contradicts the direction: reported, not guessed.
    let bad = FLOW_ROWS.replacen("入账,25.37", "入账,-25.37", 1);
    let (files, records) = import("flow.csv", flow_file(FLOW_HEADER, &bad));
    assert_eq!(records.len(), 4);
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(2), Some(4)));

    let bad = FLOW_ROWS.replacen("8.17,聚合账户", "8.1七,聚合账户", 1);
    let (files, records) = import("flow.csv", flow_file(FLOW_HEADER, &bad));
    assert_eq!(records.len(), 4);
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(3), Some(4)));
    assert_eq!(p.column_name.as_deref(), Some("动账金额"));

    let bad = FLOW_ROWS.replacen(",出账,", ",冻结,", 1);
    let (files, _) = import("flow.csv", flow_file(FLOW_HEADER, &bad));
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadValue);
    assert_eq!((p.line, p.column), (Some(3), Some(3)));

    // Neither 动账场景 nor 计费类型: the kind of a row cannot be known.
    let header = FLOW_HEADER
        .replace("动账场景", "场景说明")
        .replace("计费类型", "计费说明");
    let (files, records) = import("flow.csv", flow_file(&header, FLOW_ROWS));
    assert!(records.is_empty());
    assert_eq!(files[0].format.as_deref(), Some("douyin.fund_flow"));
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::MissingColumn);
    assert!(p.message.contains("动账场景"), "{}", p.message);
}

fn sample_flows() -> Vec<FundFlowRow> {
    let row = |i: u32, kind, text: &str, amount: i64, order: Option<&str>, refund: Option<&str>| {
        FundFlowRow {
            provider: FundProvider::Douyin,
            account: Some("聚合账户".into()),
            txn_no: format!("74200000000000{i:05}").into(),
            // The sub-order's money: its 子订单号 ties the rows of one event.
            business_no: order.map(|o| format!("{o}1").into()),
            order_no: order.map(Into::into),
            merchant_ref: order.map(|o| format!("{o}1").into()),
            refund_no: refund.map(Into::into),
            kind,
            kind_text: text.into(),
            amount: Fen::new(amount),
            balance: None,
            occurred_at: t(8, 6, 0, i8::try_from(i).unwrap()),
            counterparty: None,
            memo: Some(format!("备注 {i}, 含逗号").into()),
            refund_total: None,
            source: at(0),
        }
    };
    let o = Some("690000000000000001");
    vec![
        row(1, FlowKind::Income, "货款结算入账", 2537, o, None),
        row(
            2,
            FlowKind::Refund,
            "退款-结算后退款-退用户",
            -817,
            o,
            Some("146000000000000001"),
        ),
        row(3, FlowKind::Fee, "平台服务费", -145, o, None),
        row(4, FlowKind::Commission, "佣金", -208, o, None),
        row(5, FlowKind::Withdrawal, "提现", -50000, None, None),
        row(6, FlowKind::Transfer, "充值保证金", -200000, None, None),
        row(7, FlowKind::Other, "物流赔付", 1200, o, None),
    ]
}

#[test]
fn fund_flow_round_trips_in_every_variant() {
    let want = sample_flows();
    for (signed, platform_spelling, quote_ids, encoding, crlf) in [
        (false, true, false, Encoding::Utf8Bom, false),
        (true, true, true, Encoding::Utf8Bom, true),
        (false, false, true, Encoding::Utf8, false),
        (true, false, false, Encoding::Gbk, true),
    ] {
        let o = FlowOptions {
            signed,
            platform_spelling,
            quote_ids,
            encoding,
            crlf,
        };
        let (_, data) = import_clean("f.csv", fund_flow(&want, &o), "douyin.fund_flow");
        assert_eq!(data.fund_flows.len(), want.len());
        for (i, (got, want)) in data.fund_flows.iter().zip(&want).enumerate() {
            let expected = FundFlowRow {
                source: at(2 + u32::try_from(i).unwrap()),
                ..want.clone()
            };
            assert_eq!(got, &expected, "{o:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 结算账单

/// formats.md §6.3's example, byte for byte (the legend row ends with a space).
const SETTLEMENT_EXAMPLE: &str = "结算时间,订单号,子订单号,结算金额,结算账户,结算单类型,有结算前退款,下单时间,收入合计,支出合计,平台服务费,达人佣金
 , , ,收入+支出, , , , , , , , 
2026-10-08 05:59:20,'6900000000000000001,'6900000000000000001,25.37,聚合账户,已结算,否,2026-10-02 00:54:10,28.90,3.53,1.45,2.08
2026-10-20 18:34:00,'6900000000000000001,'6900000000000000001,-8.00,聚合账户,结算后退款-非原路退回,否,2026-10-02 00:54:10,0,8.00,0,0
";

#[test]
fn reads_the_formats_md_settlement_example_exactly() {
    for bytes in [
        bom(SETTLEMENT_EXAMPLE),
        SETTLEMENT_EXAMPLE.as_bytes().to_vec(),
    ] {
        let (file, data) = import_clean("settle.csv", bytes, "douyin.settlement");
        assert_eq!(file.header_line, Some(1));
        let rows = &data.settlements;
        assert_eq!(rows.len(), 2, "the legend row is not a record");
        // Hand-checked: 28.90 − 3.53 = 25.37 settled, then 8.00 refunded after settlement.
        assert_eq!(
            rows[0],
            SettlementRow {
                platform: Platform::Douyin,
                order_no: "6900000000000000001".into(),
                sub_order_no: Some("6900000000000000001".into()),
                item: "已结算".into(),
                kind: FlowKind::Income,
                amount: Fen::new(2537),
                settled_at: Some(t(8, 5, 59, 20)),
                account: Some("聚合账户".into()),
                refund_no: None,
                payment_ref: None,
                rate: None,
                // 收入合计: the goods money before the 3.53 of fees.
                goods: Some(Fen::new(2890)),
                source: at(3),
            }
        );
        assert_eq!(rows[1].kind, FlowKind::Refund);
        assert_eq!(rows[1].amount, Fen::new(-800));
        assert_eq!(rows[1].item, "结算后退款-非原路退回");
        assert_eq!(rows[1].source, at(4));
        assert_eq!(rows[1].goods, Some(Fen::ZERO));
        assert_eq!(file.stats.amounts.get("结算单/收入"), Some(&Fen::new(2537)));
    }
}

#[test]
fn the_settlement_writer_renders_the_example_shape() {
    let (_, data) = import_clean("s.csv", bom(SETTLEMENT_EXAMPLE), "douyin.settlement");
    let bytes = settlement(&data.settlements, Encoding::Utf8Bom, false);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let example: Vec<&str> = SETTLEMENT_EXAMPLE.lines().collect();
    assert_eq!(
        lines[..2],
        example[..2],
        "header and legend row byte for byte"
    );
    assert!(lines[2].starts_with(
        "2026-10-08 05:59:20,'6900000000000000001,'6900000000000000001,25.37,聚合账户,已结算,否,"
    ));
    let (_, again) = import_clean("s.csv", text.into_bytes(), "douyin.settlement");
    assert_eq!(again.settlements, data.settlements, "round trip");
}

#[test]
fn settlement_errors() {
    let bad = SETTLEMENT_EXAMPLE.replace(",-8.00,", ",-8.00元整,");
    let (files, records) = import("s.csv", bom(&bad));
    assert_eq!(records.len(), 1);
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(4), Some(4)));
    assert_eq!(p.column_name.as_deref(), Some("结算金额"));

    // Only the line under the header may be the legend: a blank-keyed row later is an error.
    let bad = format!("{SETTLEMENT_EXAMPLE} , , ,3.00, , , , , , , , \n");
    let (files, records) = import("s.csv", bom(&bad));
    assert_eq!(records.len(), 2);
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::MissingValue);
    assert_eq!(p.line, Some(5));

    let bad = SETTLEMENT_EXAMPLE.replace("2026-10-20 18:34:00", "2026/10/20 25:34:00");
    let (files, _) = import("s.csv", bom(&bad));
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadTime);
    assert_eq!((p.line, p.column), (Some(4), Some(1)));
}

#[test]
fn settlement_round_trips_through_the_writer() {
    // 收入合计 `goods` beside the net 结算金额 `amount`.
    let row = |i: u32, item: &str, kind, amount: i64, goods: i64| SettlementRow {
        platform: Platform::Douyin,
        order_no: format!("69000000000000000{i:02}").into(),
        sub_order_no: Some(format!("69000000000000001{i:02}").into()),
        item: item.into(),
        kind,
        amount: Fen::new(amount),
        settled_at: Some(t(10, 5, 0, i8::try_from(i).unwrap())),
        account: Some("聚合账户".into()),
        refund_no: None,
        payment_ref: None,
        rate: None,
        goods: Some(Fen::new(goods)),
        source: at(0),
    };
    let want = vec![
        row(1, "已结算", FlowKind::Income, 2537, 2890),
        row(2, "结算后退款-原路退回", FlowKind::Refund, -800, 0),
        row(3, "结算后退款-非原路退回", FlowKind::Refund, -1, 0),
        row(4, "已结算", FlowKind::Income, 0, 0),
    ];
    for (encoding, crlf) in [(Encoding::Utf8Bom, false), (Encoding::Utf8, true)] {
        let (_, data) = import_clean(
            "s.csv",
            settlement(&want, encoding, crlf),
            "douyin.settlement",
        );
        let expected: Vec<SettlementRow> = want
            .iter()
            .enumerate()
            .map(|(i, r)| SettlementRow {
                source: at(3 + u32::try_from(i).unwrap()),
                ..r.clone()
            })
            .collect();
        assert_eq!(data.settlements, expected);
    }
}

#[test]
fn the_three_douyin_files_are_told_apart_by_content() {
    let (files, records) = import("download.csv", order_file(&[ORDER_ROW]));
    assert_eq!(files[0].format.as_deref(), Some("douyin.orders"));
    assert!(matches!(records[0], Record::Order(_)));
    let (files, _) = import("download.csv", flow_file(FLOW_HEADER, FLOW_ROWS));
    assert_eq!(files[0].format.as_deref(), Some("douyin.fund_flow"));
    let (files, _) = import("download.csv", bom(SETTLEMENT_EXAMPLE));
    assert_eq!(files[0].format.as_deref(), Some("douyin.settlement"));
}
