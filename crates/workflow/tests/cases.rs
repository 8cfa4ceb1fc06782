//! A case worked by three people, and every refusal the rules owe them.

#![allow(clippy::unwrap_used)]

use duizhang_core::Fen;
use duizhang_workflow::approval::{ApprovalKind, approve};
use duizhang_workflow::{
    Action, Actor, CaseFacts, CaseState, ErrorCode, Resolution, ResolutionReasons, Role,
    WorkflowError, transition,
};

fn accountant() -> Actor {
    Actor::user("li.kuaiji", &[Role::Accountant])
}
fn reviewer() -> Actor {
    Actor::user("wang.zhuguan", &[Role::Reviewer])
}
fn service() -> Actor {
    Actor::user("zhao.kefu", &[Role::Service])
}
fn admin() -> Actor {
    Actor::user("admin", &[Role::Admin])
}
fn auditor() -> Actor {
    Actor::user("sun.shenji", &[Role::Auditor])
}

fn step(case: &CaseFacts, action: Action, actor: &Actor) -> Result<CaseFacts, WorkflowError> {
    transition(case, &action, actor, &ResolutionReasons::default()).map(|t| t.after)
}

fn resolution(reason: &str, write_off: Option<i64>) -> Resolution {
    Resolution {
        reason: reason.to_string(),
        note: "已核对客服聊天记录".to_string(),
        write_off: write_off.map(Fen::new),
    }
}

#[test]
fn a_refund_chased_by_service_goes_from_open_to_closed_through_review() {
    let case = CaseFacts::new(Role::Service, None);
    let case = step(
        &case,
        Action::Assign {
            to: "zhao.kefu".into(),
        },
        &accountant(),
    )
    .unwrap();
    let case = step(&case, Action::Start, &service()).unwrap();
    assert_eq!(case.state, CaseState::InProgress);
    let case = step(&case, Action::Comment, &service()).unwrap();
    let case = step(
        &case,
        Action::Submit {
            resolution: resolution("客服已追回", None),
        },
        &service(),
    )
    .unwrap();
    assert_eq!(case.state, CaseState::PendingReview);
    assert_eq!(case.prepared_by.as_deref(), Some("zhao.kefu"));
    let case = step(&case, Action::Approve, &reviewer()).unwrap();
    assert_eq!(case.state, CaseState::Resolved);
    assert_eq!(case.approved_by.as_deref(), Some("wang.zhuguan"));
    let case = step(&case, Action::Close, &reviewer()).unwrap();
    assert_eq!(case.state, CaseState::Closed);
}

#[test]
fn a_write_off_approved_by_someone_else_ends_written_off() {
    let case = CaseFacts::new(Role::Accountant, Some("li.kuaiji".into()));
    let case = step(
        &case,
        Action::Submit {
            resolution: resolution("write_off_small_difference", Some(3)),
        },
        &accountant(),
    )
    .unwrap();
    let case = step(&case, Action::Approve, &reviewer()).unwrap();
    assert_eq!(case.state, CaseState::WrittenOff);
}

#[test]
fn nobody_approves_their_own_resolution_not_even_an_admin() {
    let prepared = |by: &Actor| {
        let case = CaseFacts::new(Role::Accountant, None);
        step(
            &case,
            Action::Submit {
                resolution: resolution("平台延迟到账", None),
            },
            by,
        )
        .unwrap()
    };
    let own_admin = prepared(&admin());
    let refused = step(&own_admin, Action::Approve, &admin()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::OwnWorkNotApprovable);
    assert!(refused.zh().contains("不能审核自己经办的事项"));

    let both_roles = Actor::user("zhou", &[Role::Accountant, Role::Reviewer]);
    let own_reviewer = prepared(&both_roles);
    assert_eq!(
        step(&own_reviewer, Action::Approve, &both_roles)
            .unwrap_err()
            .code(),
        ErrorCode::OwnWorkNotApprovable
    );
    assert_eq!(
        step(&own_reviewer, Action::Approve, &reviewer())
            .unwrap()
            .state,
        CaseState::Resolved
    );
}

