//! Taobao/Tmall exports: 退款报表 (variants A, B, C; CSV and XLSX), 订单报表 and 宝贝报表.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{
    AfterSale, AfterSaleKind, AfterSaleLine, AfterSalePhase, AfterSaleStatus, Fen, FileId, Order,
    OrderLine, OrderStatus, Platform, SourceRef,
};
use duizhang_import::{ProblemCode, Severity};
use duizhang_samples::bytes::Encoding;
use duizhang_samples::write::sheet::Shape;
use duizhang_samples::write::taobao::{
    Guard, OrderOptions, RefundOptions, RefundVariant, order_items, orders, refunds,
};
use support::{at, gbk, import, import_clean, only_problem, t};

/// formats.md §3.1, the Variant B example, byte for byte (LF line ends as printed).
const REFUND_B_EXAMPLE: &str = "订单编号,退款编号,支付宝交易号,订单付款时间,商品编码,退款完结时间,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,超时时间,退款状态,货物状态,退货物流信息,发货物流信息,客服介入状态,卖家真实姓名,卖家真实姓名新,卖家退货地址,卖家邮编,卖家电话,卖家手机,退货物流单号,退货物流公司,买家退款原因,买家退款说明,买家退货时间,责任方,售中或售后,商家备注,完结时间,部分退款/全部退款,审核操作人,举证超时,是否零秒响应,退款操作人,退款原因标签,业务类型,是否帮他退款,帮他退款操作账号\n4012345678901234567,201234567890123456,2026100122001123450000000001,2026-10-01 09:12:30,TS-WHITE-L,2026-10-04 11:20:05,59.00,纯棉T恤 白色 L,59.00,手工退款,是,2026-10-02 08:00:00,2026-10-09 08:00:00,退款成功,买家已退货,中通快递:7300000000001,圆通速递:YT0000000000001,不需要客服介入,某某服饰,某某服饰,浙江省杭州市余杭区某路1号,311100,0571-00000000,13800000000,7300000000001,中通快递,7天无理由退换货,尺码偏小,2026-10-02 10:00:00,买家,售后,,2026-10-04 11:20:05,全部退款,店小二A,,否,店小二A,,,否,\n";

#[test]
fn reads_the_formats_md_refund_example_exactly() {
    for bytes in [gbk(REFUND_B_EXAMPLE), REFUND_B_EXAMPLE.as_bytes().to_vec()] {
        let (file, data) = import_clean("退款报表.csv", bytes, "taobao.refunds");
        assert_eq!(file.variant.as_deref(), Some("B"));
        assert_eq!(file.header_line, Some(1));
        assert_eq!(data.after_sales.len(), 1);
        let want = AfterSale {
            platform: Platform::Taobao,
            shop: None,
            order_no: "4012345678901234567".into(),
            refund_no: "201234567890123456".into(),
            kind: AfterSaleKind::ReturnAndRefund,
            phase: Some(AfterSalePhase::AfterSale),
            status: AfterSaleStatus::Completed,
            status_text: "退款成功".into(),
            paid: Some(Fen::new(5900)),
            requested: Some(Fen::new(5900)),
            refunded: Fen::new(5900),
            applied_at: Some(t("2026-10-02 08:00:00")),
            completed_at: Some(t("2026-10-04 11:20:05")),
            reason: Some("7天无理由退换货".into()),
            payment_no: Some("2026100122001123450000000001".into()),
            lines: vec![AfterSaleLine {
                sku: Some("TS-WHITE-L".into()),
                sub_order_no: None,
                quantity: None,
                refund: None,
                source: at(2),
            }],
            source: at(2),
        };
        assert_eq!(data.after_sales[0], want);
        assert_eq!(
            file.stats.amounts.get("售后单/退款金额"),
            Some(&Fen::new(5900))
        );
    }
}

#[test]
fn a_refund_not_yet_successful_has_refunded_nothing() {
    let text = REFUND_B_EXAMPLE.replace(",退款成功,", ",买家已经申请退款,等待卖家同意,");
    // A half-width comma inside the status would split the cell: real files use "，".
    assert!(import("x.csv", gbk(&text)).0[0].has_errors());
    let text = REFUND_B_EXAMPLE.replace(",退款成功,", ",买家已经申请退款，等待卖家同意,");
    let (_, data) = import_clean("x.csv", gbk(&text), "taobao.refunds");
    let r = &data.after_sales[0];
    assert_eq!(r.status, AfterSaleStatus::PendingReview);
    assert_eq!((r.requested, r.refunded), (Some(Fen::new(5900)), Fen::ZERO));
}

#[test]
fn top_status_codes_are_understood() {
    let text = REFUND_B_EXAMPLE.replace(",退款成功,", ",SELLER_REFUSE_BUYER,");
    let (_, data) = import_clean("x.csv", gbk(&text), "taobao.refunds");
    assert_eq!(data.after_sales[0].status, AfterSaleStatus::Rejected);
    assert_eq!(data.after_sales[0].refunded, Fen::ZERO);
}

