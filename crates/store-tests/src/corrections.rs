//! Resolutions that change the books make correcting vouchers, approved by a second person and
//! frozen by the close; evidence files on cases come back byte for byte; both reach the archive.

use duizhang_core::Fen;
use duizhang_store::{Backend, BatchState, CaseFilter, NumberRange, Workspace};
use duizhang_workflow::adjustment::AdjustmentKind;
use duizhang_workflow::{Action, ErrorCode, Resolution, Role};

use crate::{finding, run, test_clock};

const CO: &str = "禾木家居";

/// A 账套 file under 企业会计准则.
const ENTERPRISE: &str =
    "name = \"禾木家居 2026\"\nstandard = \"enterprise\"\n\n[vat]\ntaxpayer = \"general\"\n";

fn submit(reason: &str, write_off: Option<i64>) -> Action {
    Action::Submit {
        resolution: Resolution {
            reason: reason.into(),
            note: String::new(),
            write_off: write_off.map(Fen::new),
        },
    }
}

/// The story of correcting vouchers and attachments.
pub fn corrections<B: Backend>(backend: B) {
    let mut ws = Workspace::new(backend, test_clock());
    ws.add_first_user("admin", "管理员", "s3cret-admin")
        .unwrap();
    ws.create_company(CO, "admin").unwrap();
    for (login, name, role) in [
        ("li", "李会计", Role::Accountant),
        ("wang", "王主管", Role::Reviewer),
        ("zhao", "赵客服", Role::Service),
    ] {
        ws.add_member(CO, login, name, "pw-12345678", &[role], "admin")
            .unwrap();
    }
    // The run's batch holds 记-1 and 记-2; a refund of 129.00 was never booked, a refund of
    // 80.00 never arrived, one was refunded by bank transfer.
    let findings = vec![
        finding("REFUND_NOT_BOOKED", "RF7", 12_900),
        finding("REFUND_UNPAID", "RF8", 8_000),
        finding("REFUND_NOT_BOOKED", "RF9", 4_500),
        finding("REFUND_UNPAID", "RF12", 1_200),
    ];
    let (first_run, _) = ws.record_run(CO, &run(findings.clone()), "li").unwrap();
    let cases = ws.cases(CO, &CaseFilter::default(), "li").unwrap();

    // The company books under 企业会计准则 (revenue 6001): its 账套 is kept in the workspace by
    // the accountant, so every correcting voucher uses its chart whoever approves.
    assert_eq!(
        ws.set_company_books(CO, ENTERPRISE, "zhao")
            .unwrap_err()
            .code(),
        ErrorCode::NotPermitted.as_str()
    );
    let wrong = ws
        .set_company_books(CO, "standard = \"ifrs\"\n", "li")
        .unwrap_err();
    assert_eq!(wrong.code(), "books_invalid");
    assert!(wrong.zh().starts_with("账套文件有误"), "{}", wrong.zh());
    assert!(ws.company_books(CO, "zhao").unwrap().is_none());
    ws.set_company_books(CO, ENTERPRISE, "li").unwrap();
    assert_eq!(
        ws.company_books(CO, "wang").unwrap().unwrap().toml,
        ENTERPRISE
    );
    let id = |key: &str| cases.iter().find(|c| c.key == key).unwrap().id;

    // 已补录凭证: approving the resolution makes a supplementary voucher in the open period,
    // prepared by the accountant who proposed it, waiting for approval.
    ws.act(CO, id("RF7"), &submit("已补录凭证", None), "", "li")
        .unwrap();
    assert!(ws.adjustments(CO, None, "li").unwrap().is_empty());
    ws.act(CO, id("RF7"), &Action::Approve, "", "wang").unwrap();
    let made = ws.adjustments(CO, Some(id("RF7")), "li").unwrap();
    assert_eq!(made.len(), 1);
    let booked = &made[0];
    assert_eq!(booked.kind, AdjustmentKind::Supplementary);
    assert_eq!(
        (booked.period.as_str(), booked.label()),
        ("2026-10", "记-3".into())
    );
    assert_eq!(booked.state, BatchState::Prepared);
    assert_eq!(booked.prepared_by, "li");
    // Approved on 2 November, the October voucher is dated the period's last day.
    assert_eq!(booked.date, "2026-10-31");
    assert_eq!(booked.lines[0].account, "6001");
    assert_eq!(booked.lines[0].account_name, "主营业务收入");
    assert_eq!(booked.lines[0].debit_fen, 12_900);
    assert_eq!(booked.lines[1].account_name, "其他货币资金—支付宝");
    assert_eq!(booked.lines[1].credit_fen, 12_900);
    assert!(booked.summary.contains("RF7"));

    // A write-off of 3.00 by the admin: 营业外支出 against the platform's receivable; the admin
    // may not approve their own voucher, an accountant may not approve at all.
    ws.act(
        CO,
        id("RF8"),
        &submit("核销：小额差异", Some(300)),
        "",
        "admin",
    )
    .unwrap();
    ws.act(CO, id("RF8"), &Action::Approve, "", "wang").unwrap();
    let write_off = ws.adjustments(CO, Some(id("RF8")), "li").unwrap().remove(0);
    assert_eq!(write_off.label(), "记-4");
    assert_eq!(write_off.lines[0].account_name, "营业外支出");
    assert_eq!(write_off.lines[0].debit_fen, 300);
    assert_eq!(write_off.lines[1].account_name, "应收账款—平台");
    assert_eq!(
        ws.approve_adjustment(CO, write_off.id, "admin")
            .unwrap_err()
            .code(),
        ErrorCode::OwnWorkNotApprovable.as_str()
    );
    assert_eq!(
        ws.approve_adjustment(CO, booked.id, "li")
            .unwrap_err()
            .code(),
        ErrorCode::NotPermitted.as_str()
    );
    let approved = ws.approve_adjustment(CO, booked.id, "admin").unwrap();
    assert_eq!(
        (approved.state, approved.approved_by.as_deref()),
        (BatchState::Approved, Some("admin"))
    );
    assert_eq!(
        ws.approve_adjustment(CO, booked.id, "wang")
            .unwrap_err()
            .code(),
        "adjustment_approved"
    );

    // Evidence on a case: numbered, listed, returned byte for byte; too large is refused.
    let screenshot: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let added = ws
        .attach(CO, id("RF9"), "聊天记录.png", &screenshot, "li")
        .unwrap();
    assert_eq!(added.n, 1);
    ws.attach(CO, id("RF9"), "银行回单.pdf", b"%PDF-1.4 receipt", "li")
        .unwrap();
    let listed = ws.attachments(CO, id("RF9"), "wang").unwrap();
    assert_eq!(
        listed.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["聊天记录.png", "银行回单.pdf"]
    );
    let (back, bytes) = ws.attachment(CO, id("RF9"), 1, "wang").unwrap();
    assert_eq!(
        (back.name.as_str(), bytes),
        ("聊天记录.png", screenshot.clone())
    );
    assert_eq!(
        ws.attachment(CO, id("RF9"), 3, "wang").unwrap_err().code(),
        "unknown_attachment"
    );
    let huge = vec![0u8; 20 * 1024 * 1024 + 1];
    assert_eq!(
        ws.attach(CO, id("RF9"), "录像.mp4", &huge, "li")
            .unwrap_err()
            .code(),
        "attachment_too_large"
    );
    let (_, history) = ws.case(CO, id("RF9"), "li").unwrap();
    assert!(history.iter().any(|e| e.action == "attach"));

    // October is run again and makes five vouchers. Numbered 1..5 they would take 记-3 and
    // 记-4 of the correcting vouchers: refused. The first batch was never approved (so never
    // exported): its numbers go back; the store says which numbers are held.
    let mut rerun = run(findings
        .iter()
        .cloned()
        .chain([finding("REFUND_NOT_BOOKED", "RF13", 2_600)])
        .collect());
    let numbered = |ranges: &[(i64, i64)]| {
        ranges
            .iter()
            .map(|&(first, last)| NumberRange {
                word: "记".into(),
                first,
                last,
            })
            .collect::<Vec<_>>()
    };
    if let Some(batch) = rerun.vouchers.as_mut() {
        batch.vouchers = 5;
        batch.numbers = numbered(&[(1, 4)]);
    }
    assert_eq!(
        ws.record_run(CO, &rerun, "li").unwrap_err().code(),
        "batch_numbers_mismatch"
    );
    if let Some(batch) = rerun.vouchers.as_mut() {
        batch.numbers = numbered(&[(1, 5)]);
    }
    let clash = ws.record_run(CO, &rerun, "li").unwrap_err();
    assert_eq!(clash.code(), "voucher_number_held");
    assert!(clash.zh().contains("记-3"), "{}", clash.zh());
    let held = ws.voucher_numbers_held(CO, "2026-10", "li").unwrap();
    assert_eq!(held.get("记"), Some(&vec![(3, 4)]));
    if let Some(batch) = rerun.vouchers.as_mut() {
        batch.numbers = numbered(&[(1, 2), (5, 7)]);
    }
    let (second_run, _) = ws.record_run(CO, &rerun, "li").unwrap();
    let listed = ws.voucher_batches(CO, "wang").unwrap();
    assert_eq!(listed[0].run_id, second_run);
    assert_eq!(listed[0].numbers, numbered(&[(1, 2), (5, 7)]));
    assert_eq!(
        ws.approve_voucher_batch(CO, first_run, "wang")
            .unwrap_err()
            .code(),
        "batch_superseded"
    );

    // A refund paid by bank transfer: its voucher takes the next free number, 记-8.
    ws.act(CO, id("RF9"), &submit("线下已退款", None), "", "li")
        .unwrap();
    ws.act(CO, id("RF9"), &Action::Approve, "", "wang").unwrap();
    let offline = ws.adjustments(CO, Some(id("RF9")), "li").unwrap().remove(0);
    assert_eq!(offline.label(), "记-8");
    assert_eq!(offline.lines[1].account_name, "银行存款");

    // A week's run after October's own changes no case: October's run, whose cut-off is
    // later, is stored; what the week found waits for the month's next run.
    let mut week = run(vec![finding("REFUND_NOT_BOOKED", "RF11", 2_600)]);
    week.period = "2026-W43".into();
    week.vouchers = None;
    ws.record_run(CO, &week, "li").unwrap();
    let listed = ws.cases(CO, &CaseFilter::default(), "li").unwrap();
    assert!(listed.iter().all(|c| c.key != "RF11"));

    // A refund the re-run found unbooked: its correcting voucher is numbered after all the
    // others of October, 记-9.
    let late_case = listed.iter().find(|c| c.key == "RF13").unwrap().id;
    ws.act(CO, late_case, &submit("已补录凭证", None), "", "li")
        .unwrap();
    ws.act(CO, late_case, &Action::Approve, "", "wang").unwrap();
    let weekly = ws.adjustments(CO, Some(late_case), "li").unwrap().remove(0);
    assert_eq!(
        (weekly.period.as_str(), weekly.month()),
        ("2026-10", "2026-10")
    );
    assert_eq!(weekly.label(), "记-9");

    // The close waits for every voucher of the period: the batch and three adjustments are
    // pending, and the refusal names them.
    let pending = ws.request_close(CO, "2026-10", "li").unwrap_err();
    assert_eq!(pending.code(), "pending_approvals");
    let message = pending.zh();
    assert!(
        message.contains(&format!("凭证批次（对账运行 {second_run}）")),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "调整凭证 {}（记-4）、{}（记-8）、{}（记-9）",
            write_off.id, offline.id, weekly.id
        )),
        "{message}"
    );
    ws.approve_voucher_batch(CO, second_run, "wang").unwrap();
    ws.approve_adjustment(CO, write_off.id, "wang").unwrap();
    assert_eq!(
        ws.request_close(CO, "2026-10", "li").unwrap_err().code(),
        "pending_approvals"
    );
    ws.approve_adjustment(CO, offline.id, "wang").unwrap();
    ws.approve_adjustment(CO, weekly.id, "wang").unwrap();

    // Approved, the batch may have been posted: its numbers are spent, a later run of October
    // would number from 记-10.
    let held = ws.voucher_numbers_held(CO, "2026-10", "li").unwrap();
    assert_eq!(held.get("记"), Some(&vec![(1, 9)]));

    // A voucher made after the close was requested holds back its approval too.
    ws.request_close(CO, "2026-10", "li").unwrap();
    ws.act(CO, id("RF12"), &submit("运费险赔付", None), "", "li")
        .unwrap();
    ws.act(CO, id("RF12"), &Action::Approve, "", "wang")
        .unwrap();
    let insurance = ws
        .adjustments(CO, Some(id("RF12")), "li")
        .unwrap()
        .remove(0);
    assert_eq!(insurance.label(), "记-10");
    let late = ws.approve_close(CO, "2026-10", "wang").unwrap_err();
    assert_eq!(late.code(), "pending_approvals");
    assert!(
        late.zh()
            .contains(&format!("调整凭证 {}（记-10）", insurance.id)),
        "{}",
        late.zh()
    );
    ws.approve_adjustment(CO, insurance.id, "wang").unwrap();

    // Closed, the period's vouchers never change.
    ws.approve_close(CO, "2026-10", "wang").unwrap();
    assert_eq!(
        ws.approve_adjustment(CO, offline.id, "wang")
            .unwrap_err()
            .code(),
        "period_closed"
    );
    assert_eq!(
        ws.attach(CO, id("RF9"), "补充.png", b"png", "li")
            .unwrap_err()
            .code(),
        "period_closed"
    );

    // The archive holds the vouchers and the evidence, and verifies.
    let archive = ws.archive(CO, "2026-10", "wang").unwrap();
    let member = |path: &str| {
        archive
            .members
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
    };
    let adjustments: serde_json::Value =
        serde_json::from_slice(&member("adjustments.json").unwrap()).unwrap();
    // Every correcting voucher booked in October.
    assert_eq!(adjustments.as_array().unwrap().len(), 5);
    let evidence = format!("cases/{}/1-聊天记录.png", id("RF9"));
    assert_eq!(member(&evidence).unwrap(), screenshot);
    duizhang_store::archive::verify_archive(&archive.members).unwrap();

    let log = ws.audit_log(CO).unwrap();
    for action in [
        "company.books",
        "adjustment.create",
        "adjustment.approve",
        "case.attach",
    ] {
        assert!(log.iter().any(|e| e.entry.action == action), "{action}");
    }
    assert!(ws.verify_audit(CO, None).unwrap().is_ok());
}

