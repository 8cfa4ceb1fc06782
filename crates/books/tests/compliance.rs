//! Controls of accounting.md §6 that live in the books: preparer ≠ reviewer, no vouchers into
//! a closed period, continuous numbering, and every generated voucher naming the rule set that
//! made it.
#![allow(clippy::unwrap_used)]

mod support;

use duizhang_books::export;
use duizhang_books::{Standard, check_open, import};
use duizhang_core::*;
use duizhang_samples::build::*;
use support::*;

fn one_sale() -> Dataset {
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
        FlowKind::Withdrawal,
        "提现",
        yuan("-59.00"),
        "2026-10-09 10:00:00",
        None,
    ));
    d
}

#[test]
fn the_preparer_never_approves_their_own_voucher() {
    let b = books(Standard::Small, "[vouchers]\npreparer = \"系统自动\"");
    let mut v = run(&b, &one_sale(), "2026-10").vouchers;
    assert_eq!(v[0].preparer, "系统自动");
    let e = v[0].approve("系统自动").unwrap_err();
    assert!(
        e.message.contains("制单人与审核人不能为同一人"),
        "{}",
        e.message
    );
    assert!(
        v[0].approve("  ")
            .unwrap_err()
            .message
            .contains("须填写审核人")
    );
    v[0].approve("王会计").unwrap();
    assert_eq!(v[0].reviewer.as_deref(), Some("王会计"));
    assert!(
        v[0].approve("李主管")
            .unwrap_err()
            .message
            .contains("已由 王会计 审核")
    );
    // Approved vouchers are `*` in Beancount, the others `!` (pending review).
    let text = String::from_utf8(export::beancount(&v, &b.chart).unwrap()).unwrap();
    assert!(text.contains("2026-10-08 * \"记-1\""), "{text}");
    assert!(text.contains("  reviewer: \"王会计\""));
    assert!(text.contains("2026-10-09 ! \"记-2\""));
    // The reviewer survives the Excel journal.
    let back = import::excel(&export::excel(&v, &b.chart).unwrap().workbook, "j.xlsx").unwrap();
    assert_eq!(back[0].reviewer.as_deref(), Some("王会计"));
    assert_eq!(back[1].reviewer, None);
    assert_eq!(back[0].rules_version, v[0].rules_version);
}

#[test]
fn closed_periods_take_no_vouchers() {
    let b = books(Standard::Small, "");
    let v = run(&b, &one_sale(), "2026-10").vouchers;
    check_open(&v, period("2026-09")).unwrap();
    let e = check_open(&v, period("2026-10")).unwrap_err();
    assert!(
        e.message.contains("会计期间 2026-10 已结账"),
        "{}",
        e.message
    );
}

#[test]
fn every_voucher_names_the_rule_set_that_made_it() {
    let a = books(Standard::Small, "");
    let same = books(Standard::Small, "");
    let other_policy = books(Standard::Small, "[policy]\nrefund_only = \"non_operating\"");
    let other_standard = books(Standard::Enterprise, "");
    assert_eq!(a.rules_version, same.rules_version);
    assert_eq!(a.rules_version.len(), 16);
    assert_ne!(a.rules_version, other_policy.rules_version);
    assert_ne!(a.rules_version, other_standard.rules_version);
    let v = run(&a, &one_sale(), "2026-10").vouchers;
    assert!(
        v.iter()
            .all(|v| v.rules_version.as_deref() == Some(a.rules_version.as_str()))
    );
}

#[test]
fn an_imported_file_may_start_mid_period_but_not_skip_a_number() {
    let part = "2026-10-20,记,15,1,x,101201,1.00,0\r\n2026-10-20,记,15,1,x,5001,0,1.00\r\n2026-10-21,记,16,1,y,101201,2.00,0\r\n2026-10-21,记,16,1,y,5001,0,2.00\r\n";
    let v = import::u8_text(part.as_bytes(), "pz.txt").unwrap();
    assert_eq!(v.iter().map(|v| v.number).collect::<Vec<_>>(), vec![15, 16]);
    let gap = part.replace(",16,", ",17,");
    let e = import::u8_text(gap.as_bytes(), "pz.txt").unwrap_err();
    assert!(e.message.contains("缺少第16号"), "{}", e.message);
    let dup =
        format!("{part}2026-10-22,记,15,1,z,101201,1.00,0\r\n2026-10-22,记,15,1,z,5001,0,1.00\r\n");
    assert!(
        import::u8_text(dup.as_bytes(), "pz.txt")
            .unwrap_err()
            .message
            .contains("凭证号重复")
    );
}
