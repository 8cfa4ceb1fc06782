//! The story every backend must tell the same way: a company, three people, an import, two
//! runs, cases worked to resolution and approval, refusals, and an audit chain that verifies.
//! Kept apart from the backend crates so that each of them is tested through the same story.

#![allow(clippy::unwrap_used)]

mod corrections;
mod import_speed;
mod parsed;
pub use corrections::{corrections, order_lookup};
pub use import_speed::import_speed;
pub use parsed::parsed_records;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use duizhang_core::{Finding, FindingSeverity, Owner, Platform};
use duizhang_store::{Backend, CaseFilter, NewFile, NewRun, Workspace};
use duizhang_workflow::{Action, CaseState, ErrorCode, Resolution, Role};

/// A clock that moves one minute per reading, from 2026-11-02 09:00:00.
pub fn test_clock() -> Box<dyn Fn() -> String + Send> {
    let minutes = Arc::new(AtomicU64::new(0));
    Box::new(move || {
        let m = minutes.fetch_add(1, Ordering::SeqCst);
        format!("2026-11-02 {:02}:{:02}:00", 9 + m / 60, m % 60)
    })
}

pub fn finding(code: &str, refund_no: &str, diff: i64) -> Finding {
    let (severity, owner) = match code {
        "RETURN_NOT_RECEIVED" => (FindingSeverity::High, Owner::Warehouse),
        "AFTERSALE_OVERDUE" => (FindingSeverity::Medium, Owner::Service),
        _ => (FindingSeverity::High, Owner::Finance),
    };
    Finding {
        code: code.into(),
        severity,
        owner,
        platform: Platform::Tmall,
        shop: "禾木家居天猫旗舰店".into(),
        order_no: Some(format!("40123456789{refund_no}")),
        refund_no: Some(refund_no.into()),
        txn_no: None,
        sku: None,
        expected_fen: Some(diff),
        actual_fen: Some(0),
        diff_fen: Some(-diff),
        occurred_at: "2026-10-20T10:00:00".into(),
        message: format!("售后单 {refund_no} 退款成功但资金流水中没有退款"),
        evidence: Vec::new(),
    }
}