#[test]
fn a_bad_refund_amount_names_line_and_column() {
    let text = REFUND_B_EXAMPLE.replace(",59.00,手工退款,", ",59.0O,手工退款,");
    let (files, records) = import("x.csv", gbk(&text));
    assert!(records.is_empty(), "the bad row is not read as anything");
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(2), Some(9)));
    assert_eq!(p.column_name.as_deref(), Some("买家退款金额"));
}

#[test]
fn an_unknown_refund_status_lists_the_known_ones() {
    let text = REFUND_B_EXAMPLE.replace(",退款成功,", ",退款完成,");
    let (files, records) = import("x.csv", gbk(&text));
    assert!(records.is_empty());
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::BadValue);
    assert_eq!((p.line, p.column), (Some(2), Some(14)));
    assert!(p.message.contains("退款完成"), "{}", p.message);
    assert!(p.message.contains("卖家拒绝退款"), "{}", p.message);
    assert!(
        !p.message.contains("SUCCESS"),
        "API codes are not listed: {}",
        p.message
    );
}

#[test]
fn a_bad_time_and_a_bad_yes_no_are_reported() {
    let text = REFUND_B_EXAMPLE.replace("2026-10-02 08:00:00", "2026-13-02 08:00:00");
    let (files, _) = import("x.csv", gbk(&text));
    let p = &files[0].problems[0];
    assert_eq!((p.code, p.column), (ProblemCode::BadTime, Some(12)));
    let text = REFUND_B_EXAMPLE.replace(",手工退款,是,", ",手工退款,要,");
    let (files, _) = import("x.csv", gbk(&text));
    let p = &files[0].problems[0];
    assert_eq!((p.code, p.column), (ProblemCode::BadValue, Some(11)));
}

#[test]
fn a_refund_file_without_a_kind_column_is_rejected() {
    let text = REFUND_B_EXAMPLE.replacen("是否需要退货", "是否退货", 1);
    let (files, records) = import("x.csv", gbk(&text));
    assert!(records.is_empty());
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::MissingColumn);
    assert_eq!(p.line, Some(1));
    assert!(p.message.contains("售后类型"), "{}", p.message);
}

#[test]
fn a_short_row_is_reported_truncated() {
    let cut = &REFUND_B_EXAMPLE[..REFUND_B_EXAMPLE.len() - 60];
    let (files, records) = import("x.csv", gbk(cut));
    assert!(records.is_empty());
    assert_eq!(files[0].problems[0].code, ProblemCode::Truncated);
    assert_eq!(files[0].problems[0].line, Some(2));
}

fn sample_refunds() -> Vec<AfterSale> {
    #[allow(clippy::too_many_arguments)]
    fn refund(
        i: u32,
        status: AfterSaleStatus,
        text: &str,
        kind: AfterSaleKind,
        phase: Option<AfterSalePhase>,
        paid: i64,
        requested: i64,
        completed: Option<&str>,
    ) -> AfterSale {
        let source = at(1 + i);
        AfterSale {
            platform: Platform::Taobao,
            shop: None,
            order_no: format!("40123456789012345{i:02}").into(),
            refund_no: format!("2012345678901234{i:02}").into(),
            kind,
            phase,
            status,
            status_text: text.into(),
            paid: Some(Fen::new(paid)),
            requested: Some(Fen::new(requested)),
            refunded: if status == AfterSaleStatus::Completed {
                Fen::new(requested)
            } else {
                Fen::ZERO
            },
            applied_at: Some(t(&format!("2026-10-{:02} 08:00:00", i + 1))),
            completed_at: completed.map(t),
            reason: Some("7天无理由退换货".into()),
            payment_no: Some(format!("20261001220011234500000000{i:02}").into()),
            lines: vec![AfterSaleLine {
                sku: Some(format!("TS-WHITE-{i}").into()),
                sub_order_no: None,
                quantity: None,
                refund: None,
                source,
            }],
            source,
        }
    }
    use AfterSaleKind::{RefundOnly, ReturnAndRefund};
    use AfterSalePhase::{AfterSale as After, OnSale};
    use AfterSaleStatus::*;
    vec![
        refund(
            1,
            Completed,
            "退款成功",
            ReturnAndRefund,
            Some(After),
            5900,
            5900,
            Some("2026-10-04 11:20:05"),
        ),
        refund(
            2,
            PendingReview,
            "买家已经申请退款，等待卖家同意",
            RefundOnly,
            Some(OnSale),
            12990,
            3000,
            None,
        ),
        refund(
            3,
            Closed,
            "退款关闭",
            RefundOnly,
            Some(After),
            8800,
            8800,
            Some("2026-10-06 10:00:00"),
        ),
        refund(
            4,
            WaitingReturn,
            "卖家已经同意退款，等待买家退货",
            ReturnAndRefund,
            Some(After),
            19900,
            19900,
            None,
        ),
        refund(
            5,
            WaitingReceive,
            "买家已经退货，等待卖家确认收货",
            ReturnAndRefund,
            Some(After),
            4550,
            4550,
            None,
        ),
        refund(
            6,
            Rejected,
            "卖家拒绝退款",
            RefundOnly,
            None,
            1999,
            1000,
            Some("2026-10-09 09:30:00"),
        ),
        refund(
            7,
            Completed,
            "SUCCESS",
            RefundOnly,
            Some(OnSale),
            3300,
            1650,
            Some("2026-10-10 12:00:00"),
        ),
    ]
}