#[test]
fn every_approval_kind_refuses_the_preparer_and_people_who_are_not_reviewers() {
    for kind in [
        ApprovalKind::WriteOff,
        ApprovalKind::Resolution,
        ApprovalKind::Adjustment,
        ApprovalKind::VoucherBatch,
        ApprovalKind::PeriodClose,
    ] {
        assert_eq!(
            approve(kind, "admin", &admin()).unwrap_err().code(),
            ErrorCode::OwnWorkNotApprovable,
            "{kind:?} by its own preparer"
        );
        assert_eq!(
            approve(kind, "wang.zhuguan", &reviewer())
                .unwrap_err()
                .code(),
            ErrorCode::OwnWorkNotApprovable
        );
        assert_eq!(
            approve(kind, "li.kuaiji", &service()).unwrap_err().code(),
            ErrorCode::NotPermitted,
            "{kind:?} by 客服"
        );
        assert_eq!(
            approve(kind, "li.kuaiji", &Actor::System)
                .unwrap_err()
                .code(),
            ErrorCode::NotPermitted,
            "{kind:?} by the program"
        );
        assert!(approve(kind, "li.kuaiji", &reviewer()).is_ok());
        assert!(approve(kind, "li.kuaiji", &admin()).is_ok());
    }
}

#[test]
fn an_auditor_reads_but_changes_nothing() {
    let case = CaseFacts::new(Role::Accountant, None);
    for action in [Action::Comment, Action::Start, Action::Approve] {
        let refused = step(&case, action, &auditor()).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::ReadOnly);
        assert_eq!(refused.code().http_status(), 403);
    }
}

#[test]
fn a_warehouse_case_assigned_to_one_person_is_not_worked_by_another() {
    let case = CaseFacts::new(Role::Warehouse, Some("qian.cangchu".into()));
    let other = Actor::user("wu.cangchu", &[Role::Warehouse]);
    let refused = step(&case, Action::Start, &other).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::NotAssignee);
    let owner = Actor::user("qian.cangchu", &[Role::Warehouse]);
    assert!(step(&case, Action::Start, &owner).is_ok());
    // Unassigned, anyone of the working role may take it; another role may not.
    let open = CaseFacts::new(Role::Warehouse, None);
    assert!(step(&open, Action::Start, &other).is_ok());
    assert_eq!(
        step(&open, Action::Start, &service()).unwrap_err().code(),
        ErrorCode::NotPermitted
    );
}

#[test]
fn resolutions_are_checked_against_the_reason_list() {
    let case = CaseFacts::new(Role::Accountant, None);
    let submit = |r: Resolution| step(&case, Action::Submit { resolution: r }, &accountant());
    assert_eq!(
        submit(resolution("心情不好", None)).unwrap_err().code(),
        ErrorCode::UnknownResolutionReason
    );
    assert_eq!(
        submit(resolution("核销：确认损失", None))
            .unwrap_err()
            .code(),
        ErrorCode::WriteOffAmountRequired
    );
    assert_eq!(
        submit(resolution("核销：确认损失", Some(0)))
            .unwrap_err()
            .code(),
        ErrorCode::WriteOffAmountRequired
    );
    assert_eq!(
        submit(resolution("线下已退款", Some(500)))
            .unwrap_err()
            .code(),
        ErrorCode::WriteOffAmountNotAllowed
    );
    assert!(submit(resolution("refunded_offline", None)).is_ok());
}

#[test]
fn a_company_adds_its_own_reason_and_it_can_be_used() {
    let mut reasons = ResolutionReasons::default();
    reasons.add(duizhang_workflow::ResolutionReason {
        code: "supplier_compensated".into(),
        zh: "供应商已赔付".into(),
        write_off: false,
        adjusts_books: true,
    });
    let case = CaseFacts::new(Role::Accountant, None);
    let submitted = transition(
        &case,
        &Action::Submit {
            resolution: resolution("供应商已赔付", None),
        },
        &accountant(),
        &reasons,
    );
    assert_eq!(submitted.unwrap().after.state, CaseState::PendingReview);
}

