//! Properties of generation over random periods: every voucher balances, the fund accounts move
//! by exactly the fund-flow rows booked, numbers run without gaps, no source is booked twice
//! (not even by a carrier claim booked beside its refund, nor a JD refund reached through its
//! 结算单),
//! and the same input gives the same vouchers whatever the order of the records.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;

use duizhang_books::{
    Flag, LinkRole, RecordRef, Standard, check_numbering, generate, validate_all,
};
use duizhang_core::*;
use duizhang_samples::build::*;
use proptest::prelude::*;
use support::*;

const KINDS: &[(FlowKind, &str, Option<&str>)] = &[
    (FlowKind::Income, "交易付款", None),
    (FlowKind::Refund, "交易退款", None),
    (FlowKind::Commission, "交易分账", None),
    (FlowKind::Commission, "交易分账", Some("天猫积分")),
    (FlowKind::Fee, "服务费", Some("花呗手续费")),
    (FlowKind::Fee, "技术服务费", None),
    (FlowKind::Withdrawal, "提现", None),
    (FlowKind::Other, "其他", Some("退货运费险")),
    (FlowKind::Other, "其他", Some("延迟发货赔付")),
    (FlowKind::Transfer, "转账", Some("保证金")),
    (FlowKind::Other, "其他", Some("好评返现")),
];

fn row_strategy() -> impl Strategy<Value = (usize, i64, u8, u8, u8, bool, usize)> {
    (
        0..KINDS.len(),
        1i64..500_000,
        1u8..=31,
        0u8..24,
        0u8..4,
        any::<bool>(),
        0usize..3,
    )
}

fn build(rows: &[(usize, i64, u8, u8, u8, bool, usize)]) -> Dataset {
    let mut d = dataset();
    for (i, (k, fen, day, hour, order, shop_b, provider)) in rows.iter().enumerate() {
        let (kind, text, memo) = KINDS[*k];
        let signed =
            if matches!(kind, FlowKind::Income) || (*shop_b && kind == FlowKind::Commission) {
                Fen::new(*fen)
            } else {
                Fen::new(-*fen)
            };
        // Day 31 falls on 10-31; a few rows land in September or November.
        let month = if *day == 31 && *hour > 20 { 11 } else { 10 };
        let day = if month == 11 { 1 } else { *day };
        let when = format!("2026-{month:02}-{day:02} {hour:02}:00:00");
        let order_no = format!("40100000000000{order}");
        let mut r = alipay_row(
            &format!("T{i:05}"),
            kind,
            text,
            signed,
            &when,
            Some(&order_no),
        );
        r.memo = memo.map(Into::into);
        if *provider == 2 && kind == FlowKind::Refund {
            // A JD refund after the settlement: the 资金表 row names only its 商户订单号, whose
            // 结算单 claws the refund back for the order; its 交易备注 a refund's, or only 货款.
            let reference = format!("S{i:05}");
            let mut s = settlement(Platform::Jd, &order_no, FlowKind::Refund, signed, &when);
            s.item = "货款".into();
            s.payment_ref = Some(reference.clone().into());
            s.source = src(6000 + u32::try_from(i).unwrap());
            d.settlements.push(s);
            r.provider = FundProvider::Jd;
            r.account = Some("111004265001".into());
            r.business_no = None;
            r.order_no = None;
            r.merchant_ref = Some(reference.into());
            if *shop_b {
                r.kind = FlowKind::Other;
                r.kind_text = "货款".into();
            } else {
                r.kind_text = "售后退款".into();
            }
        } else {
            if *provider >= 1 {
                r.provider = FundProvider::Wechat;
            }
            if *shop_b {
                r.account = Some("b@example.com".into());
            }
        }
        r.source = src(u32::try_from(i).unwrap() + 2);
        d.fund_flows.push(r);
    }
    d
}

/// Orders 0..4 of `build`'s rows with random delivery, after-sales for the refund rows, ERP
/// shipments and return receipts: the goods side around the money.
/// (shipped day, finished day, after-sale kind and SKU selector, return received, defective).
type Goods = (Option<u8>, Option<u8>, u8, bool, bool);