#[test]
fn every_refund_variant_round_trips_as_csv_and_xlsx() {
    let want = sample_refunds();
    for variant in [RefundVariant::A, RefundVariant::B, RefundVariant::C] {
        for shape in [
            Shape::GBK_CSV,
            Shape::Csv {
                encoding: Encoding::Utf8Bom,
                crlf: false,
            },
            Shape::Xlsx,
        ] {
            let bytes = refunds(&want, &RefundOptions { variant, shape }).unwrap();
            let name = if shape == Shape::Xlsx {
                "退款报表.xlsx"
            } else {
                "退款报表.csv"
            };
            let (file, data) = import_clean(name, bytes, "taobao.refunds");
            let label = format!("{variant:?}");
            assert_eq!(file.variant.as_deref(), Some(label.as_str()));
            assert_eq!(data.after_sales, want, "{variant:?} {shape:?}");
            // Hand-checked: only the two 退款成功 rows refunded money, 59.00 + 16.50.
            assert_eq!(
                file.stats.amounts.get("售后单/退款金额"),
                Some(&Fen::new(7550))
            );
        }
    }
}

#[test]
fn variant_c_reads_the_after_sale_type() {
    let mut want = sample_refunds();
    want.truncate(2);
    want[1].kind = AfterSaleKind::Exchange;
    let bytes = refunds(
        &want,
        &RefundOptions {
            variant: RefundVariant::C,
            shape: Shape::Xlsx,
        },
    )
    .unwrap();
    let (_, data) = import_clean("退款报表.xlsx", bytes, "taobao.refunds");
    assert_eq!(data.after_sales[1].kind, AfterSaleKind::Exchange);
    assert_eq!(data.after_sales, want);
}

// ---------------------------------------------------------------------------------------------
// 订单报表 + 宝贝报表

/// A GBK 订单报表 in the classic 40 columns plus the four newer ones; order numbers guarded
/// with `'` and `="…"`. Hand-written, every amount checked by hand below.
fn order_report() -> String {
    let header = "订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址,运送方式,联系电话,联系手机,订单创建时间,订单付款时间,宝贝标题,宝贝种类,物流单号,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易,支付单号,确认收货时间,退款金额,打款商家金额";
    let rows = [
        // Finished: 69.00 goods + 0 postage, paid 59.00 (10.00 discount), nothing refunded.
        "'4012345678901234567,t**1,b***@example.com,69.00,0.00,0,69.00,0,59.00,0,交易成功,,张*,浙江省杭州市***,快递,,138****0000,2026-10-01 09:10:00,2026-10-01 09:12:30,纯棉T恤 白色 L,1,YT0000000000001,圆通速递,,1,100001,某某服饰旗舰店,,0.00,0.00,,手机订单,,,,,,0.00,0.00,否,2026100122001123450000000001,2026-10-05 10:00:00,0.00,59.00",
        // Closed after payment: fully refunded.
        "=\"4012345678901234999\",t**2,c***@example.com,35.00,6.00,0,41.00,0,41.00,0,交易关闭,,李*,上海市***,快递,,186****1212,2026-10-01 15:00:00,2026-10-01 15:01:10,保温杯 500ml,1,,,,1,100001,某某服饰旗舰店,买家申请退款,0.00,0.00,,手机订单,,,,,,0.00,0.00,否,2026100122001123450000000002,,41.00,0.00",
        // Closed before payment.
        "4012345678901235000,t**3,,35.00,0.00,0,35.00,0,0.00,0,交易关闭,,王*,北京市***,快递,,139****0000,2026-10-02 10:00:00,,保温杯 500ml,1,,,,1,100001,某某服饰旗舰店,超时关闭,0.00,0.00,,,,,,,,0.00,0.00,否,,,0.00,0.00",
    ];
    format!("{header}\r\n{}\r\n", rows.join("\r\n"))
}