#[test]
fn a_rejected_resolution_goes_back_to_work_with_a_reason() {
    let case = CaseFacts::new(Role::Accountant, None);
    let case = step(
        &case,
        Action::Submit {
            resolution: resolution("已补录凭证", None),
        },
        &accountant(),
    )
    .unwrap();
    assert_eq!(
        step(&case, Action::Reject { reason: " ".into() }, &reviewer())
            .unwrap_err()
            .code(),
        ErrorCode::ReasonTextRequired
    );
    let back = step(
        &case,
        Action::Reject {
            reason: "凭证号不对".into(),
        },
        &reviewer(),
    )
    .unwrap();
    assert_eq!(back.state, CaseState::InProgress);
    // The preparer may withdraw it, but not reject it.
    assert_eq!(
        step(&case, Action::Reject { reason: "x".into() }, &accountant())
            .unwrap_err()
            .code(),
        ErrorCode::NotPermitted
    );
    assert_eq!(
        step(&case, Action::Withdraw, &accountant()).unwrap().state,
        CaseState::InProgress
    );
}

#[test]
fn moves_that_skip_a_state_are_refused_with_the_state_named() {
    let open = CaseFacts::new(Role::Accountant, None);
    let refused = step(&open, Action::Approve, &reviewer()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidTransition);
    assert_eq!(refused.code().http_status(), 409);
    assert!(refused.zh().contains("待处理"), "{}", refused.zh());
    assert_eq!(
        step(&open, Action::Close, &reviewer()).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
}

#[test]
fn a_run_closes_an_open_case_and_reopens_it_when_the_finding_comes_back() {
    let case = CaseFacts::new(Role::Accountant, Some("li.kuaiji".into()));
    let closed = step(&case, Action::RunClose, &Actor::System).unwrap();
    assert_eq!(closed.state, CaseState::Closed);
    assert!(closed.closed_by_run);
    let reopened = step(&closed, Action::RunReopen, &Actor::System).unwrap();
    assert_eq!(reopened.state, CaseState::Open);
    assert_eq!(reopened.assignee.as_deref(), Some("li.kuaiji"));
    // People cannot pretend to be the run.
    assert_eq!(
        step(&case, Action::RunClose, &admin()).unwrap_err().code(),
        ErrorCode::InvalidTransition
    );
}

#[test]
fn a_reviewer_reopens_a_closed_case_only_with_a_reason() {
    let case = CaseFacts::new(Role::Accountant, None);
    let case = step(
        &case,
        Action::Submit {
            resolution: resolution("平台延迟到账", None),
        },
        &accountant(),
    )
    .unwrap();
    let case = step(&case, Action::Approve, &reviewer()).unwrap();
    assert_eq!(
        step(&case, Action::Reopen { reason: "".into() }, &reviewer())
            .unwrap_err()
            .code(),
        ErrorCode::ReasonTextRequired
    );
    assert_eq!(
        step(
            &case,
            Action::Reopen {
                reason: "款项仍未到".into()
            },
            &accountant()
        )
        .unwrap_err()
        .code(),
        ErrorCode::NotPermitted
    );
    let reopened = step(
        &case,
        Action::Reopen {
            reason: "款项仍未到".into(),
        },
        &reviewer(),
    )
    .unwrap();
    assert_eq!(reopened.state, CaseState::Open);
    assert_eq!(reopened.resolution, None);
}

#[test]
fn every_error_code_has_a_distinct_api_name_and_a_client_or_conflict_status() {
    let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ErrorCode::ALL.len());
    for code in ErrorCode::ALL {
        assert_ne!(code.as_str(), "internal");
        assert!((400..500).contains(&code.http_status()), "{code:?}");
    }
}

#[test]
fn roles_and_states_are_read_in_chinese_or_english() {
    assert_eq!(Role::parse("财务主管"), Some(Role::Reviewer));
    assert_eq!(Role::parse("reviewer"), Some(Role::Reviewer));
    assert_eq!(Role::parse("老板"), None);
    assert_eq!(CaseState::parse("待审核"), Some(CaseState::PendingReview));
    assert_eq!(CaseState::parse("written_off"), Some(CaseState::WrittenOff));
}
