//! Alipay bills: real shapes in, exact records out.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{
    BeijingTime, Fen, FileId, FlowKind, FundFlowRow, FundProvider, PaymentKind, PaymentRow,
    SourceRef,
};
use duizhang_import::ProblemCode;
use duizhang_samples::write::alipay::{
    BillKind, FundLayout, FundOptions, TradeOptions, bill_zip, fund_flow, fund_summary, trade_bill,
    trade_summary, zip_name,
};
use support::{at, codes, controls, gbk, import, import_clean, only_problem, problem_with, t};

/// The three example rows of formats.md §1.4, byte for byte (GBK, CRLF, trailing TABs).
fn formats_md_example() -> Vec<u8> {
    let text = "#支付宝账务明细查询\r\n#账号：[20880000000000000156]\r\n#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年10月02日 00:00:00]\r\n#-----------------------------------------账务明细列表----------------------------------------\r\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n202610010000123456\t,20261001200040011100880012345678\t,T200P4012345678901234567\t,纯棉T恤 白色 L\t,2026-10-01 09:12:33,*明(138****0000)\t,59.00,0.00,1059.00,淘宝,交易付款,\r\n202610010000123457\t,20261001200040011100880012345679\t,T200P4012345678901234567\t,纯棉T恤 白色 L\t,2026-10-01 09:12:34,天猫技术有限公司\t,0.00,-2.95,1056.05,淘宝,交易分账,天猫佣金（类目：女装）{4012345678901234567}扣款\r\n202610010000123458\t,20261001200040011100880012345680\t,T200P4012345678901234999\t,保温杯 500ml\t,2026-10-01 15:40:02,*华(186****1212)\t,0.00,-9.65,1046.40,淘宝,交易退款,售后退款-4012345678901234999\r\n#----------------------------------------账务明细列表结束-------------------------------------\r\n#支出合计：2笔，共-12.60元\r\n#收入合计：1笔，共59.00元\r\n#导出时间：[2026年10月02日 06:12:40]\r\n";
    gbk(text)
}

#[test]
fn reads_the_formats_md_example_exactly() {
    let (file, data) = import_clean(
        "20880000000000000156_202610_账务明细.csv",
        formats_md_example(),
        "alipay.fund_flow",
    );
    assert_eq!(file.variant.as_deref(), Some("12列"));
    assert_eq!(file.meta.account.as_deref(), Some("20880000000000000156"));
    assert_eq!(file.header_line, Some(5));
    assert_eq!(file.control.len(), 2);
    assert!(file.control.iter().all(|c| c.holds()));
    let rows = &data.fund_flows;
    assert_eq!(rows.len(), 3);
    // Hand-checked: 59.00 income on the order with T200P removed.
    assert_eq!(rows[0].txn_no, "202610010000123456");
    assert_eq!(rows[0].order_no.as_deref(), Some("4012345678901234567"));
    assert_eq!(rows[0].kind, FlowKind::Income);
    assert_eq!(rows[0].amount, Fen::new(5900));
    assert_eq!(rows[0].balance, Some(Fen::new(105900)));
    assert_eq!(
        rows[0].source,
        SourceRef {
            file: FileId(0),
            line: 6
        }
    );
    assert_eq!(rows[1].kind, FlowKind::Commission);
    assert_eq!(rows[1].amount, Fen::new(-295));
    assert_eq!(rows[2].kind, FlowKind::Refund);
    assert_eq!(rows[2].amount, Fen::new(-965));
    assert_eq!(rows[2].order_no.as_deref(), Some("4012345678901234999"));
    assert_eq!(rows[2].occurred_at.to_string(), "2026-10-01 15:40:02");
}

#[test]
fn a_wrong_footer_total_is_an_error_of_the_file() {
    let text = String::from_utf8_lossy(
        &encoding_rs::GBK
            .decode(&formats_md_example())
            .0
            .into_owned()
            .into_bytes(),
    )
    .replace("共-12.60元", "共-12.50元");
    let (files, _) = import("x.csv", gbk(&text));
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::ControlTotal);
    assert!(p.message.contains("-12.50"), "{}", p.message);
}