fn item_report() -> String {
    [
        "订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,备注,订单状态,商家编码",
        "'4012345678901234567,纯棉T恤 白色 L,34.50,2,,颜色分类:白色;尺码:L,,,交易成功,TS-WHITE-L",
        "'4012345678901234999,保温杯 500ml,35.00,1,,容量:500ml,,,交易关闭,CUP-500",
        "",
    ]
    .join("\r\n")
}

#[test]
fn reads_an_order_report_with_guards_and_closed_orders() {
    let (file, data) = import_clean(
        "ExportOrderList202610.csv",
        gbk(&order_report()),
        "taobao.orders",
    );
    assert_eq!(file.variant.as_deref(), Some("新版"));
    let o = &data.orders;
    assert_eq!(o.len(), 3);
    assert_eq!(o[0].order_no, "4012345678901234567");
    assert_eq!(o[0].status, OrderStatus::Finished);
    assert_eq!(
        (o[0].goods, o[0].postage, o[0].paid),
        (
            Some(Fen::new(6900)),
            Some(Fen::new(0)),
            Some(Fen::new(5900))
        )
    );
    assert_eq!(
        (o[0].refunded, o[0].seller_receivable),
        (Some(Fen::new(0)), Some(Fen::new(5900)))
    );
    assert_eq!(o[0].shop.as_deref(), Some("某某服饰旗舰店"));
    assert_eq!(
        o[0].payment_no.as_deref(),
        Some("2026100122001123450000000001")
    );
    assert_eq!(o[0].finished_at, Some(t("2026-10-05 10:00:00")));
    assert_eq!(o[0].paid_at, Some(t("2026-10-01 09:12:30")));
    assert_eq!(o[0].source, at(2));
    assert!(o[0].lines.is_empty());
    assert_eq!(o[1].order_no, "4012345678901234999", "=\"…\" guard removed");
    assert_eq!(o[1].status, OrderStatus::Refunded);
    assert_eq!(o[1].refunded, Some(Fen::new(4100)));
    assert_eq!(o[2].status, OrderStatus::Cancelled);
    assert_eq!(o[2].status_text, "交易关闭");
    assert_eq!(o[2].payment_no, None);
    // 59.00 + 41.00 + 0.00
    assert_eq!(file.stats.amounts.get("订单/实付"), Some(&Fen::new(10000)));
}

#[test]
fn item_report_lines_merge_into_the_order_report() {
    let (mut files, records) = {
        let (mut f1, mut r1) = import("ExportOrderList.csv", gbk(&order_report()));
        let (f2, r2) = import("ExportOrderDetailList.csv", gbk(&item_report()));
        f1.extend(f2);
        r1.extend(r2);
        (f1, r1)
    };
    let items = files.pop().unwrap();
    assert_eq!(items.format.as_deref(), Some("taobao.order_items"));
    assert!(items.problems.is_empty(), "{:#?}", items.problems);
    let mut data = duizhang_core::Dataset::default();
    for r in records {
        data.push(r);
    }
    let merged = data.merged_orders();
    assert_eq!(merged.len(), 3);
    let first = &merged[0];
    assert_eq!(first.order_no, "4012345678901234567");
    assert_eq!(first.paid, Some(Fen::new(5900)));
    assert_eq!(first.lines.len(), 1);
    let line = &first.lines[0];
    assert_eq!(line.sku.as_deref(), Some("TS-WHITE-L"));
    assert_eq!(
        (line.quantity, line.unit_price, line.goods),
        (2, Some(Fen::new(3450)), Some(Fen::new(6900)))
    );
    // 交易关闭 in the item file cannot say refunded or cancelled: the order report decides.
    assert_eq!(merged[1].status, OrderStatus::Refunded);
    assert_eq!(merged[1].lines[0].sku.as_deref(), Some("CUP-500"));
}

#[test]
fn an_item_report_alone_leaves_closed_orders_unknown() {
    let (_, data) = import_clean(
        "ExportOrderDetailList.csv",
        gbk(&item_report()),
        "taobao.order_items",
    );
    assert_eq!(data.orders[0].status, OrderStatus::Finished);
    assert_eq!(data.orders[1].status, OrderStatus::Unknown);
    assert_eq!(data.orders[1].status_text, "交易关闭");
}

#[test]
fn an_unknown_order_status_is_read_with_a_warning() {
    let text = order_report().replacen(",交易成功,", ",已签收,", 1);
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 3, "the row is still read");
    let p = only_problem(&files[0]);
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(p.code, ProblemCode::BadValue);
    assert_eq!((p.line, p.column), (Some(2), Some(11)));
    assert!(p.message.contains("交易关闭"), "{}", p.message);
    assert!(!files[0].has_errors());
    let duizhang_core::Record::Order(o) = &records[0] else {
        panic!()
    };
    assert_eq!(
        (o.status, o.status_text.as_str()),
        (OrderStatus::Unknown, "已签收")
    );
}

