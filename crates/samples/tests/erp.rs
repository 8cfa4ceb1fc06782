//! The generic ERP format (PRODUCT.md 通用ERP格式): every kind, in UTF-8, GBK and XLSX, with
//! columns in another order and extra columns, read back into the same records.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{
    AfterSale, AfterSaleKind, AfterSaleLine, AfterSaleStatus, Complaint, ComplaintKind, Dataset,
    ErpOrder, ErpOrderStatus, Fen, Platform, QualityResult, ReturnReceipt, Shipment, ShipmentKind,
};
use duizhang_import::ProblemCode;
use duizhang_samples::bytes::Encoding;
use duizhang_samples::write::erp::{
    Container, ErpOptions, RowAmounts, after_sales, complaints, erp_orders, return_receipts,
    shipments,
};
use support::{at, gbk, import, import_clean, only_problem, t};

/// Every shape the format is written in: the options and a name for failure messages.
fn shapes() -> Vec<(&'static str, ErpOptions)> {
    vec![
        ("utf-8", ErpOptions::default()),
        (
            "utf-8 bom, lf",
            ErpOptions {
                container: Container::Csv(Encoding::Utf8Bom),
                crlf: false,
                ..ErpOptions::default()
            },
        ),
        (
            "gbk",
            ErpOptions {
                container: Container::Csv(Encoding::Gbk),
                ..ErpOptions::default()
            },
        ),
        (
            "xlsx",
            ErpOptions {
                container: Container::Xlsx,
                ..ErpOptions::default()
            },
        ),
        (
            "reversed, extra columns, starred header",
            ErpOptions {
                reversed: true,
                extra: vec![
                    ("备注".into(), "客户要求加急, 周末送达".into()),
                    ("仓库".into(), "华东一仓".into()),
                ],
                star_required: true,
                ..ErpOptions::default()
            },
        ),
        (
            "xlsx reversed with extra column",
            ErpOptions {
                container: Container::Xlsx,
                reversed: true,
                extra: vec![("制单人".into(), "王会计".into())],
                ..ErpOptions::default()
            },
        ),
    ]
}

fn read_all(shape: &str, bytes: Vec<u8>, format: &str) -> Dataset {
    let name = format!("{shape}.csv");
    let (file, data) = import_clean(&name, bytes, format);
    assert_eq!(file.header_line, Some(1), "{shape}");
    data
}

fn erp_order_records() -> Vec<ErpOrder> {
    vec![
        ErpOrder {
            shop: "棉语旗舰店".into(),
            platform: Platform::Taobao,
            order_no: "4012345678901234567".into(),
            erp_no: Some("ERP2026100001".into()),
            status: ErpOrderStatus::Shipped,
            updated_at: t("2026-10-02 10:00:00"),
            paid_at: None,
            goods: None,
            postage: None,
            discount: None,
            paid: None,
            payment_method: None,
            payment_no: None,
            source: at(2),
        },
        // A mini-program shop's order: it lives only in the ERP, with its money.
        ErpOrder {
            shop: "棉语小程序商城".into(),
            platform: Platform::Wechat,
            order_no: "WX202610030001".into(),
            erp_no: None,
            status: ErpOrderStatus::Completed,
            updated_at: t("2026-10-05 18:30:00"),
            paid_at: Some(t("2026-10-03 09:15:20")),
            goods: Some(Fen::new(12800)),
            postage: Some(Fen::new(800)),
            discount: Some(Fen::new(2000)),
            paid: Some(Fen::new(11600)),
            payment_method: Some("微信支付".into()),
            payment_no: Some("4200002026202610031234567890".into()),
            source: at(3),
        },
        ErpOrder {
            shop: "棉语拼多多店".into(),
            platform: Platform::Pdd,
            order_no: "261003-123456789012345".into(),
            erp_no: Some("ERP2026100003".into()),
            status: ErpOrderStatus::Refunded,
            updated_at: t("2026-10-04 12:00:00"),
            paid_at: None,
            goods: None,
            postage: None,
            discount: None,
            paid: None,
            payment_method: None,
            payment_no: None,
            source: at(4),
        },
    ]
}

#[test]
fn erp_orders_round_trip_in_every_shape() {
    let records = erp_order_records();
    for (shape, o) in shapes() {
        let data = read_all(shape, erp_orders(&records, &o).unwrap(), "erp.order");
        assert_eq!(data.erp_orders, records, "{shape}");
    }
}

