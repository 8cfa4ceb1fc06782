//! Pinduoduo exports: real shapes in, exact records out.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{
    BeijingTime, Fen, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, OrderStatus, Platform,
};
use duizhang_import::{ProblemCode, Severity};
use duizhang_samples::bytes::Encoding;
use duizhang_samples::write::pdd::{Container, FundOptions, fund_flow, orders};
use support::{at, bom, controls, gbk, import, import_clean, only_problem, problem_with};

/// formats.md §5.1's invented example, every line as printed there.
const FUND_EXAMPLE: &str = "拼多多店铺账务明细查询\n\n起始时间：2026-10-01 00:00:00  终止时间：2026-10-31 23:59:59\n----------交易记录明细列表---------\n商户订单号,发生时间,收入金额（+元）,支出金额（-元）,账务类型,备注,业务描述\n261003-123456789012345,2026-10-03 23:30:43,61.80,0,交易收入,-,0010002|交易收入-订单收入\n261003-123456789012345,2026-10-03 23:30:43,0,-0.37,技术服务费,基础技术服务费,0030002|技术服务费-基础技术服务费\n261002-123456789012346,2026-10-03 12:05:10,0,-27.50,交易退款,-,0020002|交易退款-订单退款\n#支出合计：2笔-27.87元\n#收入合计：1笔61.80元\n#总计：3笔33.93元\n#导出时间：2026-10-04 09:00:00\n";

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

fn t(d: i8, h: i8, m: i8, s: i8) -> BeijingTime {
    BeijingTime::new(2026, 10, d, h, m, s).unwrap()
}

fn example_options() -> FundOptions {
    FundOptions {
        exported_at: BeijingTime::new(2026, 10, 4, 9, 0, 0).unwrap(),
        ..FundOptions::default()
    }
}

#[test]
fn reads_the_formats_md_fund_flow_example_exactly() {
    let (file, data) = import_clean("货款明细.csv", gbk(&crlf(FUND_EXAMPLE)), "pdd.fund_flow");
    assert_eq!(file.header_line, Some(5));
    assert_eq!(file.meta.period_from, Some(t(1, 0, 0, 0)));
    assert_eq!(file.meta.period_to, Some(t(31, 23, 59, 59)));
    assert_eq!(file.meta.complete, Some(true));
    // Hand-checked: 支出 -0.37 + -27.50 = -27.87 in 2 rows, 收入 61.80 in 1, 总计 33.93 in 3.
    assert_eq!(
        controls(&file),
        vec![
            (
                "支出合计",
                Some(2),
                Some(Fen::new(-2787)),
                2,
                Fen::new(-2787)
            ),
            ("收入合计", Some(1), Some(Fen::new(6180)), 1, Fen::new(6180)),
            ("总计", Some(3), Some(Fen::new(3393)), 3, Fen::new(3393)),
        ]
    );
    let rows = &data.fund_flows;
    assert_eq!(rows.len(), 3);
    let got: Vec<(&str, FlowKind, Fen, Option<&str>, u32)> = rows
        .iter()
        .map(|r| {
            (
                r.kind_text.as_str(),
                r.kind,
                r.amount,
                r.order_no.as_deref(),
                r.source.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "交易收入",
                FlowKind::Income,
                Fen::new(6180),
                Some("261003-123456789012345"),
                6
            ),
            (
                "技术服务费",
                FlowKind::Fee,
                Fen::new(-37),
                Some("261003-123456789012345"),
                7
            ),
            (
                "交易退款",
                FlowKind::Refund,
                Fen::new(-2750),
                Some("261002-123456789012346"),
                8
            ),
        ]
    );
    assert!(rows.iter().all(|r| r.provider == FundProvider::Pdd));
    assert_eq!(
        rows[0].txn_no,
        "261003-123456789012345#0010002#20261003233043#1"
    );
    assert_eq!(
        rows[1].txn_no,
        "261003-123456789012345#0030002#20261003233043#1"
    );
    assert_eq!(rows[2].occurred_at, t(3, 12, 5, 10));
    // 备注 `-` is empty: the memo is the 业务描述 alone; otherwise both, joined.
    assert_eq!(rows[0].memo.as_deref(), Some("0010002|交易收入-订单收入"));
    assert_eq!(
        rows[1].memo.as_deref(),
        Some("基础技术服务费；0030002|技术服务费-基础技术服务费")
    );
}

