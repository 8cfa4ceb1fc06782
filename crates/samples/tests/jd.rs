//! JD exports: order export, 京东钱包 结算单 and 资金表 (alone and as a two-sheet workbook),
//! 对账表 (22 columns and the 2026-08 layout).

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{
    Fen, FileId, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, OrderStatus, Platform,
    RatePpm, SettlementRow,
};
use duizhang_import::{ProblemCode, Severity};
use duizhang_samples::bytes::Encoding;
use duizhang_samples::write::jd::{
    OrderLayout, OrderOptions, StatementLayout, StatementOptions, WalletLayout, orders, statement,
    wallet_bill, wallet_funds, wallet_workbook,
};
use duizhang_samples::write::sheet::Shape;
use support::{at, gbk, import, import_clean, only_problem, t};

/// formats.md §4.2 (c), the 对账表 example, byte for byte (LF line ends as printed).
const STATEMENT_EXAMPLE: &str = "订单编号,父单号,订单状态,订单下单时间,订单完成时间,售后服务单号,售后退款时间,商品编号,商品名称,商品数量,扣点类型,佣金比例,费用名称,应结金额,币种,收支方向,结算状态,预计结算时间,账单生成时间,到账时间,商户订单号,资金动账备注\n300000000000001,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,,,100000000001,保温杯 500ml,1,基础扣点,0.05,货款,88.00,CNY,收入,已结算,2026-10-12 17:11:38,20261012,2026-10-13 12:08:53,202610130000011332600000001,\n300000000000001,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,,,100000000001,保温杯 500ml,1,基础扣点,0.05,佣金,-4.40,CNY,支出,已结算,2026-10-12 17:11:38,20261012,2026-10-13 12:08:53,202610130000011332600000001,\n300000000000002,300000000000000,完成,2026-10-01 14:41:34,2026-10-06 10:00:00,2000000001,2026-10-08 10:00:00,100000000002,保温杯 350ml,1,基础扣点,0.05,货款,-39.00,CNY,支出,已结算,2026-10-12 17:11:38,20261012,2026-10-13 12:08:53,202610130000011332600000002,\n";

#[test]
fn reads_the_formats_md_statement_example_exactly() {
    for bytes in [
        gbk(STATEMENT_EXAMPLE),
        STATEMENT_EXAMPLE.as_bytes().to_vec(),
    ] {
        let (file, data) = import_clean("对账表.csv", bytes, "jd.statement");
        assert_eq!(file.variant.as_deref(), Some("22列"));
        let s = &data.settlements;
        assert_eq!(s.len(), 3);
        let row =
            |line, order: &str, item: &str, kind, amount, refund: Option<&str>, paid_ref: &str| {
                SettlementRow {
                    platform: Platform::Jd,
                    order_no: order.into(),
                    sub_order_no: None,
                    item: item.into(),
                    kind,
                    amount: Fen::new(amount),
                    settled_at: Some(t("2026-10-13 12:08:53")),
                    account: None,
                    refund_no: refund.map(Into::into),
                    payment_ref: Some(paid_ref.into()),
                    // 佣金比例 0.05.
                    rate: Some(RatePpm(50_000)),
                    goods: None,
                    source: at(line),
                }
            };
        assert_eq!(
            s[0],
            row(
                2,
                "300000000000001",
                "货款",
                FlowKind::Income,
                8800,
                None,
                "202610130000011332600000001"
            )
        );
        assert_eq!(
            s[1],
            row(
                3,
                "300000000000001",
                "佣金",
                FlowKind::Commission,
                -440,
                None,
                "202610130000011332600000001"
            )
        );
        // 货款 with 支出 and a negative amount: the clawback of a refund, not negative revenue.
        assert_eq!(
            s[2],
            row(
                4,
                "300000000000002",
                "货款",
                FlowKind::Refund,
                -3900,
                Some("2000000001"),
                "202610130000011332600000002"
            )
        );
        // 88.00 − 4.40 − 39.00 = 44.60 net.
        assert_eq!(s.iter().map(|r| r.amount).sum::<Fen>(), Fen::new(4460));
    }
}