#[test]
fn a_bad_amount_names_line_and_column() {
    let text = encoding_rs::GBK
        .decode(&formats_md_example())
        .0
        .replace("-9.65", "-9.6.5");
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 2, "the bad row is not read as anything");
    let p = problem_with(&files[0], ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(8), Some(8)));
    assert_eq!(p.column_name.as_deref(), Some("支出金额（-元）"));
    assert!(p.zh().contains("第 8 行 第 8 列"), "{}", p.zh());
}

#[test]
fn a_cut_off_download_is_reported_truncated() {
    // The download stops in the middle of the last row: no footer, and a short row.
    let bytes = formats_md_example();
    let marker = gbk("#----------------------------------------账务明细列表结束");
    let footer_at = bytes
        .windows(marker.len())
        .position(|w| w == marker.as_slice())
        .unwrap_or(bytes.len());
    let cut = bytes[..footer_at - 40].to_vec();
    let (files, records) = import("x.csv", cut);
    assert_eq!(records.len(), 2);
    let codes: Vec<ProblemCode> = files[0].problems.iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        vec![ProblemCode::Truncated, ProblemCode::Truncated],
        "{:#?}",
        files[0].problems
    );
    assert_eq!(files[0].problems[0].line, Some(8));
}

fn sample_rows() -> Vec<FundFlowRow> {
    let t = |h| BeijingTime::new(2026, 10, 3, h, 0, 0).unwrap_or_else(|| unreachable!());
    let row = |i: u32, kind: FlowKind, text: &str, amount: i64, order: &str| FundFlowRow {
        provider: FundProvider::Alipay,
        account: Some("20880000000000000156".into()),
        txn_no: format!("2026100300001{i:05}").into(),
        business_no: Some(format!("2026100320004001{i:05}").into()),
        order_no: Some(order.into()),
        merchant_ref: Some(format!("T200P{order}").into()),
        refund_no: None,
        kind,
        kind_text: text.into(),
        amount: Fen::new(amount),
        balance: None,
        occurred_at: t(i8::try_from(i % 24).unwrap_or(0)),
        counterparty: Some("*明(138****0000)".into()),
        memo: Some("备注，含逗号".replace('，', " ").into()),
        refund_total: None,
        source: SourceRef {
            file: FileId(0),
            line: 0,
        },
    };
    vec![
        row(1, FlowKind::Income, "交易付款", 5900, "4012345678901234567"),
        row(
            2,
            FlowKind::Commission,
            "交易分账",
            -295,
            "4012345678901234567",
        ),
        row(3, FlowKind::Refund, "交易退款", -965, "4012345678901234999"),
        row(4, FlowKind::Fee, "收费", -35, "4012345678901234999"),
    ]
}

#[test]
fn every_layout_round_trips_through_the_writer() {
    for layout in [
        FundLayout::Twelve,
        FundLayout::Thirteen,
        FundLayout::Sixteen,
    ] {
        for (encoding, crlf) in [
            (duizhang_samples::bytes::Encoding::Gbk, true),
            (duizhang_samples::bytes::Encoding::Utf8Bom, false),
        ] {
            let rows = sample_rows();
            let bytes = fund_flow(
                &rows,
                &FundOptions {
                    layout,
                    encoding,
                    crlf,
                    ..FundOptions::default()
                },
            );
            let (file, data) = import_clean("flow.csv", bytes, "alipay.fund_flow");
            assert!(file.control.iter().all(|c| c.holds()));
            assert_eq!(data.fund_flows.len(), 4);
            for (got, want) in data.fund_flows.iter().zip(&rows) {
                assert_eq!(
                    (
                        got.kind,
                        got.amount,
                        got.order_no.as_deref(),
                        got.txn_no.as_str()
                    ),
                    (
                        want.kind,
                        want.amount,
                        want.order_no.as_deref(),
                        want.txn_no.as_str()
                    ),
                    "{layout:?}"
                );
            }
        }
    }
}