#[test]
fn the_writer_renders_the_formats_md_example_byte_for_byte() {
    let (_, data) = import_clean("a.csv", gbk(FUND_EXAMPLE), "pdd.fund_flow");
    let bytes = fund_flow(
        &data.fund_flows,
        &FundOptions {
            crlf: false,
            ..example_options()
        },
    );
    assert_eq!(bytes, gbk(FUND_EXAMPLE));
}

#[test]
fn preamble_header_and_encoding_variants_read_the_same() {
    let no_blank = FUND_EXAMPLE.replacen("查询\n\n", "查询\n", 1);
    let long_header = FUND_EXAMPLE.replace("商户订单号,", "商户订单号或商品订单号,");
    for (name, bytes, header_line) in [
        ("no blank line", gbk(&no_blank), 4),
        ("商户订单号或商品订单号", gbk(&long_header), 5),
        ("UTF-8 BOM", bom(FUND_EXAMPLE), 5),
        ("GBK CRLF", gbk(&crlf(FUND_EXAMPLE)), 5),
    ] {
        let (file, data) = import_clean("a.csv", bytes, "pdd.fund_flow");
        assert_eq!(file.header_line, Some(header_line), "{name}");
        assert_eq!(file.control.len(), 3, "{name}");
        assert!(file.control.iter().all(|c| c.holds()), "{name}");
        let amounts: Vec<Fen> = data.fund_flows.iter().map(|r| r.amount).collect();
        assert_eq!(
            amounts,
            vec![Fen::new(6180), Fen::new(-37), Fen::new(-2750)],
            "{name}"
        );
        assert_eq!(file.meta.period_to, Some(t(31, 23, 59, 59)), "{name}");
    }
}

#[test]
fn every_footer_spelling_is_read() {
    for (expense, income, total) in [
        (
            "#支出合计：2笔，共-27.87元",
            "#收入合计:1笔，共61.80元",
            "#总计:3笔33.93元",
        ),
        (
            "#支出合计：[2]笔[-27.87]元",
            "#收入合计：[1笔][61.80元]",
            "#总计：共3笔，共33.93元",
        ),
        (
            "#支出合计:2笔-27.87元",
            "#收入合计：1笔61.80元",
            "#总计：3笔33.93元",
        ),
    ] {
        let text = FUND_EXAMPLE
            .replace("#支出合计：2笔-27.87元", expense)
            .replace("#收入合计：1笔61.80元", income)
            .replace("#总计：3笔33.93元", total);
        let (file, _) = import_clean("a.csv", gbk(&text), "pdd.fund_flow");
        let stated: Vec<(Option<u64>, Option<Fen>)> = file
            .control
            .iter()
            .map(|c| (c.stated_count, c.stated_amount))
            .collect();
        assert_eq!(
            stated,
            vec![
                (Some(2), Some(Fen::new(-2787))),
                (Some(1), Some(Fen::new(6180))),
                (Some(3), Some(Fen::new(3393)))
            ],
            "{expense} {income} {total}"
        );
    }
}

#[test]
fn zero_amount_rows_count_on_the_side_of_their_type() {
    // A fee-free 技术服务费 (0 on both sides) is counted as 支出; a 0 交易收入 as 收入.
    let text = FUND_EXAMPLE
        .replace(
            "#支出合计：2笔-27.87元\n#收入合计：1笔61.80元\n#总计：3笔33.93元",
            "#支出合计：3笔-27.87元\n#收入合计：2笔61.80元\n#总计：5笔33.93元",
        )
        .replace(
            "#支出合计",
            "261004-123456789012347,2026-10-04 08:00:00,0,0,技术服务费,-,0030002|技术服务费-基础技术服务费\n261004-123456789012347,2026-10-04 08:00:00,0,0,交易收入,-,0010002|交易收入-订单收入\n#支出合计",
        );
    let (file, data) = import_clean("a.csv", gbk(&text), "pdd.fund_flow");
    assert_eq!(data.fund_flows.len(), 5);
    assert_eq!(data.fund_flows[3].amount, Fen::ZERO);
    assert_eq!(data.fund_flows[3].kind, FlowKind::Fee);
    let counted: Vec<u64> = file.control.iter().map(|c| c.counted).collect();
    assert_eq!(counted, vec![3, 2, 5]);
}