#[test]
fn an_unsigned_outflow_is_made_negative() {
    let text = STATEMENT_EXAMPLE.replace(",佣金,-4.40,CNY,支出,", ",佣金,4.40,CNY,支出,");
    let (_, data) = import_clean("x.csv", gbk(&text), "jd.statement");
    assert_eq!(data.settlements[1].amount, Fen::new(-440));
}

#[test]
fn a_bad_statement_amount_names_line_and_column() {
    let text = STATEMENT_EXAMPLE.replace(",佣金,-4.40,", ",佣金,-4.4.0,");
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 2);
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(3), Some(14)));
    assert_eq!(p.column_name.as_deref(), Some("应结金额"));
}

#[test]
fn an_unknown_direction_or_currency_is_an_error() {
    let text = STATEMENT_EXAMPLE.replace(",CNY,支出,已结算", ",CNY,扣除,已结算");
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 1);
    let p = &files[0].problems[0];
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadValue, Some(3), Some(16))
    );
    assert!(p.message.contains("收入、支出"), "{}", p.message);
    let text = STATEMENT_EXAMPLE.replacen(",CNY,", ",USD,", 1);
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 2);
    let p = &files[0].problems[0];
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadValue, Some(2), Some(15))
    );
}

#[test]
fn a_statement_without_its_amount_column_is_not_taken_for_one() {
    let text = STATEMENT_EXAMPLE.replacen("应结金额", "金额合计", 1);
    let (files, records) = import("x.csv", gbk(&text));
    assert!(records.is_empty());
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::UnknownFormat);
    assert!(p.message.contains("京东对账表"), "{}", p.message);
    assert!(p.message.contains("应结金额"), "{}", p.message);
}

fn sample_settlements() -> Vec<SettlementRow> {
    let row = |order: &str, item: &str, kind, amount, refund: Option<&str>| SettlementRow {
        platform: Platform::Jd,
        order_no: order.into(),
        sub_order_no: None,
        item: item.into(),
        kind,
        amount: Fen::new(amount),
        settled_at: Some(t("2026-10-13 12:08:53")),
        account: None,
        refund_no: refund.map(Into::into),
        payment_ref: Some("202610130000011332600000001".into()),
        rate: Some(RatePpm(60_000)),
        goods: None,
        source: at(0),
    };
    vec![
        row("300000000000001", "货款", FlowKind::Income, 8800, None),
        row("300000000000001", "佣金", FlowKind::Commission, -440, None),
        row(
            "300000000000001",
            "交易服务费",
            FlowKind::Commission,
            -88,
            None,
        ),
        row(
            "300000000000001",
            "运费保险服务费",
            FlowKind::Fee,
            -50,
            None,
        ),
        row(
            "300000000000002",
            "货款",
            FlowKind::Refund,
            -3900,
            Some("2000000001"),
        ),
        row(
            "300000000000002",
            "售后卖家赔付费",
            FlowKind::Other,
            -500,
            Some("2000000001"),
        ),
        row(
            "300000000000003",
            "广告联合活动降扣佣金",
            FlowKind::Commission,
            120,
            None,
        ),
    ]
}

#[test]
fn both_statement_layouts_round_trip_with_a_description_line() {
    for layout in [StatementLayout::Old, StatementLayout::Aug2026] {
        for shape in [Shape::Xlsx, Shape::GBK_CSV] {
            let mut want = sample_settlements();
            if layout == StatementLayout::Aug2026 {
                // The new layout has no 售后服务单号 and no 佣金比例.
                for r in &mut want {
                    r.refund_no = None;
                    r.rate = None;
                }
            }
            let o = StatementOptions {
                layout,
                shape,
                ..StatementOptions::default()
            };
            let (file, data) =
                import_clean("对账表.xlsx", statement(&want, &o).unwrap(), "jd.statement");
            assert_eq!(
                file.header_line,
                Some(2),
                "header under the description line"
            );
            let variant = if layout == StatementLayout::Old {
                "22列"
            } else {
                "2026-08"
            };
            assert_eq!(file.variant.as_deref(), Some(variant));
            for (i, r) in want.iter_mut().enumerate() {
                r.source = at(3 + u32::try_from(i).unwrap());
            }
            assert_eq!(data.settlements, want, "{layout:?} {shape:?}");
        }
    }
}

