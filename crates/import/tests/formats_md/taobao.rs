//! Taobao/Tmall, formats.md §3: the 退款报表 in its older (A) and newest (C) layouts, today's
//! 订单导出 with one row per 子订单, and the refund API's JSON. (Variant B, the 订单报表 and
//! 宝贝报表 are read from hand-written files in crates/samples/tests/taobao.rs, the trade API's
//! JSON in tests/taobao_api.rs.)

use duizhang_core::{AfterSaleKind, AfterSalePhase, AfterSaleStatus, OrderStatus};
use duizhang_import::ProblemCode;

use super::{assert_missing_column, assert_problem, at, clean, fen, gbk, import, lf, t_opt};

/// A workbook of one sheet whose every cell is text, as 千牛 writes its exports.
pub fn text_workbook(sheet: &str, rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *cell)
                .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn split(line: &str) -> Vec<&str> {
    line.split(',').collect()
}

/// Variant A (≈2016–2019): 退款编号 first, 商家编码, 买家会员名称, no 卖家真实姓名新, ending at
/// 退款原因标签; a GBK CSV. One return finished, one on-sale partial refund still waiting.
fn refunds_variant_a() -> String {
    lf(&[
        "退款编号,订单编号,支付宝交易号,订单付款时间,商家编码,退款完结时间,买家会员名称,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,超时时间,退款状态,货物状态,退货物流信息,发货物流信息,客服介入状态,卖家真实姓名,卖家退货地址,卖家邮编,卖家电话,卖家手机,退货物流单号,退货物流公司,买家退款原因,买家退款说明,买家退货时间,责任方,售中或售后,商家备注,完结时间,部分退款/全部退款,审核操作人,举证超时,是否零秒响应,退款操作人,退款原因标签",
        "201234567890123456,4012345678901234567,2026100122001123450000000001,2026-10-01 09:12:30,TS-WHITE-L,2026-10-04 11:20:05,t**1,59.00,纯棉T恤 白色 L,59.00,手工退款,是,2026-10-02 08:00:00,2026-10-09 08:00:00,退款成功,买家已退货,中通快递:7300000000001,圆通速递:YT0000000000001,不需要客服介入,某某服饰,浙江省杭州市余杭区某路1号,311100,0571-00000000,13800000000,7300000000001,中通快递,7天无理由退换货,尺码偏小,2026-10-02 10:00:00,买家,售后,,2026-10-04 11:20:05,全部退款,店小二A,,否,店小二A,",
        "201234567890123457,4012345678901234568,2026100122001123450000000002,2026-10-01 10:00:00,BW-500,,h**2,88.00,保温杯 500ml,20.00,手工退款,否,2026-10-01 12:00:00,2026-10-03 12:00:00,买家已经申请退款，等待卖家同意,买家未收到货,,,不需要客服介入,某某服饰,,,,,,,协商一致退款,少送赠品,,卖家,售中,,,部分退款,,,否,,",
    ])
}

#[test]
fn refund_report_variant_a_reads_a_finished_return_and_a_waiting_partial_refund() {
    let read = clean("退款报表.csv", gbk(&refunds_variant_a()), "taobao.refunds");
    let rows = &read.data.after_sales;
    assert_eq!(rows.len(), 2);
    let done = &rows[0];
    assert_eq!(done.order_no, "4012345678901234567");
    assert_eq!(done.refund_no, "201234567890123456");
    assert_eq!(done.kind, AfterSaleKind::ReturnAndRefund);
    assert_eq!(done.phase, Some(AfterSalePhase::AfterSale));
    assert_eq!(done.status, AfterSaleStatus::Completed);
    assert_eq!(done.paid, Some(fen(5900)));
    assert_eq!(done.refunded, fen(5900));
    assert_eq!(done.applied_at, t_opt("2026-10-02 08:00:00"));
    assert_eq!(done.completed_at, t_opt("2026-10-04 11:20:05"));
    assert_eq!(done.source, at(2));
    let waiting = &rows[1];
    assert_eq!(waiting.kind, AfterSaleKind::RefundOnly);
    assert_eq!(waiting.phase, Some(AfterSalePhase::OnSale));
    assert_eq!(waiting.status, AfterSaleStatus::PendingReview);
    assert_eq!(waiting.requested, Some(fen(2000)));
    assert_eq!(
        waiting.refunded,
        fen(0),
        "nothing is refunded before it succeeds"
    );
    assert_eq!(waiting.completed_at, None);
    assert_eq!(waiting.source, at(3));
}

