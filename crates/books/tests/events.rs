//! Each business event of accounting.md §2 (J1–J17) under both standards: realistic records in,
//! the exact entry out (accounts, sides, amounts). VAT: 一般纳税人 13%, so 59.00 splits into
//! 52.21 net + 6.79 销项税额 (59 / 1.13 = 52.212…).
#![allow(clippy::unwrap_used)]

mod support;

use duizhang_books::{Flag, LinkRole, Standard};
use duizhang_core::*;
use duizhang_samples::build::*;
use support::*;

const TID: &str = "4012345678901234567";

/// A Taobao order of one white T-shirt (TS-WHITE-L, cost 25.00), paid 59.00 on 10-03, shipped
/// the same evening, trade finished on 10-08.
fn sale_data() -> Dataset {
    let mut d = dataset();
    let mut o = order(Platform::Taobao, TID, yuan("59.00"));
    o.lines.push(order_line("TS-WHITE-L", 1, yuan("59.00")));
    d.orders.push(o);
    d.shipments.push(shipment(
        "旗舰店",
        TID,
        "TS-WHITE-L",
        1,
        ShipmentKind::Normal,
        "2026-10-03 18:00:00",
    ));
    d.fund_flows.push(alipay_row(
        "20261008001",
        FlowKind::Income,
        "交易付款",
        yuan("59.00"),
        "2026-10-08 10:00:05",
        Some(TID),
    ));
    d
}

#[test]
fn j1_escrow_payment_books_nothing() {
    for s in BOTH {
        let mut d = dataset();
        let mut o = order(Platform::Taobao, TID, yuan("59.00"));
        o.status = OrderStatus::Paid;
        o.shipped_at = None;
        o.finished_at = None;
        d.orders.push(o);
        let g = run(&books(s, ""), &d, "2026-10");
        assert!(g.vouchers.is_empty(), "{s:?}");
    }
}

/// A WeChat mini-program order paid straight into the merchant account before shipment.
fn direct_payment() -> Dataset {
    let mut d = dataset();
    let mut o = order(Platform::Wechat, "WX20261003001", yuan("59.00"));
    o.status = OrderStatus::Shipped;
    o.shipped_at = None;
    o.finished_at = None;
    d.orders.push(o);
    let mut f = flow(
        FundProvider::Wechat,
        "4200002611202610031234",
        FlowKind::Income,
        yuan("59.00"),
        "2026-10-03 10:00:00",
    );
    f.order_no = Some("WX20261003001".into());
    f.kind_text = "交易".into();
    d.fund_flows.push(f);
    d
}

#[test]
fn j1b_funds_before_delivery_are_an_advance() {
    for s in BOTH {
        let g = run(&books(s, ""), &direct_payment(), "2026-10");
        assert_eq!(g.vouchers.len(), 1);
        let advance = c(s, "2203", "2204");
        expect(
            &g.vouchers[0],
            &[("101202", "借", "59.00"), (advance, "贷", "59.00")],
        );
    }
}