pub(crate) fn run(findings: Vec<Finding>) -> NewRun {
    let ran: BTreeSet<(String, String)> =
        ["REFUND_UNPAID", "RETURN_NOT_RECEIVED", "AFTERSALE_OVERDUE"]
            .iter()
            .map(|code| ("禾木家居天猫旗舰店".to_string(), code.to_string()))
            .collect();
    NewRun {
        period: "2026-10".into(),
        inputs: vec!["ab".repeat(32)],
        settings: "[[shops]]\nname = \"禾木家居天猫旗舰店\"\n".into(),
        program_version: "0.1.0".into(),
        summary: "{}".into(),
        findings,
        pending: "[]".into(),
        ran,
        vouchers: Some(duizhang_store::NewVoucherBatch {
            vouchers: 2,
            debit_fen: 12_345,
            files: vec![("vouchers.xlsx".into(), b"PK\x03\x04 workbook".to_vec())],
            numbers: vec![duizhang_store::NumberRange {
                word: "记".into(),
                first: 1,
                last: 2,
            }],
        }),
        metrics: Some(r#"{"period":"2026-10"}"#.into()),
    }
}

/// The story. Panics at the first step a backend gets wrong.
pub fn story<B: Backend>(backend: B) {
    let mut ws = Workspace::new(backend, test_clock());
    const CO: &str = "禾木家居";

    // People and the company.
    ws.add_user("admin", "管理员", "s3cret-admin", None)
        .unwrap();
    ws.add_user("li", "李会计", "pw-li", Some("admin")).unwrap();
    ws.add_user("wang", "王主管", "pw-wang", Some("admin"))
        .unwrap();
    ws.add_user("zhao", "赵客服", "pw-zhao", Some("admin"))
        .unwrap();
    assert_eq!(
        ws.add_user("li", "重复", "x", Some("admin"))
            .unwrap_err()
            .code(),
        "user_exists"
    );
    ws.create_company(CO, "admin").unwrap();
    ws.grant(CO, "li", &[Role::Accountant], "admin").unwrap();
    ws.grant(CO, "wang", &[Role::Reviewer], "admin").unwrap();
    ws.grant(CO, "zhao", &[Role::Service], "admin").unwrap();
    assert_eq!(
        ws.grant(CO, "zhao", &[Role::Admin], "li")
            .unwrap_err()
            .code(),
        "not_permitted"
    );
    assert_eq!(
        ws.authenticate("li", "pw-li").unwrap().display_name,
        "李会计"
    );
    assert_eq!(
        ws.authenticate("li", "wrong").unwrap_err().code(),
        "wrong_password"
    );
    assert_eq!(ws.members(CO).unwrap().len(), 4);

    // A second company sees nothing of the first.
    ws.create_company("另一家店", "admin").unwrap();

    // Import: the same file twice counts once; 客服 may not import.
    let bill = NewFile {
        name: "20880000000000000156_202610_账务明细.csv".into(),
        bytes: "#支付宝账务明细查询\n账务流水号,业务流水号\n"
            .as_bytes()
            .to_vec(),
        inspect: r#"{"format":"alipay_fund_flow"}"#.into(),
        orders: Vec::new(),
        parsed: None,
    };
    let first = ws
        .import(CO, "2026-10", std::slice::from_ref(&bill), "li")
        .unwrap();
    assert_eq!(first.added.len(), 1);
    let again = ws
        .import(CO, "2026-10", &[bill.clone(), bill.clone()], "li")
        .unwrap();
    assert!(again.added.is_empty());
    assert_eq!(again.known.len(), 2);
    assert_eq!(ws.files(CO).unwrap().len(), 1);
    assert_eq!(ws.files_for_period(CO, "2026-10").unwrap().len(), 1);
    assert!(ws.files_for_period(CO, "2026-11").unwrap().is_empty());
    assert_eq!(
        ws.file_bytes(CO, &first.added[0].sha256).unwrap(),
        bill.bytes
    );
    assert!(ws.files("另一家店").unwrap().is_empty());
    assert_eq!(
        ws.import(CO, "2026-10", std::slice::from_ref(&bill), "zhao")
            .unwrap_err()
            .code(),
        "not_permitted"
    );

    // First run: three findings become three cases.
    let findings = vec![
        finding("REFUND_UNPAID", "RF1", 5900),
        finding("REFUND_UNPAID", "RF2", 1200),
        finding("AFTERSALE_OVERDUE", "RF3", 0),
    ];
    let (_, changes) = ws.record_run(CO, &run(findings.clone()), "li").unwrap();
    assert_eq!((changes.opened, changes.closed), (3, 0));
    let open = ws
        .cases(
            CO,
            &CaseFilter {
                states: vec![CaseState::Open],
                ..CaseFilter::default()
            },
            "wang",
        )
        .unwrap();
    assert_eq!(open.len(), 3);
    assert!(
        ws.cases("另一家店", &CaseFilter::default(), "admin")
            .unwrap()
            .is_empty()
    );

    // Running the same again duplicates nothing.
    let (second, changes) = ws.record_run(CO, &run(findings.clone()), "li").unwrap();
    assert_eq!((changes.opened, changes.refreshed), (0, 3));

    // The monthly report reads the period's latest run with its metrics; a later period's run
    // is not part of an earlier period's report, and another company's member reads none.
    let latest = ws.latest_runs(CO, "2026-10", "wang").unwrap();
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].0.id, second);
    assert_eq!(
        latest[0].1.metrics.as_deref(),
        Some(r#"{"period":"2026-10"}"#)
    );
    assert!(ws.latest_runs(CO, "2026-09", "wang").unwrap().is_empty());
    assert!(ws.latest_runs(CO, "2026-10", "nobody").is_err());

    // 客服 works the overdue after-sale; 财务 the refund; 主管 approves.
    let overdue = ws
        .cases(
            CO,
            &CaseFilter {
                code: Some("AFTERSALE_OVERDUE".into()),
                ..CaseFilter::default()
            },
            "zhao",
        )
        .unwrap()
        .remove(0);
    ws.act(CO, overdue.id, &Action::Start, "", "zhao").unwrap();
    ws.act(
        CO,
        overdue.id,
        &Action::Comment,
        "已联系买家，约定周三寄回",
        "zhao",
    )
    .unwrap();
    let submit = Action::Submit {
        resolution: Resolution {
            reason: "客服已追回".into(),
            note: "买家已寄回".into(),
            write_off: None,
        },
    };
    ws.act(CO, overdue.id, &submit, "", "zhao").unwrap();
    let own = ws
        .act(CO, overdue.id, &Action::Approve, "", "zhao")
        .unwrap_err();
    assert_eq!(own.code(), ErrorCode::NotPermitted.as_str());
    let done = ws
        .act(CO, overdue.id, &Action::Approve, "", "wang")
        .unwrap();
    assert_eq!(done.facts.state, CaseState::Resolved);
    let (_, history) = ws.case(CO, overdue.id, "wang").unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["open", "start", "comment", "submit", "approve"]);

    // A write-off prepared by the accountant; the admin approves it; the accountant cannot.
    let small = open.iter().find(|c| c.key == "RF2").unwrap().id;
    let write_off = Action::Submit {
        resolution: Resolution {
            reason: "核销：小额差异".into(),
            note: "差额 12 元，确认损失".into(),
            write_off: Some(duizhang_core::Fen::new(1200)),
        },
    };
    ws.act(CO, small, &write_off, "", "li").unwrap();
    assert_eq!(
        ws.act(CO, small, &Action::Approve, "", "li")
            .unwrap_err()
            .code(),
        ErrorCode::NotPermitted.as_str()
    );
    // An admin who prepared it may not approve it either.
    let big = open.iter().find(|c| c.key == "RF1").unwrap().id;
    ws.act(CO, big, &write_off, "", "admin").unwrap();
    assert_eq!(
        ws.act(CO, big, &Action::Approve, "", "admin")
            .unwrap_err()
            .code(),
        ErrorCode::OwnWorkNotApprovable.as_str()
    );
    ws.act(CO, big, &Action::Withdraw, "", "admin").unwrap();
    assert_eq!(
        ws.act(CO, small, &Action::Approve, "", "admin")
            .unwrap()
            .facts
            .state,
        CaseState::WrittenOff
    );

    // Third run: RF1's refund arrived (gone → closed by the run); RF3 resolved and unchanged.
    let later = vec![
        finding("REFUND_UNPAID", "RF2", 1200),
        finding("AFTERSALE_OVERDUE", "RF3", 0),
    ];
    let (_, changes) = ws.record_run(CO, &run(later), "li").unwrap();
    assert_eq!((changes.closed, changes.reopened), (1, 0));
    let (closed, history) = ws.case(CO, big, "li").unwrap();
    assert_eq!(closed.facts.state, CaseState::Closed);
    assert!(history.last().unwrap().note.contains("不再发现"));

    // Fourth run: RF1 is found again: the same case reopens with its history.
    let (fourth, changes) = ws.record_run(CO, &run(findings), "li").unwrap();
    assert_eq!((changes.opened, changes.reopened), (0, 1));
    let (reopened, history) = ws.case(CO, big, "li").unwrap();
    assert_eq!(reopened.facts.state, CaseState::Open);
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["open", "submit", "withdraw", "run close", "run reopen"]
    );

    // Unknown cases and outsiders are refused by name.
    assert_eq!(
        ws.case(CO, 999_999, "li").unwrap_err().code(),
        "unknown_case"
    );
    assert_eq!(
        ws.cases("另一家店", &CaseFilter::default(), "li")
            .unwrap_err()
            .code(),
        "not_member"
    );

    // The period is closed by two people; afterwards nothing in it changes.
    assert_eq!(
        ws.archive(CO, "2026-10", "wang").err().unwrap().code(),
        "period_not_closed"
    );
    // The fourth run's vouchers and a resolution's correcting voucher wait for approval: the
    // close is refused, naming both.
    let adjustments = ws.adjustments(CO, None, "li").unwrap();
    assert_eq!(adjustments.len(), 1);
    let pending = ws.request_close(CO, "2026-10", "li").unwrap_err();
    assert_eq!(pending.code(), "pending_approvals");
    let expected = format!(
        "凭证批次（对账运行 {fourth}）；调整凭证 {}（记-3）",
        adjustments[0].id
    );
    assert!(pending.zh().contains(&expected), "{}", pending.zh());
    ws.approve_voucher_batch(CO, fourth, "wang").unwrap();
    ws.approve_adjustment(CO, adjustments[0].id, "wang")
        .unwrap();
    ws.request_close(CO, "2026-10", "li").unwrap();
    assert_eq!(
        ws.approve_close(CO, "2026-10", "li").unwrap_err().code(),
        ErrorCode::NotPermitted.as_str()
    );
    ws.grant(CO, "wang", &[Role::Reviewer, Role::Accountant], "admin")
        .unwrap();
    let closed = ws.approve_close(CO, "2026-10", "wang").unwrap();
    assert!(closed.audit_head.is_some());
    assert_eq!(
        ws.record_run(CO, &run(Vec::new()), "li")
            .unwrap_err()
            .code(),
        "period_closed"
    );
    assert_eq!(
        ws.import(CO, "2026-10", std::slice::from_ref(&bill), "li")
            .unwrap_err()
            .code(),
        "period_closed"
    );
    assert_eq!(
        ws.act(CO, big, &Action::Comment, "补充说明", "li")
            .unwrap_err()
            .code(),
        "period_closed"
    );
    // A close prepared by a reviewer is approved by someone else still.
    ws.request_close(CO, "2026-11", "wang").unwrap();
    assert_eq!(
        ws.approve_close(CO, "2026-11", "wang").unwrap_err().code(),
        ErrorCode::OwnWorkNotApprovable.as_str()
    );

    // The archive holds the files, runs, cases and audit log, and verifies on its own.
    let archive = ws.archive(CO, "2026-10", "wang").unwrap();
    let paths: Vec<&str> = archive.members.iter().map(|(p, _)| p.as_str()).collect();
    for wanted in [
        "period.json",
        "files.json",
        "runs.json",
        "cases.jsonl",
        "audit.jsonl",
        "manifest.json",
    ] {
        assert!(paths.contains(&wanted), "{wanted} in {paths:?}");
    }
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("files/") && p.ends_with("账务明细.csv"))
    );
    assert!(paths.iter().any(|p| p.ends_with("/findings.jsonl")));
    let check = duizhang_store::archive::verify_archive(&archive.members).unwrap();
    assert_eq!(check.period, "2026-10");
    let mut altered = archive.members.clone();
    let cases = altered
        .iter_mut()
        .find(|(p, _)| p == "cases.jsonl")
        .unwrap();
    cases.1.extend_from_slice(b"{}\n");
    assert_eq!(
        duizhang_store::archive::verify_archive(&altered).unwrap_err(),
        duizhang_store::archive::ArchiveProblem::Changed("cases.jsonl".into())
    );

    // The audit chains verify, and record who did what.
    let head = ws.verify_audit(CO, None).unwrap().unwrap();
    assert!(head.seq >= 15);
    assert!(ws.verify_audit("", None).unwrap().is_ok());
    let log = ws.audit_log(CO).unwrap();
    assert!(
        log.iter()
            .any(|e| e.entry.action == "case.approve" && e.entry.actor == "wang")
    );
}