#[test]
fn identical_rows_get_distinct_stable_ids() {
    // A double charge: the same fee twice at the same second is two rows, numbered #1 and #2,
    // and importing the file again gives the same ids.
    let fee = "261003-123456789012345,2026-10-03 23:30:43,0,-0.37,技术服务费,基础技术服务费,0030002|技术服务费-基础技术服务费\n";
    let text = FUND_EXAMPLE
        .replacen(fee, &format!("{fee}{fee}"), 1)
        .replace("2笔-27.87元", "3笔-28.24元")
        .replace("3笔33.93元", "4笔33.56元");
    let ids = || {
        let (_, data) = import_clean("a.csv", gbk(&text), "pdd.fund_flow");
        data.fund_flows
            .iter()
            .map(|r| r.txn_no.to_string())
            .collect::<Vec<_>>()
    };
    let first = ids();
    assert_eq!(first[1], "261003-123456789012345#0030002#20261003233043#1");
    assert_eq!(first[2], "261003-123456789012345#0030002#20261003233043#2");
    assert_eq!(first, ids());
}

#[test]
fn a_wrong_footer_total_is_an_error_of_the_file() {
    let text = FUND_EXAMPLE.replace("#总计：3笔33.93元", "#总计：4笔33.93元");
    let (files, records) = import("a.csv", gbk(&text));
    assert_eq!(records.len(), 3);
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::ControlTotal);
    assert_eq!(p.line, Some(11));
    assert!(p.message.contains("声明 4 笔，实际 3 笔"), "{}", p.message);
}

#[test]
fn a_bad_amount_names_line_and_column() {
    let text = FUND_EXAMPLE.replace("-27.50", "-27.5O");
    let (files, records) = import("a.csv", gbk(&text));
    assert_eq!(records.len(), 2, "the bad row is not read as anything");
    let p = problem_with(&files[0], ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(8), Some(4)));
    assert_eq!(p.column_name.as_deref(), Some("支出金额（-元）"));
    // The footer no longer agrees with what was read: that is reported too.
    assert!(
        files[0]
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::ControlTotal)
    );
}

#[test]
fn a_bad_time_names_line_and_column() {
    let text = FUND_EXAMPLE.replace("2026-10-03 12:05:10", "2026-13-03 12:05:10");
    let (files, _) = import("a.csv", gbk(&text));
    let p = problem_with(&files[0], ProblemCode::BadTime);
    assert_eq!((p.line, p.column), (Some(8), Some(2)));
}

#[test]
fn a_file_without_its_footer_is_truncated() {
    let cut = FUND_EXAMPLE.split("#支出合计").next().unwrap();
    let (files, records) = import("a.csv", gbk(cut));
    assert_eq!(records.len(), 3);
    assert_eq!(files[0].meta.complete, Some(false));
    let codes: Vec<ProblemCode> = files[0].problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, vec![ProblemCode::Truncated]);
}

#[test]
fn a_file_missing_a_required_column_is_not_taken_for_a_fund_flow() {
    let text = FUND_EXAMPLE.replace(",账务类型,", ",类型,");
    let (files, records) = import("a.csv", gbk(&text));
    assert!(records.is_empty());
    assert_eq!(files[0].format, None);
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::UnknownFormat);
    assert!(
        p.message
            .contains("拼多多货款明细（4/5 列相符，缺少：账务类型）"),
        "{}",
        p.message
    );
}

fn sample_flows() -> Vec<FundFlowRow> {
    let row =
        |order: Option<&str>, kind: FlowKind, text: &str, amount: i64, memo: &str, h| FundFlowRow {
            provider: FundProvider::Pdd,
            account: None,
            txn_no: "".into(),
            business_no: None,
            order_no: order.map(Into::into),
            merchant_ref: order.map(Into::into),
            refund_no: None,
            kind,
            kind_text: text.into(),
            amount: Fen::new(amount),
            balance: None,
            occurred_at: t(5, h, 10, 0),
            counterparty: None,
            memo: Some(memo.into()),
            refund_total: None,
            source: at(0),
        };
    let o1 = Some("261005-100000000000001");
    vec![
        row(
            o1,
            FlowKind::Income,
            "交易收入",
            12900,
            "0010002|交易收入-订单收入",
            9,
        ),
        row(
            o1,
            FlowKind::Fee,
            "技术服务费",
            -77,
            "基础技术服务费；0030002|技术服务费-基础技术服务费",
            9,
        ),
        row(
            o1,
            FlowKind::Commission,
            "多多进宝",
            -645,
            "0060001|营销费用-多多进宝",
            10,
        ),
        row(
            o1,
            FlowKind::Refund,
            "交易退款",
            -3000,
            "部分退款, 尺码不符；0020002|交易退款-订单退款",
            11,
        ),
        row(
            None,
            FlowKind::Withdrawal,
            "提现",
            -50000,
            "提现至银行卡",
            12,
        ),
        row(
            None,
            FlowKind::Transfer,
            "保证金",
            -100000,
            "店铺保证金",
            13,
        ),
        row(
            o1,
            FlowKind::Other,
            "其他支出",
            -500,
            "0140028|其他支出-合作费追回",
            14,
        ),
        row(
            o1,
            FlowKind::Fee,
            "技术服务费",
            0,
            "0030002|技术服务费-基础技术服务费",
            15,
        ),
    ]
}