#[test]
fn j1b_an_order_the_erp_has_not_shipped_is_an_advance_not_a_sale() {
    for s in BOTH {
        // A mini-program shop: the order is known only to the ERP, 待发货 at the cut-off.
        let mut d = direct_payment();
        d.orders.clear();
        d.erp_orders.push(erp_order(
            "小程序商城",
            Platform::Wechat,
            "WX20261003001",
            ErpOrderStatus::WaitingShipment,
            "2026-10-03 10:02:00",
        ));
        // Another order of the month did ship, so the ERP's goods data is in the period.
        d.shipments.push(shipment(
            "小程序商城",
            "WX20261001009",
            "TS-WHITE-L",
            1,
            ShipmentKind::Normal,
            "2026-10-01 18:00:00",
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        expect(
            voucher_of(&g, "销售"),
            &[
                ("101202", "借", "59.00"),
                (c(s, "2203", "2204"), "贷", "59.00"),
            ],
        );
        assert!(g.issues.is_empty(), "{:?}", g.issues);
    }
}

#[test]
fn j1b_advance_becomes_revenue_at_delivery_with_j2_and_cost() {
    for s in BOTH {
        let mut d = direct_payment();
        d.shipments.push(shipment(
            "旗舰店",
            "WX20261003001",
            "TS-WHITE-L",
            1,
            ShipmentKind::Normal,
            "2026-10-05 17:00:00",
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        let advance = c(s, "2203", "2204");
        let day5: Vec<_> = g.vouchers.iter().filter(|v| v.date.day() == 5).collect();
        assert_eq!(day5.len(), 2);
        // Sales voucher of the 5th: advance → revenue, and cost out of 发出商品.
        expect(
            day5[0],
            &[
                (advance, "借", "59.00"),
                (c(s, "5401", "6401"), "借", "25.00"),
                (c(s, "5001", "6001"), "贷", "52.21"),
                ("22210105", "贷", "6.79"),
                ("1406", "贷", "25.00"),
            ],
        );
        // Inventory voucher: J2 发出商品.
        expect(day5[1], &[("1406", "借", "25.00"), ("1405", "贷", "25.00")]);
    }
}

#[test]
fn j2_shipment_before_revenue_goes_to_goods_shipped() {
    for s in BOTH {
        let g = run(&books(s, ""), &sale_data(), "2026-10");
        let inv = voucher_of(&g, "存货");
        expect(inv, &[("1406", "借", "25.00"), ("1405", "贷", "25.00")]);
        assert_eq!(inv.date.to_string(), "2026-10-03");
    }
}

#[test]
fn j2_under_shipment_policy_is_revenue_and_cost_at_shipment() {
    for s in BOTH {
        let b = books(s, "[policy]\nrevenue_recognition = \"shipment\"");
        let g = run(&b, &sale_data(), "2026-10");
        let sales: Vec<_> = g
            .vouchers
            .iter()
            .filter(|v| v.class.map(|c| c.zh()) == Some("销售"))
            .collect();
        assert_eq!(sales.len(), 2);
        expect(
            sales[0],
            &[
                ("112201", "借", "59.00"),
                (c(s, "5401", "6401"), "借", "25.00"),
                (c(s, "5001", "6001"), "贷", "52.21"),
                ("22210105", "贷", "6.79"),
                ("1405", "贷", "25.00"),
            ],
        );
        // J3 at settlement only moves the receivable into the Alipay account.
        expect(
            sales[1],
            &[("101201", "借", "59.00"), ("112201", "贷", "59.00")],
        );
    }
}

#[test]
fn j3_settlement_books_revenue_vat_cost_commission_and_points() {
    for s in BOTH {
        let mut d = sale_data();
        d.fund_flows.push(alipay_row(
            "20261008002",
            FlowKind::Commission,
            "交易分账",
            yuan("-2.95"),
            "2026-10-08 10:00:05",
            Some(TID),
        ));
        let mut points = alipay_row(
            "20261008003",
            FlowKind::Commission,
            "交易分账",
            yuan("-0.59"),
            "2026-10-08 10:00:05",
            Some(TID),
        );
        points.memo = Some("天猫积分返点".into());
        d.fund_flows.push(points);
        let mut fee = alipay_row(
            "20261008004",
            FlowKind::Fee,
            "技术服务费",
            yuan("-1.18"),
            "2026-10-08 10:00:05",
            Some(TID),
        );
        fee.memo = Some("基础软件服务费".into());
        d.fund_flows.push(fee);
        let g = run(&books(s, ""), &d, "2026-10");
        expect(
            voucher_of(&g, "销售"),
            &[
                ("101201", "借", "59.00"),
                (c(s, "5401", "6401"), "借", "25.00"),
                (c(s, "5001", "6001"), "贷", "52.21"),
                ("22210105", "贷", "6.79"),
                ("1406", "贷", "25.00"),
            ],
        );
        let sell = |x: &'static str, y: &'static str| c(s, x, y);
        expect(
            voucher_of(&g, "费用"),
            &[
                (sell("560101", "660101"), "借", "2.95"),
                (sell("560103", "660103"), "借", "0.59"),
                (sell("560102", "660102"), "借", "1.18"),
                ("101201", "贷", "2.95"),
                ("101201", "贷", "0.59"),
                ("101201", "贷", "1.18"),
            ],
        );
    }
}

#[test]
fn j3b_commission_held_until_the_invoice_arrives() {
    for s in BOTH {
        let mut d = dataset();
        d.fund_flows.push(alipay_row(
            "20261008002",
            FlowKind::Commission,
            "交易分账",
            yuan("-2.95"),
            "2026-10-08 10:00:05",
            Some(TID),
        ));
        let g = run(
            &books(s, "[policy]\ncommission = \"pending_invoice\""),
            &d,
            "2026-10",
        );
        expect(
            &g.vouchers[0],
            &[("122102", "借", "2.95"), ("101201", "贷", "2.95")],
        );
    }
}

#[test]
fn j4_payment_fee_is_a_finance_expense() {
    for s in BOTH {
        let mut d = dataset();
        d.fund_flows.push(alipay_row(
            "20261008005",
            FlowKind::Fee,
            "花呗分期手续费",
            yuan("-0.35"),
            "2026-10-08 10:00:05",
            Some(TID),
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        expect(
            &g.vouchers[0],
            &[
                (c(s, "560301", "660301"), "借", "0.35"),
                ("101201", "贷", "0.35"),
            ],
        );
    }
}

#[test]
fn j5_withdrawal_moves_money_to_the_bank() {
    for s in BOTH {
        let mut d = dataset();
        d.fund_flows.push(alipay_row(
            "20261010001",
            FlowKind::Withdrawal,
            "提现",
            yuan("-1000.00"),
            "2026-10-10 09:00:00",
            None,
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        expect(
            &g.vouchers[0],
            &[("1002", "借", "1000.00"), ("101201", "贷", "1000.00")],
        );
        assert_eq!(g.vouchers[0].class.unwrap().zh(), "资金调拨");
    }
}

#[test]
fn j6_deposit_paid_and_refunded() {
    for s in BOTH {
        let mut d = dataset();
        d.fund_flows.push(alipay_row(
            "20261001001",
            FlowKind::Transfer,
            "转账",
            yuan("-30000.00"),
            "2026-10-01 09:00:00",
            None,
        ));
        d.fund_flows[0].memo = Some("天猫年费".into());
        d.fund_flows.push(alipay_row(
            "20261020001",
            FlowKind::Transfer,
            "保证金退回",
            yuan("1000.00"),
            "2026-10-20 09:00:00",
            None,
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        expect(
            &g.vouchers[0],
            &[("122101", "借", "30000.00"), ("101201", "贷", "30000.00")],
        );
        expect(
            &g.vouchers[1],
            &[("101201", "借", "1000.00"), ("122101", "贷", "1000.00")],
        );
    }
}

#[test]
fn j7_refund_before_shipment_reverses_the_advance() {
    for s in BOTH {
        let mut d = direct_payment();
        let mut a = after_sale(
            Platform::Wechat,
            "WX20261003001",
            "RF2026100401",
            AfterSaleKind::RefundOnly,
            yuan("59.00"),
        );
        a.phase = Some(AfterSalePhase::OnSale);
        d.after_sales.push(a);
        let mut f = flow(
            FundProvider::Wechat,
            "4200002611202610041111",
            FlowKind::Refund,
            yuan("-59.00"),
            "2026-10-04 11:00:00",
        );
        f.order_no = Some("WX20261003001".into());
        f.refund_no = Some("RF2026100401".into());
        d.fund_flows.push(f);
        let g = run(&books(s, ""), &d, "2026-10");
        let refund = voucher_of(&g, "退款");
        expect(
            refund,
            &[
                (c(s, "2203", "2204"), "借", "59.00"),
                ("101202", "贷", "59.00"),
            ],
        );
    }
}

#[test]
fn j8_refused_parcel_comes_back_before_revenue() {
    for s in BOTH {
        let mut d = dataset();
        let mut o = order(Platform::Taobao, TID, yuan("59.00"));
        o.status = OrderStatus::Refunded;
        o.finished_at = None;
        d.orders.push(o);
        d.shipments.push(shipment(
            "旗舰店",
            TID,
            "TS-WHITE-L",
            1,
            ShipmentKind::Normal,
            "2026-10-03 18:00:00",
        ));
        d.after_sales.push(after_sale(
            Platform::Taobao,
            TID,
            "RF001",
            AfterSaleKind::ReturnAndRefund,
            yuan("59.00"),
        ));
        d.return_receipts.push(return_receipt(
            "旗舰店",
            TID,
            "RF001",
            "TS-WHITE-L",
            1,
            "2026-10-09 15:00:00",
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        let back: Vec<_> = g.vouchers.iter().filter(|v| v.date.day() == 9).collect();
        expect(back[0], &[("1405", "借", "25.00"), ("1406", "贷", "25.00")]);
    }
}

/// J9 data: the sale of `sale_data`, returned: refund paid on 10-12, commission refunded by
/// the platform, goods back in stock on 10-14.
fn returned() -> Dataset {
    let mut d = sale_data();
    d.after_sales.push(after_sale(
        Platform::Taobao,
        TID,
        "RF2026101201",
        AfterSaleKind::ReturnAndRefund,
        yuan("59.00"),
    ));
    let mut r = alipay_row(
        "20261012001",
        FlowKind::Refund,
        "交易退款",
        yuan("-59.00"),
        "2026-10-12 10:00:00",
        Some(TID),
    );
    r.refund_no = Some("RF2026101201".into());
    d.fund_flows.push(r);
    d.fund_flows.push(alipay_row(
        "20261012002",
        FlowKind::Commission,
        "交易分账退回",
        yuan("2.95"),
        "2026-10-12 10:00:00",
        Some(TID),
    ));
    d.return_receipts.push(return_receipt(
        "旗舰店",
        TID,
        "RF2026101201",
        "TS-WHITE-L",
        1,
        "2026-10-14 15:00:00",
    ));
    d
}

#[test]
fn j9_return_and_refund_after_revenue_with_cost_reversal() {
    for s in BOTH {
        let g = run(&books(s, ""), &returned(), "2026-10");
        let refund = voucher_of(&g, "退款");
        expect(
            refund,
            &[
                (c(s, "5001", "6001"), "借", "52.21"),
                ("22210105", "借", "6.79"),
                ("101201", "贷", "59.00"),
            ],
        );
        assert!(
            refund
                .links
                .iter()
                .any(|l| l.kind == RecordKind::AfterSale && l.key == "RF2026101201")
        );
        let day12_fees = g
            .vouchers
            .iter()
            .find(|v| v.date.day() == 12 && v.class.unwrap().zh() == "费用")
            .unwrap();
        expect(
            day12_fees,
            &[
                ("101201", "借", "2.95"),
                (c(s, "560101", "660101"), "贷", "2.95"),
            ],
        );
        let back = g.vouchers.iter().find(|v| v.date.day() == 14).unwrap();
        expect(
            back,
            &[
                ("1405", "借", "25.00"),
                (c(s, "5401", "6401"), "贷", "25.00"),
            ],
        );
    }
}

fn refund_only(amount: &str) -> Dataset {
    let mut d = sale_data();
    d.after_sales.push(after_sale(
        Platform::Taobao,
        TID,
        "RF2026101502",
        AfterSaleKind::RefundOnly,
        yuan(amount),
    ));
    let mut r = alipay_row(
        "20261015001",
        FlowKind::Refund,
        "交易退款",
        -yuan(amount),
        "2026-10-15 10:00:00",
        Some(TID),
    );
    r.refund_no = Some("RF2026101502".into());
    d.fund_flows.push(r);
    d
}

#[test]
fn j10_refund_only_is_a_sales_allowance_by_default() {
    for s in BOTH {
        let g = run(&books(s, ""), &refund_only("10.00"), "2026-10");
        // 10 / 1.13 = 8.849… → 8.85 net, 1.15 VAT; no inventory or cost entry.
        expect(
            voucher_of(&g, "退款"),
            &[
                (c(s, "5001", "6001"), "借", "8.85"),
                ("22210105", "借", "1.15"),
                ("101201", "贷", "10.00"),
            ],
        );
        assert!(
            !g.vouchers
                .iter()
                .any(|v| v.date.day() == 15 && v.class.unwrap().zh() == "存货")
        );
    }
}

#[test]
fn j10_refund_only_policies() {
    for s in BOTH {
        let b = books(s, "[policy]\nrefund_only = \"selling_expense\"");
        let g = run(&b, &refund_only("10.00"), "2026-10");
        expect(
            voucher_of(&g, "退款"),
            &[
                (c(s, "560107", "660107"), "借", "10.00"),
                ("101201", "贷", "10.00"),
            ],
        );
        let b = books(s, "[policy]\nrefund_only = \"non_operating\"");
        let g = run(&b, &refund_only("10.00"), "2026-10");
        expect(
            voucher_of(&g, "退款"),
            &[
                (c(s, "5711", "6711"), "借", "10.00"),
                ("101201", "贷", "10.00"),
            ],
        );
    }
}

/// A 仅退款 of 10.00 on the T-shirt whose buyer gave `reason` (退款原因).
fn refund_only_because(reason: &str) -> Dataset {
    let mut d = refund_only("10.00");
    d.after_sales[0].reason = Some(reason.into());
    d
}

fn touches(v: &duizhang_books::Voucher, code: &str) -> bool {
    v.lines.iter().any(|l| l.account == code)
}

#[test]
fn j10b_carrier_refund_is_booked_as_j10_and_flagged_by_default() {
    for s in BOTH {
        let g = run(&books(s, ""), &refund_only_because("包裹丢失"), "2026-10");
        let v = voucher_of(&g, "退款");
        expect(
            v,
            &[
                (c(s, "5001", "6001"), "借", "8.85"),
                ("22210105", "借", "1.15"),
                ("101201", "贷", "10.00"),
            ],
        );
        assert_eq!(
            v.flags,
            vec![Flag::CarrierClaim {
                refund_no: "RF2026101502".into(),
                keyword: "丢失".into(),
                claim_booked: false,
            }]
        );
        assert_eq!(
            v.flags[0].zh(),
            "RF2026101502 退款原因含“丢失”，属快递丢件/破损：可向快递公司索赔，赔款到账时另行入账"
        );
        assert!(!g.vouchers.iter().any(|v| touches(v, "122103")));
        // The flag follows the refund whatever the 仅退款 policy books it to.
        let b = books(s, "[policy]\nrefund_only = \"selling_expense\"");
        let g = run(&b, &refund_only_because("包裹丢失"), "2026-10");
        let v = voucher_of(&g, "退款");
        expect(
            v,
            &[
                (c(s, "560107", "660107"), "借", "10.00"),
                ("101201", "贷", "10.00"),
            ],
        );
        assert!(matches!(v.flags[..], [Flag::CarrierClaim { .. }]));
    }
}

#[test]
fn j10b_receivable_policy_books_the_claim_on_the_refund_voucher() {
    for s in BOTH {
        let b = books(s, "[policy]\ncarrier_claim = \"receivable\"");
        assert_eq!(b.chart.full_name("122103"), "其他应收款—快递公司");
        // 淘宝's 未收到货 reason: the parcel came back broken and the buyer refused it.
        let d = refund_only_because("货物破损已拒签");
        let g = run(&b, &d, "2026-10");
        let v = voucher_of(&g, "退款");
        expect(
            v,
            &[
                (c(s, "5001", "6001"), "借", "8.85"),
                ("22210105", "借", "1.15"),
                ("122103", "借", "10.00"),
                ("101201", "贷", "10.00"),
                (c(s, "5301", "6301"), "贷", "10.00"),
            ],
        );
        assert_eq!(
            v.lines[2].summary,
            "2026-10-15 旗舰店 快递丢件/破损应收索赔"
        );
        assert_eq!(
            v.flags,
            vec![Flag::CarrierClaim {
                refund_no: "RF2026101502".into(),
                keyword: "破损已拒签".into(),
                claim_booked: true,
            }]
        );
        // The claim adds no link: the refund row is booked once, its after-sale supports.
        let links: Vec<_> = v
            .links
            .iter()
            .map(|l| (l.kind, l.key.as_str(), l.role))
            .collect();
        assert_eq!(
            links,
            vec![
                (RecordKind::AfterSale, "RF2026101502", LinkRole::Supporting),
                (RecordKind::FundFlow, "20261015001", LinkRole::Primary),
            ]
        );
        assert_eq!(v.attachments, 2);
        duizhang_books::validate_all(&g.vouchers, &b.chart).unwrap();
        assert!(duizhang_books::checks::source_booked_twice(&d, &g.vouchers, &one_shop).is_empty());
        // One voucher per source row keeps the claim with its refund.
        let b = books(
            s,
            "[policy]\ncarrier_claim = \"receivable\"\n[vouchers]\ngroup_by = [\"source\"]",
        );
        let g = run(&b, &d, "2026-10");
        let v = voucher_of(&g, "退款");
        assert!(touches(v, "122103") && touches(v, "101201"));
    }
}

#[test]
fn j10b_other_refund_reasons_get_neither_flag_nor_claim() {
    for s in BOTH {
        let b = books(s, "[policy]\ncarrier_claim = \"receivable\"");
        // 商品破损 is the buyer's word for goods that arrived broken, not a carrier's loss.
        for reason in ["不想要了", "7天无理由退换货", "商品破损", "少件/漏发"] {
            let g = run(&b, &refund_only_because(reason), "2026-10");
            let v = voucher_of(&g, "退款");
            expect(
                v,
                &[
                    (c(s, "5001", "6001"), "借", "8.85"),
                    ("22210105", "借", "1.15"),
                    ("101201", "贷", "10.00"),
                ],
            );
            assert!(v.flags.is_empty(), "{reason}: {:?}", v.flags);
        }
        // Refunded before shipment: no parcel was lost, whatever the reason says.
        let mut d = refund_only_because("快递丢件");
        d.after_sales[0].phase = Some(AfterSalePhase::OnSale);
        let g = run(&b, &d, "2026-10");
        let v = voucher_of(&g, "退款");
        assert!(v.flags.is_empty() && !touches(v, "122103"));
        // A return is not a 仅退款: the goods came back.
        let mut d = refund_only_because("快递丢件");
        d.after_sales[0].kind = AfterSaleKind::ReturnAndRefund;
        let g = run(&b, &d, "2026-10");
        assert!(voucher_of(&g, "退款").flags.is_empty());
        // The seller's own words replace the defaults (spaces around a word do not count).
        let own = books(
            s,
            "[policy]\ncarrier_claim = \"receivable\"\ncarrier_keywords = [\" 顺丰丢件\"]",
        );
        let g = run(&own, &refund_only_because("包裹丢失"), "2026-10");
        assert!(voucher_of(&g, "退款").flags.is_empty());
        let g = run(&own, &refund_only_because("顺丰丢件，已报案"), "2026-10");
        assert!(touches(voucher_of(&g, "退款"), "122103"));
    }
}

#[test]
fn j11_cross_period_refund_is_booked_in_the_refund_month_and_flagged() {
    for s in BOTH {
        // Sold and settled in September, returned in October.
        let mut d = dataset();
        let mut o = order(Platform::Taobao, TID, yuan("59.00"));
        o.paid_at = Some(at("2026-09-20 10:00:00"));
        o.shipped_at = Some(at("2026-09-20 18:00:00"));
        o.finished_at = Some(at("2026-09-26 10:00:00"));
        d.orders.push(o);
        d.fund_flows.push(alipay_row(
            "20260926001",
            FlowKind::Income,
            "交易付款",
            yuan("59.00"),
            "2026-09-26 10:00:00",
            Some(TID),
        ));
        d.after_sales.push(after_sale(
            Platform::Taobao,
            TID,
            "RF2026100501",
            AfterSaleKind::ReturnAndRefund,
            yuan("59.00"),
        ));
        let mut r = alipay_row(
            "20261005001",
            FlowKind::Refund,
            "交易退款",
            yuan("-59.00"),
            "2026-10-05 10:00:00",
            Some(TID),
        );
        r.refund_no = Some("RF2026100501".into());
        d.fund_flows.push(r);
        let g = run(&books(s, ""), &d, "2026-10");
        assert_eq!(
            g.vouchers.len(),
            1,
            "the September sale is not booked again in October"
        );
        let v = &g.vouchers[0];
        expect(
            v,
            &[
                (c(s, "5001", "6001"), "借", "52.21"),
                ("22210105", "借", "6.79"),
                ("101201", "贷", "59.00"),
            ],
        );
        assert!(
            v.lines[0].summary.contains("跨期"),
            "{}",
            v.lines[0].summary
        );
        assert_eq!(
            v.flags,
            vec![Flag::CrossPeriod {
                refund_no: "RF2026100501".into()
            }]
        );
    }
}

#[test]
fn j11_year_end_refund_is_a_subsequent_event_candidate_only_under_enterprise() {
    for s in BOTH {
        let mut d = dataset();
        let mut o = order(Platform::Taobao, TID, yuan("59.00"));
        o.finished_at = Some(at("2025-12-20 10:00:00"));
        o.shipped_at = Some(at("2025-12-15 10:00:00"));
        d.orders.push(o);
        d.after_sales.push(after_sale(
            Platform::Taobao,
            TID,
            "RF2027",
            AfterSaleKind::ReturnAndRefund,
            yuan("59.00"),
        ));
        let mut r = alipay_row(
            "20260115001",
            FlowKind::Refund,
            "交易退款",
            yuan("-59.00"),
            "2026-01-15 10:00:00",
            Some(TID),
        );
        r.refund_no = Some("RF2027".into());
        d.fund_flows.push(r);
        let g = run(&books(s, ""), &d, "2026-01");
        let v = &g.vouchers[0];
        // Still booked in January against current revenue (J11 default), never 6901.
        expect(
            v,
            &[
                (c(s, "5001", "6001"), "借", "52.21"),
                ("22210105", "借", "6.79"),
                ("101201", "贷", "59.00"),
            ],
        );
        let subsequent = v
            .flags
            .iter()
            .any(|f| matches!(f, Flag::SubsequentEvent { .. }));
        assert_eq!(subsequent, s == Standard::Enterprise, "{s:?}");
        // After the approval date it is an ordinary cross-period refund.
        let mut late = d.clone();
        late.fund_flows[0].occurred_at = at("2026-05-15 10:00:00");
        let g = run(&books(s, ""), &late, "2026-05");
        assert!(
            !g.vouchers[0]
                .flags
                .iter()
                .any(|f| matches!(f, Flag::SubsequentEvent { .. }))
        );
    }
}

fn exchange(returned_sku: &str, out_sku: &str, quality: QualityResult) -> Dataset {
    let mut d = sale_data();
    d.fund_flows.clear();
    d.shipments.clear();
    let mut a = after_sale(
        Platform::Taobao,
        TID,
        "EX001",
        AfterSaleKind::Exchange,
        Fen::ZERO,
    );
    a.lines.push(after_sale_line(returned_sku, 1));
    d.after_sales.push(a);
    let mut rr = return_receipt(
        "旗舰店",
        TID,
        "EX001",
        returned_sku,
        1,
        "2026-10-16 10:00:00",
    );
    rr.quality = Some(quality);
    d.return_receipts.push(rr);
    let mut s = shipment(
        "旗舰店",
        TID,
        out_sku,
        1,
        ShipmentKind::Exchange,
        "2026-10-16 16:00:00",
    );
    s.refund_no = Some("EX001".into());
    d.shipments.push(s);
    d
}

#[test]
fn j12_exchange_same_sku_books_nothing_unless_the_unit_is_damaged() {
    for s in BOTH {
        let g = run(
            &books(s, ""),
            &exchange("TS-WHITE-L", "TS-WHITE-L", QualityResult::Good),
            "2026-10",
        );
        assert!(g.vouchers.is_empty(), "{:#?}", g.vouchers);
        let g = run(
            &books(s, ""),
            &exchange("TS-WHITE-L", "TS-WHITE-L", QualityResult::Defective),
            "2026-10",
        );
        assert_eq!(g.vouchers.len(), 1);
        expect(
            &g.vouchers[0],
            &[("1901", "借", "25.00"), ("1405", "贷", "25.00")],
        );
    }
}

#[test]
fn j12b_exchange_for_another_sku_is_a_return_and_a_new_issue() {
    for s in BOTH {
        let g = run(
            &books(s, ""),
            &exchange("TS-WHITE-L", "TS-WHITE-XL", QualityResult::Good),
            "2026-10",
        );
        expect(
            &g.vouchers[0],
            &[
                ("1405", "借", "25.00"),
                (c(s, "5401", "6401"), "借", "26.00"),
                (c(s, "5401", "6401"), "贷", "25.00"),
                ("1405", "贷", "26.00"),
            ],
        );
    }
}

fn reship(reason: &str) -> Dataset {
    let mut d = dataset();
    let mut a = after_sale(
        Platform::Taobao,
        TID,
        "BF001",
        AfterSaleKind::Reship,
        Fen::ZERO,
    );
    a.reason = Some(reason.into());
    d.after_sales.push(a);
    let mut s = shipment(
        "旗舰店",
        TID,
        "MUG-01",
        2,
        ShipmentKind::Reship,
        "2026-10-18 11:00:00",
    );
    s.refund_no = Some("BF001".into());
    d.shipments.push(s);
    d
}

#[test]
fn j13_reship_of_missing_goods_is_cost_of_sales() {
    for s in BOTH {
        let g = run(&books(s, ""), &reship("商家漏发"), "2026-10");
        expect(
            &g.vouchers[0],
            &[
                (c(s, "5401", "6401"), "借", "16.80"),
                ("1405", "贷", "16.80"),
            ],
        );
    }
}

#[test]
fn j13b_free_replacement_is_after_sales_service_cost() {
    for s in BOTH {
        let g = run(&books(s, ""), &reship("收到商品破损"), "2026-10");
        expect(
            &g.vouchers[0],
            &[
                (c(s, "560106", "660106"), "借", "16.80"),
                ("1405", "贷", "16.80"),
            ],
        );
        let b = books(s, "[policy]\nreship_cost = \"cogs\"");
        let g = run(&b, &reship("收到商品破损"), "2026-10");
        expect(
            &g.vouchers[0],
            &[
                (c(s, "5401", "6401"), "借", "16.80"),
                ("1405", "贷", "16.80"),
            ],
        );
    }
}

#[test]
fn j14_freight_insurance_premium() {
    for s in BOTH {
        let mut d = dataset();
        d.fund_flows.push(alipay_row(
            "20261008006",
            FlowKind::Other,
            "保险费",
            yuan("-0.90"),
            "2026-10-08 10:00:05",
            Some(TID),
        ));
        d.fund_flows[0].memo = Some("退货运费险".into());
        let g = run(&books(s, ""), &d, "2026-10");
        expect(
            &g.vouchers[0],
            &[
                (c(s, "560105", "660105"), "借", "0.90"),
                ("101201", "贷", "0.90"),
            ],
        );
    }
}

#[test]
fn j15a_seller_coupon_revenue_is_the_net_price() {
    for s in BOTH {
        let mut d = sale_data();
        d.orders[0].goods = Some(yuan("69.00"));
        d.orders[0].seller_discount = Some(yuan("10.00"));
        let g = run(&books(s, ""), &d, "2026-10");
        let v = voucher_of(&g, "销售");
        assert_eq!(
            lines(v)[2],
            (c(s, "5001", "6001").to_string(), "贷", "52.21".to_string())
        );
    }
}

#[test]
fn j15b_platform_subsidy_is_revenue_with_a_receivable_cleared_on_receipt() {
    for s in BOTH {
        let mut d = sale_data();
        d.orders[0].goods = Some(yuan("64.00"));
        d.orders[0].platform_discount = Some(yuan("5.00"));
        d.fund_flows.push(alipay_row(
            "20261025001",
            FlowKind::Income,
            "平台补贴",
            yuan("5.00"),
            "2026-10-25 10:00:00",
            None,
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        let sales: Vec<_> = g
            .vouchers
            .iter()
            .filter(|v| v.class.unwrap().zh() == "销售")
            .collect();
        // 5 / 1.13 = 4.42 + 0.58; revenue 52.21 + 4.42, VAT 6.79 + 0.58.
        expect(
            sales[0],
            &[
                ("101201", "借", "59.00"),
                ("112202", "借", "5.00"),
                (c(s, "5401", "6401"), "借", "25.00"),
                (c(s, "5001", "6001"), "贷", "56.63"),
                ("22210105", "贷", "7.37"),
                ("1406", "贷", "25.00"),
            ],
        );
        expect(
            sales[1],
            &[("101201", "借", "5.00"), ("112202", "贷", "5.00")],
        );
        let b = books(s, "[policy]\nplatform_subsidy = \"included\"");
        let g = run(&b, &d, "2026-10");
        assert!(!g.vouchers[0].lines.iter().any(|l| l.account == "112202"));
    }
}

#[test]
fn j15d_cash_discount_and_j15e_cashback_follow_the_standard() {
    for s in BOTH {
        let mut d = dataset();
        d.fund_flows.push(alipay_row(
            "20261020002",
            FlowKind::Other,
            "转账",
            yuan("-5.00"),
            "2026-10-20 10:00:00",
            Some(TID),
        ));
        d.fund_flows[0].memo = Some("好评返现".into());
        d.fund_flows.push(alipay_row(
            "20261020003",
            FlowKind::Other,
            "现金折扣",
            yuan("-1.00"),
            "2026-10-20 10:00:00",
            Some(TID),
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        match s {
            Standard::Small => {
                expect(
                    &g.vouchers[0],
                    &[
                        ("560108", "借", "5.00"),
                        ("560302", "借", "1.00"),
                        ("101201", "贷", "5.00"),
                        ("101201", "贷", "1.00"),
                    ],
                );
            }
            Standard::Enterprise => {
                // CAS 14 §19: cash back reduces the transaction price.
                expect(
                    &g.vouchers[0],
                    &[
                        ("6001", "借", "4.42"),
                        ("22210105", "借", "0.58"),
                        ("101201", "贷", "5.00"),
                    ],
                );
                expect(
                    &g.vouchers[1],
                    &[("660302", "借", "1.00"), ("101201", "贷", "1.00")],
                );
            }
        }
    }
}

#[test]
fn j16_damaged_return_goes_to_pending_loss() {
    for s in BOTH {
        let mut d = returned();
        d.return_receipts[0].quality = Some(QualityResult::Defective);
        let g = run(&books(s, ""), &d, "2026-10");
        let back = g.vouchers.iter().find(|v| v.date.day() == 14).unwrap();
        expect(
            back,
            &[
                ("1901", "借", "25.00"),
                (c(s, "5401", "6401"), "贷", "25.00"),
            ],
        );
    }
}

#[test]
fn j17_penalty_policy() {
    for s in BOTH {
        let mut d = dataset();
        d.fund_flows.push(alipay_row(
            "20261021001",
            FlowKind::Other,
            "延迟发货赔付",
            yuan("-20.00"),
            "2026-10-21 10:00:00",
            Some(TID),
        ));
        let g = run(&books(s, ""), &d, "2026-10");
        expect(
            &g.vouchers[0],
            &[
                (c(s, "5711", "6711"), "借", "20.00"),
                ("101201", "贷", "20.00"),
            ],
        );
        let g = run(
            &books(s, "[policy]\npenalty = \"selling_expense\""),
            &d,
            "2026-10",
        );
        expect(
            &g.vouchers[0],
            &[
                (c(s, "560109", "660109"), "借", "20.00"),
                ("101201", "贷", "20.00"),
            ],
        );
    }
}

#[test]
fn missing_cost_and_unknown_rows_are_reported_not_guessed() {
    let mut d = returned();
    d.return_receipts[0].sku = "NO-COST".into();
    d.fund_flows.push(alipay_row(
        "20261013001",
        FlowKind::Other,
        "其他",
        yuan("-3.00"),
        "2026-10-13 10:00:00",
        None,
    ));
    let g = run(&books(Standard::Small, ""), &d, "2026-10");
    let keys: Vec<&str> = g.issues.iter().map(|i| i.key.as_str()).collect();
    assert!(keys.contains(&"RF2026101201/NO-COST"), "{keys:?}");
    assert!(keys.contains(&"20261013001"), "{keys:?}");
    assert!(
        g.issues
            .iter()
            .any(|i| i.message.contains("未设置单位成本"))
    );
    assert!(
        !g.vouchers
            .iter()
            .any(|v| v.links.iter().any(|l| l.key == "20261013001"))
    );
}

#[test]
fn a_finished_trade_without_a_shipping_time_is_a_sale_not_an_advance() {
    for s in BOTH {
        let mut d = sale_data();
        d.orders[0].shipped_at = None;
        d.shipments.clear();
        let g = run(&books(s, ""), &d, "2026-10");
        expect(
            &g.vouchers[0],
            &[
                ("101201", "借", "59.00"),
                (c(s, "5001", "6001"), "贷", "52.21"),
                ("22210105", "贷", "6.79"),
            ],
        );
        assert!(g.issues.is_empty(), "no ERP data at all: nothing to note");
    }
}

#[test]
fn a_settled_order_without_its_shipment_in_the_data_is_noted() {
    let mut d = sale_data();
    d.shipments[0].order_no = "4019999999999999999".into();
    let g = run(&books(Standard::Small, ""), &d, "2026-10");
    let sales = voucher_of(&g, "销售");
    expect(
        sales,
        &[
            ("101201", "借", "59.00"),
            ("5001", "贷", "52.21"),
            ("22210105", "贷", "6.79"),
        ],
    );
    assert_eq!(g.issues.len(), 1);
    assert!(
        g.issues[0].message.contains("没有找到发货记录"),
        "{}",
        g.issues[0].message
    );
}

/// J9 / J10 for a JD refund after the settlement: the 资金表 outflow names only its 商户订单号;
/// the 结算单 that clawed the refund back ties it to the order and its after-sale, so it is
/// booked once, as the after-sale's kind says, whatever the outflow's 交易备注 says.
#[test]
fn jd_refund_after_settlement_is_booked_once_by_its_after_sale() {
    let memos = [(FlowKind::Refund, "售后退款"), (FlowKind::Other, "货款")];
    for s in BOTH {
        for memo in memos {
            for (kind, summary) in [
                (AfterSaleKind::ReturnAndRefund, "退货退款"),
                (AfterSaleKind::RefundOnly, "仅退款（销售折让）"),
            ] {
                let d = jd_refund_after_settlement(kind, memo);
                let g = run(&books(s, ""), &d, "2026-10");
                assert!(g.issues.is_empty(), "{memo:?} {kind:?}: {:?}", g.issues);
                let refund = voucher_of(&g, "退款");
                // The wallet's net (82.72, commission given back) leaves 京东钱包:
                // 82.72 / 1.13 = 73.203… → 73.20 net, 9.52 VAT.
                expect(
                    refund,
                    &[
                        (c(s, "5001", "6001"), "借", "73.20"),
                        ("22210105", "借", "9.52"),
                        ("101204", "贷", "82.72"),
                    ],
                );
                assert!(
                    refund.lines[0].summary.contains(summary),
                    "{memo:?} {kind:?}: {}",
                    refund.lines[0].summary
                );
                assert!(refund.flags.is_empty(), "{:?}", refund.flags);
                assert!(
                    refund
                        .links
                        .iter()
                        .any(|l| l.kind == RecordKind::AfterSale && l.key == JD_SERVICE_NO),
                    "{:?}",
                    refund.links
                );
                // The outflow stands behind one voucher only.
                let behind: Vec<_> = g
                    .vouchers
                    .iter()
                    .filter(|v| {
                        v.links
                            .iter()
                            .any(|l| l.kind == RecordKind::FundFlow && l.key == "J2")
                    })
                    .collect();
                assert_eq!(behind.len(), 1);
                assert!(
                    duizhang_books::checks::source_booked_twice(&d, &g.vouchers, &one_shop)
                        .is_empty()
                );
            }
        }
    }
}

/// Without the 结算单 the outflow is what it says: a 退款 row booked as a refund without an
/// after-sale (flagged), a 货款 row that no rule books left to the accountant.
#[test]
fn a_jd_outflow_without_its_statement_is_not_guessed() {
    let mut d = jd_refund_after_settlement(
        AfterSaleKind::ReturnAndRefund,
        (FlowKind::Refund, "售后退款"),
    );
    d.settlements
        .retain(|s| s.payment_ref.as_deref() != Some("S2"));
    let g = run(&books(Standard::Small, ""), &d, "2026-10");
    let refund = voucher_of(&g, "退款");
    assert!(matches!(
        refund.flags[..],
        [Flag::RefundWithoutAfterSale { .. }]
    ));
    let mut d =
        jd_refund_after_settlement(AfterSaleKind::ReturnAndRefund, (FlowKind::Other, "货款"));
    d.settlements
        .retain(|s| s.payment_ref.as_deref() != Some("S2"));
    let g = run(&books(Standard::Small, ""), &d, "2026-10");
    let keys: Vec<&str> = g.issues.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, vec!["J2"]);
}