#[test]
fn erp_orders_without_money_columns() {
    let records: Vec<ErpOrder> = erp_order_records()
        .into_iter()
        .filter(|r| r.paid.is_none())
        .enumerate()
        .map(|(i, mut r)| {
            r.source = at(u32::try_from(i).unwrap() + 2);
            r
        })
        .collect();
    let bytes = erp_orders(&records, &ErpOptions::default()).unwrap();
    let header = String::from_utf8(bytes.clone()).unwrap();
    assert!(header.starts_with("店铺,平台,订单号,ERP单号,订单状态,更新时间\r\n"));
    let data = read_all("no money", bytes, "erp.order");
    assert_eq!(data.erp_orders, records);
}

/// A two-line return (59.00 + 100.00 = 159.00), a pending refund-only of a single line and an
/// exchange without goods lines.
fn after_sale_records() -> Vec<AfterSale> {
    vec![
        AfterSale {
            platform: Platform::Taobao,
            shop: Some("棉语旗舰店".into()),
            order_no: "4012345678901234999".into(),
            refund_no: "RF20261001001".into(),
            kind: AfterSaleKind::ReturnAndRefund,
            phase: None,
            status: AfterSaleStatus::Completed,
            status_text: "已完成".into(),
            paid: None,
            requested: Some(Fen::new(15900)),
            refunded: Fen::new(15900),
            applied_at: Some(t("2026-10-03 10:00:00")),
            completed_at: Some(t("2026-10-06 16:20:00")),
            reason: Some("尺码不合适".into()),
            payment_no: None,
            lines: vec![
                AfterSaleLine {
                    sku: Some("TS-WHITE-L".into()),
                    sub_order_no: None,
                    quantity: Some(1),
                    refund: Some(Fen::new(5900)),
                    source: at(2),
                },
                AfterSaleLine {
                    sku: Some("CUP-500".into()),
                    sub_order_no: None,
                    quantity: Some(2),
                    refund: Some(Fen::new(10000)),
                    source: at(3),
                },
            ],
            source: at(2),
        },
        AfterSale {
            platform: Platform::Pdd,
            shop: Some("棉语拼多多店".into()),
            order_no: "261003-123456789012345".into(),
            refund_no: "PDD-AS-0001".into(),
            kind: AfterSaleKind::RefundOnly,
            phase: None,
            status: AfterSaleStatus::PendingReview,
            status_text: "待审核".into(),
            paid: None,
            requested: Some(Fen::new(2750)),
            refunded: Fen::new(0),
            applied_at: Some(t("2026-10-04 08:00:00")),
            completed_at: None,
            reason: None,
            payment_no: None,
            lines: vec![AfterSaleLine {
                sku: Some("SOCK-3".into()),
                sub_order_no: None,
                quantity: Some(1),
                refund: Some(Fen::new(0)),
                source: at(4),
            }],
            source: at(4),
        },
        AfterSale {
            platform: Platform::Jd,
            shop: Some("棉语京东店".into()),
            order_no: "300000000000002".into(),
            refund_no: "JD-9001".into(),
            kind: AfterSaleKind::Exchange,
            phase: None,
            status: AfterSaleStatus::WaitingReturn,
            status_text: "待退货".into(),
            paid: None,
            requested: None,
            refunded: Fen::new(0),
            applied_at: Some(t("2026-10-07 21:05:09")),
            completed_at: None,
            reason: Some("颜色与图片不符".into()),
            payment_no: None,
            lines: vec![],
            source: at(5),
        },
    ]
}

#[test]
fn after_sales_round_trip_in_every_shape() {
    let records = after_sale_records();
    for (shape, o) in shapes() {
        let bytes = after_sales(&records, RowAmounts::PerLine, &o).unwrap();
        let (file, data) = import_clean(&format!("{shape}.csv"), bytes, "erp.after_sale");
        assert_eq!(data.after_sales, records, "{shape}");
        // Hand-checked: 159.00 + 0.00 + 0.00 refunded, the two lines of RF20261001001 summed.
        assert_eq!(
            file.stats.amounts.get("售后单/退款金额"),
            Some(&Fen::new(15900)),
            "{shape}"
        );
    }
}

#[test]
fn the_generic_after_sale_file_byte_for_byte() {
    // What a seller's ERP writes: GBK, CRLF, two rows for the two lines of one after-sale.
    let text = "店铺,平台,订单号,售后单号,售后类型,状态,申请时间,完成时间,申请金额,退款金额,商家编码,数量,原因\r\n棉语旗舰店,淘宝,4012345678901234999,RF20261001001,退货退款,已完成,2026-10-03 10:00:00,2026-10-06 16:20:00,159.00,59.00,TS-WHITE-L,1,尺码不合适\r\n棉语旗舰店,淘宝,4012345678901234999,RF20261001001,退货退款,已完成,2026-10-03 10:00:00,2026-10-06 16:20:00,,100.00,CUP-500,2,尺码不合适\r\n棉语拼多多店,拼多多,261003-123456789012345,PDD-AS-0001,仅退款,待审核,2026-10-04 08:00:00,,27.50,0.00,SOCK-3,1,\r\n棉语京东店,京东,300000000000002,JD-9001,换货,待退货,2026-10-07 21:05:09,,,0.00,,,颜色与图片不符\r\n";
    let bytes = gbk(text);
    let written = after_sales(
        &after_sale_records(),
        RowAmounts::PerLine,
        &ErpOptions {
            container: Container::Csv(Encoding::Gbk),
            ..ErpOptions::default()
        },
    )
    .unwrap();
    assert_eq!(written, bytes, "the writer produces exactly this file");
    let (file, data) = import_clean("售后单.csv", bytes, "erp.after_sale");
    assert_eq!(file.encoding, Some(duizhang_import::TextEncoding::Gb18030));
    assert_eq!(data.after_sales, after_sale_records());
}