#[test]
fn wallet_bill_layouts_round_trip() {
    for layout in [WalletLayout::Buy360, WalletLayout::JdWallet] {
        for shape in [Shape::GBK_CSV, Shape::Xlsx] {
            let mut want = sample_settlements();
            for (i, r) in want.iter_mut().enumerate() {
                r.refund_no = None;
                r.rate = None;
                r.source = at(2 + u32::try_from(i).unwrap());
            }
            let bytes = wallet_bill(&want, layout, shape).unwrap();
            if shape == Shape::GBK_CSV {
                let text = encoding_rs::GBK.decode(&bytes).0.into_owned();
                assert!(
                    text.contains("\r\n=\"300000000000001\",=\"300000000000001\",订单,"),
                    "{text}"
                );
            }
            let (file, data) = import_clean("结算单.csv", bytes, "jd.wallet_bill");
            let variant = if layout == WalletLayout::Buy360 {
                "360buy"
            } else {
                "jdwallet"
            };
            assert_eq!(file.variant.as_deref(), Some(variant));
            assert_eq!(data.settlements, want, "{layout:?} {shape:?}");
        }
    }
}

#[test]
fn a_wallet_bill_amount_left_empty_or_dashed_is_refused_where_it_is() {
    let mut rows = sample_settlements();
    rows.iter_mut().for_each(|r| r.rate = None);
    let bytes = wallet_bill(&rows, WalletLayout::Buy360, Shape::GBK_CSV).unwrap();
    let text = encoding_rs::GBK.decode(&bytes).0.into_owned();
    for blank in ["", "-"] {
        let (files, records) = import(
            "结算单.csv",
            gbk(&text.replacen(",88.00,", &format!(",{blank},"), 1)),
        );
        assert_eq!(records.len(), rows.len() - 1, "{blank:?}");
        let p = only_problem(&files[0]);
        assert_eq!(
            (p.code, p.line, p.column),
            (ProblemCode::MissingValue, Some(2), Some(12)),
            "{blank:?}"
        );
        assert_eq!(p.column_name.as_deref(), Some("金额"));
    }
}

fn sample_funds() -> Vec<FundFlowRow> {
    let row = |i: u32, reference: &str, kind, amount, balance, memo: &str| FundFlowRow {
        provider: FundProvider::Jd,
        account: Some("110000000001".into()),
        // The sheet has no row-id column: a row goes by its 商户订单号.
        txn_no: reference.into(),
        business_no: None,
        order_no: None,
        merchant_ref: Some(reference.into()),
        refund_no: None,
        kind,
        kind_text: memo.into(),
        amount: Fen::new(amount),
        balance: Some(Fen::new(balance)),
        occurred_at: t(&format!("2026-10-13 12:0{i}:00")),
        counterparty: None,
        memo: Some(memo.into()),
        refund_total: None,
        source: at(i + 1),
    };
    vec![
        row(
            1,
            "202610130000011332600000001",
            FlowKind::Income,
            4460,
            104460,
            "货款结算",
        ),
        row(
            2,
            "202610130000011332600000002",
            FlowKind::Refund,
            -1000,
            103460,
            "售后退款",
        ),
        row(
            3,
            "202610140000000000000000009",
            FlowKind::Withdrawal,
            -100000,
            3460,
            "提现到银行卡",
        ),
    ]
}

#[test]
fn the_downloaded_workbook_imports_both_sheets() {
    let mut bills = sample_settlements();
    for (i, r) in bills.iter_mut().enumerate() {
        r.refund_no = None;
        r.rate = None;
        r.source = at(2 + u32::try_from(i).unwrap());
    }
    let funds = sample_funds();
    let bytes = wallet_workbook(&bills, &funds).unwrap();
    let (files, records) = import("京东钱包日账单.xlsx", bytes);
    assert_eq!(files.len(), 2, "{files:#?}");
    assert_eq!(files[0].name, "京东钱包日账单.xlsx#结算表");
    assert_eq!(files[0].format.as_deref(), Some("jd.wallet_bill"));
    assert_eq!(files[0].variant.as_deref(), Some("jdwallet"));
    assert_eq!(files[1].name, "京东钱包日账单.xlsx#资金表");
    assert_eq!(files[1].format.as_deref(), Some("jd.wallet_funds"));
    assert!(files.iter().all(|f| f.problems.is_empty()), "{files:#?}");
    let mut data = duizhang_core::Dataset::default();
    for r in records {
        data.push(r);
    }
    assert_eq!(data.settlements, bills);
    let mut want_funds = funds;
    for r in &mut want_funds {
        r.source.file = FileId(1);
    }
    assert_eq!(data.fund_flows, want_funds);
    // The statement's net 44.60 arrived as the first 资金表 row under the same 商户订单号.
    let net: Fen = data
        .settlements
        .iter()
        .filter(|s| s.order_no == "300000000000001")
        .map(|s| s.amount)
        .sum();
    assert_eq!(net, Fen::new(8800 - 440 - 88 - 50));
}

