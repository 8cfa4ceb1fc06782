//! A run's findings against the company's cases: which cases to open, which to refresh, which
//! to close because their finding is gone, which to reopen because it came back.
//!
//! A case is the finding's identity (CHECKS.md: code, shop, the most specific of refund / order
//! / txn number, SKU) within a period. Absence closes a case only where the run could have
//! found it: the same period, the shop's check actually ran. A check that did not run (data
//! missing, switched off) proves nothing.

use std::collections::{BTreeMap, BTreeSet};

use duizhang_core::Finding;

use crate::case::CaseState;

/// The identity of a case within a company.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseKey {
    pub period: String,
    pub code: String,
    pub shop: String,
    pub key: String,
    pub sku: String,
}

impl CaseKey {
    pub fn of(period: &str, finding: &Finding) -> CaseKey {
        let (code, shop, key, sku) = finding.identity();
        CaseKey {
            period: period.to_string(),
            code,
            shop,
            key,
            sku,
        }
    }
}

/// The amounts a case was last seen or resolved with.
pub type Amounts = (Option<i64>, Option<i64>, Option<i64>);

fn amounts(finding: &Finding) -> Amounts {
    (finding.expected_fen, finding.actual_fen, finding.diff_fen)
}

/// What sync needs of an existing case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownCase {
    pub id: u64,
    pub key: CaseKey,
    pub state: CaseState,
    pub closed_by_run: bool,
    /// The amounts of the finding when the case was resolved (or last refreshed).
    pub amounts: Amounts,
}

/// One step of the plan, each naming the finding (index into the run's findings) it rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Open {
        finding: usize,
    },
    /// Still found: refresh the case's finding (message, evidence) without a state change.
    Refresh {
        case: u64,
        finding: usize,
    },
    /// Gone from a run that could have found it.
    Close {
        case: u64,
    },
    /// Came back after a run closed it, or came back with other amounts than resolved.
    Reopen {
        case: u64,
        finding: usize,
    },
}

/// The plan for one run: `ran` lists the (shop, code) pairs whose check ran in this run.
pub fn plan(
    period: &str,
    findings: &[Finding],
    ran: &BTreeSet<(String, String)>,
    cases: &[KnownCase],
) -> Vec<Step> {
    let by_key: BTreeMap<&CaseKey, &KnownCase> = cases.iter().map(|c| (&c.key, c)).collect();
    let mut found: BTreeSet<CaseKey> = BTreeSet::new();
    let mut steps = Vec::new();
    for (index, finding) in findings.iter().enumerate() {
        let key = CaseKey::of(period, finding);
        if !found.insert(key.clone()) {
            continue; // the same identity twice in one run is one case
        }
        let Some(case) = by_key.get(&key) else {
            steps.push(Step::Open { finding: index });
            continue;
        };
        let came_back = case.state == CaseState::Closed && case.closed_by_run;
        let resolved_otherwise = matches!(
            case.state,
            CaseState::Resolved | CaseState::WrittenOff | CaseState::Closed
        ) && !case.closed_by_run
            && case.amounts != amounts(finding);
        if came_back || resolved_otherwise {
            steps.push(Step::Reopen {
                case: case.id,
                finding: index,
            });
        } else {
            steps.push(Step::Refresh {
                case: case.id,
                finding: index,
            });
        }
    }
    for case in cases {
        let could_have_found = case.key.period == period
            && ran.contains(&(case.key.shop.clone(), case.key.code.clone()));
        if could_have_found && case.state != CaseState::Closed && !found.contains(&case.key) {
            steps.push(Step::Close { case: case.id });
        }
    }
    steps
}