#[test]
fn a_bad_paid_amount_in_the_order_report_names_line_and_column() {
    let text = order_report().replacen(",41.00,0,交易关闭,", ",41..00,0,交易关闭,", 1);
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 2);
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::BadAmount);
    assert_eq!((p.line, p.column), (Some(3), Some(9)));
    assert_eq!(p.column_name.as_deref(), Some("买家实际支付金额"));
}

#[test]
fn a_bad_quantity_in_the_item_report_is_reported() {
    let text = item_report().replace(",34.50,2,", ",34.50,两,");
    let (files, records) = import("x.csv", gbk(&text));
    assert_eq!(records.len(), 1);
    let p = &files[0].problems[0];
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadValue, Some(2), Some(4))
    );
}

#[test]
fn an_order_report_missing_a_required_column_is_not_taken_for_one() {
    let text = order_report().replacen("买家实际支付金额", "实付", 1);
    let (files, records) = import("x.csv", gbk(&text));
    assert!(records.is_empty());
    let p = &files[0].problems[0];
    assert_eq!(p.code, ProblemCode::UnknownFormat);
    assert!(p.message.contains("淘宝订单报表"), "{}", p.message);
    assert!(p.message.contains("买家实际支付金额"), "{}", p.message);
}

fn sample_orders() -> Vec<Order> {
    let order =
        |i: u32, status: OrderStatus, text: &str, paid: i64, lines: Vec<(&str, i64, i64)>| {
            let goods: i64 = lines.iter().map(|(_, p, q)| p * q).sum();
            Order {
                platform: Platform::Taobao,
                shop: Some("某某服饰旗舰店".into()),
                order_no: format!("40123456789012345{i:02}").into(),
                status,
                status_text: text.into(),
                created_at: Some(t(&format!("2026-10-{i:02} 09:00:00"))),
                paid_at: (paid > 0).then(|| t(&format!("2026-10-{i:02} 09:01:00"))),
                shipped_at: None,
                finished_at: (status == OrderStatus::Finished).then(|| t("2026-10-20 10:00:00")),
                goods: Some(Fen::new(goods)),
                postage: Some(Fen::new(600)),
                seller_discount: None,
                platform_discount: None,
                other_discount: None,
                paid: Some(Fen::new(paid)),
                seller_receivable: Some(Fen::new(if status == OrderStatus::Refunded {
                    0
                } else {
                    paid
                })),
                refunded: Some(Fen::new(if status == OrderStatus::Refunded {
                    paid
                } else {
                    0
                })),
                payment_no: (paid > 0).then(|| format!("20261001220011234500000000{i:02}").into()),
                lines: lines
                    .iter()
                    .map(|(sku, price, qty)| OrderLine {
                        sub_order_no: None,
                        sku: Some((*sku).into()),
                        title: Some(format!("商品 {sku}").into()),
                        quantity: *qty,
                        unit_price: Some(Fen::new(*price)),
                        goods: Some(Fen::new(price * qty)),
                        discount: None,
                        paid: None,
                        source: at(0),
                    })
                    .collect(),
                source: at(0),
            }
        };
    vec![
        order(
            1,
            OrderStatus::Finished,
            "交易成功",
            7500,
            vec![("TS-WHITE-L", 3450, 2)],
        ),
        order(
            2,
            OrderStatus::Paid,
            "买家已付款，等待卖家发货",
            4100,
            vec![("CUP-500", 3500, 1)],
        ),
        order(
            3,
            OrderStatus::Shipped,
            "卖家已发货，等待买家确认",
            10600,
            vec![("CUP-500", 3500, 1), ("TS-BLACK-M", 6500, 1)],
        ),
        order(
            4,
            OrderStatus::Refunded,
            "交易关闭",
            4100,
            vec![("CUP-350", 3500, 1)],
        ),
        order(
            5,
            OrderStatus::Cancelled,
            "交易关闭",
            0,
            vec![("CUP-350", 3500, 1)],
        ),
        order(
            6,
            OrderStatus::Unpaid,
            "等待买家付款",
            0,
            vec![("TS-WHITE-L", 3450, 1)],
        ),
    ]
}

