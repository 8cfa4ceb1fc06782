//! A run's findings become cases: opened once, refreshed while found, closed when gone from a
//! run that could have found them, reopened when they come back.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use duizhang_core::{Finding, FindingSeverity, Owner, Platform};
use duizhang_workflow::CaseState;
use duizhang_workflow::sync::{CaseKey, KnownCase, Step, plan};

fn refund_unpaid(refund_no: &str, diff: i64) -> Finding {
    Finding {
        code: "REFUND_UNPAID".into(),
        severity: FindingSeverity::High,
        owner: Owner::Finance,
        platform: Platform::Tmall,
        shop: "禾木家居天猫旗舰店".into(),
        order_no: Some("4012345678901234567".into()),
        refund_no: Some(refund_no.into()),
        txn_no: None,
        sku: None,
        expected_fen: Some(diff),
        actual_fen: Some(0),
        diff_fen: Some(-diff),
        occurred_at: "2026-10-20T10:00:00".into(),
        message: "退款成功但支付宝账务明细中没有退款".into(),
        evidence: Vec::new(),
    }
}

fn ran() -> BTreeSet<(String, String)> {
    BTreeSet::from([(
        "禾木家居天猫旗舰店".to_string(),
        "REFUND_UNPAID".to_string(),
    )])
}

fn known(id: u64, finding: &Finding, state: CaseState, closed_by_run: bool) -> KnownCase {
    KnownCase {
        id,
        key: CaseKey::of("2026-10", finding),
        state,
        closed_by_run,
        amounts: (finding.expected_fen, finding.actual_fen, finding.diff_fen),
    }
}

#[test]
fn a_new_finding_opens_one_case_even_if_the_run_lists_it_twice() {
    let f = refund_unpaid("RF1", 5900);
    let steps = plan("2026-10", &[f.clone(), f], &ran(), &[]);
    assert_eq!(steps, vec![Step::Open { finding: 0 }]);
}

#[test]
fn running_again_refreshes_and_never_duplicates() {
    let f = refund_unpaid("RF1", 5900);
    let case = known(7, &f, CaseState::InProgress, false);
    assert_eq!(
        plan("2026-10", &[f], &ran(), &[case]),
        vec![Step::Refresh {
            case: 7,
            finding: 0
        }]
    );
}

#[test]
fn a_finding_gone_closes_its_case_but_only_where_the_check_ran_for_that_period() {
    let f = refund_unpaid("RF1", 5900);
    let case = known(7, &f, CaseState::Open, false);
    assert_eq!(
        plan("2026-10", &[], &ran(), std::slice::from_ref(&case)),
        vec![Step::Close { case: 7 }]
    );
    // The check did not run (no fund flow this time): nothing is proven.
    assert_eq!(
        plan(
            "2026-10",
            &[],
            &BTreeSet::new(),
            std::slice::from_ref(&case)
        ),
        vec![]
    );
    // Another period's run says nothing of October's cases.
    assert_eq!(plan("2026-11", &[], &ran(), &[case]), vec![]);
}

#[test]
fn a_finding_back_after_the_run_closed_it_reopens_the_same_case() {
    let f = refund_unpaid("RF1", 5900);
    let case = known(7, &f, CaseState::Closed, true);
    assert_eq!(
        plan("2026-10", &[f], &ran(), &[case]),
        vec![Step::Reopen {
            case: 7,
            finding: 0
        }]
    );
}

#[test]
fn a_resolved_case_stays_resolved_while_its_finding_is_the_same_and_reopens_when_it_changes() {
    let f = refund_unpaid("RF1", 5900);
    let case = known(7, &f, CaseState::Resolved, false);
    assert_eq!(
        plan(
            "2026-10",
            std::slice::from_ref(&f),
            &ran(),
            std::slice::from_ref(&case)
        ),
        vec![Step::Refresh {
            case: 7,
            finding: 0
        }]
    );
    let grown = refund_unpaid("RF1", 7900);
    assert_eq!(
        plan("2026-10", &[grown], &ran(), &[case]),
        vec![Step::Reopen {
            case: 7,
            finding: 0
        }]
    );
}

#[test]
fn a_closed_case_is_not_closed_again() {
    let f = refund_unpaid("RF1", 5900);
    let case = known(7, &f, CaseState::Closed, false);
    assert_eq!(plan("2026-10", &[], &ran(), &[case]), vec![]);
}