#[test]
fn the_funds_sheet_alone_round_trips_and_checks_its_amounts() {
    let want = sample_funds();
    for shape in [
        Shape::GBK_CSV,
        Shape::Csv {
            encoding: Encoding::Utf8Bom,
            crlf: false,
        },
    ] {
        let (_, data) = import_clean(
            "资金表.csv",
            wallet_funds(&want, shape).unwrap(),
            "jd.wallet_funds",
        );
        assert_eq!(data.fund_flows, want);
    }
    let text = encoding_rs::GBK
        .decode(&wallet_funds(&want, Shape::GBK_CSV).unwrap())
        .0
        .into_owned();
    let both = text.replacen(",44.60,0.00,", ",44.60,1.00,", 1);
    let (files, records) = import("x.csv", gbk(&both));
    assert_eq!(records.len(), 2);
    let p = &files[0].problems[0];
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadAmount, Some(2), Some(8))
    );
    // A 商户订单号 met again in the file is numbered by its occurrence, so an overlapping
    // export gives the same rows the same ids.
    let first_row = text.lines().nth(1).unwrap().to_string();
    let again = format!("{text}{first_row}\r\n");
    let (_, records) = import("x.csv", gbk(&again));
    let ids: Vec<String> = records
        .iter()
        .filter_map(|r| match r {
            duizhang_core::Record::FundFlow(f) => Some(f.txn_no.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        [
            "202610130000011332600000001",
            "202610130000011332600000002",
            "202610140000000000000000009",
            "202610130000011332600000001#2",
        ]
    );
    // The 交易备注 says what kind of money a row is, the amount which way it went: a 退款 that
    // brings money in is no refund to a buyer.
    let refund_in = text.replacen(",0.00,10.00,售后退款,", ",10.00,0.00,售后退款,", 1);
    let (_, records) = import("x.csv", gbk(&refund_in));
    let kinds: Vec<FlowKind> = records
        .iter()
        .filter_map(|r| match r {
            duizhang_core::Record::FundFlow(f) => Some(f.kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [FlowKind::Income, FlowKind::Other, FlowKind::Withdrawal],
        "{refund_in}"
    );
    // A row whose amount cell is empty or `-` states no amount: refused where it is, never
    // read as 0.00; the unused side may be empty.
    for blank in ["", "-"] {
        let no_amount = text.replacen(",44.60,0.00,", &format!(",{blank},0.00,"), 1);
        let (files, records) = import("x.csv", gbk(&no_amount));
        assert_eq!(records.len(), 2, "{blank:?}");
        let p = &files[0].problems[0];
        assert_eq!(
            (p.code, p.line, p.column),
            (ProblemCode::MissingValue, Some(2), Some(7)),
            "{blank:?}"
        );
        assert_eq!(p.column_name.as_deref(), Some("收入金额(元)"));
        let one_side = text.replacen(",44.60,0.00,", &format!(",44.60,{blank},"), 1);
        let (files, records) = import("x.csv", gbk(&one_side));
        assert!(files[0].problems.is_empty(), "{blank:?}: {files:#?}");
        assert_eq!(records.len(), 3);
    }
    let bad_date = text.replacen("2026-10-13 12:01:00", "2026-10-13 25:01:00", 1);
    let (files, _) = import("x.csv", gbk(&bad_date));
    let p = &files[0].problems[0];
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadTime, Some(2), Some(4))
    );
}

// ---------------------------------------------------------------------------------------------
// Order export

/// A GBK order export in the classic 30 columns with `="…"` guards: order 1 has two lines.
fn order_export() -> String {
    [
        "订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,订单金额,结算金额,余额支付,应付金额,订单状态,订单类型,下单帐号,客户姓名,客户地址,联系电话,订单备注,发票类型,发票抬头,发票内容,商家备注,商家备注等级（等级1-5为由高到低）,运费金额,付款确认时间,增值税发票,货号,订单完成时间,订单来源,订单渠道",
        "=\"300000000000001\",=\"100000000001\",保温杯 500ml,1,在线支付,2026-10-01 14:41:34,88.00,127.00,120.65,0.00,127.00,完成,普通订单,jd_****,张*,北京市***,138****0000,,电子发票,个人,明细,,,0.00,2026-10-01 14:42:00,否,CUP-500,2026-10-05 09:00:00,PC,京东",
        "=\"300000000000001\",=\"100000000002\",保温杯 350ml,1,在线支付,2026-10-01 14:41:34,39.00,127.00,120.65,0.00,127.00,完成,普通订单,jd_****,张*,北京市***,138****0000,,电子发票,个人,明细,,,0.00,2026-10-01 14:42:00,否,CUP-350,2026-10-05 09:00:00,PC,京东",
        "=\"300000000000003\",=\"100000000002\",保温杯 350ml,2,在线支付,2026-10-02 08:00:00,39.00,84.00,74.10,0.00,84.00,等待出库,普通订单,jd_****,李*,上海市***,186****1212,,电子发票,个人,明细,,,6.00,2026-10-02 08:00:30,否,CUP-350,,APP,京东",
        "=\"300000000000004\",=\"100000000001\",保温杯 500ml,1,在线支付,2026-10-02 09:00:00,88.00,88.00,0.00,0.00,88.00,已取消,普通订单,jd_****,王*,广州市***,139****0000,,电子发票,个人,明细,,,0.00,,否,CUP-500,,APP,京东",
        "",
    ]
    .join("\r\n")
}

#[test]
fn reads_an_order_export_with_formula_guards() {
    let (file, data) = import_clean("订单导出.csv", gbk(&order_export()), "jd.orders");
    assert_eq!(file.variant.as_deref(), Some("经典"));
    assert_eq!(data.orders.len(), 3, "one record per order");
    let merged = data.merged_orders();
    assert_eq!(merged.len(), 3);
    let first = &merged[0];
    assert_eq!(first.order_no, "300000000000001");
    assert_eq!(first.platform, Platform::Jd);
    assert_eq!(first.status, OrderStatus::Finished);
    // 应付金额 repeats on each line of the order, above a line's 京东价 × 订购数量: the
    // order's total, read once (88.00 + 39.00 = 127.00).
    assert_eq!(first.paid, Some(Fen::new(12700)));
    assert_eq!(first.seller_receivable, Some(Fen::new(12065)));
    assert_eq!(first.finished_at, Some(t("2026-10-05 09:00:00")));
    let skus: Vec<_> = first
        .lines
        .iter()
        .map(|l| (l.sku.as_deref().unwrap(), l.quantity, l.goods.unwrap()))
        .collect();
    assert_eq!(
        skus,
        vec![
            ("CUP-500", 1, Fen::new(8800)),
            ("CUP-350", 1, Fen::new(3900))
        ]
    );
    assert_eq!(first.lines[1].source, at(3));
    assert_eq!(merged[1].status, OrderStatus::Paid);
    assert_eq!(merged[1].postage, Some(Fen::new(600)));
    assert_eq!(merged[1].lines[0].goods, Some(Fen::new(7800)));
    assert_eq!(merged[2].status, OrderStatus::Cancelled);
    assert_eq!(merged[2].paid_at, None);
}

#[test]
fn an_unknown_jd_status_is_read_with_a_warning() {
    let text = order_export().replacen(",等待出库,", ",暂停,", 1);
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 3);
    let p = only_problem(&files[0]);
    assert_eq!(
        (p.severity, p.code),
        (Severity::Warning, ProblemCode::BadValue)
    );
    assert_eq!((p.line, p.column), (Some(4), Some(12)));
    assert!(p.message.contains("等待确认收货"), "{}", p.message);
}

