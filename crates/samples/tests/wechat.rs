//! WeChat Pay bills: real shapes in, exact records out.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{Fen, FlowKind, FundFlowRow, FundProvider, PaymentKind, PaymentRow, RatePpm};
use duizhang_import::ProblemCode;
use duizhang_samples::write::wechat::{
    FundOptions, TradeLayout, TradeOptions, fund_bill, shop_fund_flow, trade_bill,
};
use support::{at, bom, codes, import, import_clean, t};

const ALL_EXAMPLE: &str = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注
`2026-10-03 10:00:12,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`SUCCESS,`OTHERS,`CNY,`59.00,`0.00,`0,`0,`0.00,`0.00,`,`,`纯棉T恤,`,`0.35000,`0.60%,`59.00,`0.00,`
`2026-10-03 18:40:11,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300002026202610031234567890,`RF202610030001,`59.00,`0.00,`ORIGINAL,`SUCCESS,`纯棉T恤,`,`-0.35000,`0.60%,`0.00,`59.00,`
总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
`2,`59.00,`59.00,`0.00,`0.00000,`59.00,`59.00
";

const FUND_EXAMPLE: &str = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号
`2026-10-03 10:00:13,`4200002026202610031234567890,`1900000109202610030000000001,`交易,`交易,`收入,`59.00,`1059.00,`system,`,`ORD202610030001
`2026-10-03 10:00:13,`4200002026202610031234567890,`1900000109202610030000000002,`交易,`扣除交易手续费,`支出,`0.35,`1058.65,`system,`,`ORD202610030001
`2026-10-03 18:40:12,`50300002026202610031234567890,`1900000109202610030000000003,`退款,`退款,`支出,`58.65,`1000.00,`1900000109API,`退款总金额59.00元;含手续费0.35元,`RF202610030001
资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额
`3,`1,`59.00,`2,`59.00
";

/// The documented shapes: plain, and as downloaded from 商户平台 (BOM, CRLF).
fn shapes(text: &str) -> [Vec<u8>; 2] {
    [text.as_bytes().to_vec(), bom(&text.replace('\n', "\r\n"))]
}

#[test]
fn reads_the_formats_md_all_bill_exactly() {
    for bytes in shapes(ALL_EXAMPLE) {
        let (file, data) = import_clean("1900000109_20261003_ALL.csv", bytes, "wechat.trade_bill");
        assert_eq!(file.variant.as_deref(), Some("ALL"));
        assert_eq!(file.header_line, Some(1));
        assert_eq!(file.meta.complete, Some(true));
        let payment = PaymentRow {
            provider: FundProvider::Wechat,
            account: Some("1900000109".into()),
            kind: PaymentKind::Payment,
            txn_no: "4200002026202610031234567890".into(),
            out_trade_no: Some("ORD202610030001".into()),
            refund_id: None,
            out_refund_no: None,
            order_amount: Some(Fen::new(5900)),
            settled: Fen::new(5900),
            refund: Fen::ZERO,
            fee: Fen::new(35),
            rate: Some(RatePpm(6000)),
            status_text: "SUCCESS".into(),
            occurred_at: t("2026-10-03 10:00:12"),
            refund_succeeded_at: None,
            title: Some("纯棉T恤".into()),
            source: at(2),
        };
        let refund = PaymentRow {
            kind: PaymentKind::Refund,
            refund_id: Some("50300002026202610031234567890".into()),
            out_refund_no: Some("RF202610030001".into()),
            order_amount: Some(Fen::ZERO),
            settled: Fen::ZERO,
            refund: Fen::new(5900),
            // The fee returned with the refund is negative.
            fee: Fen::new(-35),
            status_text: "REFUND/SUCCESS".into(),
            occurred_at: t("2026-10-03 18:40:11"),
            source: at(3),
            ..payment.clone()
        };
        assert_eq!(data.payments, vec![payment, refund]);
        // 总交易单数 2; 应结 59.00 + 0.00; 退款 0.00 + 59.00; 手续费 0.35 − 0.35; 订单 59.00 + 0.00.
        let stated: Vec<(&str, Option<u64>, Option<Fen>)> = file
            .control
            .iter()
            .map(|c| (c.label.as_str(), c.stated_count, c.stated_amount))
            .collect();
        assert_eq!(
            stated,
            vec![
                ("总交易单数", Some(2), None),
                ("应结订单总金额", None, Some(Fen::new(5900))),
                ("退款总金额", None, Some(Fen::new(5900))),
                ("手续费总金额", None, Some(Fen::ZERO)),
                ("订单总金额", None, Some(Fen::new(5900))),
            ]
        );
        assert!(file.control.iter().all(|c| c.holds()));
        assert!(file.control.iter().all(|c| c.line == Some(5)));
    }
}

#[test]
fn reads_the_formats_md_fund_bill_exactly() {
    for bytes in shapes(FUND_EXAMPLE) {
        let (file, data) = import_clean("fund.csv", bytes, "wechat.fund_bill");
        let income = FundFlowRow {
            provider: FundProvider::Wechat,
            account: None,
            txn_no: "1900000109202610030000000001".into(),
            business_no: Some("4200002026202610031234567890".into()),
            order_no: Some("ORD202610030001".into()),
            merchant_ref: Some("ORD202610030001".into()),
            refund_no: None,
            kind: FlowKind::Income,
            kind_text: "交易".into(),
            amount: Fen::new(5900),
            balance: Some(Fen::new(105900)),
            occurred_at: t("2026-10-03 10:00:13"),
            counterparty: None,
            memo: None,
            refund_total: None,
            source: at(2),
        };
        let fee = FundFlowRow {
            txn_no: "1900000109202610030000000002".into(),
            kind: FlowKind::Fee,
            kind_text: "扣除交易手续费".into(),
            amount: Fen::new(-35),
            balance: Some(Fen::new(105865)),
            source: at(3),
            ..income.clone()
        };
        // The refund's 业务凭证号 is the refund number, not an order number.
        let refund = FundFlowRow {
            txn_no: "1900000109202610030000000003".into(),
            business_no: Some("50300002026202610031234567890".into()),
            order_no: None,
            merchant_ref: Some("RF202610030001".into()),
            refund_no: Some("RF202610030001".into()),
            kind: FlowKind::Refund,
            kind_text: "退款".into(),
            amount: Fen::new(-5865),
            balance: Some(Fen::new(100000)),
            occurred_at: t("2026-10-03 18:40:12"),
            memo: Some("退款总金额59.00元;含手续费0.35元".into()),
            // 58.65 left the account: the refund net of the 0.35 fee given back.
            refund_total: Some(Fen::new(5900)),
            source: at(4),
            ..income.clone()
        };
        assert_eq!(data.fund_flows, vec![income, fee, refund]);
        // 3 rows; 1 income of 59.00; 2 outflows of 0.35 + 58.65 = 59.00 (stated unsigned).
        let stated: Vec<(&str, Option<u64>, Option<Fen>, bool)> = file
            .control
            .iter()
            .map(|c| (c.label.as_str(), c.stated_count, c.stated_amount, c.holds()))
            .collect();
        assert_eq!(
            stated,
            vec![
                ("资金流水总笔数", Some(3), None, true),
                ("收入笔数", Some(1), None, true),
                ("收入金额", None, Some(Fen::new(5900)), true),
                ("支出笔数", Some(2), None, true),
                ("支出金额", None, Some(Fen::new(5900)), true),
            ]
        );
    }
}

fn sample_payments(layout: TradeLayout, legacy: bool) -> Vec<PaymentRow> {
    let order = |a: i64| (!legacy).then_some(Fen::new(a));
    let paid = PaymentRow {
        provider: FundProvider::Wechat,
        account: Some("1900000109".into()),
        kind: PaymentKind::Payment,
        txn_no: "4200002026202610031234567890".into(),
        out_trade_no: Some("ORD202610030001".into()),
        refund_id: None,
        out_refund_no: None,
        order_amount: order(5900),
        settled: Fen::new(5900),
        refund: Fen::ZERO,
        fee: Fen::new(35),
        rate: Some(RatePpm(6000)),
        status_text: "SUCCESS".into(),
        occurred_at: t("2026-10-03 10:00:12"),
        refund_succeeded_at: None,
        title: Some("纯棉T恤".into()),
        source: at(0),
    };
    // A 3.00 免充值 coupon: 订单金额 88.00, 应结 85.00, fee 0.51 on 85.00 at 0.60%.
    let with_coupon = PaymentRow {
        txn_no: "4200002026202610031234567891".into(),
        out_trade_no: Some("ORD202610030002".into()),
        order_amount: order(8800),
        settled: Fen::new(8500),
        fee: Fen::new(51),
        occurred_at: t("2026-10-03 11:02:44"),
        title: Some("保温杯 500ml".into()),
        ..paid.clone()
    };
    let refund = PaymentRow {
        kind: PaymentKind::Refund,
        refund_id: Some("50300002026202610031234567890".into()),
        out_refund_no: Some("RF202610030001".into()),
        order_amount: order(0),
        settled: Fen::ZERO,
        refund: Fen::new(5900),
        fee: Fen::new(-35),
        status_text: "REFUND/SUCCESS".into(),
        occurred_at: t("2026-10-03 18:40:11"),
        refund_succeeded_at: (layout == TradeLayout::Refund).then(|| t("2026-10-03 18:40:15")),
        ..paid.clone()
    };
    let processing = PaymentRow {
        refund_id: Some("50300002026202610031234567891".into()),
        out_refund_no: Some("RF202610030002".into()),
        refund: Fen::new(1000),
        fee: Fen::new(-6),
        status_text: "REFUND/PROCESSING".into(),
        refund_succeeded_at: None,
        txn_no: with_coupon.txn_no.clone(),
        out_trade_no: with_coupon.out_trade_no.clone(),
        ..refund.clone()
    };
    let revoked = PaymentRow {
        kind: PaymentKind::Revoked,
        txn_no: "4200002026202610031234567892".into(),
        out_trade_no: Some("ORD202610030003".into()),
        order_amount: order(1200),
        settled: Fen::new(1200),
        fee: Fen::new(7),
        status_text: "REVOKED".into(),
        occurred_at: t("2026-10-03 12:00:00"),
        ..paid.clone()
    };
    match layout {
        TradeLayout::All => vec![paid, with_coupon, revoked, refund, processing],
        TradeLayout::Success => vec![paid, with_coupon],
        TradeLayout::Refund => vec![refund, processing],
    }
}

fn without_source(records: &[PaymentRow]) -> Vec<PaymentRow> {
    records
        .iter()
        .map(|r| PaymentRow {
            source: at(0),
            ..r.clone()
        })
        .collect()
}

#[test]
fn every_trade_bill_variant_round_trips() {
    let cases = [
        (TradeLayout::All, false, false, "ALL", 27),
        (TradeLayout::Success, false, false, "SUCCESS", 20),
        (TradeLayout::Success, false, true, "SUCCESS", 20),
        (TradeLayout::Refund, false, false, "REFUND", 29),
        (TradeLayout::All, true, false, "ALL(旧版)", 24),
        (TradeLayout::Success, true, false, "SUCCESS(旧版)", 18),
        (TradeLayout::Refund, true, false, "REFUND(旧版)", 26),
    ];
    for (layout, legacy, short, variant, columns) in cases {
        for (bom, crlf, decimal_counts) in [(true, true, false), (false, false, true)] {
            let rows = sample_payments(layout, legacy);
            let o = TradeOptions {
                layout,
                legacy,
                short_success_summary: short,
                bom,
                crlf,
                decimal_counts,
                ..TradeOptions::default()
            };
            let bytes = trade_bill(&rows, &o);
            let header = String::from_utf8_lossy(&bytes)
                .lines()
                .next()
                .unwrap()
                .to_string();
            assert_eq!(header.split(',').count(), columns, "{variant}: {header}");
            let (file, data) = import_clean("bill.csv", bytes, "wechat.trade_bill");
            assert_eq!(file.variant.as_deref(), Some(variant));
            assert_eq!(without_source(&data.payments), rows, "{variant}");
            let lines: Vec<u32> = data.payments.iter().map(|p| p.source.line).collect();
            assert_eq!(
                lines,
                (2..2 + u32::try_from(rows.len()).unwrap()).collect::<Vec<_>>()
            );
            let expected_checks = match (legacy, short) {
                (true, _) => 4,
                (false, true) => 4,
                (false, false) => 5,
            };
            assert_eq!(
                file.control.len(),
                expected_checks,
                "{variant} {:#?}",
                file.control
            );
            assert!(
                file.control.iter().all(|c| c.holds()),
                "{:#?}",
                file.control
            );
        }
    }
}

#[test]
fn a_comma_in_the_goods_name_does_not_shift_later_columns() {
    let text = ALL_EXAMPLE.replacen("`纯棉T恤,", "`纯棉T恤,白色 L,", 1);
    let (_, data) = import_clean("x.csv", text.into_bytes(), "wechat.trade_bill");
    let p = &data.payments[0];
    assert_eq!(p.title.as_deref(), Some("纯棉T恤,白色 L"));
    assert_eq!(
        (p.fee, p.rate, p.order_amount),
        (Fen::new(35), Some(RatePpm(6000)), Some(Fen::new(5900)))
    );
}

#[test]
fn a_bad_fee_names_line_and_column() {
    let text = ALL_EXAMPLE.replace("`-0.35000", "`-0.3x000");
    let (files, records) = import("x.csv", text.into_bytes());
    assert_eq!(records.len(), 1, "the bad row is not read");
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(3), Some(23)));
    assert_eq!(p.column_name.as_deref(), Some("手续费"));
    assert!(p.zh().contains("第 3 行 第 23 列（手续费）"), "{}", p.zh());
    // The summary then no longer matches the rows read, and says so.
    assert!(codes(&files[0]).contains(&ProblemCode::ControlTotal));
}

#[test]
fn a_fee_below_the_fen_is_an_error() {
    // 手续费 is rounded to the 分 and padded to 5 decimals; `0.35400` is not a file WeChat writes.
    let text = ALL_EXAMPLE.replace("`0.35000", "`0.35400");
    let (files, records) = import("x.csv", text.into_bytes());
    assert_eq!(records.len(), 1);
    assert_eq!(files[0].problems[0].code, ProblemCode::BadAmount);
    assert_eq!(files[0].problems[0].line, Some(2));
}

#[test]
fn a_bad_time_and_an_unknown_status_are_reported() {
    let text = ALL_EXAMPLE
        .replace("`2026-10-03 18:40:11", "`2026-13-03 18:40:11")
        .replace("`SUCCESS,`OTHERS", "`PAYING,`OTHERS");
    let (files, records) = import("x.csv", text.into_bytes());
    assert!(records.is_empty());
    let found: Vec<(ProblemCode, Option<u32>, Option<u32>)> = files[0]
        .problems
        .iter()
        .take(2)
        .map(|p| (p.code, p.line, p.column))
        .collect();
    assert_eq!(
        found,
        vec![
            (ProblemCode::BadValue, Some(2), Some(10)),
            (ProblemCode::BadTime, Some(3), Some(1)),
        ]
    );
    assert!(files[0].problems[0].message.contains("PAYING"));
}

#[test]
fn a_missing_fee_column_is_not_taken_for_the_bill() {
    let text = ALL_EXAMPLE.replacen(",手续费,", ",服务费,", 1);
    let (files, records) = import("x.csv", text.into_bytes());
    assert!(records.is_empty());
    assert_eq!(files[0].format, None);
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::UnknownFormat);
    assert!(p.message.contains("微信支付交易账单"), "{}", p.message);
    assert!(p.message.contains("手续费"), "{}", p.message);
}

#[test]
fn a_wrong_summary_total_is_an_error_of_the_file() {
    let text = ALL_EXAMPLE.replace("`2,`59.00,`59.00", "`2,`58.00,`59.00");
    let (files, records) = import("x.csv", text.into_bytes());
    assert_eq!(records.len(), 2);
    let p = &files[0].problems;
    assert_eq!(codes(&files[0]), vec![ProblemCode::ControlTotal], "{p:#?}");
    assert_eq!(p[0].line, Some(5));
    assert!(p[0].message.contains("应结订单总金额"), "{}", p[0].message);
    assert!(p[0].message.contains("58.00"), "{}", p[0].message);
}

#[test]
fn a_bill_without_its_summary_is_truncated() {
    let cut: String = ALL_EXAMPLE
        .lines()
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    let (files, records) = import("x.csv", cut.into_bytes());
    assert_eq!(records.len(), 2);
    assert_eq!(codes(&files[0]), vec![ProblemCode::Truncated]);
    assert_eq!(files[0].meta.complete, Some(false));
    // A summary header without its row is just as cut off.
    let cut: String = ALL_EXAMPLE
        .lines()
        .take(4)
        .map(|l| format!("{l}\n"))
        .collect();
    let (files, _) = import("x.csv", cut.into_bytes());
    assert_eq!(codes(&files[0]), vec![ProblemCode::Truncated]);
}

fn sample_flows() -> Vec<FundFlowRow> {
    let income = FundFlowRow {
        provider: FundProvider::Wechat,
        account: None,
        txn_no: "1900000109202610030000000001".into(),
        business_no: Some("4200002026202610031234567890".into()),
        order_no: Some("ORD202610030001".into()),
        merchant_ref: Some("ORD202610030001".into()),
        refund_no: None,
        kind: FlowKind::Income,
        kind_text: "交易".into(),
        amount: Fen::new(5900),
        balance: Some(Fen::new(105900)),
        occurred_at: t("2026-10-03 10:00:13"),
        counterparty: None,
        memo: None,
        refund_total: None,
        source: at(0),
    };
    let other = |n: u32, kind: FlowKind, text: &str, amount: i64, balance: i64| FundFlowRow {
        txn_no: format!("19000001092026100300000000{n:02}").into(),
        business_no: Some(format!("50300002026202610031234567{n:03}").into()),
        order_no: None,
        merchant_ref: None,
        kind,
        kind_text: text.into(),
        amount: Fen::new(amount),
        balance: Some(Fen::new(balance)),
        memo: Some("资金变动".into()),
        ..income.clone()
    };
    vec![
        income.clone(),
        FundFlowRow {
            txn_no: "1900000109202610030000000002".into(),
            kind: FlowKind::Fee,
            kind_text: "扣除交易手续费".into(),
            amount: Fen::new(-35),
            balance: Some(Fen::new(105865)),
            ..income.clone()
        },
        FundFlowRow {
            refund_no: Some("RF202610030001".into()),
            merchant_ref: Some("RF202610030001".into()),
            ..other(3, FlowKind::Refund, "退款", -5865, 100000)
        },
        other(4, FlowKind::Withdrawal, "提现", -50000, 50000),
        other(5, FlowKind::Transfer, "充值", 10000, 60000),
        other(6, FlowKind::Commission, "分账", -1000, 59000),
        other(7, FlowKind::Other, "赔付", -200, 58800),
    ]
}

#[test]
fn the_fund_bill_round_trips_in_every_shape() {
    for (half_width_header, decimal_counts, bom, crlf) in
        [(false, false, true, true), (true, true, false, false)]
    {
        let rows = sample_flows();
        let bytes = fund_bill(
            &rows,
            &FundOptions {
                half_width_header,
                decimal_counts,
                bom,
                crlf,
                ..FundOptions::default()
            },
        );
        let (file, data) = import_clean("fund.csv", bytes, "wechat.fund_bill");
        let got: Vec<FundFlowRow> = data
            .fund_flows
            .iter()
            .map(|r| FundFlowRow {
                source: at(0),
                ..r.clone()
            })
            .collect();
        assert_eq!(got, rows);
        assert_eq!(file.control.len(), 5);
        assert!(
            file.control.iter().all(|c| c.holds()),
            "{:#?}",
            file.control
        );
        // 10 000 收入 + 59.00 收入; 0.35 + 58.65 + 500.00 + 10.00 + 2.00 支出.
        let income = file.control.iter().find(|c| c.label == "收入金额").unwrap();
        assert_eq!(income.stated_amount, Some(Fen::new(15900)));
        let expense = file.control.iter().find(|c| c.label == "支出金额").unwrap();
        assert_eq!(expense.stated_amount, Some(Fen::new(57100)));
    }
}

#[test]
fn fund_bill_errors_name_line_and_column() {
    let text = FUND_EXAMPLE
        .replace("`支出,`0.35", "`出账,`0.35")
        .replace("`收入,`59.00", "`收入,`-59.00");
    let (files, records) = import("fund.csv", text.into_bytes());
    assert_eq!(records.len(), 1);
    let found: Vec<(ProblemCode, Option<u32>, Option<u32>)> = files[0]
        .problems
        .iter()
        .take(2)
        .map(|p| (p.code, p.line, p.column))
        .collect();
    assert_eq!(
        found,
        vec![
            (ProblemCode::BadAmount, Some(2), Some(7)),
            (ProblemCode::BadValue, Some(3), Some(6)),
        ]
    );
    // The two rows not read leave the summary unmatched.
    assert!(codes(&files[0]).contains(&ProblemCode::ControlTotal));
}

#[test]
fn a_refund_written_with_its_stated_total_reads_back_as_that_total() {
    let refund = FundFlowRow {
        refund_no: Some("RF202610030001".into()),
        merchant_ref: Some("RF202610030001".into()),
        kind: FlowKind::Refund,
        kind_text: "退款".into(),
        amount: Fen::new(-12773),
        balance: Some(Fen::new(93127)),
        memo: None,
        refund_total: Some(Fen::new(12850)),
        ..sample_flows()[0].clone()
    };
    let bytes = fund_bill(std::slice::from_ref(&refund), &FundOptions::default());
    let (_, data) = import_clean("fund.csv", bytes, "wechat.fund_bill");
    let got = &data.fund_flows[0];
    assert_eq!(got.refund_total, Some(Fen::new(12850)));
    assert_eq!(got.amount, Fen::new(-12773));
    assert_eq!(
        got.memo.as_deref(),
        Some("退款总金额128.50元;含手续费0.77元")
    );
}

#[test]
fn a_refund_memo_whose_total_cannot_be_read_stops_the_row_naming_line_and_column() {
    for memo in [
        "退款总金额59.O0元;含手续费0.35元",
        "退款总金额59.00元;含手续费0.355元",
        "退款总金额59.00",
    ] {
        let text = FUND_EXAMPLE.replace("退款总金额59.00元;含手续费0.35元", memo);
        let (files, records) = import("fund.csv", text.into_bytes());
        assert_eq!(records.len(), 2, "{memo}");
        let p = &files[0].problems[0];
        assert_eq!(
            (p.code, p.line, p.column, p.column_name.as_deref()),
            (ProblemCode::BadAmount, Some(4), Some(10), Some("备注")),
            "{memo}"
        );
        assert!(p.is_error(), "{memo}");
        assert!(p.message.starts_with("备注中的"), "{}", p.message);
    }
}

#[test]
fn a_refund_memo_that_does_not_add_up_is_a_warning_and_the_outflow_is_the_refund() {
    // 58.65 left the account; the 备注 says 60.00 with 0.35 fee given back (59.65).
    let text = FUND_EXAMPLE.replace("退款总金额59.00元", "退款总金额60.00元");
    let (files, records) = import("fund.csv", text.into_bytes());
    assert_eq!(records.len(), 3);
    let duizhang_core::Record::FundFlow(refund) = &records[2] else {
        panic!("{:?}", records[2]);
    };
    assert_eq!(
        (refund.amount, refund.refund_total),
        (Fen::new(-5865), None)
    );
    let found: Vec<_> = files[0]
        .problems
        .iter()
        .map(|p| (p.code, p.is_error(), p.line, p.column))
        .collect();
    assert_eq!(
        found,
        vec![(ProblemCode::BadAmount, false, Some(4), Some(10))]
    );
    assert!(files[0].problems[0].message.contains("60.00"));
}

#[test]
fn a_refund_memo_of_free_text_states_no_total() {
    let text = FUND_EXAMPLE.replace("退款总金额59.00元;含手续费0.35元", "用户申请退款");
    let (_, data) = import_clean("fund.csv", text.into_bytes(), "wechat.fund_bill");
    assert_eq!(data.fund_flows[2].refund_total, None);
    assert_eq!(data.fund_flows[2].memo.as_deref(), Some("用户申请退款"));
}

#[test]
fn fund_bill_wrong_total_and_truncation() {
    let text = FUND_EXAMPLE.replace("`3,`1,`59.00,`2,`59.00", "`3,`1,`59.00,`2,`58.65");
    let (files, _) = import("fund.csv", text.into_bytes());
    assert_eq!(codes(&files[0]), vec![ProblemCode::ControlTotal]);
    assert!(files[0].problems[0].message.contains("支出金额"));
    let cut: String = FUND_EXAMPLE
        .lines()
        .take(4)
        .map(|l| format!("{l}\n"))
        .collect();
    let (files, records) = import("fund.csv", cut.into_bytes());
    assert_eq!(records.len(), 3);
    assert_eq!(codes(&files[0]), vec![ProblemCode::Truncated]);
}

const SHOP_EXAMPLE: &str = "\u{FEFF}流水单号,记账时间,动帐类型,收支类型,收支金额,账户余额,关联订单号,关联售后单号,关联提现单号,关联保单号,详情
SF0001,2026-10-03 10:00:00,订单收入,收入,59.00,1059.00,3701234567890123,,,,订单结算
SF0002,2026-10-03 11:00:00,售后退款,支出,59.00,1000.00,3701234567890123,AS0001,,,
SF0003,2026-10-03 12:00:00,技术服务费,支出,0.35,999.65,3701234567890123,,,,
SF0004,2026-10-04 09:00:00,提现,支出,999.65,0.00,,,TX0001,,
";

/// txn_no, kind, amount, order_no, refund_no.
type ShopView<'a> = (&'a str, FlowKind, Fen, Option<&'a str>, Option<&'a str>);

#[test]
fn reads_a_shop_fund_flow() {
    let (file, data) = import_clean(
        "shop.csv",
        SHOP_EXAMPLE.as_bytes().to_vec(),
        "wechat.shop_fund_flow",
    );
    assert_eq!(file.variant.as_deref(), Some("小店"));
    let got: Vec<ShopView<'_>> = data
        .fund_flows
        .iter()
        .map(|r| {
            (
                r.txn_no.as_str(),
                r.kind,
                r.amount,
                r.order_no.as_deref(),
                r.refund_no.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "SF0001",
                FlowKind::Income,
                Fen::new(5900),
                Some("3701234567890123"),
                None
            ),
            (
                "SF0002",
                FlowKind::Refund,
                Fen::new(-5900),
                Some("3701234567890123"),
                Some("AS0001")
            ),
            (
                "SF0003",
                FlowKind::Fee,
                Fen::new(-35),
                Some("3701234567890123"),
                None
            ),
            ("SF0004", FlowKind::Withdrawal, Fen::new(-99965), None, None),
        ]
    );
    assert_eq!(data.fund_flows[3].balance, Some(Fen::ZERO));
    assert_eq!(data.fund_flows[0].memo.as_deref(), Some("订单结算"));
}

#[test]
fn a_shop_fund_flow_with_signed_amounts_and_no_direction_column() {
    // 收支类型 is PARTIAL: without it the amount's own sign is the direction.
    let text = SHOP_EXAMPLE
        .replace("收支类型,", "")
        .replace(",收入,", ",")
        .replace(",支出,", ",-");
    let (_, data) = import_clean("shop.csv", text.into_bytes(), "wechat.shop_fund_flow");
    let amounts: Vec<Fen> = data.fund_flows.iter().map(|r| r.amount).collect();
    assert_eq!(
        amounts,
        vec![
            Fen::new(5900),
            Fen::new(-5900),
            Fen::new(-35),
            Fen::new(-99965)
        ]
    );
}

#[test]
fn the_shop_fund_flow_round_trips_and_reports_bad_cells() {
    let rows: Vec<FundFlowRow> = sample_flows()
        .into_iter()
        .map(|r| FundFlowRow {
            business_no: None,
            merchant_ref: None,
            kind_text: match r.kind {
                FlowKind::Income => "订单收入",
                FlowKind::Fee => "技术服务费",
                FlowKind::Refund => "售后退款",
                FlowKind::Withdrawal => "提现",
                FlowKind::Transfer => "充值",
                FlowKind::Commission => "达人佣金",
                FlowKind::Other => "违规扣款",
            }
            .into(),
            ..r
        })
        .collect();
    let (_, data) = import_clean(
        "shop.csv",
        shop_fund_flow(&rows, true, true),
        "wechat.shop_fund_flow",
    );
    let got: Vec<FundFlowRow> = data
        .fund_flows
        .iter()
        .map(|r| FundFlowRow {
            source: at(0),
            ..r.clone()
        })
        .collect();
    assert_eq!(got, rows);

    let bad = SHOP_EXAMPLE.replace("2026-10-03 12:00:00", "2026-10-03 25:00:00");
    let (files, records) = import("shop.csv", bad.into_bytes());
    assert_eq!(records.len(), 3);
    let p = &files[0].problems[0];
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadTime, Some(4), Some(2))
    );
}

#[test]
fn the_writers_reproduce_the_documented_examples_byte_for_byte() {
    let plain = TradeOptions {
        bom: false,
        crlf: false,
        ..TradeOptions::default()
    };
    let (_, data) = import_clean(
        "x.csv",
        ALL_EXAMPLE.as_bytes().to_vec(),
        "wechat.trade_bill",
    );
    assert_eq!(
        String::from_utf8(trade_bill(&data.payments, &plain)).unwrap(),
        ALL_EXAMPLE
    );
    let downloaded = trade_bill(&data.payments, &TradeOptions::default());
    assert_eq!(downloaded, shapes(ALL_EXAMPLE)[1]);

    let (_, data) = import_clean(
        "x.csv",
        FUND_EXAMPLE.as_bytes().to_vec(),
        "wechat.fund_bill",
    );
    let plain = FundOptions {
        bom: false,
        crlf: false,
        ..FundOptions::default()
    };
    assert_eq!(
        String::from_utf8(fund_bill(&data.fund_flows, &plain)).unwrap(),
        FUND_EXAMPLE
    );
}