/// Ways a person with database access might alter the audit log, as SQL on the `audit` table
/// of company 1 (the first company made). Each must be found by `verify_audit`.
pub const TAMPERINGS: &[(&str, &str)] = &[
    (
        "an entry edited",
        "UPDATE audit SET actor = 'mallory' WHERE chain_id = 1 AND seq = 3",
    ),
    (
        "an entry deleted",
        "DELETE FROM audit WHERE chain_id = 1 AND seq = 3",
    ),
    (
        "the last entry deleted",
        "DELETE FROM audit WHERE chain_id = 1 AND seq = (SELECT max(seq) FROM audit WHERE chain_id = 1)",
    ),
    (
        "an entry inserted in the middle",
        "UPDATE audit SET seq = seq + 1000 WHERE chain_id = 1 AND seq >= 3; \
         UPDATE audit SET seq = seq - 999 WHERE chain_id = 1 AND seq >= 1003; \
         INSERT INTO audit (chain_id, seq, at, company, actor, action, subject, before, after, prev_hash, hash) \
         SELECT chain_id, 3, at, company, 'admin', 'case.approve', subject, before, after, prev_hash, hash \
         FROM audit WHERE chain_id = 1 AND seq = 2",
    ),
    (
        "an entry appended with a made-up hash",
        "INSERT INTO audit (chain_id, seq, at, company, actor, action, subject, before, after, prev_hash, hash) \
         SELECT chain_id, seq + 1, at, company, 'admin', 'case.approve', subject, before, after, hash, hash \
         FROM audit WHERE chain_id = 1 AND seq = (SELECT max(seq) FROM audit WHERE chain_id = 1)",
    ),
    (
        "two entries reordered",
        "UPDATE audit SET seq = -1 WHERE chain_id = 1 AND seq = 2; \
         UPDATE audit SET seq = 2 WHERE chain_id = 1 AND seq = 3; \
         UPDATE audit SET seq = 3 WHERE chain_id = 1 AND seq = -1",
    ),
];