#[test]
fn a_bad_jd_price_names_line_and_column() {
    let text = order_export().replacen(",39.00,127.00,", ",三十九,127.00,", 1);
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 3);
    let p = &files[0].problems[0];
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadAmount, Some(3), Some(7))
    );
    assert_eq!(p.column_name.as_deref(), Some("京东价"));
}

fn sample_jd_orders() -> Vec<Order> {
    let order = |no: &str,
                 status,
                 text: &str,
                 paid: Option<i64>,
                 receivable: i64,
                 lines: Vec<(&str, i64, i64)>| Order {
        platform: Platform::Jd,
        shop: None,
        order_no: no.into(),
        status,
        status_text: text.into(),
        created_at: Some(t("2026-10-01 14:41:34")),
        paid_at: Some(t("2026-10-01 14:42:00")),
        shipped_at: None,
        finished_at: None,
        goods: None,
        postage: None,
        seller_discount: None,
        platform_discount: None,
        other_discount: None,
        paid: paid.map(Fen::new),
        seller_receivable: Some(Fen::new(receivable)),
        refunded: None,
        payment_no: None,
        lines: lines
            .into_iter()
            .map(|(sku, price, qty)| OrderLine {
                sub_order_no: None,
                sku: Some(sku.into()),
                title: Some(format!("商品 {sku}").into()),
                quantity: qty,
                unit_price: paid.map(|_| Fen::new(price)),
                goods: paid.map(|_| Fen::new(price * qty)),
                discount: None,
                paid: None,
                source: at(0),
            })
            .collect(),
        source: at(0),
    };
    vec![
        order(
            "300000000000001",
            OrderStatus::Finished,
            "已完成",
            Some(12700),
            12065,
            vec![("CUP-500", 8800, 1), ("CUP-350", 3900, 1)],
        ),
        order(
            "300000000000003",
            OrderStatus::Shipped,
            "等待确认收货",
            Some(7800),
            7410,
            vec![("CUP-350", 3900, 2)],
        ),
        order(
            "300000000000004",
            OrderStatus::Cancelled,
            "已取消",
            Some(8800),
            0,
            vec![("CUP-500", 8800, 1)],
        ),
    ]
}

