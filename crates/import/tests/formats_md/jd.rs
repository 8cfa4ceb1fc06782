//! JD, formats.md §4.2: the 京东钱包 日账单/结算单 in its 360buy layout (CSV with `="…"` guards),
//! the downloaded wallet workbook (结算表 in the jdwallet layout beside 资金表, amounts as
//! numbers), and the 2026-08 对账表 under its description line. (The 22-column 对账表 example and
//! both order exports are read from hand-written files in crates/samples/tests/jd.rs.)

use duizhang_core::{FlowKind, Platform};
use duizhang_import::ProblemCode;

use super::{assert_problem, at, clean, crlf, fen, import, t, t_opt};

/// The 23-column 360buy layout (§4.2 a): a sale's 货款 and 佣金, and a refunded sale's 货款
/// clawed back (支出, negative). Number cells are guarded as Excel formulas.
fn wallet_bill_360buy() -> String {
    crlf(&[
        "订单编号,单据编号,单据类型,商品编号,商户订单号,商品名称,结算状态,费用发生时间,费用计费时间,费用结算时间,费用项,金额,币种,商家应收/应付,钱包结算备注,店铺号,京东门店编号,品牌门店编号,门店名称,备注,收支方向,商品数量,对账日期",
        "=\"300000000000001\",=\"9100000001\",订单,=\"100000000001\",=\"202610130000011332600000001\",保温杯 500ml,已结算,2026-10-05 09:00:00,2026-10-12 17:11:38,2026-10-13 12:08:53,货款,88.00,CNY,应收,,10000001,,,,,收入,1,2026-10-13",
        "=\"300000000000001\",=\"9100000002\",订单,=\"100000000001\",=\"202610130000011332600000001\",保温杯 500ml,已结算,2026-10-05 09:00:00,2026-10-12 17:11:38,2026-10-13 12:08:53,佣金,-4.40,CNY,应付,,10000001,,,,,支出,1,2026-10-13",
        "=\"300000000000002\",=\"9100000003\",退款单,=\"100000000002\",=\"202610130000011332600000002\",保温杯 350ml,已结算,2026-10-08 10:00:00,2026-10-12 17:11:38,2026-10-13 12:08:53,货款,-39.00,CNY,应付,,10000001,,,,,支出,1,2026-10-13",
    ])
}

#[test]
fn the_360buy_wallet_bill_reads_sales_fees_and_a_refund_clawback() {
    let read = clean(
        "京东钱包日账单.csv",
        wallet_bill_360buy().into_bytes(),
        "jd.wallet_bill",
    );
    assert_eq!(read.file().variant.as_deref(), Some("360buy"));
    let rows = &read.data.settlements;
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.platform == Platform::Jd));
    assert_eq!(rows[0].order_no, "300000000000001");
    assert_eq!(rows[0].kind, FlowKind::Income);
    assert_eq!(rows[0].amount, fen(8800));
    assert_eq!(rows[0].settled_at, t_opt("2026-10-13 12:08:53"));
    assert_eq!(
        rows[0].payment_ref.as_deref(),
        Some("202610130000011332600000001")
    );
    assert_eq!(rows[0].source, at(2));
    assert_eq!(rows[1].kind, FlowKind::Commission);
    assert_eq!(rows[1].amount, fen(-440));
    // 货款 paid out is a refund's clawback, not negative revenue.
    assert_eq!(rows[2].order_no, "300000000000002");
    assert_eq!(rows[2].kind, FlowKind::Refund);
    assert_eq!(rows[2].amount, fen(-3900));
    assert_eq!(rows[2].source, at(4));
}

#[test]
fn a_wallet_bill_row_in_another_currency_is_refused_where_it_is() {
    let text = wallet_bill_360buy().replacen(",-4.40,CNY,", ",-4.40,USD,", 1);
    let read = import("京东钱包日账单.csv", text.into_bytes());
    assert_eq!(read.data.settlements.len(), 2);
    assert_problem(read.only_problem(), ProblemCode::BadValue, 3, "币种", "USD");
}

enum Cell<'a> {
    Text(&'a str),
    Number(f64),
}

