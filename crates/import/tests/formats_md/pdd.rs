//! Pinduoduo, formats.md §5: the 货款明细 as a workbook (also seen as xlsx) and re-saved as
//! UTF-8 with a BOM with the `商户订单号或商品订单号` header and no blank line; an order export row
//! whose 订单成交时间 is blank, as in real files. (The §5.1 example and the order export are read
//! byte for byte in crates/samples/tests/pdd.rs.)

use duizhang_core::{FlowKind, OrderStatus};
use duizhang_import::ProblemCode;

use super::{assert_problem, at, bom, clean, crlf, fen, gbk, import, t};

/// The 货款明细 without the blank second line, re-saved as UTF-8 with a BOM, header spelled
/// `商户订单号或商品订单号`, footer with and without `共`.
fn fund_flow_resaved() -> String {
    crlf(&[
        "拼多多店铺账务明细查询",
        "起始时间：2026-10-01 00:00:00  终止时间：2026-10-31 23:59:59",
        "----------交易记录明细列表---------",
        "商户订单号或商品订单号,发生时间,收入金额（+元）,支出金额（-元）,账务类型,备注,业务描述",
        "261003-123456789012345,2026-10-03 23:30:43,61.80,0,交易收入,-,0010002|交易收入-订单收入",
        "261003-123456789012345,2026-10-03 23:30:43,0,-0.37,技术服务费,基础技术服务费,0030002|技术服务费-基础技术服务费",
        "261002-123456789012346,2026-10-03 12:05:10,0,-27.50,交易退款,-,0020002|交易退款-订单退款",
        "261004-123456789012347,2026-10-04 08:00:00,0,-3.00,多多进宝,-,0060001|营销费用-多多进宝",
        "#支出合计：3笔，共-30.87元",
        "#收入合计：1笔61.80元",
        "#总计：4笔30.93元",
        "#导出时间：2026-10-05 09:00:00",
    ])
}

#[test]
fn a_fund_flow_resaved_as_utf8_without_the_blank_line_is_read_and_its_footer_checked() {
    let read = clean("货款明细.csv", bom(&fund_flow_resaved()), "pdd.fund_flow");
    let file = read.file();
    assert_eq!(file.header_line, Some(4));
    assert_eq!(file.control.len(), 3, "{:#?}", file.control);
    assert_eq!(file.meta.complete, Some(true));
    let rows = &read.data.fund_flows;
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].order_no.as_deref(), Some("261003-123456789012345"));
    assert_eq!(rows[0].kind, FlowKind::Income);
    assert_eq!(rows[0].amount, fen(6180));
    assert_eq!(rows[0].occurred_at, t("2026-10-03 23:30:43"));
    assert_eq!(rows[0].source, at(5));
    assert_eq!(rows[1].kind, FlowKind::Fee);
    assert_eq!(rows[1].amount, fen(-37));
    assert_eq!(rows[2].kind, FlowKind::Refund);
    assert_eq!(rows[2].amount, fen(-2750));
    assert_eq!(rows[3].amount, fen(-300));
    assert_ne!(rows[3].kind, FlowKind::Income);
    assert_eq!(rows[3].source, at(8));
}

#[test]
fn the_fund_flow_as_a_workbook_reads_number_cells_and_its_footer() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "拼多多店铺账务明细查询").unwrap();
    ws.write_string(
        2,
        0,
        "起始时间：2026-10-01 00:00:00  终止时间：2026-10-31 23:59:59",
    )
    .unwrap();
    ws.write_string(3, 0, "----------交易记录明细列表---------")
        .unwrap();
    for (c, h) in "商户订单号,发生时间,收入金额（+元）,支出金额（-元）,账务类型,备注,业务描述"
        .split(',')
        .enumerate()
    {
        ws.write_string(4, u16::try_from(c).unwrap(), h).unwrap();
    }
    let rows: [(&str, &str, f64, f64, &str, &str, &str); 2] = [
        (
            "261003-123456789012345",
            "2026-10-03 23:30:43",
            61.8,
            0.0,
            "交易收入",
            "-",
            "0010002|交易收入-订单收入",
        ),
        (
            "261003-123456789012345",
            "2026-10-03 23:30:43",
            0.0,
            -0.37,
            "技术服务费",
            "基础技术服务费",
            "0030002|技术服务费-基础技术服务费",
        ),
    ];
    for (i, (order, time, income, expense, kind, memo, desc)) in rows.iter().enumerate() {
        let r = u32::try_from(5 + i).unwrap();
        ws.write_string(r, 0, *order).unwrap();
        ws.write_string(r, 1, *time).unwrap();
        ws.write_number(r, 2, *income).unwrap();
        ws.write_number(r, 3, *expense).unwrap();
        ws.write_string(r, 4, *kind).unwrap();
        ws.write_string(r, 5, *memo).unwrap();
        ws.write_string(r, 6, *desc).unwrap();
    }
    ws.write_string(7, 0, "#支出合计：1笔-0.37元").unwrap();
    ws.write_string(8, 0, "#收入合计：1笔61.80元").unwrap();
    ws.write_string(9, 0, "#总计：2笔61.43元").unwrap();
    ws.write_string(10, 0, "#导出时间：2026-10-04 09:00:00")
        .unwrap();
    let read = clean(
        "货款明细.xlsx",
        book.save_to_buffer().unwrap(),
        "pdd.fund_flow",
    );
    assert_eq!(read.file().header_line, Some(5));
    assert_eq!(read.file().control.len(), 3);
    let rows = &read.data.fund_flows;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].amount, fen(6180));
    assert_eq!(rows[0].source, at(6));
    assert_eq!(rows[1].amount, fen(-37));
    assert_eq!(rows[1].kind, FlowKind::Fee);
}

#[test]
fn a_fund_flow_row_with_both_sides_blank_is_refused_not_read_as_zero() {
    let text = fund_flow_resaved().replacen(",0,-3.00,多多进宝", ",,,多多进宝", 1);
    let read = import("货款明细.csv", bom(&text));
    assert_eq!(read.data.fund_flows.len(), 3);
    let p = read
        .problems()
        .into_iter()
        .find(|p| p.code == ProblemCode::MissingValue)
        .unwrap();
    assert_problem(p, ProblemCode::MissingValue, 8, "收入金额（+元）", "为空");
}

const ORDER_HEADER: &str = "商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,确认收货时间,商品id,商品规格,样式ID,商家编码-规格维度,商家编码-商品维度,商家备注,售后状态,快递单号,快递公司,订单成交时间";

#[test]
fn an_order_whose_deal_time_is_blank_is_read_without_inventing_one() {
    // §5.2: 订单成交时间 can be blank in real files. 69.00 − 5.00 − 2.00 − 0.20 = 61.80 paid.
    let text = crlf(&[
        ORDER_HEADER,
        "纯棉T恤 白色 L,261003-123456789012345,待发货,69.00,0.00,5.00,2.00,0.20,61.80,66.80,1,,,6123456789,白色 L,3123456789,TS-WHITE-L,TS,,无售后或售后取消,,,",
    ]);
    let read = clean("订单.csv", gbk(&text), "pdd.orders");
    let o = &read.data.orders[0];
    assert_eq!(o.order_no, "261003-123456789012345");
    assert_eq!(o.status, OrderStatus::Paid);
    assert_eq!(o.paid, Some(fen(6180)));
    assert_eq!(o.created_at, None);
    assert_eq!(o.paid_at, None);
    assert_eq!(o.shipped_at, None);
    assert_eq!(o.source, at(2));
}