#[test]
fn a_refund_report_row_with_a_broken_refund_amount_names_line_and_column() {
    let text = refunds_variant_a().replace("88.00,保温杯 500ml,20.00", "88.00,保温杯 500ml,20.0O");
    let read = import("退款报表.csv", gbk(&text));
    assert_eq!(read.data.after_sales.len(), 1, "the broken row is not read");
    let p = read.only_problem();
    assert_problem(p, ProblemCode::BadAmount, 3, "买家退款金额", "20.0O");
}

const VARIANT_C_HEADER: &str = "订单编号,退款编号,支付单号,订单付款时间,商品id,商品编码,退款完结时间,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,售后类型,退款的申请时间,超时时间,退款状态,货物状态,退货物流信息,发货物流信息,客服介入状态,卖家真实姓名,卖家真实姓名新,卖家退货地址,卖家邮编,卖家电话,卖家手机,退货物流单号,退货物流公司,买家退款原因,买家退款说明,买家退货时间,责任方,售中或售后,备注标签,商家备注,完结时间,部分退款/全部退款,审核操作人,审核操作人新会员名,举证超时,是否零秒响应,退款操作人,退款操作人新会员名,退款原因标签,业务类型,是否帮他退款,帮他退款操作账号,小额收款,淘特订单,百亿补贴超链退款信息,智能退款策略,执行方案,某个以后新增的列";

/// Variant C (≈2024–2025) as an all-text workbook: 支付单号 instead of 支付宝交易号, 售后类型
/// instead of 是否需要退货, and one column no source lists (it must be ignored).
fn refunds_variant_c() -> Vec<Vec<&'static str>> {
    vec![
        split(VARIANT_C_HEADER),
        split(
            "4012345678901234569,201234567890123458,20261001220011262914,2026-10-01 20:00:00,600000000001,TS-BLACK-M,2026-10-06 09:30:00,30.00,纯棉T恤 黑色 M,30.00,系统退款,退货退款,2026-10-03 09:00:00,2026-10-10 09:00:00,退款成功,买家已退货,中通快递:7300000000002,中通快递:7300000000003,不需要客服介入,某某服饰,某某服饰,浙江省杭州市余杭区某路1号,311100,0571-00000000,13800000000,7300000000002,中通快递,7天无理由退换货,,2026-10-04 10:00:00,买家,售后,,,2026-10-06 09:30:00,全部退款,,,,否,,,7天无理由退换货,普通退款,否,,否,否,,,,随便什么",
        ),
        split(
            "4012345678901234570,201234567890123459,20261002220011262915,2026-10-02 08:00:00,600000000002,BW-350,,39.00,保温杯 350ml,39.00,手工退款,仅退款,2026-10-02 09:00:00,2026-10-04 09:00:00,退款关闭,买家未收到货,,,不需要客服介入,某某服饰,某某服饰,,,,,,,不想要了,,,买家,售中,,,2026-10-02 18:00:00,全部退款,,,,否,,,,普通退款,否,,否,否,,,,",
        ),
    ]
}