/// The order lookup: every record of one order, from every file of two months, with the
/// periods each file was imported for; nothing of another company.
pub fn order_lookup<B: Backend>(backend: B) {
    use duizhang_store::{NewFile, OrderRef};
    let mut ws = Workspace::new(backend, test_clock());
    ws.add_first_user("admin", "管理员", "s3cret-admin")
        .unwrap();
    ws.create_company(CO, "admin").unwrap();
    ws.create_company("另一家店", "admin").unwrap();
    // The line as the file has it is kept with the index row, so the lookup shows it without
    // reading the kept file back.
    let at = |order: &str, part: &str, line: i64, kind: &str| OrderRef {
        order_no: order.into(),
        part: part.into(),
        line,
        kind: kind.into(),
        // Lines of a tab-separated download hold tabs, and some a backslash.
        text: Some(format!("{order}\t{kind}\\第{line}行")),
        span: None,
    };
    let orders = NewFile {
        name: "ExportOrderList202610.csv".into(),
        bytes: b"orders of october".to_vec(),
        inspect: "{}".into(),
        orders: vec![
            at("4012345678901", "ExportOrderList202610.csv", 2, "order"),
            at("4012345678902", "ExportOrderList202610.csv", 3, "order"),
        ],
        parsed: None,
    };
    let bills = NewFile {
        name: "bills.zip".into(),
        bytes: b"november bills".to_vec(),
        inspect: "{}".into(),
        // As a reader may list them: not in order, and one record twice (one entry).
        orders: vec![
            at("4012345678901", "bills.zip!账务明细.csv", 9, "fund_flow"),
            at("4012345678901", "bills.zip!账务明细.csv", 7, "fund_flow"),
            at("4012345678901", "bills.zip!账务明细.csv", 9, "fund_flow"),
        ],
        parsed: None,
    };
    ws.import(CO, "2026-10", &[orders], "admin").unwrap();
    ws.import(CO, "2026-11", &[bills], "admin").unwrap();
    let hits = ws.order(CO, "4012345678901", "admin").unwrap();
    for hit in &hits {
        assert_eq!(
            hit.text.as_deref(),
            Some(format!("4012345678901\t{}\\第{}行", hit.kind, hit.line).as_str())
        );
    }
    let mut seen: Vec<(&str, &str, i64, &str, Vec<String>)> = hits
        .iter()
        .map(|h| {
            (
                h.file.as_str(),
                h.part.as_str(),
                h.line,
                h.kind.as_str(),
                h.periods.clone(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "ExportOrderList202610.csv",
                "ExportOrderList202610.csv",
                2,
                "order",
                vec!["2026-10".to_string()]
            ),
            (
                "bills.zip",
                "bills.zip!账务明细.csv",
                7,
                "fund_flow",
                vec!["2026-11".to_string()]
            ),
            (
                "bills.zip",
                "bills.zip!账务明细.csv",
                9,
                "fund_flow",
                vec!["2026-11".to_string()]
            ),
        ]
    );
    assert!(ws.order(CO, "4099999999999", "admin").unwrap().is_empty());
    assert!(
        ws.order("另一家店", "4012345678901", "admin")
            .unwrap()
            .is_empty()
    );

    // A bill larger than the chunks files are kept in: kept whole, and one line read back by
    // its place in the file, across the border of two chunks.
    let mut big = Vec::new();
    let mut line = 0i64;
    let mut wanted = None;
    while big.len() < 3 * (1 << 20) + 77 {
        line += 1;
        let row = format!("2026100{line:09},T200P4012345678903,交易付款,{line}.00\r\n");
        if wanted.is_none() && big.len() + row.len() > 1 << 20 {
            wanted = Some((line, big.len(), row.trim_end().to_string()));
        }
        big.extend_from_slice(row.as_bytes());
    }
    let (line, at, row) = wanted.expect("a line across the first border");
    assert!(at < 1 << 20 && at + row.len() > 1 << 20);
    let bill = NewFile {
        name: "20261101_2088账务明细.csv".into(),
        bytes: big.clone(),
        inspect: "{}".into(),
        orders: vec![OrderRef {
            order_no: "4012345678903".into(),
            part: "20261101_2088账务明细.csv".into(),
            line,
            kind: "fund_flow".into(),
            text: None,
            span: Some(duizhang_store::ByteSpan {
                at: i64::try_from(at).unwrap(),
                len: i64::try_from(row.len()).unwrap(),
            }),
        }],
        parsed: None,
    };
    let sha = ws.import(CO, "2026-11", &[bill], "admin").unwrap().added[0]
        .sha256
        .clone();
    assert_eq!(ws.file_bytes(CO, &sha).unwrap(), big);
    let hit = ws.order(CO, "4012345678903", "admin").unwrap().remove(0);
    let span = hit.span.expect("the line's place is kept");
    let read = ws.file_range(CO, &hit.sha256, span.at, span.len).unwrap();
    assert_eq!(String::from_utf8(read).unwrap(), row);
    let tail = ws
        .file_range(CO, &sha, i64::try_from(big.len()).unwrap() - 5, 100)
        .unwrap();
    assert_eq!(tail, big[big.len() - 5..]);
    assert!(ws.file_range("另一家店", &sha, 0, 10).is_err());
}