#[test]
fn order_and_item_reports_round_trip_and_merge() {
    let want = sample_orders();
    for (shape, guard) in [
        (Shape::GBK_CSV, Guard::Apostrophe),
        (Shape::GBK_CSV, Guard::Formula),
        (
            Shape::Csv {
                encoding: Encoding::Utf8,
                crlf: false,
            },
            Guard::None,
        ),
        (Shape::Xlsx, Guard::None),
    ] {
        let o = OrderOptions {
            newer: true,
            guard,
            shape,
        };
        let (_, order_data) = import_clean(
            "ExportOrderList.csv",
            orders(&want, &o).unwrap(),
            "taobao.orders",
        );
        let (_, item_data) = import_clean(
            "ExportOrderDetailList.csv",
            order_items(&want, &o).unwrap(),
            "taobao.order_items",
        );
        assert_eq!(order_data.orders.len(), want.len());
        assert_eq!(item_data.orders.len(), 7, "one record per line");
        let mut data = duizhang_core::Dataset::default();
        for r in order_data.orders {
            data.push(duizhang_core::Record::Order(r));
        }
        for mut r in item_data.orders {
            // A second file of the batch.
            r.source.file = FileId(1);
            for l in &mut r.lines {
                l.source.file = FileId(1);
            }
            data.push(duizhang_core::Record::Order(r));
        }
        let merged = data.merged_orders();
        assert_eq!(merged.len(), want.len());
        let mut item_line = 1;
        for (got, want) in merged.iter().zip(&want) {
            let mut want = want.clone();
            let row = 1
                + u32::try_from(
                    merged
                        .iter()
                        .position(|m| m.order_no == want.order_no)
                        .unwrap(),
                )
                .unwrap()
                + 1;
            want.source = at(row);
            for l in &mut want.lines {
                item_line += 1;
                l.source = SourceRef {
                    file: FileId(1),
                    line: item_line,
                };
            }
            assert_eq!(got, &want, "{shape:?} {guard:?}");
        }
    }
}

#[test]
fn the_classic_order_report_without_newer_columns_reads() {
    let want = sample_orders();
    let o = OrderOptions {
        newer: false,
        ..OrderOptions::default()
    };
    let (file, data) = import_clean(
        "ExportOrderList.csv",
        orders(&want, &o).unwrap(),
        "taobao.orders",
    );
    assert_eq!(file.variant.as_deref(), Some("经典"));
    assert!(
        data.orders
            .iter()
            .all(|o| o.payment_no.is_none() && o.seller_receivable.is_none())
    );
    assert_eq!(data.orders[3].status, OrderStatus::Refunded);
}

/// The formats.md example as an `.xlsx` whose cells are all text (as 千牛 writes them), with
/// one bad amount: the problem names the spreadsheet row and column.
#[test]
fn the_example_reads_from_a_workbook_and_errors_name_row_and_column() {
    use duizhang_samples::write::sheet::{Sheet, xlsx};
    let mut sheet = Sheet::new("退款报表");
    for line in REFUND_B_EXAMPLE.lines() {
        sheet.push(line.split(','));
    }
    let second = sheet.rows[1].clone();
    let mut bad = second.clone();
    bad[8] = "五十九".into();
    sheet.rows.push(bad);
    let (files, records) = import("退款报表.xlsx", xlsx(&[sheet]).unwrap());
    assert_eq!(files[0].format.as_deref(), Some("taobao.refunds"));
    assert_eq!(records.len(), 1);
    let duizhang_core::Record::AfterSale(r) = &records[0] else {
        panic!("{records:?}")
    };
    assert_eq!((r.refunded, r.source), (Fen::new(5900), at(2)));
    let p = only_problem(&files[0]);
    assert_eq!(
        (p.code, p.line, p.column),
        (ProblemCode::BadAmount, Some(3), Some(9))
    );
}

// ---------------------------------------------------------------------------------------------
// 订单导出, current layout (formats.md §3.2b): one row per 子订单

use duizhang_samples::write::sheet::Cell;
use duizhang_samples::write::taobao::{RowOrder, SUB_ORDER_HEADER, sub_order_sheet, sub_orders};

/// One line of today's export: its sub-order, SKU, 价格 × 购买数量, 买家应付货款 and 买家实际支付金额
/// (in 分), on row `line` of the sheet.
fn sub_line(
    sub_order_no: &str,
    sku: Option<&str>,
    title: &str,
    (price, quantity): (i64, i64),
    (payable, paid): (i64, i64),
    line: u32,
) -> OrderLine {
    OrderLine {
        sub_order_no: Some(sub_order_no.into()),
        sku: sku.map(Into::into),
        title: Some(title.into()),
        quantity,
        unit_price: Some(Fen::new(price)),
        goods: Some(Fen::new(payable)),
        // The line's share of the discounts: paid = payable − share.
        discount: Some(Fen::new(payable - paid)),
        paid: Some(Fen::new(paid)),
        source: at(line),
    }
}