#[test]
fn refund_report_variant_c_reads_the_after_sale_type_and_ignores_unknown_columns() {
    let book = text_workbook("退款报表", &refunds_variant_c());
    let read = clean("退款报表.xlsx", book, "taobao.refunds");
    let rows = &read.data.after_sales;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].order_no, "4012345678901234569");
    assert_eq!(rows[0].kind, AfterSaleKind::ReturnAndRefund);
    assert_eq!(rows[0].status, AfterSaleStatus::Completed);
    assert_eq!(rows[0].refunded, fen(3000));
    assert_eq!(rows[0].payment_no.as_deref(), Some("20261001220011262914"));
    assert_eq!(rows[0].completed_at, t_opt("2026-10-06 09:30:00"));
    assert_eq!(rows[0].source, at(2));
    assert_eq!(rows[1].kind, AfterSaleKind::RefundOnly);
    assert_eq!(rows[1].status, AfterSaleStatus::Closed);
    assert_eq!(rows[1].refunded, fen(0), "a closed refund paid nothing");
    assert_eq!(rows[1].source, at(3));
}

#[test]
fn a_refund_report_without_its_refund_amount_column_is_refused_naming_it() {
    let mut rows = refunds_variant_c();
    rows[0][9] = "退款金额说明";
    let read = import("退款报表.xlsx", text_workbook("退款报表", &rows));
    assert!(read.data.after_sales.is_empty());
    assert_missing_column(&read, "买家退款金额");
}

const SUB_ORDER_HEADER: &str = "子订单编号,主订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,联系方式备注,订单状态,商家编码,支付单号,买家应付货款,买家实际支付金额,退款状态,退款金额,订单创建时间,订单付款时间,商品id,分阶段订单信息,备注标签,商家备注,主订单买家留言,发货时间,物流单号,物流公司,是否赔付,延迟发货主动赔付金额,赔付出账时间";

/// Today's 订单导出 (§3.2b) as the real file is: all text, `null` for empty, `无退款申请` where
/// there is no refund. A two-line order whose lines are apart (rows 2 and 4) and a one-line
/// order refunded in full (row 3).
fn sub_orders() -> Vec<Vec<&'static str>> {
    vec![
        split(SUB_ORDER_HEADER),
        split(
            "4012345678901235001,4012345678901235000,羽绒服 黑色 L,199.00,1,null,颜色分类:黑色;尺码:L,null,null,卖家已发货，等待买家确认,DJ-BLACK-L,20261003220011262916,199.00,173.00,没有申请退款,无退款申请,2026-10-03 20:00:00,2026-10-03 20:00:30,600000000003,null,null,null,null,2026-10-04 10:00:00,7300000000010,中通快递,否,null,null",
        ),
        split(
            "4012345678901236000,4012345678901236000,纯棉T恤 白色 L,59.00,1,null,颜色分类:白色;尺码:L,null,null,交易关闭,TS-WHITE-L,20261003220011262917,59.00,59.00,退款成功,59.00,2026-10-03 21:00:00,2026-10-03 21:01:00,600000000001,null,null,null,null,null,null,null,否,null,null",
        ),
        split(
            "4012345678901235002,4012345678901235000,羊毛袜 2双装,29.90,2,null,颜色分类:灰色,null,null,卖家已发货，等待买家确认,WS-GREY,20261003220011262916,59.80,52.00,没有申请退款,无退款申请,2026-10-03 20:00:00,2026-10-03 20:00:30,600000000004,null,null,null,null,2026-10-04 10:00:00,7300000000010,中通快递,否,null,null",
        ),
    ]
}