/// formats.md §1.2's three example rows byte for byte (GBK, CRLF, trailing TABs), under the
/// documented preamble and footer lines with totals recomputed for these rows:
/// 交易 59.00 + 85.00 = 144.00 in 2 rows, 退款 −59.00 in 1 row.
const TRADE_EXAMPLE: &str = "#支付宝业务明细查询\r\n\
#账号：[20880000000000000156]\r\n\
#起始日期：[2026年10月03日 00:00:00]   终止日期：[2026年10月04日 00:00:00]\r\n\
#-----------------------------------------业务明细列表----------------------------------------\r\n\
支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\r\n\
2026100322001412340500000001\t,ORD202610030001\t,交易\t,纯棉T恤 白色 L,2026-10-03 10:15:02,2026-10-03 10:15:09,\t,\t,\t,\t,*明(138****0000)\t,59.00,59.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,纯棉T恤 白色 L\r\n\
2026100322001412340500000001\t,ORD202610030001\t,退款\t,纯棉T恤 白色 L,2026-10-03 10:15:02,2026-10-03 18:40:11,\t,\t,\t,\t,*明(138****0000)\t,-59.00,-59.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,RF202610030001\t,0.00,0.00,纯棉T恤 白色 L\r\n\
2026100322001412340500000002\t,ORD202610030002\t,交易\t,保温杯 500ml,2026-10-03 11:02:44,2026-10-03 11:02:50,S001\t,杭州一店\t,cashier01\t,\t,**华(186******12)\t,88.00,85.00,3.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,\r\n\
#-----------------------------------------业务明细列表结束------------------------------------\r\n\
#交易合计：2笔，商家实收共144.00元，商家优惠共0.00元\r\n\
#退款合计：1笔，商家实收退款共-59.00元，商家优惠退款共0.00元\r\n\
#导出时间：[2026年10月04日 05:46:49]\r\n\
";

/// formats.md §1.3 with two store rows whose sums are the documented 合计 row.
const TRADE_SUMMARY_EXAMPLE: &str = "#支付宝业务汇总查询\r\n\
#账号：[20880000000000000156]\r\n\
#起始日期：[2026年10月03日 00:00:00]   终止日期：[2026年10月04日 00:00:00]\r\n\
#-----------------------------------------业务汇总列表----------------------------------------\r\n\
门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）\r\n\
S001\t,杭州一店\t,1,1,29.00,26.00,0.00,0.00,0.00,0.00,0.00,26.00\r\n\
S002\t,杭州二店\t,1,0,59.00,59.00,0.00,0.00,0.00,0.00,0.00,59.00\r\n\
合计,,2,1,88.00,85.00,0.00,0.00,0.00,0.00,0.00,85.00\r\n\
#----------------------------------------业务汇总列表结束-------------------------------------\r\n\
#导出时间：[2026年10月04日 05:30:12]\r\n\
";

/// formats.md §1.5 verbatim.
const FUND_SUMMARY_EXAMPLE: &str = "#支付宝账务汇总查询\r\n\
#账号：[20880000000000000156]\r\n\
#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年10月02日 00:00:00]\r\n\
类型,收入笔数,收入金额（+元）,支出笔数,支出金额（-元）,总金额（元）\r\n\
交易付款,3,307.80,0,0.00,307.80\r\n\
交易分账,0,0.00,1,-2.95,-2.95\r\n\
交易退款,0,0.00,1,-9.65,-9.65\r\n\
合计,3,307.80,2,-12.60,295.20\r\n\
";

fn trade_example_with(from: &str, to: &str) -> Vec<u8> {
    let text = TRADE_EXAMPLE.replace(from, to);
    assert_ne!(text, TRADE_EXAMPLE, "the edit must apply");
    gbk(&text)
}