/// Three orders as a seller downloads them, written with the rows of the two-line order apart:
/// row 2 is its first line, rows 3 and 4 the two one-line orders, row 5 its second line.
fn todays_orders() -> Vec<Order> {
    let order =
        |no: &str, status: OrderStatus, text: &str, payment: &str, lines: Vec<OrderLine>| {
            let sum = |f: fn(&OrderLine) -> Option<Fen>| lines.iter().filter_map(f).sum::<Fen>();
            Order {
                platform: Platform::Taobao,
                shop: None,
                order_no: no.into(),
                status,
                status_text: text.into(),
                created_at: Some(t("2024-03-21 15:20:11")),
                paid_at: Some(t("2024-03-21 15:20:30")),
                shipped_at: None,
                finished_at: None,
                goods: Some(sum(|l| l.goods)),
                postage: Some(Fen::ZERO),
                seller_discount: None,
                platform_discount: None,
                other_discount: Some(sum(|l| l.discount)),
                paid: Some(sum(|l| l.paid)),
                seller_receivable: None,
                refunded: Some(Fen::ZERO),
                payment_no: Some(payment.into()),
                source: lines[0].source,
                lines,
            }
        };
    let mut two_lines = order(
        "3881234567890120000",
        OrderStatus::Shipped,
        "卖家已发货，等待买家确认",
        "20240321220011262914",
        vec![
            sub_line(
                "3881234567890120001",
                Some("TS-WHITE-L"),
                "纯棉T恤 白色 L",
                (5900, 2),
                (11800, 10620),
                2,
            ),
            sub_line(
                "3881234567890120002",
                Some("CUP-500"),
                "保温杯 500ml",
                (2990, 1),
                (2990, 2691),
                5,
            ),
        ],
    );
    two_lines.shipped_at = Some(t("2024-03-22 10:00:00"));
    // 子订单编号 = 主订单编号 on a one-line order; no 商家编码 (`null`).
    let scarf = order(
        "3881234567890123456",
        OrderStatus::Finished,
        "交易成功",
        "20240320220011262001",
        vec![sub_line(
            "3881234567890123456",
            None,
            "羊毛围巾 灰色",
            (19900, 1),
            (19900, 17300),
            3,
        )],
    );
    let mut refunded = order(
        "3881234567890139999",
        OrderStatus::Refunded,
        "交易关闭",
        "20240321220011263999",
        vec![sub_line(
            "3881234567890139999",
            Some("MUG-01"),
            "马克杯",
            (8900, 1),
            (8900, 8900),
            4,
        )],
    );
    refunded.refunded = Some(Fen::new(8900));
    vec![two_lines, scarf, refunded]
}

fn import_todays(bytes: Vec<u8>) -> (duizhang_import::ImportedFile, duizhang_core::Dataset) {
    import_clean(
        "ExportOrderList202403211530.xlsx",
        bytes,
        "taobao.sub_orders",
    )
}

#[test]
fn todays_order_export_gives_each_order_its_lines_and_paid_total_whatever_the_row_order() {
    let want = todays_orders();
    let (file, data) = import_todays(sub_orders(&want, RowOrder::Interleaved).unwrap());
    assert_eq!(file.variant.as_deref(), Some("子订单"));
    assert_eq!(file.header_line, Some(1));
    assert_eq!(data.orders, want);
    // Hand-checked: 106.20 + 26.91 paid on the two-line order, its discounts 11.80 + 2.99.
    let two = &data.orders[0];
    assert_eq!(two.paid, Some(Fen::new(13311)));
    assert_eq!(two.goods, Some(Fen::new(14790)));
    assert_eq!(two.other_discount, Some(Fen::new(1479)));
    assert_eq!(
        two.lines.iter().map(|l| l.source.line).collect::<Vec<_>>(),
        [2, 5]
    );
    // 173.00 of 199.00 paid on the scarf; the closed order was paid, so it was refunded.
    assert_eq!(data.orders[1].lines[0].discount, Some(Fen::new(2600)));
    assert_eq!(data.orders[2].status, OrderStatus::Refunded);
    assert_eq!(data.orders[2].refunded, Some(Fen::new(8900)));
    // 133.11 + 173.00 + 89.00
    assert_eq!(file.stats.amounts.get("订单/实付"), Some(&Fen::new(39511)));
}

#[test]
fn todays_order_export_reads_alike_with_each_orders_rows_together() {
    let want = todays_orders();
    let (_, data) = import_todays(sub_orders(&want, RowOrder::ByOrder).unwrap());
    assert_eq!(data.orders.len(), 3);
    for (got, want) in data.orders.iter().zip(&want) {
        assert_eq!(got.order_no, want.order_no);
        assert_eq!(got.paid, want.paid);
        assert_eq!(got.lines.len(), want.lines.len());
    }
}