#[test]
fn both_order_layouts_round_trip() {
    for layout in [OrderLayout::Classic, OrderLayout::Y2026] {
        for shape in [Shape::GBK_CSV, Shape::Xlsx] {
            let mut want = sample_jd_orders();
            if layout == OrderLayout::Y2026 {
                // The 2026 subset has no buyer amounts and no prices.
                for o in &mut want {
                    o.paid = None;
                    for l in &mut o.lines {
                        l.unit_price = None;
                        l.goods = None;
                    }
                }
            }
            let bytes = orders(&want, &OrderOptions { layout, shape }).unwrap();
            let (mut files, records) = import("订单.xlsx", bytes);
            let file = files.remove(0);
            assert_eq!(file.format.as_deref(), Some("jd.orders"));
            if layout == OrderLayout::Y2026 {
                // Without 京东价 the repeated 商家应收 of the two-line order cannot be placed:
                // read as the order's total, and said.
                let p = only_problem(&file);
                assert_eq!((p.severity, p.line), (Severity::Warning, Some(2)));
                assert!(p.message.contains("300000000000001"), "{}", p.message);
            } else {
                assert!(file.problems.is_empty(), "{:#?}", file.problems);
            }
            let mut data = duizhang_core::Dataset::default();
            for r in records {
                data.push(r);
            }
            let merged = data.merged_orders();
            let mut line = 1;
            for o in &mut want {
                for l in &mut o.lines {
                    line += 1;
                    l.source = at(line);
                }
                o.source = o.lines[0].source;
            }
            assert_eq!(merged, want, "{layout:?} {shape:?}");
        }
    }
}

/// An order export of the 2026 kind with 京东价 and per-line amounts (formats.md §4.1: the
/// layout does not say which it is; the data does).
fn per_line_export(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(
        "订单号,商品ID,商品名称,订购数量,京东价,应付金额,商家应收,订单状态,商家SKUID,下单时间,付款确认时间,运费金额\r\n",
    );
    for r in rows {
        text.push_str(r);
        text.push_str("\r\n");
    }
    gbk(&text)
}

