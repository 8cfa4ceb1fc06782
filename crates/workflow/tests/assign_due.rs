//! Who gets a new case and when it is due.

#![allow(clippy::unwrap_used)]

use duizhang_core::{BeijingTime, FindingSeverity};
use duizhang_workflow::Role;
use duizhang_workflow::assign::{AssignRule, AssignRules, NewCase};
use duizhang_workflow::due::Sla;

fn rules() -> AssignRules {
    AssignRules {
        rules: vec![
            AssignRule {
                shop: Some("拼多多店".into()),
                code: None,
                role: Some(Role::Service),
                assignee: "pdd.kefu".into(),
            },
            AssignRule {
                shop: None,
                code: Some("REFUND_ORPHAN".into()),
                role: None,
                assignee: "wang.zhuguan".into(),
            },
        ],
        rotation: vec![(
            Role::Warehouse,
            vec!["qian".into(), "wu".into(), "zheng".into()],
        )],
    }
}

#[test]
fn the_first_matching_rule_decides_by_shop_and_check() {
    let r = rules();
    let case = |shop, code, role| NewCase { shop, code, role };
    assert_eq!(
        r.assignee(case("拼多多店", "AFTERSALE_OVERDUE", Role::Service), 0)
            .as_deref(),
        Some("pdd.kefu")
    );
    assert_eq!(
        r.assignee(case("天猫店", "REFUND_ORPHAN", Role::Accountant), 0)
            .as_deref(),
        Some("wang.zhuguan")
    );
    assert_eq!(
        r.assignee(case("天猫店", "AFTERSALE_OVERDUE", Role::Service), 0),
        None
    );
}

#[test]
fn warehouse_cases_go_round_in_turn() {
    let r = rules();
    let case = NewCase {
        shop: "天猫店",
        code: "RETURN_MISMATCH",
        role: Role::Warehouse,
    };
    let people: Vec<String> = (0..4).filter_map(|turn| r.assignee(case, turn)).collect();
    assert_eq!(people, ["qian", "wu", "zheng", "qian"]);
}

#[test]
fn a_case_is_due_by_its_severity() {
    let sla = Sla::default();
    let created = BeijingTime::parse("2026-11-30 18:00:00").unwrap();
    assert_eq!(
        sla.due(FindingSeverity::Critical, created).to_string(),
        "2026-12-01 18:00:00"
    );
    assert_eq!(
        sla.due(FindingSeverity::Low, created).to_string(),
        "2026-12-10 18:00:00"
    );
    let bad = Sla {
        high_hours: 0,
        ..Sla::default()
    };
    assert_eq!(bad.invalid_field(), Some("high_hours"));
    assert_eq!(Sla::default().invalid_field(), None);
}