#[test]
fn todays_order_export_is_all_text_with_null_and_no_refund_texts_that_are_not_errors() {
    let sheet = sub_order_sheet(&todays_orders(), RowOrder::ByOrder);
    assert_eq!(sheet.rows[0].len(), 29);
    assert!(
        sheet
            .rows
            .iter()
            .flatten()
            .all(|c| matches!(c, Cell::Text(_)))
    );
    let column = |name: &str| SUB_ORDER_HEADER.iter().position(|c| *c == name).unwrap();
    let scarf = &sheet.rows[3];
    assert_eq!(scarf[column("商家编码")], Cell::Text("null".into()));
    assert_eq!(scarf[column("退款金额")], Cell::Text("无退款申请".into()));
    assert_eq!(scarf[column("退款状态")], Cell::Text("没有申请退款".into()));
    assert_eq!(scarf[column("发货时间")], Cell::Text("null".into()));
    // import_clean asserts no problem at all, warnings included.
    let (_, data) = import_todays(sub_orders(&todays_orders(), RowOrder::ByOrder).unwrap());
    assert_eq!(data.orders[1].lines[0].sku, None);
    assert_eq!(data.orders[1].shipped_at, None);
}

#[test]
fn todays_order_export_cell_errors_name_row_and_column() {
    let mut sheet = sub_order_sheet(&todays_orders(), RowOrder::ByOrder);
    let paid = SUB_ORDER_HEADER
        .iter()
        .position(|c| *c == "买家实际支付金额")
        .unwrap();
    let quantity = SUB_ORDER_HEADER
        .iter()
        .position(|c| *c == "购买数量")
        .unwrap();
    sheet.rows[2][paid] = Cell::Text("26.9１".into());
    sheet.rows[3][quantity] = Cell::Text("0".into());
    let bytes = Shape::Xlsx.render(&[sheet]).unwrap();
    let (files, records) = import("ExportOrderList.xlsx", bytes);
    let problems = &files[0].problems;
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!(
        (problems[0].code, problems[0].line, problems[0].column),
        (ProblemCode::BadAmount, Some(3), Some(14))
    );
    assert_eq!(
        (problems[1].code, problems[1].line, problems[1].column),
        (ProblemCode::BadValue, Some(4), Some(5))
    );
    // The rejected rows are left out, not read as zero: the two-line order keeps one line.
    let orders: Vec<&Order> = records
        .iter()
        .filter_map(|r| match r {
            duizhang_core::Record::Order(o) => Some(o),
            _ => None,
        })
        .collect();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0].lines.len(), 1);
    assert_eq!(orders[0].paid, Some(Fen::new(10620)));
}

#[test]
fn a_refund_state_the_export_does_not_name_leaves_the_refund_unknown_with_a_warning() {
    let mut sheet = sub_order_sheet(&todays_orders(), RowOrder::ByOrder);
    let state = SUB_ORDER_HEADER
        .iter()
        .position(|c| *c == "退款状态")
        .unwrap();
    sheet.rows[4][state] = Cell::Text("退款处理中".into());
    let (files, records) = import(
        "ExportOrderList.xlsx",
        Shape::Xlsx.render(&[sheet]).unwrap(),
    );
    let p = only_problem(&files[0]);
    assert_eq!((p.severity, p.line), (Severity::Warning, Some(5)));
    let duizhang_core::Record::Order(o) = &records[2] else {
        panic!()
    };
    assert_eq!(o.refunded, None);
}

#[test]
fn the_order_amount_checks_run_on_todays_export_and_find_nothing_in_a_correct_month() {
    let (_, data) = import_todays(sub_orders(&todays_orders(), RowOrder::Interleaved).unwrap());
    let outcome = duizhang_engine::reconcile(
        &data,
        &duizhang_engine::Settings::default(),
        duizhang_core::Period::parse("2024-03").unwrap(),
    );
    for code in [
        "ORDER_AMOUNT_ERROR",
        "DISCOUNT_ALLOCATION_ERROR",
        "DISCOUNT_EXCESSIVE",
    ] {
        assert!(
            outcome.findings.iter().all(|f| f.code != code),
            "{code}: {:#?}",
            outcome.findings
        );
        let matched: u64 = outcome
            .tallies
            .iter()
            .filter(|((a, b), _)| a == code || b == code)
            .map(|(_, t)| t.matched)
            .sum();
        assert!(matched >= 2, "{code} did not run: {:#?}", outcome.tallies);
    }
}

#[test]
fn a_line_paid_far_below_its_payable_is_an_excessive_discount() {
    let mut orders = todays_orders();
    // 199.00 payable, 49.00 paid: 75 % off, over the default 50 % limit.
    let scarf = &mut orders[1];
    scarf.lines[0].paid = Some(Fen::new(4900));
    let (_, data) = import_todays(sub_orders(&orders, RowOrder::ByOrder).unwrap());
    let outcome = duizhang_engine::reconcile(
        &data,
        &duizhang_engine::Settings::default(),
        duizhang_core::Period::parse("2024-03").unwrap(),
    );
    let codes: Vec<(&str, Option<&str>)> = outcome
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.order_no.as_deref()))
        .collect();
    assert_eq!(
        codes,
        [("DISCOUNT_EXCESSIVE", Some("3881234567890123456"))],
        "{:#?}",
        outcome.findings
    );
}
