//! Alipay bills: real shapes in, exact records out.

mod support;

use duizhang_core::{BeijingTime, Fen, FileId, FlowKind, FundFlowRow, FundProvider, SourceRef};
use duizhang_import::ProblemCode;
use duizhang_samples::write::alipay::{FundLayout, FundOptions, fund_flow};
use support::{gbk, import, import_clean};

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
    assert_eq!(rows[0].amount, Fen(5900));
    assert_eq!(rows[0].balance, Some(Fen(105900)));
    assert_eq!(
        rows[0].source,
        SourceRef {
            file: FileId(0),
            line: 6
        }
    );
    assert_eq!(rows[1].kind, FlowKind::Commission);
    assert_eq!(rows[1].amount, Fen(-295));
    assert_eq!(rows[2].kind, FlowKind::Refund);
    assert_eq!(rows[2].amount, Fen(-965));
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
    let p = &files[0].problems;
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].code, ProblemCode::ControlTotal);
    assert!(p[0].message.contains("-12.50"), "{}", p[0].message);
}

#[test]
fn a_bad_amount_names_line_and_column() {
    let text = encoding_rs::GBK
        .decode(&formats_md_example())
        .0
        .replace("-9.65", "-9.6.5");
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 2, "the bad row is not read as anything");
    let p = files[0]
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::BadAmount)
        .expect("bad amount reported");
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
        amount: Fen(amount),
        balance: None,
        occurred_at: t(i8::try_from(i % 24).unwrap_or(0)),
        counterparty: Some("*明(138****0000)".into()),
        memo: Some("备注，含逗号".replace('，', " ").into()),
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