#[test]
fn reads_the_trade_bill_example_exactly() {
    let (file, data) = import_clean(
        "20880000000000000156_20261003_业务明细.csv",
        gbk(TRADE_EXAMPLE),
        "alipay.trade_bill",
    );
    assert_eq!(file.variant.as_deref(), Some("25列"));
    assert_eq!(file.header_line, Some(5));
    assert_eq!(file.meta.account.as_deref(), Some("20880000000000000156"));
    assert_eq!(file.meta.period_from, Some(t("2026-10-03 00:00:00")));
    assert_eq!(file.meta.period_to, Some(t("2026-10-04 00:00:00")));
    assert_eq!(file.meta.complete, Some(true));
    let paid = PaymentRow {
        provider: FundProvider::Alipay,
        account: Some("20880000000000000156".into()),
        kind: PaymentKind::Payment,
        txn_no: "2026100322001412340500000001".into(),
        out_trade_no: Some("ORD202610030001".into()),
        refund_id: None,
        out_refund_no: None,
        order_amount: Some(Fen::new(5900)),
        settled: Fen::new(5900),
        refund: Fen::ZERO,
        fee: Fen::ZERO,
        rate: None,
        status_text: "交易".into(),
        // 完成时间: when the payment went through.
        occurred_at: t("2026-10-03 10:15:09"),
        refund_succeeded_at: None,
        title: Some("纯棉T恤 白色 L".into()),
        source: at(6),
    };
    // The refund keeps 订单金额/商家实收 negative as written; the refunded amount is positive.
    let refund = PaymentRow {
        kind: PaymentKind::Refund,
        out_refund_no: Some("RF202610030001".into()),
        order_amount: Some(Fen::new(-5900)),
        settled: Fen::new(-5900),
        refund: Fen::new(5900),
        status_text: "退款".into(),
        occurred_at: t("2026-10-03 18:40:11"),
        refund_succeeded_at: Some(t("2026-10-03 18:40:11")),
        source: at(7),
        ..paid.clone()
    };
    // 订单金额 88.00 of which 3.00 支付宝红包: 商家实收 85.00.
    let with_red_packet = PaymentRow {
        txn_no: "2026100322001412340500000002".into(),
        out_trade_no: Some("ORD202610030002".into()),
        order_amount: Some(Fen::new(8800)),
        settled: Fen::new(8500),
        occurred_at: t("2026-10-03 11:02:50"),
        title: Some("保温杯 500ml".into()),
        source: at(8),
        ..paid.clone()
    };
    assert_eq!(data.payments, vec![paid, refund, with_red_packet]);
    let checks: Vec<_> = file
        .control
        .iter()
        .map(|c| {
            (
                c.label.as_str(),
                c.line,
                c.stated_count,
                c.stated_amount,
                c.holds(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        vec![
            ("交易合计", Some(10), Some(2), Some(Fen::new(14400)), true),
            ("退款合计", Some(11), Some(1), Some(Fen::new(-5900)), true),
        ]
    );
}

#[test]
fn a_trade_bill_without_refunds_has_no_refund_footer() {
    let text = TRADE_EXAMPLE
        .lines()
        .filter(|l| !l.contains(",退款\t,") && !l.starts_with("#退款合计"))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    let (file, data) = import_clean("x.csv", gbk(&text), "alipay.trade_bill");
    assert_eq!(data.payments.len(), 2);
    assert_eq!(file.control.len(), 1);
    assert!(file.control[0].holds());
}

#[test]
fn the_service_fee_is_read_as_charged_or_returned_by_the_row() {
    // Sign convention UNCONFIRMED: a payment's fee is a charge and a refund's fee a return,
    // whichever sign the file uses.
    let bytes = trade_example_with(
        "0.00\t,0.00,\t,0.00,0.00,纯棉T恤 白色 L",
        "0.00\t,0.00,\t,-0.12,0.00,纯棉T恤 白色 L",
    );
    let text = encoding_rs::GBK
        .decode(&bytes)
        .0
        .replace("RF202610030001\t,0.00,", "RF202610030001\t,0.12,")
        .replace(
            "0.00\t,0.00,\t,0.00,0.00,\r\n",
            "0.00\t,0.00,\t,0.30,0.00,\r\n",
        );
    let (_, data) = import_clean("x.csv", gbk(&text), "alipay.trade_bill");
    let fees: Vec<Fen> = data.payments.iter().map(|p| p.fee).collect();
    assert_eq!(fees, vec![Fen::new(12), Fen::new(-12), Fen::new(30)]);
}

#[test]
fn a_wrong_trade_footer_is_an_error_of_the_file() {
    let (files, records) = import("x.csv", trade_example_with("共144.00元", "共145.00元"));
    assert_eq!(records.len(), 3);
    assert_eq!(codes(&files[0]), vec![ProblemCode::ControlTotal]);
    let p = &files[0].problems[0];
    assert_eq!(p.line, Some(10));
    assert!(
        p.message.contains("145.00") && p.message.contains("144.00"),
        "{}",
        p.message
    );
}

#[test]
fn trade_bill_cell_errors_name_line_and_column() {
    let bytes = trade_example_with("88.00,85.00,3.00", "88.00,8x.00,3.00");
    let text = encoding_rs::GBK
        .decode(&bytes)
        .0
        .replace("2026-10-03 18:40:11", "2026-10-03 18:40:61")
        .replace("ORD202610030001\t,交易\t", "ORD202610030001\t,撤销\t");
    let (files, records) = import("x.csv", gbk(&text));
    assert!(records.is_empty(), "no bad row is read as anything");
    let found: Vec<_> = files[0]
        .problems
        .iter()
        .take(3)
        .map(|p| (p.code, p.line, p.column, p.column_name.as_deref()))
        .collect();
    assert_eq!(
        found,
        vec![
            (ProblemCode::BadValue, Some(6), Some(3), Some("业务类型")),
            (ProblemCode::BadTime, Some(7), Some(6), Some("完成时间")),
            (
                ProblemCode::BadAmount,
                Some(8),
                Some(13),
                Some("商家实收（元）")
            ),
        ]
    );
    assert!(files[0].problems[2].zh().contains("第 8 行 第 13 列"));
}

#[test]
fn a_trade_bill_missing_a_required_column_is_not_taken_for_one() {
    let (files, records) = import(
        "x.csv",
        trade_example_with(",商家实收（元）,", ",实收（元）,"),
    );
    assert!(records.is_empty());
    assert_eq!(files[0].format, None);
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::UnknownFormat);
    assert!(
        p.message.contains("支付宝业务明细") && p.message.contains("商家实收"),
        "{}",
        p.message
    );
}

#[test]
fn a_cut_off_trade_bill_is_truncated() {
    let text: String = TRADE_EXAMPLE
        .lines()
        .take(8)
        .map(|l| format!("{l}\r\n"))
        .collect();
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 3);
    assert_eq!(codes(&files[0]), vec![ProblemCode::Truncated]);
    assert_eq!(files[0].meta.complete, Some(false));
}

#[test]
fn end_markers_are_matched_whatever_their_dashes() {
    // 41/36 dashes in one file, 40/37 in another: the `#` lines after either are the footer.
    // (A data row after the end marker is refused: see the import crate's limits tests.)
    let text = TRADE_EXAMPLE.replace(
        "#-----------------------------------------业务明细列表结束------------------------------------",
        "#----------------------------------------业务明细列表结束-------------------------------------\r\n#这一行是页脚,,",
    );
    let (file, data) = import_clean("x.csv", gbk(&text), "alipay.trade_bill");
    assert_eq!(data.payments.len(), 3);
    assert!(file.control.iter().all(|c| c.holds()));
}

fn sample_payments() -> Vec<PaymentRow> {
    let paid = PaymentRow {
        provider: FundProvider::Alipay,
        account: Some("20880000000000000156".into()),
        kind: PaymentKind::Payment,
        txn_no: "2026100322001412340500000001".into(),
        out_trade_no: Some("ORD202610030001".into()),
        refund_id: None,
        out_refund_no: None,
        order_amount: Some(Fen::new(5900)),
        settled: Fen::new(5900),
        refund: Fen::ZERO,
        fee: Fen::new(35),
        rate: None,
        status_text: "交易".into(),
        occurred_at: t("2026-10-03 10:15:09"),
        refund_succeeded_at: None,
        title: Some("纯棉T恤 白色 L".into()),
        source: at(0),
    };
    let red_packet = PaymentRow {
        txn_no: "2026100322001412340500000002".into(),
        out_trade_no: Some("ORD202610030002".into()),
        order_amount: Some(Fen::new(8800)),
        settled: Fen::new(8500),
        fee: Fen::new(51),
        occurred_at: t("2026-10-03 11:02:50"),
        title: Some("保温杯 500ml".into()),
        ..paid.clone()
    };
    let refund = |of: &PaymentRow, amount: i64, fee: i64, no: &str, when: &str| PaymentRow {
        kind: PaymentKind::Refund,
        out_refund_no: Some(no.into()),
        order_amount: Some(Fen::new(-amount)),
        settled: Fen::new(-amount),
        refund: Fen::new(amount),
        fee: Fen::new(-fee),
        status_text: "退款".into(),
        occurred_at: t(when),
        refund_succeeded_at: Some(t(when)),
        ..of.clone()
    };
    vec![
        paid.clone(),
        red_packet.clone(),
        refund(&paid, 5900, 35, "RF202610030001", "2026-10-03 18:40:11"),
        refund(
            &red_packet,
            1000,
            0,
            "RF202610030002",
            "2026-10-03 19:00:00",
        ),
    ]
}

#[test]
fn the_trade_bill_and_its_summary_round_trip() {
    for (encoding, crlf) in [
        (duizhang_samples::bytes::Encoding::Gbk, true),
        (duizhang_samples::bytes::Encoding::Utf8Bom, false),
    ] {
        let rows = sample_payments();
        let o = TradeOptions {
            encoding,
            crlf,
            ..TradeOptions::default()
        };
        let (file, data) = import_clean("bill.csv", trade_bill(&rows, &o), "alipay.trade_bill");
        let got: Vec<PaymentRow> = data
            .payments
            .iter()
            .map(|p| PaymentRow {
                source: at(0),
                ..p.clone()
            })
            .collect();
        assert_eq!(got, rows);
        // 交易 59.00 + 85.00; 退款 −59.00 − 10.00.
        let stated: Vec<(Option<u64>, Option<Fen>)> = file
            .control
            .iter()
            .map(|c| (c.stated_count, c.stated_amount))
            .collect();
        assert_eq!(
            stated,
            vec![
                (Some(2), Some(Fen::new(14400))),
                (Some(2), Some(Fen::new(-6900)))
            ]
        );
        assert!(file.control.iter().all(|c| c.holds()));

        let (file, data) =
            import_clean("sum.csv", trade_summary(&rows, &o), "alipay.trade_summary");
        assert!(data.payments.is_empty());
        assert_eq!(file.control.len(), 4);
        assert!(
            file.control.iter().all(|c| c.holds()),
            "{:#?}",
            file.control
        );
    }
}

#[test]
fn the_trade_summary_example_checks_its_total_row() {
    let (file, data) = import_clean(
        "sum.csv",
        gbk(TRADE_SUMMARY_EXAMPLE),
        "alipay.trade_summary",
    );
    assert!(data.payments.is_empty());
    assert_eq!(file.meta.account.as_deref(), Some("20880000000000000156"));
    let checks = controls(&file);
    // Store rows: 1 + 1 payments, 1 + 0 refunds, 29.00 + 59.00 ordered, 26.00 + 59.00 settled.
    assert_eq!(
        checks,
        vec![
            ("交易订单总笔数", Some(2), None, 2, Fen::ZERO),
            ("退款订单总笔数", Some(1), None, 1, Fen::ZERO),
            (
                "订单金额合计",
                None,
                Some(Fen::new(8800)),
                2,
                Fen::new(8800)
            ),
            (
                "商家实收合计",
                None,
                Some(Fen::new(8500)),
                2,
                Fen::new(8500)
            ),
        ]
    );
    assert!(file.control.iter().all(|c| c.line == Some(8)));

    let wrong = TRADE_SUMMARY_EXAMPLE.replace("合计,,2,1,88.00,85.00", "合计,,2,1,88.00,86.00");
    let (files, _) = import("sum.csv", gbk(&wrong));
    assert_eq!(codes(&files[0]), vec![ProblemCode::ControlTotal]);
    assert!(files[0].problems[0].message.contains("商家实收合计"));

    let cut: String = TRADE_SUMMARY_EXAMPLE
        .lines()
        .take(6)
        .map(|l| format!("{l}\r\n"))
        .collect();
    let (files, _) = import("sum.csv", gbk(&cut));
    assert_eq!(codes(&files[0]), vec![ProblemCode::Truncated]);

    let bad = TRADE_SUMMARY_EXAMPLE.replace("S002\t,杭州二店\t,1,0,", "S002\t,杭州二店\t,一,0,");
    let (files, _) = import("sum.csv", gbk(&bad));
    let p = &files[0].problems[0];
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadValue, Some(7), Some(3))
    );
}