#[test]
fn every_variant_round_trips_through_the_writer() {
    let want = sample_flows();
    for (blank_line, long_order_header, encoding, crlf, container) in [
        (true, false, Encoding::Gbk, true, Container::Csv),
        (false, true, Encoding::Gbk, false, Container::Csv),
        (true, false, Encoding::Utf8Bom, true, Container::Csv),
        (true, false, Encoding::Gbk, true, Container::Xlsx),
    ] {
        let o = FundOptions {
            blank_line,
            long_order_header,
            encoding,
            crlf,
            container,
            ..FundOptions::default()
        };
        let name = if container == Container::Xlsx {
            "a.xlsx"
        } else {
            "a.csv"
        };
        let (file, data) = import_clean(name, fund_flow(&want, &o), "pdd.fund_flow");
        assert_eq!(file.control.len(), 3, "{o:?}");
        assert!(file.control.iter().all(|c| c.holds()), "{o:?}");
        assert_eq!(file.meta.period_from, Some(o.from));
        let first_line = if blank_line { 6 } else { 5 };
        assert_eq!(data.fund_flows.len(), want.len());
        for (i, (got, want)) in data.fund_flows.iter().zip(&want).enumerate() {
            let expected = FundFlowRow {
                txn_no: got.txn_no.clone(),
                source: at(first_line + u32::try_from(i).unwrap()),
                ..want.clone()
            };
            assert_eq!(got, &expected, "{o:?}");
        }
        assert_eq!(
            data.fund_flows[4].txn_no, "-#提现#20261005121000#1",
            "a row without order keeps a stable id"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Order export

const ORDER_HEADER: &str = "商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,确认收货时间,商品id,商品规格,样式ID,商家编码-规格维度,商家编码-商品维度,商家备注,售后状态,快递单号,快递公司,订单成交时间";

fn order_file(rows: &[&str]) -> Vec<u8> {
    let mut text = format!("{ORDER_HEADER}\r\n");
    for r in rows {
        text.push_str(r);
        text.push_str("\r\n");
    }
    gbk(&text)
}

const FINISHED_ROW: &str = "纯棉T恤 白色 L,261003-123456789012345,已收货,69.00,0.00,5.00,2.00,0.20,61.80,66.80,1,2026-10-03 18:00:00,2026-10-08 10:11:12,6123456789,白色 L,3123456789,TS-WHITE-L,TS,,无售后或售后取消,YT1234567890,圆通快递,2026-10-03 09:12:33";

#[test]
fn the_postage_in_the_paid_amount_stays_with_the_order_not_the_line() {
    // formats.md §5.4: 用户实付金额 = goods − discounts + 邮费. Hand-checked: 69.00 + 8.00 − 5.00 − 2.20
    // = 69.80 paid by the buyer; the line's goods money is 69.80 − 8.00 = 61.80.
    let row = FINISHED_ROW.replacen(
        ",69.00,0.00,5.00,2.00,0.20,61.80,66.80,",
        ",69.00,8.00,5.00,2.00,0.20,69.80,74.80,",
        1,
    );
    let (_, data) = import_clean("orders.csv", order_file(&[&row]), "pdd.orders");
    let o = &data.orders[0];
    assert_eq!(o.paid, Some(Fen::new(6980)));
    assert_eq!(o.postage, Some(Fen::new(800)));
    assert_eq!(o.lines[0].paid, Some(Fen::new(6180)));
    assert_eq!(o.lines[0].goods, Some(Fen::new(6900)));
    assert_eq!(o.lines[0].discount, Some(Fen::new(720)));
}

#[test]
fn reads_an_order_row_with_every_amount() {
    let (file, data) = import_clean("orders.csv", order_file(&[FINISHED_ROW]), "pdd.orders");
    assert_eq!(file.header_line, Some(1));
    let o = &data.orders[0];
    // Hand-checked: 69.00 + 0.00 − 5.00 − (2.00 + 0.20) = 61.80 paid.
    assert_eq!(o.platform, Platform::Pdd);
    assert_eq!(o.order_no, "261003-123456789012345");
    assert_eq!(o.status, OrderStatus::Finished);
    assert_eq!(o.goods, Some(Fen::new(6900)));
    assert_eq!(o.postage, Some(Fen::new(0)));
    assert_eq!(o.seller_discount, Some(Fen::new(500)));
    assert_eq!(o.platform_discount, Some(Fen::new(220)));
    assert_eq!(o.other_discount, None);
    assert_eq!(o.paid, Some(Fen::new(6180)));
    assert_eq!(o.seller_receivable, Some(Fen::new(6680)));
    assert_eq!(o.paid_at, Some(t(3, 9, 12, 33)));
    assert_eq!(o.shipped_at, Some(t(3, 18, 0, 0)));
    assert_eq!(o.finished_at, Some(t(8, 10, 11, 12)));
    assert_eq!(o.lines.len(), 1);
    let l = &o.lines[0];
    assert_eq!(l.sku.as_deref(), Some("TS-WHITE-L"));
    assert_eq!(l.quantity, 1);
    assert_eq!(l.discount, Some(Fen::new(720)));
    assert_eq!(l.paid, Some(Fen::new(6180)));
    assert_eq!(l.source.line, 2);
}

#[test]
fn order_statuses_and_the_goods_level_sku_fallback() {
    let rows = [
        FINISHED_ROW
            .replace(",已收货,", ",待发货,")
            .replace(",TS-WHITE-L,TS,", ",,TS,"),
        FINISHED_ROW
            .replace(",已收货,", ",\"已发货，待收货\",")
            .replace("261003-", "261004-"),
        FINISHED_ROW
            .replace(",已收货,", ",已取消,")
            .replace("261003-", "261005-"),
        FINISHED_ROW
            .replace(",已收货,", ",已取消,")
            .replace("无售后或售后取消", "退款成功")
            .replace("261003-", "261006-"),
        FINISHED_ROW
            .replace(",已收货,", ",已签收,")
            .replace("261003-", "261007-"),
        // 订单成交时间 is blank in some real files.
        FINISHED_ROW
            .replace(",2026-10-03 09:12:33", ",")
            .replace("261003-", "261008-"),
    ];
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let (_, data) = import_clean("orders.csv", order_file(&refs), "pdd.orders");
    let statuses: Vec<OrderStatus> = data.orders.iter().map(|o| o.status).collect();
    assert_eq!(
        statuses,
        vec![
            OrderStatus::Paid,
            OrderStatus::Shipped,
            OrderStatus::Cancelled,
            OrderStatus::Refunded,
            OrderStatus::Finished,
            OrderStatus::Finished,
        ]
    );
    assert_eq!(data.orders[0].lines[0].sku.as_deref(), Some("TS"));
    assert_eq!(data.orders[1].status_text, "已发货，待收货");
    assert_eq!(data.orders[5].paid_at, None);
}

#[test]
fn an_unknown_status_is_read_with_a_warning() {
    let row = FINISHED_ROW.replace(",已收货,", ",拼团中,");
    let (files, records) = import("orders.csv", order_file(&[&row]));
    assert_eq!(records.len(), 1);
    let p = only_problem(&files[0]);
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!((p.line, p.column), (Some(2), Some(3)));
    assert!(p.message.contains("拼团中"));
    match &records[0] {
        duizhang_core::Record::Order(o) => assert_eq!(o.status, OrderStatus::Unknown),
        other => panic!("{other:?}"),
    }
}

#[test]
fn order_errors_name_line_and_column() {
    let bad_amount = FINISHED_ROW.replace(",5.00,", ",5.0.0,");
    let (files, records) = import("orders.csv", order_file(&[FINISHED_ROW, &bad_amount]));
    assert_eq!(records.len(), 1, "the bad row is not read as anything");
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(3), Some(6)));
    assert_eq!(p.column_name.as_deref(), Some("店铺优惠折扣(元)"));

    let bad_quantity = FINISHED_ROW.replace(",66.80,1,", ",66.80,一,");
    let (files, _) = import("orders.csv", order_file(&[&bad_quantity]));
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadValue);
    assert_eq!((p.line, p.column), (Some(2), Some(11)));

    let header_without_paid = ORDER_HEADER.replace("用户实付金额(元)", "实付");
    let (files, _) = import(
        "orders.csv",
        gbk(&format!("{header_without_paid}\r\n{FINISHED_ROW}\r\n")),
    );
    assert_eq!(files[0].format, None);
    assert!(
        files[0].problems[0]
            .message
            .contains("缺少：用户实付金额(元)")
    );
}