fn shipment_records() -> Vec<Shipment> {
    vec![
        Shipment {
            shop: "棉语旗舰店".into(),
            order_no: "4012345678901234567".into(),
            sub_order_no: Some("4012345678901234568".into()),
            sku: "TS-WHITE-L".into(),
            quantity: 1,
            shipped_at: t("2026-10-01 18:00:00"),
            carrier: Some("中通快递".into()),
            waybill: Some("78000000000001".into()),
            kind: ShipmentKind::Normal,
            refund_no: None,
            source: at(2),
        },
        Shipment {
            shop: "棉语旗舰店".into(),
            order_no: "4012345678901234567".into(),
            sub_order_no: None,
            sku: "TS-WHITE-L".into(),
            quantity: 1,
            shipped_at: t("2026-10-09 11:30:00"),
            carrier: Some("顺丰速运".into()),
            waybill: Some("SF1000000000002".into()),
            kind: ShipmentKind::Reship,
            refund_no: Some("RF20261008002".into()),
            source: at(3),
        },
        Shipment {
            shop: "棉语京东店".into(),
            order_no: "300000000000002".into(),
            sub_order_no: None,
            sku: "CUP-350".into(),
            quantity: 2,
            shipped_at: t("2026-10-12 09:00:00"),
            carrier: None,
            waybill: None,
            kind: ShipmentKind::Exchange,
            refund_no: Some("JD-9001".into()),
            source: at(4),
        },
    ]
}

#[test]
fn shipments_round_trip_in_every_shape() {
    let records = shipment_records();
    for (shape, o) in shapes() {
        let data = read_all(shape, shipments(&records, &o).unwrap(), "erp.shipment");
        assert_eq!(data.shipments, records, "{shape}");
    }
}

fn receipt_records() -> Vec<ReturnReceipt> {
    vec![
        ReturnReceipt {
            shop: "棉语旗舰店".into(),
            order_no: "4012345678901234999".into(),
            refund_no: "RF20261001001".into(),
            sku: "TS-WHITE-L".into(),
            quantity: 1,
            received_at: t("2026-10-05 14:00:00"),
            quality: Some(QualityResult::Good),
            source: at(2),
        },
        ReturnReceipt {
            shop: "棉语旗舰店".into(),
            order_no: "4012345678901234999".into(),
            refund_no: "RF20261001001".into(),
            sku: "CUP-500".into(),
            quantity: 2,
            received_at: t("2026-10-05 14:00:00"),
            quality: Some(QualityResult::Defective),
            source: at(3),
        },
        ReturnReceipt {
            shop: "棉语京东店".into(),
            order_no: "300000000000002".into(),
            refund_no: "JD-9001".into(),
            sku: "CUP-500".into(),
            quantity: 1,
            received_at: t("2026-10-11 10:10:10"),
            quality: None,
            source: at(4),
        },
    ]
}

#[test]
fn return_receipts_round_trip_in_every_shape() {
    let records = receipt_records();
    for (shape, o) in shapes() {
        let data = read_all(
            shape,
            return_receipts(&records, &o).unwrap(),
            "erp.return_receipt",
        );
        assert_eq!(data.return_receipts, records, "{shape}");
    }
}

fn complaint_records() -> Vec<Complaint> {
    vec![
        Complaint {
            shop: "棉语旗舰店".into(),
            order_no: Some("4012345678901234999".into()),
            ticket_no: "GD20261003001".into(),
            kind: ComplaintKind::Complaint,
            created_at: t("2026-10-03 11:00:00"),
            reason: Some("退款迟迟未到账".into()),
            source: at(2),
        },
        Complaint {
            shop: "棉语旗舰店".into(),
            order_no: None,
            ticket_no: "GD20261003002".into(),
            kind: ComplaintKind::Inquiry,
            created_at: t("2026-10-03 11:30:00"),
            reason: None,
            source: at(3),
        },
        Complaint {
            shop: "棉语拼多多店".into(),
            order_no: Some("261003-123456789012345".into()),
            ticket_no: "GD20261004001".into(),
            kind: ComplaintKind::Other,
            created_at: t("2026-10-04 20:00:00"),
            reason: Some("催发货".into()),
            source: at(4),
        },
    ]
}