/// The queue's order on a backend: cases of one severity and due date listed by id as a number
/// (ids past 9 included), the same on every backend.
pub fn queue_order<B: Backend>(backend: B) {
    let mut ws = Workspace::new(backend, test_clock());
    ws.add_user("admin", "管理员", "s3cret-admin", None)
        .unwrap();
    ws.add_user("li", "李会计", "pw-li", Some("admin")).unwrap();
    ws.create_company("禾木家居", "admin").unwrap();
    ws.grant("禾木家居", "li", &[Role::Accountant], "admin")
        .unwrap();
    let findings = (0..12)
        .map(|i| finding("REFUND_UNPAID", &format!("RF{i:03}"), 100))
        .collect();
    ws.record_run("禾木家居", &run(findings), "li").unwrap();
    let listed: Vec<u64> = ws
        .cases(
            "禾木家居",
            &CaseFilter {
                states: vec![CaseState::Open],
                ..CaseFilter::default()
            },
            "li",
        )
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, (1..=12).collect::<Vec<u64>>());
}

/// Day runs and the month's run of one accounting month: a day's findings are the month's
/// cases (filed under the month), a later day and the month update the same cases, a finding
/// gone by a later day closes its case, and an earlier day recorded after the month's run
/// leaves the cases alone.
pub fn month_to_date_cases<B: Backend>(backend: B) {
    let mut ws = Workspace::new(backend, test_clock());
    const CO: &str = "禾木家居";
    ws.add_user("admin", "管理员", "s3cret-admin", None)
        .unwrap();
    ws.add_user("li", "李会计", "pw-li", Some("admin")).unwrap();
    ws.create_company(CO, "admin").unwrap();
    ws.grant(CO, "li", &[Role::Accountant], "admin").unwrap();
    let day = |period: &str, findings: Vec<Finding>| NewRun {
        period: period.into(),
        vouchers: None,
        ..run(findings)
    };
    let all = |ws: &mut Workspace<B>| {
        ws.cases(CO, &CaseFilter::default(), "li")
            .unwrap()
            .into_iter()
            .map(|c| (c.period, c.key, c.facts.state))
            .collect::<Vec<_>>()
    };

    // The 14th finds two unpaid refunds: two cases of October.
    let (_, c) = ws
        .record_run(
            CO,
            &day(
                "2026-10-14",
                vec![
                    finding("REFUND_UNPAID", "RF1", 5900),
                    finding("REFUND_UNPAID", "RF2", 1200),
                ],
            ),
            "li",
        )
        .unwrap();
    assert_eq!((c.opened, c.overtaken_by), (2, None));
    assert_eq!(
        all(&mut ws),
        [
            ("2026-10".to_string(), "RF1".to_string(), CaseState::Open),
            ("2026-10".to_string(), "RF2".to_string(), CaseState::Open),
        ]
    );
    // By the 15th RF2's refund was paid: its case closes; RF1 is the same case.
    let (_, c) = ws
        .record_run(
            CO,
            &day("2026-10-15", vec![finding("REFUND_UNPAID", "RF1", 5900)]),
            "li",
        )
        .unwrap();
    assert_eq!((c.opened, c.refreshed, c.closed), (0, 1, 1));
    // The month finds RF1 and a third: one new case, no second RF1.
    let (month, c) = ws
        .record_run(
            CO,
            &run(vec![
                finding("REFUND_UNPAID", "RF1", 5900),
                finding("REFUND_UNPAID", "RF3", 800),
            ]),
            "li",
        )
        .unwrap();
    assert_eq!((c.opened, c.refreshed, c.closed), (1, 1, 0));
    assert_eq!(all(&mut ws).len(), 3);
    // The 10th run afterwards saw less than the month: it changes no case.
    let (_, c) = ws
        .record_run(CO, &day("2026-10-10", Vec::new()), "li")
        .unwrap();
    assert_eq!(c.overtaken_by, Some(month));
    assert_eq!((c.opened, c.closed), (0, 0));
    let states: Vec<CaseState> = all(&mut ws).into_iter().map(|(_, _, s)| s).collect();
    assert_eq!(
        states,
        [CaseState::Open, CaseState::Closed, CaseState::Open],
        "RF1 open, RF2 closed by the 15th, RF3 open"
    );
}