#[test]
fn orders_round_trip_through_the_writer() {
    let order = |no: &str, status: OrderStatus, text: &str, goods: i64, sd: i64, pd: i64| {
        let paid = goods + 600 - sd - pd;
        Order {
            platform: Platform::Pdd,
            shop: None,
            order_no: no.into(),
            status,
            status_text: text.into(),
            created_at: None,
            paid_at: Some(t(3, 9, 0, 0)),
            shipped_at: Some(t(3, 19, 0, 0)),
            finished_at: (status == OrderStatus::Finished).then(|| t(9, 8, 0, 0)),
            goods: Some(Fen::new(goods)),
            postage: Some(Fen::new(600)),
            seller_discount: Some(Fen::new(sd)),
            platform_discount: Some(Fen::new(pd)),
            other_discount: None,
            paid: Some(Fen::new(paid)),
            seller_receivable: Some(Fen::new(paid + pd)),
            refunded: None,
            payment_no: None,
            lines: vec![OrderLine {
                sub_order_no: None,
                sku: Some("CUP-500".into()),
                title: Some("保温杯 500ml, 蓝色".into()),
                quantity: 2,
                unit_price: None,
                goods: Some(Fen::new(goods)),
                discount: Some(Fen::new(sd + pd)),
                // The line's goods money: the order's paid less its 邮费.
                paid: Some(Fen::new(paid - 600)),
                source: at(0),
            }],
            source: at(0),
        }
    };
    let want = vec![
        order(
            "261003-100000000000001",
            OrderStatus::Finished,
            "已收货",
            17600,
            1000,
            300,
        ),
        order(
            "261003-100000000000002",
            OrderStatus::Shipped,
            "已发货，待收货",
            8800,
            0,
            0,
        ),
        order(
            "261003-100000000000003",
            OrderStatus::Refunded,
            "已取消",
            8800,
            500,
            0,
        ),
    ];
    for encoding in [Encoding::Gbk, Encoding::Utf8Bom] {
        let (_, data) = import_clean("o.csv", orders(&want, encoding, true), "pdd.orders");
        assert_eq!(data.orders.len(), want.len());
        for (i, (got, want)) in data.orders.iter().zip(&want).enumerate() {
            let line = at(2 + u32::try_from(i).unwrap());
            let mut expected = want.clone();
            expected.source = line;
            expected.lines[0].source = line;
            assert_eq!(got, &expected);
        }
    }
}

