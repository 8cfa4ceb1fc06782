#![allow(clippy::unwrap_used)]
//! Orders that arrive in parts (Taobao's 订单报表 with the amounts, its 宝贝报表 with the lines)
//! are merged once, in place, and every consumer borrows that one copy.

use std::borrow::Cow;

use duizhang_core::{Dataset, Fen, FileId, Order, Platform, SourceRef};
use duizhang_samples::build::{order, order_line};

fn part(order_no: &str, file: u32, line: u32) -> Order {
    let mut o = order(Platform::Tmall, order_no, Fen::new(19_900));
    o.source = SourceRef {
        file: FileId(file),
        line,
    };
    o
}

fn split_month() -> Dataset {
    let mut amounts = part("4012345678901234567", 0, 7);
    amounts.shop = Some("禾木家居旗舰店".into());
    let mut first_line = part("4012345678901234567", 1, 2);
    first_line.paid = None;
    first_line
        .lines
        .push(order_line("HM-TS-001", 1, Fen::new(9_900)));
    let mut second_line = part("4012345678901234567", 1, 3);
    second_line
        .lines
        .push(order_line("HM-TS-002", 1, Fen::new(10_000)));
    let other = part("4012345678901234000", 0, 2);
    Dataset {
        orders: vec![first_line, amounts, other, second_line],
        ..Dataset::default()
    }
}

#[test]
fn merging_in_place_gives_the_same_orders_as_a_merged_copy() {
    let data = split_month();
    let copy = data.merged_orders().into_owned();
    let mut merged = split_month();
    merged.merge_orders();
    assert_eq!(merged.orders, copy);
    assert_eq!(copy.len(), 2);
    let whole = &copy[1];
    assert_eq!(whole.order_no, "4012345678901234567");
    // The 订单报表 row (file 0) comes first, so its shop and amounts win; the lines of the
    // 宝贝报表 follow in file order.
    assert_eq!(whole.shop.as_deref(), Some("禾木家居旗舰店"));
    assert_eq!(whole.paid, Some(Fen::new(19_900)));
    let skus: Vec<_> = whole
        .lines
        .iter()
        .map(|l| l.sku.as_deref().unwrap())
        .collect();
    assert_eq!(skus, ["HM-TS-001", "HM-TS-002"]);
}

#[test]
fn merged_orders_are_borrowed_once_merged() {
    let mut data = split_month();
    assert!(matches!(data.merged_orders(), Cow::Owned(_)));
    data.merge_orders();
    assert!(matches!(data.merged_orders(), Cow::Borrowed(_)));
}

/// One order's line as a file reports it, at `file`.
fn line_in(file: u32, sku: &str, sub_order: Option<&str>) -> Order {
    let mut o = part("4012345678901234999", file, 2);
    let mut l = order_line(sku, 1, Fen::new(9_900));
    l.sub_order_no = sub_order.map(Into::into);
    l.source = SourceRef {
        file: FileId(file),
        line: 2,
    };
    o.lines.push(l);
    o
}

fn merged_skus(orders: Vec<Order>) -> Vec<String> {
    let mut data = Dataset {
        orders,
        ..Dataset::default()
    };
    data.merge_orders();
    data.orders[0]
        .lines
        .iter()
        .map(|l| l.sku.as_deref().unwrap().to_string())
        .collect()
}

/// A second download over the same days repeats an order's lines: they are counted once. The
/// same SKU twice within one file is two lines, and two sub-orders are two lines wherever
/// they come from.
#[test]
fn a_line_another_file_already_gave_is_not_added_twice() {
    assert_eq!(
        merged_skus(vec![
            line_in(1, "HM-TS-001", None),
            line_in(2, "HM-TS-001", None)
        ]),
        ["HM-TS-001"]
    );
    assert_eq!(
        merged_skus(vec![
            line_in(1, "HM-TS-001", None),
            line_in(1, "HM-TS-001", None)
        ]),
        ["HM-TS-001", "HM-TS-001"]
    );
    assert_eq!(
        merged_skus(vec![
            line_in(1, "HM-TS-001", Some("4012345678901234001")),
            line_in(2, "HM-TS-001", Some("4012345678901234002")),
        ]),
        ["HM-TS-001", "HM-TS-001"]
    );
    assert_eq!(
        merged_skus(vec![
            line_in(1, "HM-TS-001", Some("4012345678901234001")),
            line_in(2, "HM-TS-001", Some("4012345678901234001")),
        ]),
        ["HM-TS-001"]
    );
    assert_eq!(
        merged_skus(vec![
            line_in(1, "HM-TS-001", None),
            line_in(2, "HM-TS-002", None)
        ]),
        ["HM-TS-001", "HM-TS-002"]
    );
}

/// A shipment at `file:line`.
fn shipped(file: u32, line: u32, waybill: &str) -> duizhang_core::Shipment {
    let mut s = duizhang_samples::build::shipment(
        "tmall",
        "4012345678901234567",
        "HM-TS-001",
        1,
        duizhang_core::ShipmentKind::Normal,
        "2026-10-02 10:00:00",
    );
    s.waybill = Some(waybill.into());
    s.source = SourceRef {
        file: FileId(file),
        line,
    };
    s
}

/// The same shipment in a second file (an overlapping download) is dropped and said; a row
/// repeated within one file is kept, since that is what DUPLICATE_SHIPMENT looks for.
#[test]
fn records_another_file_already_gave_are_counted_once() {
    let mut data = Dataset {
        shipments: vec![
            shipped(0, 2, "7300000000001"),
            shipped(0, 3, "7300000000001"),
            shipped(1, 5, "7300000000001"),
            shipped(1, 6, "7300000000002"),
        ],
        ..Dataset::default()
    };
    let repeats = data.drop_repeated_across_files();
    let lines: Vec<(u32, u32)> = data
        .shipments
        .iter()
        .map(|s| (s.source.file.0, s.source.line))
        .collect();
    assert_eq!(lines, [(0, 2), (0, 3), (1, 6)]);
    assert_eq!(repeats.len(), 1);
    assert_eq!(repeats[0].source.line, 5);
    assert_eq!(repeats[0].first.line, 2);
}