#[test]
fn the_fund_summary_example_checks_its_total_row() {
    let (file, _) = import_clean("sum.csv", gbk(FUND_SUMMARY_EXAMPLE), "alipay.fund_summary");
    let checks: Vec<(&str, Option<u64>, Option<Fen>, bool)> = file
        .control
        .iter()
        .map(|c| (c.label.as_str(), c.stated_count, c.stated_amount, c.holds()))
        .collect();
    assert_eq!(
        checks,
        vec![
            ("收入合计", Some(3), Some(Fen::new(30780)), true),
            ("支出合计", Some(2), Some(Fen::new(-1260)), true),
        ]
    );
    let wrong = FUND_SUMMARY_EXAMPLE.replace("合计,3,307.80,2,-12.60", "合计,3,307.80,3,-12.60");
    let (files, _) = import("sum.csv", gbk(&wrong));
    assert_eq!(codes(&files[0]), vec![ProblemCode::ControlTotal]);
    // The writer's 汇总 agrees with its own 账务明细.
    let rows = sample_rows();
    let (file, _) = import_clean(
        "sum.csv",
        fund_summary(&rows, &FundOptions::default()),
        "alipay.fund_summary",
    );
    assert!(
        file.control.iter().all(|c| c.holds()),
        "{:#?}",
        file.control
    );
    assert_eq!(
        file.control[1].stated_amount,
        Some(Fen::new(-295 - 965 - 35))
    );
}