fn with_goods(mut d: Dataset, goods: &[Goods]) -> Dataset {
    let skus = ["TS-WHITE-L", "TS-WHITE-XL", "MUG-01"];
    for (i, (shipped, finished, kind, receipt, defective)) in goods.iter().enumerate() {
        let order_no = format!("40100000000000{i}");
        let mut o = order(Platform::Taobao, &order_no, yuan("59.00"));
        o.shipped_at = shipped.map(|day| at(&format!("2026-10-{:02} 18:00:00", day.clamp(1, 28))));
        o.finished_at =
            finished.map(|day| at(&format!("2026-10-{:02} 12:00:00", day.clamp(1, 28))));
        o.source = src(1000 + u32::try_from(i).unwrap());
        d.orders.push(o);
        let sku = skus[usize::from(*kind) % skus.len()];
        if let Some(day) = shipped {
            let mut s = shipment(
                "旗舰店",
                &order_no,
                sku,
                1,
                ShipmentKind::Normal,
                &format!("2026-10-{:02} 18:00:00", (*day).clamp(1, 28)),
            );
            s.source = src(2000 + u32::try_from(i).unwrap());
            d.shipments.push(s);
        }
        let refund_no = format!("RF{i}");
        let kinds = [
            AfterSaleKind::ReturnAndRefund,
            AfterSaleKind::RefundOnly,
            AfterSaleKind::Exchange,
            AfterSaleKind::Reship,
        ];
        let mut a = after_sale(
            Platform::Taobao,
            &order_no,
            &refund_no,
            kinds[usize::from(*kind) % 4],
            yuan("10.00"),
        );
        a.source = src(3000 + u32::try_from(i).unwrap());
        if *kind >= 4 {
            // A carrier case when it is a 仅退款 (J10b).
            a.reason = Some("快递丢件".into());
        }
        d.after_sales.push(a);
        if *receipt {
            let mut r = return_receipt(
                "旗舰店",
                &order_no,
                &refund_no,
                sku,
                1,
                "2026-10-20 15:00:00",
            );
            r.quality = Some(if *defective {
                QualityResult::Defective
            } else {
                QualityResult::Good
            });
            r.source = src(4000 + u32::try_from(i).unwrap());
            d.return_receipts.push(r);
            let out_kind = if *kind % 4 == 3 {
                ShipmentKind::Reship
            } else {
                ShipmentKind::Exchange
            };
            if *kind % 4 >= 2 {
                let mut s = shipment(
                    "旗舰店",
                    &order_no,
                    skus[(usize::from(*kind) + 1) % 3],
                    1,
                    out_kind,
                    "2026-10-21 10:00:00",
                );
                s.refund_no = Some(refund_no.clone().into());
                s.source = src(5000 + u32::try_from(i).unwrap());
                d.shipments.push(s);
            }
        }
    }
    d
}

