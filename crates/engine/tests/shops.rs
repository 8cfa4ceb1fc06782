//! Which shop a record belongs to: never guessed. A record naming a shop or fund account that
//! no configured shop has is reported once (what it names, the setting to add), and the checks
//! that match it against other records say "not run" rather than report false findings;
//! without settings, each platform is one shop.

#![allow(clippy::unwrap_used)]

use duizhang_core::*;
use duizhang_engine::{NotRun, Outcome, Settings, Summary, reconcile};
use duizhang_samples::build::*;

const TID: &str = "4012345678901234567";

/// A Tmall shop that lists its Alipay account and the names the files give it, and a
/// Pinduoduo shop.
const TWO_SHOPS: &str = r#"
[[shops]]
id = "tmall"
platform = "tmall"
name = "禾木家居天猫旗舰店"
aliases = ["天猫旗舰店"]
fund_accounts = ["acct-tmall"]

[[shops]]
id = "pdd"
platform = "pdd"
aliases = ["拼多多店"]
"#;

fn october() -> Period {
    Period::parse("2026-10").unwrap()
}

fn run_with(settings: &str, records: Vec<Record>) -> Outcome {
    let mut data = dataset();
    for r in records {
        data.push(r);
    }
    let settings = Settings::from_toml(settings).unwrap();
    reconcile(&data, &settings, october())
}

fn income(txn: &str, account: Option<&str>) -> Record {
    let mut r = flow(
        FundProvider::Alipay,
        txn,
        FlowKind::Income,
        yuan("59.00"),
        "2026-10-08 10:00:01",
    );
    r.order_no = Some(TID.into());
    r.account = account.map(Into::into);
    Record::FundFlow(r)
}

fn tmall_order() -> Record {
    Record::Order(order(Platform::Tmall, TID, yuan("59.00")))
}

fn erp(shop: &str, order_no: &str) -> Record {
    Record::ErpOrder(erp_order(
        shop,
        Platform::Taobao,
        order_no,
        ErpOrderStatus::Completed,
        "2026-10-06 10:00:00",
    ))
}

fn not_run<'a>(o: &'a Outcome, shop: &str, code: &str) -> Option<&'a NotRun> {
    o.not_run.iter().find(|n| n.shop == shop && n.code == code)
}

#[test]
fn an_erp_shop_that_is_not_configured_is_never_put_into_the_platforms_only_shop() {
    let o = run_with(
        TWO_SHOPS,
        vec![
            tmall_order(),
            erp("天猫旗舰店", TID),
            erp("禾木家居淘宝店", "4012345678900000001"),
            erp("禾木家居淘宝店", "4012345678900000002"),
        ],
    );
    assert_eq!(o.unassigned, 2);
    assert_eq!(o.unassigned_names.len(), 1, "{:#?}", o.unassigned_names);
    let n = &o.unassigned_names[0];
    assert_eq!(
        (n.shop.as_deref(), n.account.as_deref(), n.records),
        (Some("禾木家居淘宝店"), None, 2)
    );
    assert!(
        n.fix.contains("aliases") && n.fix.contains("tmall"),
        "{}",
        n.fix
    );
    // Said once, for the records themselves, by every check that reads ERP orders.
    let note = not_run(&o, "", "STATUS_MISMATCH").unwrap();
    assert!(note.reason.contains("ERP订单 2 条"), "{}", note.reason);
}

#[test]
fn a_fund_account_that_is_not_configured_is_not_put_into_the_shop_that_lists_its_accounts() {
    let o = run_with(
        TWO_SHOPS,
        vec![
            tmall_order(),
            income("T1", Some("acct-tmall")),
            income("T2", Some("acct-second-shop")),
            // A bill with no account column: the platform's only shop.
            income("T3", None),
        ],
    );
    assert_eq!(o.unassigned, 1);
    let n = &o.unassigned_names[0];
    assert_eq!(n.account.as_deref(), Some("acct-second-shop"));
    assert!(n.fix.contains("fund_accounts"), "{}", n.fix);
}