/// Voucher batches: made by a run, approved by a second person only (an admin approving their
/// own run included), exported only once approved, replaced by a later run of the period, and
/// frozen by the period's close.
pub fn voucher_batches<B: Backend>(backend: B) {
    let mut ws = Workspace::new(backend, test_clock());
    const CO: &str = "禾木家居";
    ws.add_user("admin", "管理员", "s3cret-admin", None)
        .unwrap();
    ws.add_user("li", "李会计", "pw-li", Some("admin")).unwrap();
    ws.add_user("wang", "王主管", "pw-wang", Some("admin"))
        .unwrap();
    ws.add_user("zhao", "赵客服", "pw-zhao", Some("admin"))
        .unwrap();
    ws.create_company(CO, "admin").unwrap();
    ws.grant(CO, "li", &[Role::Accountant], "admin").unwrap();
    ws.grant(CO, "wang", &[Role::Reviewer], "admin").unwrap();
    ws.grant(CO, "zhao", &[Role::Service], "admin").unwrap();

    let (first, _) = ws.record_run(CO, &run(Vec::new()), "li").unwrap();
    let batches = ws.voucher_batches(CO, "zhao").unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].state, duizhang_store::BatchState::Prepared);
    assert_eq!((batches[0].vouchers, batches[0].debit_fen), (2, 12_345));
    let code = |e: duizhang_store::StoreError| e.code();
    assert_eq!(
        ws.voucher_batch_files(CO, first, "wang")
            .map_err(code)
            .unwrap_err(),
        "batch_not_approved"
    );
    assert_eq!(
        ws.approve_voucher_batch(CO, first, "li")
            .map_err(code)
            .unwrap_err(),
        "not_permitted"
    );
    assert_eq!(
        ws.approve_voucher_batch(CO, first, "zhao")
            .map_err(code)
            .unwrap_err(),
        "not_permitted"
    );

    // A second run of the period replaces the first batch; the admin ran it and may not approve it.
    let (second, _) = ws.record_run(CO, &run(Vec::new()), "admin").unwrap();
    assert_eq!(
        ws.approve_voucher_batch(CO, first, "wang")
            .map_err(code)
            .unwrap_err(),
        "batch_superseded"
    );
    assert_eq!(
        ws.approve_voucher_batch(CO, second, "admin")
            .map_err(code)
            .unwrap_err(),
        "own_work_not_approvable"
    );
    let approved = ws.approve_voucher_batch(CO, second, "wang").unwrap();
    assert_eq!(approved.approved_by.as_deref(), Some("wang"));
    assert_eq!(
        ws.approve_voucher_batch(CO, second, "admin")
            .map_err(code)
            .unwrap_err(),
        "batch_approved"
    );
    let (_, files) = ws.voucher_batch_files(CO, second, "li").unwrap();
    assert_eq!(
        files,
        vec![("vouchers.xlsx".to_string(), b"PK\x03\x04 workbook".to_vec())]
    );
    let listed = ws.voucher_batches(CO, "li").unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|b| (b.run_id, b.superseded))
            .collect::<Vec<_>>(),
        vec![(second, false), (first, true)]
    );

    // Every approval is in the audit log.
    let log = ws.audit_log(CO).unwrap();
    assert!(
        log.iter()
            .any(|e| e.entry.action == "vouchers.approve" && e.entry.actor == "wang")
    );
}