#[test]
fn line_amounts_that_differ_are_added_up_and_a_repeated_total_is_counted_once() {
    // Order 1: two SKUs, each row its own 应付金额 (88.00 − 8.00 discount; 39.00) and 商家应收.
    // Order 2: one SKU twice over 京东价, 应付金额 the order's 121.00 on both rows.
    let bytes = per_line_export(&[
        "300000000000001,100000000001,保温杯 500ml,1,88.00,80.00,76.00,完成,CUP-500,2026-10-01 14:41:34,2026-10-01 14:42:00,0.00",
        "300000000000001,100000000002,保温杯 350ml,1,39.00,39.00,37.05,完成,CUP-350,2026-10-01 14:41:34,2026-10-01 14:42:00,0.00",
        "300000000000002,100000000001,保温杯 500ml,1,88.00,121.00,115.00,完成,CUP-500,2026-10-02 09:00:00,2026-10-02 09:00:30,6.00",
        "300000000000002,100000000002,保温杯 350ml,1,39.00,121.00,115.00,完成,CUP-350,2026-10-02 09:00:00,2026-10-02 09:00:30,6.00",
    ]);
    let (_, data) = import_clean("订单导出.csv", bytes, "jd.orders");
    let merged = data.merged_orders();
    assert_eq!(merged.len(), 2);
    assert_eq!(merged[0].paid, Some(Fen::new(8000 + 3900)));
    assert_eq!(merged[0].seller_receivable, Some(Fen::new(7600 + 3705)));
    assert_eq!(merged[0].lines.len(), 2);
    assert_eq!(merged[1].paid, Some(Fen::new(12100)));
    assert_eq!(merged[1].seller_receivable, Some(Fen::new(11500)));
    assert_eq!(
        merged[1].postage,
        Some(Fen::new(600)),
        "the order's freight, once"
    );
}

#[test]
fn equal_line_amounts_no_price_can_place_follow_the_files_other_orders() {
    // Order 1 shows the file writes per-line amounts; order 2's two rows of 39.00 (two lines
    // of one price, each at its 京东价) are then two lines, not one total.
    let bytes = per_line_export(&[
        "300000000000001,100000000001,保温杯 500ml,1,88.00,88.00,83.60,完成,CUP-500,2026-10-01 14:41:34,2026-10-01 14:42:00,0.00",
        "300000000000001,100000000002,保温杯 350ml,1,39.00,39.00,37.05,完成,CUP-350,2026-10-01 14:41:34,2026-10-01 14:42:00,0.00",
        "300000000000002,100000000002,保温杯 350ml,1,39.00,39.00,37.05,完成,CUP-350,2026-10-02 09:00:00,2026-10-02 09:00:30,0.00",
        "300000000000002,100000000003,保温杯 350ml 蓝,1,39.00,39.00,37.05,完成,CUP-350B,2026-10-02 09:00:00,2026-10-02 09:00:30,0.00",
    ]);
    let (_, data) = import_clean("订单导出.csv", bytes, "jd.orders");
    let merged = data.merged_orders();
    assert_eq!(merged[0].paid, Some(Fen::new(12700)));
    assert_eq!(merged[1].paid, Some(Fen::new(7800)));
}

#[test]
fn rows_of_one_order_apart_in_the_file_are_refused_not_guessed() {
    let bytes = per_line_export(&[
        "300000000000001,100000000001,保温杯 500ml,1,88.00,88.00,83.60,完成,CUP-500,2026-10-01 14:41:34,2026-10-01 14:42:00,0.00",
        "300000000000002,100000000002,保温杯 350ml,1,39.00,39.00,37.05,完成,CUP-350,2026-10-02 09:00:00,2026-10-02 09:00:30,0.00",
        "300000000000001,100000000002,保温杯 350ml,1,39.00,39.00,37.05,完成,CUP-350,2026-10-01 14:41:34,2026-10-01 14:42:00,0.00",
    ]);
    let (files, records) = import("订单导出.csv", bytes);
    assert_eq!(records.len(), 2);
    let p = only_problem(&files[0]);
    assert_eq!((p.severity, p.line), (Severity::Error, Some(4)));
    assert!(p.message.contains("不相邻"), "{}", p.message);
}