/// An order whose rows are split by another order's cannot be summed safely: its later row
/// is reported (line named), never merged into half an order or dropped silently.
#[test]
fn rows_of_one_order_that_are_not_adjacent_are_an_error() {
    let header = "商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,确认收货时间,商品id,商品规格,样式ID,商家编码-规格维度,商家编码-商品维度,商家备注,售后状态,快递单号,快递公司,订单成交时间";
    let row = |order: &str, sku: &str| {
        format!(
            "保温杯 500ml,{order},已收货,29.90,0.00,0.00,0.00,0.00,29.90,29.90,1,2026-10-02 10:00:00,2026-10-05 10:00:00,100001,500ml,1,{sku},{sku},,无售后或售后取消,YT0001,圆通快递,2026-10-01 09:00:00"
        )
    };
    let text = [
        header.to_string(),
        row("261001-000000000000001", "A1"),
        row("261001-000000000000002", "B1"),
        row("261001-000000000000001", "A2"),
    ]
    .join("\r\n")
        + "\r\n";
    let (files, records) = support::import("拼多多订单.csv", support::gbk(&text));
    assert_eq!(records.len(), 2, "the two first orders are read");
    let p = &files[0].problems;
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].line, Some(4));
    assert!(
        p[0].message
            .contains("261001-000000000000001 的明细行不相邻"),
        "{}",
        p[0].message
    );
}