/// Builds a small log in a fresh workspace and returns its head (what an archive records).
pub fn small_log<B: Backend>(backend: B) -> (Workspace<B>, duizhang_workflow::ChainHead) {
    let mut ws = Workspace::new(backend, test_clock());
    ws.add_user("admin", "管理员", "pw", None).unwrap();
    ws.add_user("li", "李会计", "pw", Some("admin")).unwrap();
    ws.add_user("wang", "王主管", "pw", Some("admin")).unwrap();
    ws.create_company("禾木家居", "admin").unwrap();
    ws.grant("禾木家居", "li", &[Role::Accountant], "admin")
        .unwrap();
    ws.grant("禾木家居", "wang", &[Role::Reviewer], "admin")
        .unwrap();
    let findings = vec![
        finding("REFUND_UNPAID", "RF1", 5900),
        finding("REFUND_UNPAID", "RF2", 100),
    ];
    ws.record_run("禾木家居", &run(findings), "li").unwrap();
    let head = ws.verify_audit("禾木家居", None).unwrap().unwrap();
    assert!(head.seq >= 4, "the log has entries to tamper with");
    (ws, head)
}

/// Runs every tampering on a fresh workspace made by `fresh`, altering it through `raw` (SQL
/// straight to the database), and asserts that verification finds each one.
pub fn tampering_is_found<B: Backend>(
    mut fresh: impl FnMut(usize) -> B,
    mut raw: impl FnMut(usize, &str),
) {
    for (index, (what, sql)) in TAMPERINGS.iter().enumerate() {
        let (ws, head) = small_log(fresh(index));
        drop(ws);
        raw(index, sql);
        let mut ws = Workspace::new(fresh(index), test_clock());
        let verdict = ws.verify_audit("禾木家居", Some(&head)).unwrap();
        let broken = verdict.expect_err(what);
        assert!(
            broken.zh().contains("审计日志在"),
            "{what}: {}",
            broken.zh()
        );
    }
}