#[test]
fn complaints_round_trip_in_every_shape() {
    let records = complaint_records();
    for (shape, o) in shapes() {
        let data = read_all(shape, complaints(&records, &o).unwrap(), "erp.complaint");
        assert_eq!(data.complaints, records, "{shape}");
    }
}

#[test]
fn optional_columns_may_be_left_out() {
    let mut records = shipment_records();
    for r in &mut records {
        r.carrier = None;
        r.waybill = None;
        r.sub_order_no = None;
    }
    let o = ErpOptions {
        omit: vec!["物流公司".into(), "运单号".into(), "子订单号".into()],
        ..ErpOptions::default()
    };
    let data = read_all("omit", shipments(&records, &o).unwrap(), "erp.shipment");
    assert_eq!(data.shipments, records);
}

#[test]
fn a_missing_required_column_is_named() {
    // 退款金额 is required: without it the file is not the generic after-sale format, and the
    // problem says which format came closest and which column it lacks.
    let o = ErpOptions {
        omit: vec!["退款金额".into()],
        ..ErpOptions::default()
    };
    let bytes = after_sales(&after_sale_records(), RowAmounts::PerLine, &o).unwrap();
    let (files, records) = import("售后单.csv", bytes);
    assert!(records.is_empty());
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::UnknownFormat);
    assert!(
        p.message
            .contains("通用ERP格式：ERP售后单（7/8 列相符，缺少：退款金额）"),
        "{}",
        p.message
    );
}

#[test]
fn an_unknown_status_names_line_column_and_the_known_values() {
    let text = "店铺,平台,订单号,ERP单号,订单状态,更新时间\n棉语旗舰店,淘宝,4012345678901234567,,已发货,2026-10-02 10:00:00\n棉语旗舰店,淘宝,4012345678901234568,,已签收,2026-10-02 10:00:00\n";
    let (files, records) = import("订单.csv", text.as_bytes().to_vec());
    assert_eq!(records.len(), 1, "the bad row is not read as anything");
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::BadValue);
    assert_eq!(p.line, Some(3));
    assert_eq!(p.column, Some(5));
    assert_eq!(p.column_name.as_deref(), Some("订单状态"));
    assert_eq!(
        p.message,
        "无法识别的取值“已签收”（可识别：待审核、待发货、已发货、已完成、已取消、已退款）"
    );
}

#[test]
fn bad_cells_name_line_and_column() {
    let text = "店铺,订单号,售后单号,商家编码,数量,入库时间,质检结果\n棉语旗舰店,4012345678901234999,RF1,TS-WHITE-L,一件,2026-10-05 14:00:00,良品\n棉语旗舰店,4012345678901234999,RF1,CUP-500,2,2026-13-05 14:00:00,良品\n棉语旗舰店,,RF1,CUP-500,2,2026-10-05 14:00:00,良品\n棉语旗舰店,4012345678901234999,RF1,CUP-500,2,2026-10-05 14:00:00,良品\n";
    let (files, records) = import("入库.csv", text.as_bytes().to_vec());
    assert_eq!(records.len(), 1);
    let p: Vec<(ProblemCode, Option<u32>, Option<u32>)> = files[0]
        .problems
        .iter()
        .map(|p| (p.code, p.line, p.column))
        .collect();
    assert_eq!(
        p,
        vec![
            (ProblemCode::BadValue, Some(2), Some(5)),
            (ProblemCode::BadTime, Some(3), Some(6)),
            (ProblemCode::MissingValue, Some(4), Some(2)),
        ]
    );
}

#[test]
fn a_bad_amount_drops_its_whole_after_sale() {
    // The second line of RF20261001001 has a broken amount: the after-sale would be short by
    // 100.00, so none of it is read; the other after-sales are.
    let bytes = after_sales(
        &after_sale_records(),
        RowAmounts::PerLine,
        &ErpOptions::default(),
    )
    .unwrap();
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace(",100.00,CUP-500", ",1OO.00,CUP-500");
    let (files, records) = import("售后单.csv", text.into_bytes());
    assert_eq!(records.len(), 2);
    let p = &files[0].problems;
    assert_eq!(p.len(), 2, "{p:#?}");
    assert_eq!(p[0].code, ProblemCode::BadAmount);
    assert_eq!((p[0].line, p[0].column), (Some(3), Some(10)));
    assert_eq!(p[1].line, Some(2));
    assert!(p[1].message.contains("RF20261001001"), "{}", p[1].message);
}