#[test]
fn a_platform_with_no_configured_shop_is_reported_with_the_shop_to_add() {
    let mut pdd_order = order(Platform::Douyin, "6900000000000000001", yuan("20.00"));
    pdd_order.shop = Some("抖音小店".into());
    let o = run_with(TWO_SHOPS, vec![Record::Order(pdd_order)]);
    assert_eq!(o.unassigned, 1);
    let n = &o.unassigned_names[0];
    assert_eq!(n.platform, Platform::Douyin);
    assert!(
        n.fix.contains(r#"platform = "douyin""#) && n.fix.contains("抖音小店"),
        "{}",
        n.fix
    );
    let summary = Summary::build(&o, october());
    assert_eq!(summary.unassigned_names, o.unassigned_names);
}

#[test]
fn checks_that_match_kinds_do_not_run_where_their_platforms_records_may_be_the_shops() {
    // The order export names the shop in a way the settings do not list (an alias not
    // written): its income row, in the shop's account, would look like money of no order.
    let mut named = order(Platform::Tmall, TID, yuan("59.00"));
    named.shop = Some("禾木家居天猫店".into());
    let o = run_with(
        TWO_SHOPS,
        vec![Record::Order(named), income("T1", Some("acct-tmall"))],
    );
    assert!(
        o.findings.iter().all(|f| f.code != "PAYMENT_ORPHAN"),
        "{:#?}",
        o.findings
    );
    let note = not_run(&o, "tmall", "PAYMENT_ORPHAN").unwrap();
    assert!(
        note.reason.contains("订单 1 条") && note.reason.contains("unassigned_names"),
        "{}",
        note.reason
    );
    // Checks of one record alone still run; other platforms' shops are not concerned.
    assert!(not_run(&o, "tmall", "FLOW_DUPLICATE").is_none());
    assert!(
        o.not_run
            .iter()
            .all(|n| n.shop != "pdd" || !n.reason.contains("unassigned_names"))
    );
}

#[test]
fn an_account_no_shop_lists_where_every_shop_lists_its_accounts_blocks_nothing() {
    // The seller's other Alipay account (advertising, say) is not a shop's: the shop's
    // order is still unpaid in the shop's own account.
    let o = run_with(
        TWO_SHOPS,
        vec![tmall_order(), income("T2", Some("acct-advertising"))],
    );
    assert_eq!(o.unassigned, 1);
    assert!(
        o.not_run
            .iter()
            .all(|n| n.shop != "tmall" || !n.reason.contains("unassigned_names")),
        "{:#?}",
        o.not_run
    );
}

#[test]
fn a_configured_shop_without_accounts_takes_its_platforms_rows() {
    let settings = r#"
[[shops]]
id = "tmall"
platform = "tmall"
"#;
    let o = run_with(
        settings,
        vec![tmall_order(), income("T1", Some("acct-any"))],
    );
    assert_eq!(o.unassigned, 0);
    assert!(o.findings.iter().all(|f| f.code != "PAYMENT_MISSING"));
}

#[test]
fn without_settings_each_platform_is_one_shop_whatever_names_the_files_use() {
    let mut shipped = shipment(
        "禾木家居淘宝店",
        TID,
        "A",
        1,
        ShipmentKind::Normal,
        "2026-10-03 18:00:00",
    );
    shipped.source.line = 9;
    let o = run_with(
        "",
        vec![
            tmall_order(),
            income("T1", Some("acct-tmall")),
            income("T2", Some("acct-second-shop")),
            erp("天猫旗舰店", TID),
            erp("禾木家居淘宝店", "4012345678900000001"),
            Record::Shipment(shipped),
        ],
    );
    assert_eq!(o.unassigned, 0);
    assert!(o.unassigned_names.is_empty());
    let shops: Vec<&str> = o.shops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(shops, vec!["taobao"]);
}