#[test]
fn todays_order_export_written_by_hand_gives_each_order_its_lines_and_paid_total() {
    let book = text_workbook("ExportOrderList202610", &sub_orders());
    let read = clean("ExportOrderList202610.xlsx", book, "taobao.sub_orders");
    let mut orders = read.data.orders.clone();
    orders.sort_by(|a, b| a.order_no.cmp(&b.order_no));
    assert_eq!(orders.len(), 2);

    let two = &orders[0];
    assert_eq!(two.order_no, "4012345678901235000");
    assert_eq!(two.status, OrderStatus::Shipped);
    // Paid is the sum over the order's rows: 173.00 + 52.00.
    assert_eq!(two.paid, Some(fen(22500)));
    assert_eq!(two.goods, Some(fen(19900 + 5980)));
    assert_eq!(two.refunded, Some(fen(0)));
    assert_eq!(two.payment_no.as_deref(), Some("20261003220011262916"));
    assert_eq!(two.paid_at, t_opt("2026-10-03 20:00:30"));
    assert_eq!(two.lines.len(), 2);
    let mut lines = two.lines.clone();
    lines.sort_by(|a, b| a.sub_order_no.cmp(&b.sub_order_no));
    assert_eq!(
        lines[0].sub_order_no.as_deref(),
        Some("4012345678901235001")
    );
    assert_eq!(lines[0].unit_price, Some(fen(19900)));
    assert_eq!(lines[0].quantity, 1);
    assert_eq!(lines[0].paid, Some(fen(17300)));
    assert_eq!(lines[0].source, at(2));
    assert_eq!(
        lines[1].sub_order_no.as_deref(),
        Some("4012345678901235002")
    );
    assert_eq!(lines[1].unit_price, Some(fen(2990)));
    assert_eq!(lines[1].quantity, 2);
    assert_eq!(lines[1].goods, Some(fen(5980)));
    assert_eq!(lines[1].paid, Some(fen(5200)));
    assert_eq!(lines[1].source, at(4));

    let one = &orders[1];
    assert_eq!(one.order_no, "4012345678901236000");
    assert_eq!(one.paid, Some(fen(5900)));
    assert_eq!(one.refunded, Some(fen(5900)));
    assert_ne!(one.status, OrderStatus::Unknown);
    assert_eq!(one.shipped_at, None, "`null` is empty, not a time");
    assert_eq!(one.source, at(3));
}

#[test]
fn a_sub_order_row_with_a_broken_paid_amount_names_its_row_and_column() {
    let mut rows = sub_orders();
    rows[3][13] = "52.0.0";
    let read = import("订单.xlsx", text_workbook("订单", &rows));
    let p = read
        .problems()
        .into_iter()
        .find(|p| p.code == ProblemCode::BadAmount)
        .unwrap();
    assert_problem(p, ProblemCode::BadAmount, 4, "买家实际支付金额", "52.0.0");
    // The order keeps only its readable line (row 2); the broken one is not read as zero.
    let order = read
        .data
        .orders
        .iter()
        .find(|o| o.order_no == "4012345678901235000")
        .unwrap();
    assert_eq!(order.lines.len(), 1);
    assert_eq!(order.lines[0].source, at(2));
    assert_eq!(order.paid, Some(fen(17300)));
}

/// §3.3's `taobao.refunds.receive.get` response: not a format the program reads. It must be
/// refused with its keys named, never skipped as if it held nothing.
#[test]
fn the_refund_api_json_is_refused_naming_what_it_holds() {
    let json = r#"{"refunds_receive_get_response":{"total_results":1,"refunds":{"refund":[{"refund_id":"201234567890123456","tid":4012345678901234567,"oid":4012345678901234567,"title":"纯棉T恤 白色 L","buyer_nick":"t**1","seller_nick":"某某服饰旗舰店","total_fee":"59.00","refund_fee":"59.00","payment":"0.00","status":"SUCCESS","good_status":"BUYER_RETURNED_GOODS","has_good_return":true,"refund_phase":"aftersale","order_status":"TRADE_CLOSED","reason":"7天无理由退换货","desc":"尺码偏小","company_name":"中通快递","sid":"7300000000001","created":"2026-10-02 08:00:00","modified":"2026-10-04 11:20:05","num":1}]},"request_id":"abc123"}}"#;
    let read = import("refunds.json", json.as_bytes().to_vec());
    assert!(read.data.after_sales.is_empty());
    let p = read.only_problem();
    assert!(p.is_error());
    assert_eq!(p.code, ProblemCode::UnknownFormat);
    assert!(
        p.message.contains("refunds_receive_get_response"),
        "{}",
        p.message
    );
}