fn wallet_workbook() -> Vec<u8> {
    use Cell::{Number as N, Text as T};
    let bill: Vec<Vec<Cell<'_>>> = vec![
        "订单编号,单据编号,单据类型,商品编号,商户订单号,商品名称,费用发生时间,费用计费时间,费用结算时间,费用项,金额,币种,商家应收/应付,钱包结算备注,店铺号,京东门店编号,品牌门店编号,门店名称,备注,收支方向,商品数量,账单日期"
            .split(',')
            .map(T)
            .collect(),
        vec![
            T("300000000000001"), T("9100000001"), T("订单"), T("100000000001"),
            T("202610130000011332600000001"), T("保温杯 500ml"), T("2026-10-05 09:00:00"),
            T("2026-10-12 17:11:38"), T("2026-10-13 12:08:53"), T("货款"), N(88.0), T("CNY"),
            T("应收"), T(""), T("10000001"), T(""), T(""), T(""), T(""), T("收入"), N(1.0),
            T("2026-10-13"),
        ],
        vec![
            T("300000000000001"), T("9100000002"), T("订单"), T("100000000001"),
            T("202610130000011332600000001"), T("保温杯 500ml"), T("2026-10-05 09:00:00"),
            T("2026-10-12 17:11:38"), T("2026-10-13 12:08:53"), T("佣金"), N(-4.4), T("CNY"),
            T("应付"), T(""), T("10000001"), T(""), T(""), T(""), T(""), T("支出"), N(1.0),
            T("2026-10-13"),
        ],
    ];
    let funds: Vec<Vec<Cell<'_>>> = vec![
        "商户号,账户代码,账户名称,日期,商户订单号,账户余额(元),收入金额(元),支出金额(元),交易备注,账单日期"
            .split(',')
            .map(T)
            .collect(),
        vec![
            T("110000001"), T("WALLET01"), T("京东钱包"), T("2026-10-13 12:08:53"),
            T("202610130000011332600000001"), N(1083.6), N(83.6), N(0.0), T("货款结算"),
            T("2026-10-13"),
        ],
        vec![
            T("110000001"), T("WALLET01"), T("京东钱包"), T("2026-10-14 09:00:00"),
            T("TX202610140001"), N(83.6), N(0.0), N(1000.0), T("提现"), T("2026-10-14"),
        ],
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [("结算表", bill), ("资金表", funds)] {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r).unwrap();
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap();
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, *s).map(|_| ()).unwrap(),
                    Cell::Number(n) => ws.write_number(r, c, *n).map(|_| ()).unwrap(),
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn the_wallet_workbook_reads_its_jdwallet_bill_and_its_funds_sheet() {
    let read = import("京东钱包日账单.xlsx", wallet_workbook());
    assert!(read.problems().is_empty(), "{:#?}", read.problems());
    let formats: Vec<_> = read
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.format.as_deref(), f.variant.as_deref()))
        .collect();
    assert_eq!(
        formats,
        vec![
            (
                "京东钱包日账单.xlsx#结算表",
                Some("jd.wallet_bill"),
                Some("jdwallet")
            ),
            (
                "京东钱包日账单.xlsx#资金表",
                Some("jd.wallet_funds"),
                Some("资金表")
            ),
        ]
    );
    let bill = &read.data.settlements;
    assert_eq!(bill.len(), 2);
    assert_eq!(bill[0].amount, fen(8800));
    assert_eq!(bill[1].amount, fen(-440));
    assert_eq!(bill[1].kind, FlowKind::Commission);
    let funds = &read.data.fund_flows;
    assert_eq!(funds.len(), 2);
    // What the statement nets (88.00 − 4.40) arrives under its 商户订单号.
    assert_eq!(funds[0].amount, fen(8360));
    assert_eq!(funds[0].kind, FlowKind::Income);
    assert_eq!(funds[0].balance, Some(fen(108360)));
    assert_eq!(funds[0].occurred_at, t("2026-10-13 12:08:53"));
    assert_eq!(funds[0].source.line, 2);
    // 支出金额 written without a sign is still money leaving.
    assert_eq!(funds[1].amount, fen(-100000));
    assert_eq!(funds[1].kind, FlowKind::Withdrawal);
    assert_eq!(funds[1].balance, Some(fen(8360)));
}

/// The 2026-08 对账表 (§4.2 c, its replacement): 费用分类 for 收支方向, no 结算状态, 结算单号; the
/// workbook has a description line above the header.
fn statement_2026_08() -> Vec<Vec<&'static str>> {
    [
        "说明：表头在第 2 行；应结金额为正表示京东应付商家，为负表示商家应付京东",
        "订单编号,父单号,订单状态,订单下单时间,订单完成时间,商品编号,商品名称,商品单价,商品数量,结算时间,商户订单号,资金动账备注,费用名称,费用分类,应结金额,结算单类型,结算单号,结算主体",
        "300000000000001,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,100000000001,保温杯 500ml,88.00,1,2026-10-13 12:08:53,202610130000011332600000001,,货款,收入,88.00,日结,JS202610130001,京东",
        "300000000000001,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,100000000001,保温杯 500ml,88.00,1,2026-10-13 12:08:53,202610130000011332600000001,,佣金,支出,-4.40,日结,JS202610130001,京东",
        "300000000000002,300000000000000,完成,2026-10-01 14:41:34,2026-10-06 10:00:00,100000000002,保温杯 350ml,39.00,1,2026-10-13 12:08:53,202610130000011332600000002,,货款,支出,-39.00,日结,JS202610130001,京东",
    ]
    .iter()
    .map(|l| l.split(',').collect())
    .collect()
}

#[test]
fn the_2026_08_statement_reads_under_its_description_line() {
    let book = super::taobao::text_workbook("对账表", &statement_2026_08());
    let read = clean("对账表.xlsx", book, "jd.statement");
    let file = read.file();
    assert_eq!(file.variant.as_deref(), Some("2026-08"));
    assert_eq!(file.header_line, Some(2));
    let rows = &read.data.settlements;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].kind, FlowKind::Income);
    assert_eq!(rows[0].amount, fen(8800));
    assert_eq!(rows[0].settled_at, t_opt("2026-10-13 12:08:53"));
    assert_eq!(rows[0].source, at(3));
    assert_eq!(rows[1].kind, FlowKind::Commission);
    assert_eq!(rows[1].amount, fen(-440));
    assert_eq!(rows[2].kind, FlowKind::Refund);
    assert_eq!(rows[2].amount, fen(-3900));
    assert_eq!(rows[2].source, at(5));
}

#[test]
fn a_2026_08_statement_row_without_its_amount_is_refused_not_read_as_zero() {
    let mut rows = statement_2026_08();
    rows[3][14] = "";
    let read = import("对账表.xlsx", super::taobao::text_workbook("对账表", &rows));
    assert_eq!(read.data.settlements.len(), 2);
    assert_problem(
        read.only_problem(),
        ProblemCode::MissingValue,
        4,
        "应结金额",
        "为空",
    );
}