/// The general-purpose flags of every local file header in a ZIP, with the entry's raw name.
fn local_headers(zip: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 30 <= zip.len() {
        if zip[i..i + 4] == *b"PK\x03\x04" {
            let flags = u16::from_le_bytes([zip[i + 6], zip[i + 7]]);
            let name_len = usize::from(u16::from_le_bytes([zip[i + 26], zip[i + 27]]));
            found.push((flags, zip[i + 30..i + 30 + name_len].to_vec()));
            i += 30 + name_len;
        } else {
            i += 1;
        }
    }
    found
}

#[test]
fn alipay_zips_give_one_file_per_member() {
    let pid = "20886126836996110156";
    let payments = sample_payments();
    let trade = TradeOptions::default();
    let flows = sample_rows();
    let cases = [
        (
            BillKind::Trade,
            trade_bill(&payments, &trade),
            trade_summary(&payments, &trade),
            ["业务明细(汇总)", "业务明细"],
            ["alipay.trade_summary", "alipay.trade_bill"],
        ),
        (
            BillKind::Fund,
            fund_flow(&flows, &FundOptions::default()),
            fund_summary(&flows, &FundOptions::default()),
            ["账务明细(汇总)", "账务明细"],
            ["alipay.fund_summary", "alipay.fund_flow"],
        ),
    ];
    for (kind, detail, summary, titles, formats) in cases {
        let zip = bill_zip(pid, "20261003", kind, &detail, &summary).unwrap();
        // Real archives: GBK names without the UTF-8 flag (bit 11), the 汇总 member first.
        let headers = local_headers(&zip);
        let names: Vec<Vec<u8>> = titles
            .iter()
            .map(|t| gbk(&format!("{pid}_20261003_{t}.csv")))
            .collect();
        assert_eq!(
            headers,
            vec![(0, names[0].clone()), (0, names[1].clone())],
            "{kind:?}"
        );
        let archive = zip_name(pid, "20261003");
        assert_eq!(archive, "20886126836996110156_20261003.csv.zip");
        let (files, records) = import(&archive, zip);
        let got: Vec<(String, Option<&str>, bool)> = files
            .iter()
            .map(|f| (f.name.clone(), f.format.as_deref(), f.problems.is_empty()))
            .collect();
        let want: Vec<(String, Option<&str>, bool)> = titles
            .iter()
            .zip(formats)
            .map(|(t, f)| (format!("{archive}!{pid}_20261003_{t}.csv"), Some(f), true))
            .collect();
        assert_eq!(got, want);
        assert_eq!(files[1].id, FileId(1));
        let expected = match kind {
            BillKind::Trade => payments.len(),
            BillKind::Fund => flows.len(),
        };
        assert_eq!(records.len(), expected);
        assert!(records.iter().all(|r| r.source().file == FileId(1)));
        assert!(files.iter().all(|f| f.control.iter().all(|c| c.holds())));
    }
}