fn shop_of(r: RecordRef<'_>) -> Option<String> {
    match r {
        RecordRef::FundFlow(f) if f.account.as_deref() == Some("b@example.com") => {
            Some("专营店".into())
        }
        _ => Some("旗舰店".into()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_books_keep_their_invariants(
        rows in proptest::collection::vec(row_strategy(), 1..60),
        goods in proptest::collection::vec((proptest::option::of(1u8..29), proptest::option::of(1u8..29), 0u8..8, any::<bool>(), any::<bool>()), 4),
        shipment_policy in any::<bool>(),
        enterprise in any::<bool>(),
        per_voucher in any::<bool>(),
        monthly in any::<bool>(),
        carrier_receivable in any::<bool>(),
    ) {
        let standard = if enterprise { Standard::Enterprise } else { Standard::Small };
        let mut extra = String::new();
        if per_voucher {
            extra.push_str("[vat]\nrounding = \"per_voucher\"\n");
        }
        if monthly {
            extra.push_str("[vouchers]\ngroup_by = [\"shop\", \"class\"]\nwords = { refunds = \"付\", withdrawals = \"转\" }\n");
        }
        extra.push_str("[policy]\n");
        if shipment_policy {
            extra.push_str("revenue_recognition = \"shipment\"\n");
        }
        if carrier_receivable {
            extra.push_str("carrier_claim = \"receivable\"\n");
        }
        let b = books(standard, &extra);
        let d = with_goods(build(&rows), &goods);
        let p = period("2026-10");
        let g = generate(&b, &d, p, &shop_of);
        // Only notes about settled orders whose shipment is not in the data.
        prop_assert!(g.issues.iter().all(|i| i.message.contains("没有找到发货记录")), "{:?}", g.issues);
        validate_all(&g.vouchers, &b.chart).unwrap();
        check_numbering(&g.vouchers).unwrap();
        let twice = duizhang_books::checks::source_booked_twice(&d, &g.vouchers, &shop_of);
        prop_assert!(twice.is_empty(), "{:?}", twice);

        // Σ fund-flow rows of the period = net movement on the fund accounts.
        let in_period: Fen = d.fund_flows.iter().filter(|r| p.contains(r.occurred_at)).map(|r| r.amount).sum();
        let funds = b.chart.fund_codes();
        let moved: Fen = g.vouchers.iter().flat_map(|v| &v.lines)
            .filter(|l| funds.contains(l.account.as_str()))
            .map(|l| l.debit - l.credit)
            .sum();
        prop_assert_eq!(in_period, moved);

        // Every row of the period is booked exactly once, as a primary source; shipments and
        // receipts at most once.
        let mut primary = BTreeSet::new();
        let mut goods_primary = BTreeSet::new();
        for v in &g.vouchers {
            for l in v.links.iter().filter(|l| l.role == LinkRole::Primary) {
                if l.kind == RecordKind::FundFlow {
                    prop_assert!(primary.insert(l.key.to_string()), "{} twice", l.key);
                } else {
                    prop_assert!(goods_primary.insert((l.kind, l.key.clone())), "{} twice", l.key);
                }
            }
            prop_assert!(v.attachments > 0);
            let rounding = v.flags.iter().any(|f| matches!(f, Flag::Rounding { .. }));
            prop_assert!(rounding || !v.lines.iter().any(|l| l.summary == "尾差"));
            prop_assert!(per_voucher || !rounding, "per-row VAT never needs a 尾差");
        }
        let expected: BTreeSet<String> = d.fund_flows.iter().filter(|r| p.contains(r.occurred_at)).map(|r| r.txn_no.to_string()).collect();
        prop_assert_eq!(primary, expected);

        // Idempotent, whatever the order of the records.
        let again = generate(&b, &d, p, &shop_of);
        prop_assert_eq!(&again, &g);
        let mut reversed = d.clone();
        reversed.fund_flows.reverse();
        reversed.orders.reverse();
        reversed.shipments.reverse();
        reversed.after_sales.reverse();
        reversed.return_receipts.reverse();
        reversed.settlements.reverse();
        prop_assert_eq!(&generate(&b, &reversed, p, &shop_of), &g);
    }
}

#[test]
fn per_voucher_vat_puts_the_difference_on_an_explicit_rounding_line() {
    // Three sales of 0.10: each nets to 0.09 (0.10 / 1.13 = 0.088…), VAT on the summed 0.27 is
    // 0.04 (0.0351), so 0.27 + 0.04 = 0.31 against 0.30 received: 0.01 of 尾差.
    let mut d = dataset();
    for i in 0..3 {
        d.fund_flows.push(alipay_row(
            &format!("R{i}"),
            FlowKind::Income,
            "交易付款",
            yuan("0.10"),
            "2026-10-08 10:00:00",
            None,
        ));
    }
    let b = books(Standard::Small, "[vat]\nrounding = \"per_voucher\"");
    let g = run(&b, &d, "2026-10");
    expect(
        &g.vouchers[0],
        &[
            ("101201", "借", "0.30"),
            ("560303", "借", "0.01"),
            ("5001", "贷", "0.27"),
            ("22210105", "贷", "0.04"),
        ],
    );
    assert_eq!(g.vouchers[0].lines[1].summary, "尾差");
    assert_eq!(g.vouchers[0].flags, vec![Flag::Rounding { fen: -1 }]);

    // Above the configured limit, the voucher is not made and its rows are reported.
    let strict = books(
        Standard::Small,
        "[vat]\nrounding = \"per_voucher\"\n[vouchers]\nrounding_max_fen = 0",
    );
    let g = run(&strict, &d, "2026-10");
    assert!(g.vouchers.is_empty());
    assert_eq!(g.issues.len(), 3);
    assert!(
        g.issues[0].message.contains("超过尾差上限"),
        "{}",
        g.issues[0].message
    );
}

#[test]
fn one_voucher_per_shop_day_and_class_by_default_numbered_per_word() {
    let mut d = dataset();
    d.fund_flows.push(alipay_row(
        "A1",
        FlowKind::Income,
        "交易付款",
        yuan("59.00"),
        "2026-10-08 10:00:00",
        None,
    ));
    d.fund_flows.push(alipay_row(
        "A2",
        FlowKind::Income,
        "交易付款",
        yuan("41.00"),
        "2026-10-08 11:00:00",
        None,
    ));
    d.fund_flows.push(alipay_row(
        "A3",
        FlowKind::Income,
        "交易付款",
        yuan("10.00"),
        "2026-10-09 11:00:00",
        None,
    ));
    d.fund_flows.push(alipay_row(
        "A4",
        FlowKind::Commission,
        "交易分账",
        yuan("-5.00"),
        "2026-10-08 11:00:00",
        None,
    ));
    let mut b_row = alipay_row(
        "B1",
        FlowKind::Income,
        "交易付款",
        yuan("20.00"),
        "2026-10-08 11:00:00",
        None,
    );
    b_row.account = Some("b@example.com".into());
    d.fund_flows.push(b_row);
    let b = books(Standard::Small, "");
    let g = generate(&b, &d, period("2026-10"), &shop_of);
    let summary: Vec<(String, u32, String, usize)> = g
        .vouchers
        .iter()
        .map(|v| {
            (
                v.date.to_string(),
                v.number,
                v.shop.clone().unwrap(),
                v.links.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("2026-10-08".to_string(), 1, "专营店".to_string(), 1),
            ("2026-10-08".to_string(), 2, "旗舰店".to_string(), 2),
            ("2026-10-08".to_string(), 3, "旗舰店".to_string(), 1),
            ("2026-10-09".to_string(), 4, "旗舰店".to_string(), 1),
        ]
    );
    // The two sales of the 8th (52.21 + 36.28 net) are one line per account, and 附单据数 counts both rows.
    expect(
        &g.vouchers[1],
        &[
            ("101201", "借", "100.00"),
            ("5001", "贷", "88.49"),
            ("22210105", "贷", "11.51"),
        ],
    );
    assert_eq!(g.vouchers[1].attachments, 2);

    let per_source = books(Standard::Small, "[vouchers]\ngroup_by = [\"source\"]");
    let g = generate(&per_source, &d, period("2026-10"), &shop_of);
    assert_eq!(g.vouchers.len(), 5);
}

#[test]
fn overlapping_exports_book_a_row_once() {
    let mut d = dataset();
    d.fund_flows.push(alipay_row(
        "A1",
        FlowKind::Income,
        "交易付款",
        yuan("59.00"),
        "2026-10-08 10:00:00",
        None,
    ));
    let mut again = d.fund_flows[0].clone();
    again.source = src(40);
    d.fund_flows.push(again);
    let g = run(&books(Standard::Small, ""), &d, "2026-10");
    assert_eq!(g.vouchers.len(), 1);
    assert_eq!(g.vouchers[0].total_debit(), yuan("59.00"));
}

#[test]
fn rows_without_a_shop_are_not_booked() {
    let mut d = dataset();
    d.fund_flows.push(alipay_row(
        "A1",
        FlowKind::Income,
        "交易付款",
        yuan("59.00"),
        "2026-10-08 10:00:00",
        None,
    ));
    let g = generate(&books(Standard::Small, ""), &d, period("2026-10"), &|_| {
        None
    });
    assert!(g.vouchers.is_empty());
    assert!(g.issues[0].message.contains("无法确定所属店铺"));
}
