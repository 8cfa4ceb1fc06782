//! `duizhang vouchers` and the books side of `duizhang reconcile`, through the binary: a small
//! October of a Taobao shop in the files the seller downloads (Alipay 账务明细, 淘宝订单报表 and
//! 退款报表, ERP 发货单 and 退货入库单) → vouchers, exports, and the books checks against the
//! generated vouchers and against a journal exported from the accounting system.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use duizhang_books::export::{self, TextEncoding};
use duizhang_books::{Books, BooksConfig, Rules, Voucher, import};
use duizhang_core::*;
use duizhang_samples::build::*;
use duizhang_samples::write::alipay;
use duizhang_samples::write::erp::{ErpOptions, return_receipts, shipments};
use duizhang_samples::write::taobao::{OrderOptions, RefundOptions, orders, refunds};
use support::{duizhang, s, scratch, text};

/// This month's order (sold and settled in October), last month's order (returned in October:
/// a cross-period refund) and a refund-only on this month's order.
const THIS: &str = "4012345678901234567";
const LAST: &str = "4012345678900000001";
const RETURN: &str = "RF2026101201";
const REFUND_ONLY: &str = "RF2026101502";
const REFUND_ONLY_TXN: &str = "20261015000001";

const SETTINGS: &str = r#"
[[shops]]
id = "旗舰店"
name = "某某服饰旗舰店"
platform = "taobao"
aliases = ["旗舰店"]
fund_accounts = ["20880000000000000156"]
"#;

const BOOKS: &str = r#"
name = "某某服饰 2026"
standard = "small"

[costs]
"TS-WHITE-L" = "25.00"
"TS-WHITE-XL" = "26.00"
"#;

/// Writes the period's files into `dir/data`, the settings and the 账套 into `dir`.
fn october(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let flows = [
        (
            "20261008000001",
            FlowKind::Income,
            "交易付款",
            "59.00",
            "2026-10-08 10:00:05",
            Some(THIS),
        ),
        (
            "20261008000002",
            FlowKind::Commission,
            "交易分账",
            "-2.95",
            "2026-10-08 10:00:05",
            Some(THIS),
        ),
        (
            "20261012000001",
            FlowKind::Refund,
            "交易退款",
            "-26.00",
            "2026-10-12 10:00:00",
            Some(LAST),
        ),
        (
            REFUND_ONLY_TXN,
            FlowKind::Refund,
            "交易退款",
            "-10.00",
            "2026-10-15 10:00:00",
            Some(THIS),
        ),
        (
            "20261031000001",
            FlowKind::Withdrawal,
            "提现",
            "-20.05",
            "2026-10-31 09:00:00",
            None,
        ),
    ];
    let rows: Vec<FundFlowRow> = flows
        .into_iter()
        .map(|(txn, kind, kind_text, amount, when, order_no)| {
            alipay_row(txn, kind, kind_text, yuan(amount), when, order_no)
        })
        .collect();
    std::fs::write(
        data.join("20880000000000000156_202610_账务明细.csv"),
        alipay::fund_flow(&rows, &alipay::FundOptions::default()),
    )
    .unwrap();

    let mut this = order(Platform::Taobao, THIS, yuan("59.00"));
    this.shop = Some("某某服饰旗舰店".into());
    let mut last = order(Platform::Taobao, LAST, yuan("26.00"));
    last.shop = Some("某某服饰旗舰店".into());
    last.created_at = Some(at("2026-09-10 09:58:00"));
    last.paid_at = Some(at("2026-09-10 10:00:00"));
    last.shipped_at = Some(at("2026-09-10 18:00:00"));
    last.finished_at = Some(at("2026-09-16 10:00:00"));
    std::fs::write(
        data.join("ExportOrderList202610.csv"),
        orders(&[this, last], &OrderOptions::default()).unwrap(),
    )
    .unwrap();

    let mut ret = after_sale(
        Platform::Taobao,
        LAST,
        RETURN,
        AfterSaleKind::ReturnAndRefund,
        yuan("26.00"),
    );
    ret.paid = Some(yuan("26.00"));
    ret.completed_at = Some(at("2026-10-12 10:00:00"));
    ret.lines.push(after_sale_line("TS-WHITE-XL", 1));
    let mut only = after_sale(
        Platform::Taobao,
        THIS,
        REFUND_ONLY,
        AfterSaleKind::RefundOnly,
        yuan("10.00"),
    );
    only.paid = Some(yuan("59.00"));
    only.applied_at = Some(at("2026-10-14 20:00:00"));
    only.completed_at = Some(at("2026-10-15 10:00:00"));
    only.reason = Some("商品破损".into());
    std::fs::write(
        data.join("退款报表.xlsx"),
        refunds(&[ret, only], &RefundOptions::default()).unwrap(),
    )
    .unwrap();

    let erp = ErpOptions::default();
    std::fs::write(
        data.join("发货单.csv"),
        shipments(
            &[shipment(
                "旗舰店",
                THIS,
                "TS-WHITE-L",
                1,
                ShipmentKind::Normal,
                "2026-10-03 18:00:00",
            )],
            &erp,
        )
        .unwrap(),
    )
    .unwrap();
    std::fs::write(
        data.join("退货入库单.csv"),
        return_receipts(
            &[return_receipt(
                "旗舰店",
                LAST,
                RETURN,
                "TS-WHITE-XL",
                1,
                "2026-10-14 15:00:00",
            )],
            &erp,
        )
        .unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("duizhang.toml"), SETTINGS).unwrap();
    std::fs::write(dir.join("账套.toml"), BOOKS).unwrap();
    data
}

fn books() -> Books {
    Books::new(
        BooksConfig::from_toml(BOOKS).unwrap(),
        Rules::defaults().unwrap(),
    )
    .unwrap()
}

/// `duizhang vouchers` on the period with the seller's 账套; the generated journal read back.
fn generate(dir: &Path, extra: &[&str]) -> (Output, Vec<Voucher>) {
    let data = october(dir);
    let out = dir.join("out");
    let mut args = vec![
        "vouchers",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&out),
    ];
    let config = dir.join("duizhang.toml");
    let books = dir.join("账套.toml");
    args.extend(["--config", s(&config), "--books", s(&books)]);
    args.extend(extra);
    let run = duizhang(&args);
    assert!(
        run.status.success(),
        "{}\n{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    let bytes = std::fs::read(out.join("vouchers.xlsx")).unwrap();
    (run, import::excel(&bytes, "vouchers.xlsx").unwrap())
}

#[test]
fn vouchers_writes_a_balanced_continuously_numbered_journal_and_beancount() {
    let dir = scratch("vouchers_default");
    let (run, journal) = generate(&dir, &[]);
    let stdout = text(&run.stdout);
    assert!(
        stdout.contains("账套：某某服饰 2026（小企业会计准则）"),
        "{stdout}"
    );

    // Sale + commission (10-08), cost of the shipment (10-03 发出商品 and 10-08 结转), the
    // return (10-12), its receipt (10-14), the refund-only (10-15), the withdrawal (10-31).
    assert!(!journal.is_empty());
    let debit: Fen = journal.iter().map(Voucher::total_debit).sum();
    let credit: Fen = journal.iter().map(Voucher::total_credit).sum();
    assert_eq!(debit, credit);
    for v in &journal {
        assert_eq!(v.total_debit(), v.total_credit(), "{}", v.label());
        assert_eq!(v.period, Period::parse("2026-10").unwrap());
    }
    duizhang_books::check_numbering(&journal).unwrap();
    let numbers: Vec<u32> = journal.iter().map(|v| v.number).collect();
    assert_eq!(
        numbers,
        (1..=u32::try_from(journal.len()).unwrap()).collect::<Vec<_>>()
    );

    // The summary names what it wrote, in Chinese, with the totals.
    let lines: usize = journal.iter().map(|v| v.lines.len()).sum();
    assert!(
        stdout.contains(&format!("凭证 {} 张，分录 {lines} 行。", journal.len())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "2026-10 记字 {} 张（第 1–{} 号）",
            journal.len(),
            journal.len()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "借方合计 {} 元 = 贷方合计 {} 元",
            debit.to_yuan_string(),
            credit.to_yuan_string()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("需复核的凭证 "), "{stdout}");
    assert!(!stdout.contains("未入账"), "{stdout}");

    // Every fund-flow row and both after-sales are linked by the journal.
    let linked: Vec<&str> = journal
        .iter()
        .flat_map(|v| v.links.iter().map(|l| l.key.as_str()))
        .collect();
    for key in [
        REFUND_ONLY_TXN,
        "20261008000001",
        "20261031000001",
        RETURN,
        REFUND_ONLY,
    ] {
        assert!(linked.contains(&key), "{key} not linked: {linked:?}");
    }

    let bean = std::fs::read_to_string(dir.join("out/vouchers.beancount")).unwrap();
    let labels: Vec<&str> = bean
        .lines()
        .filter(|l| l.starts_with("2026-10-") && l.contains(" \"记-"))
        .map(|l| l.split('"').nth(1).unwrap())
        .collect();
    let want: Vec<String> = journal.iter().map(Voucher::label).collect();
    assert_eq!(labels, want, "{bean}");
    // bean-check is in CI; locally it runs when installed.
    if let Ok(check) = Command::new("bean-check")
        .arg(dir.join("out/vouchers.beancount"))
        .output()
    {
        assert!(
            check.status.success(),
            "{}\n{}",
            text(&check.stdout),
            text(&check.stderr)
        );
    }
}

#[test]
fn vouchers_without_a_books_file_use_the_small_enterprise_preset_and_say_costs_are_off_once() {
    let dir = scratch("vouchers_preset");
    let data = october(&dir);
    let out = dir.join("out");
    let config = dir.join("duizhang.toml");
    let run = duizhang(&[
        "vouchers",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&out),
        "--config",
        s(&config),
        "--format",
        "excel,u8",
    ]);
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", text(&run.stderr));
    assert!(stdout.contains("按小企业会计准则预设生成"), "{stdout}");
    // No unit costs in the preset: said once in the header, not once per row.
    assert!(
        stdout.contains("未设单位成本（不生成成本分录）"),
        "{stdout}"
    );
    assert!(!stdout.contains("未设置单位成本"), "{stdout}");
    assert!(!stdout.contains("未入账或未完整入账的记录"), "{stdout}");
    assert!(
        stdout.contains("vouchers.xlsx、vouchers-u8.txt"),
        "{stdout}"
    );
    assert!(!out.join("vouchers.beancount").exists());
    // The 用友 text reads back as the same entries.
    let u8 = import::u8_text(&std::fs::read(out.join("vouchers-u8.txt")).unwrap(), "u8").unwrap();
    let xlsx = import::excel(&std::fs::read(out.join("vouchers.xlsx")).unwrap(), "x").unwrap();
    assert_eq!(u8.len(), xlsx.len());
    for (a, b) in u8.iter().zip(&xlsx) {
        assert_eq!((a.number, &a.lines), (b.number, &b.lines));
    }
}

#[test]
fn vouchers_reports_a_template_export_it_cannot_fill_and_exits_non_zero() {
    let dir = scratch("vouchers_cloud");
    let data = october(&dir);
    let out = dir.join("out");
    let run = duizhang(&[
        "vouchers",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&out),
        "--format",
        "kingdee-cloud",
    ]);
    let stdout = text(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "vouchers-kingdee-cloud.xlsx 未写出：模板必填列“*(单据头)账簿”没有可填写的值"
        ),
        "{stdout}"
    );
    let ok = duizhang(&[
        "vouchers",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&out),
        "--format",
        "kingdee-cloud",
        "--format",
        "chanjet",
        "--format",
        "kis",
        "--kingdee-book",
        "001",
        "--kingdee-org",
        "100",
    ]);
    assert!(ok.status.success(), "{}", text(&ok.stdout));
    for f in [
        "vouchers-kingdee-cloud.xlsx",
        "vouchers-chanjet.xlsx",
        "vouchers-kis.xlsx",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
}

#[test]
fn a_bad_period_or_books_file_is_an_error_in_chinese() {
    let dir = scratch("vouchers_bad");
    let data = october(&dir);
    let run = duizhang(&[
        "vouchers",
        s(&data),
        "--period",
        "2026-13",
        "--out",
        s(&dir),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("期间“2026-13”的月份 13 不存在"));
    let bad = dir.join("坏账套.toml");
    std::fs::write(&bad, "standard = \"small\"\n[policy]\nrefund = \"x\"\n").unwrap();
    let run = duizhang(&[
        "vouchers",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&dir),
        "--books",
        s(&bad),
    ]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(stderr.contains("坏账套.toml：账套配置格式错误"), "{stderr}");
}

/// `duizhang reconcile` of the scratch folder's data, with its settings and 账套.
fn run_reconcile(dir: &Path, journal: Option<&Path>) -> Output {
    let data = dir.join("data");
    let out = dir.join("reconciled");
    let config = dir.join("duizhang.toml");
    let books = dir.join("账套.toml");
    let mut args = vec![
        "reconcile",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&out),
        "--config",
        s(&config),
        "--books",
        s(&books),
    ];
    if let Some(j) = journal {
        args.extend(["--journal", s(j)]);
    }
    duizhang(&args)
}

fn reconcile(dir: &Path, journal: Option<&Path>) -> (Output, Vec<serde_json::Value>) {
    let run = run_reconcile(dir, journal);
    let out = dir.join("reconciled");
    assert!(
        run.status.success(),
        "{}\n{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    let findings = std::fs::read_to_string(out.join("findings.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (run, findings)
}

fn books_findings(findings: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    findings
        .iter()
        .filter(|f| {
            [
                "REFUND_NOT_BOOKED",
                "FLOW_NOT_BOOKED",
                "SOURCE_BOOKED_TWICE",
            ]
            .contains(&f["code"].as_str().unwrap())
        })
        .collect()
}

/// The journal without the vouchers that book `refund`, renumbered as the accounting system
/// keeps its numbers continuous.
fn without(journal: &[Voucher], key: &str) -> Vec<Voucher> {
    let mut kept: Vec<Voucher> = journal
        .iter()
        .filter(|v| !v.links.iter().any(|l| l.key == key))
        .cloned()
        .collect();
    assert_eq!(kept.len(), journal.len() - 1);
    let mut next: BTreeMap<String, u32> = BTreeMap::new();
    for v in &mut kept {
        let n = next.entry(v.word.clone()).or_insert(0);
        *n += 1;
        v.number = *n;
    }
    kept
}

#[test]
fn reconcile_writes_the_vouchers_and_finds_nothing_unbooked_in_its_own_or_the_exported_journal() {
    let dir = scratch("reconcile_books");
    let (_, generated) = generate(&dir, &[]);
    let (run, findings) = reconcile(&dir, None);
    let stdout = text(&run.stdout);
    assert!(books_findings(&findings).is_empty(), "{findings:#?}");
    let written = std::fs::read(dir.join("reconciled/vouchers.xlsx")).unwrap();
    let back = import::excel(&written, "vouchers.xlsx").unwrap();
    assert_eq!(back, generated);
    assert!(stdout.contains("账务检查依据本次生成的凭证"), "{stdout}");
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("reconciled/summary.json")).unwrap(),
    )
    .unwrap();
    let not_run = summary["not_run"].as_array().cloned().unwrap_or_default();
    assert!(
        !not_run
            .iter()
            .any(|n| n["code"].as_str().unwrap().ends_with("_BOOKED")
                || n["code"] == "SOURCE_BOOKED_TWICE"),
        "{not_run:#?}"
    );

    // The same vouchers as the accounting system exports them: the generic Excel journal.
    let journal = dir.join("总账凭证.xlsx");
    std::fs::write(
        &journal,
        export::excel(&generated, &books().chart).unwrap().workbook,
    )
    .unwrap();
    let (run, findings) = reconcile(&dir, Some(&journal));
    assert!(books_findings(&findings).is_empty(), "{findings:#?}");
    assert!(
        text(&run.stdout).contains(&format!("依据导入的账簿（{} 张凭证）", generated.len())),
        "{}",
        text(&run.stdout)
    );
}

#[test]
fn reconcile_with_a_journal_lacking_a_refund_finds_exactly_that_refund() {
    let dir = scratch("reconcile_journal_gap");
    let (_, generated) = generate(&dir, &[]);
    let journal = dir.join("总账凭证.xlsx");
    let lacking = without(&generated, RETURN);
    // Written as a month too large for one links sheet: the links sit in a CSV beside it.
    let split = export::excel_with_sheet_rows(&lacking, &books().chart, 1).unwrap();
    std::fs::write(&journal, &split.workbook).unwrap();
    let csv = dir.join(export::EXCEL_SOURCES_CSV);
    let _ = std::fs::remove_file(&csv);
    let missing = run_reconcile(&dir, Some(&journal));
    assert!(!missing.status.success());
    assert!(
        text(&missing.stderr).contains("来源单据写在同目录的 vouchers-sources.csv 中"),
        "{}",
        text(&missing.stderr)
    );
    let file = std::fs::File::create(&csv).unwrap();
    split.sources.as_ref().unwrap().write_to(file).unwrap();
    let (run, findings) = reconcile(&dir, Some(&journal));
    assert!(
        text(&run.stdout).contains(&format!("依据导入的账簿（{} 张凭证）", lacking.len())),
        "{}",
        text(&run.stdout)
    );
    let found = books_findings(&findings);
    let refunds: Vec<&&serde_json::Value> = found
        .iter()
        .filter(|f| f["code"] == "REFUND_NOT_BOOKED")
        .collect();
    assert_eq!(refunds.len(), 1, "{found:#?}");
    let f = refunds[0];
    assert_eq!(f["refund_no"], RETURN);
    assert_eq!(f["order_no"], LAST);
    assert_eq!(f["shop"], "旗舰店");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["expected_fen"], 2600);
    assert_eq!(f["diff_fen"], -2600);
    assert_eq!(
        f["message"],
        "售后单 RF2026101201（订单 4012345678900000001）于 2026-10-12 10:00:00 退款 26.00 元，\
         本期凭证中没有入账；原销售在 2026-09，属跨期退款，应在退款当期冲减收入"
    );
    let evidence: Vec<(&str, u64)> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(evidence, vec![("after_sale", 2), ("fund_flow", 8)]);
    // Its money left the Alipay account too: the refund row is the one flow not booked.
    let flows: Vec<&&serde_json::Value> = found
        .iter()
        .filter(|f| f["code"] == "FLOW_NOT_BOOKED")
        .collect();
    assert_eq!(flows.len(), 1, "{found:#?}");
    assert_eq!(flows[0]["txn_no"], "20261012000001");
    assert_eq!(found.len(), 2, "{found:#?}");
    // The books findings are merged in the engine's order.
    let mut sorted: Vec<Finding> = findings
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    let before = sorted.clone();
    duizhang_engine::sort_findings(&mut sorted);
    assert_eq!(sorted, before);
}

/// Both journals' rows in one generic Excel journal, the second's vouchers numbered from
/// `from` on: what an accounting system exports after the same voucher was entered twice.
fn concat(first: &[u8], second: &[u8], from: u32) -> Vec<u8> {
    use calamine::{Data, DataType, Reader, Xlsx};
    let mut book = rust_xlsxwriter::Workbook::new();
    for (sheet, number_col) in [("凭证", 3usize), ("来源单据", 2)] {
        let out = book.add_worksheet();
        out.set_name(sheet).unwrap();
        let mut r = 0u32;
        for (i, bytes) in [first, second].into_iter().enumerate() {
            let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
            let range = x.worksheet_range(sheet).unwrap();
            for row in range.rows().skip(usize::from(i > 0)) {
                for (c, cell) in row.iter().enumerate() {
                    let c = u16::try_from(c).unwrap();
                    match cell {
                        Data::Empty => {}
                        Data::String(t) => {
                            out.write_string(r, c, t).unwrap();
                        }
                        Data::Float(_) | Data::Int(_) => {
                            let n = cell.as_f64().unwrap();
                            let n = if i > 0 && usize::from(c) == number_col {
                                n + f64::from(from) - 1.0
                            } else {
                                n
                            };
                            out.write_number(r, c, n).unwrap();
                        }
                        other => panic!("unexpected cell {other:?}"),
                    }
                }
                r += 1;
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn reconcile_finds_a_refund_booked_twice_in_the_journal() {
    let dir = scratch("reconcile_twice");
    let (_, generated) = generate(&dir, &[]);
    let chart = books().chart;
    let mut again = generated
        .iter()
        .find(|v| v.links.iter().any(|l| l.key == RETURN))
        .unwrap()
        .clone();
    again.number = 1;
    let journal = dir.join("总账凭证.xlsx");
    std::fs::write(
        &journal,
        concat(
            &export::excel(&generated, &chart).unwrap().workbook,
            &export::excel(&[again], &chart).unwrap().workbook,
            u32::try_from(generated.len() + 1).unwrap(),
        ),
    )
    .unwrap();
    let (_, findings) = reconcile(&dir, Some(&journal));
    let found = books_findings(&findings);
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["txn_no"].as_str().or(f["refund_no"].as_str()).unwrap(),
            )
        })
        .collect();
    // The refund row and the after-sale behind it, each on 记-4 and 记-8.
    assert_eq!(
        codes,
        vec![
            ("SOURCE_BOOKED_TWICE", "20261012000001"),
            ("SOURCE_BOOKED_TWICE", RETURN),
        ],
        "{found:#?}"
    );
    assert_eq!(found[0]["severity"], "critical");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("重复入账于凭证 2026-10 记-4、2026-10 记-8"),
        "{}",
        found[0]["message"]
    );
}

#[test]
fn reconcile_reads_a_u8_text_journal_by_the_document_numbers_in_its_summaries() {
    let dir = scratch("reconcile_u8");
    let (_, generated) = generate(&dir, &[]);
    // 用友 text carries no links: the checks look for document numbers in the 摘要. The default
    // summaries do not write them, so the journal cannot be checked row by row: the two checks
    // are reported as not run, with the reason, instead of calling every row unbooked …
    let u8 = dir.join("pz.txt");
    std::fs::write(
        &u8,
        export::u8_text(&generated, &books().chart, &books().u8, TextEncoding::Gbk).unwrap(),
    )
    .unwrap();
    let (run, findings) = reconcile(&dir, Some(&u8));
    assert_eq!(books_findings(&findings).len(), 0, "{findings:#?}");
    assert!(
        text(&run.stdout).contains("退款未入账、资金流水未入账两项检查未运行"),
        "{}",
        text(&run.stdout)
    );
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("reconciled/summary.json")).unwrap(),
    )
    .unwrap();
    let untraceable: Vec<&serde_json::Value> = summary["not_run"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| {
            n["reason"]
                .as_str()
                .unwrap()
                .contains("无法逐条核对是否入账")
        })
        .collect();
    assert_eq!(
        untraceable.len(),
        2,
        "REFUND_NOT_BOOKED and FLOW_NOT_BOOKED of the one shop: {untraceable:#?}"
    );
    // … and an accountant who writes the 账务流水号 into the 摘要 is understood.
    documents_in_summaries(&u8, &generated);
    let (_, findings) = reconcile(&dir, Some(&u8));
    assert_eq!(books_findings(&findings).len(), 0, "{findings:#?}");
}

/// Rewrites a GBK 用友 text journal as an accountant keeps it: the 账务流水号 each voucher
/// books written in front of its 摘要.
fn documents_in_summaries(u8: &Path, generated: &[Voucher]) {
    let mut text_journal = String::new();
    let bytes = std::fs::read(u8).unwrap();
    let decoded = encoding_rs::GBK.decode(&bytes).0.into_owned();
    let numbers: BTreeMap<u32, &str> = generated
        .iter()
        .filter_map(|v| {
            v.links
                .iter()
                .find(|l| l.kind == RecordKind::FundFlow)
                .map(|l| (v.number, l.key.as_str()))
        })
        .collect();
    for line in decoded.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        let n: u32 = fields[2].parse().unwrap();
        let mut fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        if let Some(txn) = numbers.get(&n) {
            fields[4] = format!("{txn} {}", fields[4]);
        }
        text_journal.push_str(&fields.join(","));
        text_journal.push_str("\r\n");
    }
    std::fs::write(u8, encoding_rs::GBK.encode(&text_journal).0).unwrap();
}

/// The seller's accounts with 辅助核算: revenue by customer, commission by department, the
/// Alipay account by shop.
const AUX_ACCOUNTS: &str = r#"
[[chart.accounts]]
code = "5001"
aux = ["platform"]

[[chart.accounts]]
code = "560101"
aux = ["department"]

[[chart.accounts]]
code = "101201"
aux = ["shop"]

[chart.departments]
"旗舰店" = "0301"

[chart.customers]
"淘宝" = "C001"
"#;

#[test]
fn u8_export_writes_aux_items_in_the_order_the_books_file_lists_and_reconcile_reads_it_back() {
    let dir = scratch("vouchers_u8_aux");
    let data = october(&dir);
    let books_path = dir.join("账套.toml");
    let out = dir.join("out");
    let config = dir.join("duizhang.toml");
    let export = || {
        duizhang(&[
            "vouchers",
            s(&data),
            "--period",
            "2026-10",
            "--out",
            s(&out),
            "--config",
            s(&config),
            "--books",
            s(&books_path),
            "--format",
            "excel,u8",
        ])
    };
    // Without the field order the 用友 file is not written, and the user is told what to add.
    std::fs::write(&books_path, format!("{BOOKS}{AUX_ACCOUNTS}")).unwrap();
    let run = export();
    let stdout = text(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("vouchers-u8.txt 未写出：科目“")
            && stdout.contains("[u8] fields = [\"数量\""),
        "{stdout}"
    );
    // With their U8 version's optional fields, in its order.
    let with_u8 = format!(
        "{BOOKS}{AUX_ACCOUNTS}\n[u8]\nfields = [\"部门\", \"客户\", \"项目\", \"制单人\"]\nshop_field = \"项目\"\n"
    );
    std::fs::write(&books_path, &with_u8).unwrap();
    let run = export();
    assert!(run.status.success(), "{}", text(&run.stdout));
    let u8_path = out.join("vouchers-u8.txt");
    let bytes = std::fs::read(&u8_path).unwrap();
    let decoded = encoding_rs::GBK.decode(&bytes).0.into_owned();
    assert!(
        decoded.contains(",560101,2.95,0,0301,,,duizhang\r\n")
            && decoded.contains(",5001,0,52.21,,C001,,duizhang\r\n")
            && decoded.contains(",101201,59.00,0,,,旗舰店,duizhang\r\n"),
        "{decoded}"
    );
    let layout = Books::new(
        BooksConfig::from_toml(&with_u8).unwrap(),
        Rules::defaults().unwrap(),
    )
    .unwrap()
    .u8;
    let back = import::u8_text_with(&bytes, "vouchers-u8.txt", &layout).unwrap();
    let xlsx = import::excel(&std::fs::read(out.join("vouchers.xlsx")).unwrap(), "x").unwrap();
    assert_eq!(back.len(), xlsx.len());
    for (a, b) in back.iter().zip(&xlsx) {
        assert_eq!(
            (a.number, &a.preparer, &a.lines),
            (b.number, &b.preparer, &b.lines)
        );
    }
    // `reconcile --journal` reads such a file: booked rows named in the 摘要 are all found.
    documents_in_summaries(&u8_path, &xlsx);
    let (_, findings) = reconcile(&dir, Some(&u8_path));
    assert!(books_findings(&findings).is_empty(), "{findings:#?}");
}

#[test]
fn a_bad_journal_is_an_error_naming_the_file() {
    let dir = scratch("reconcile_bad_journal");
    october(&dir);
    let journal = dir.join("pz.txt");
    std::fs::write(&journal, "2026-10-08,记,1,1,销售,1001,abc,0\n").unwrap();
    let data = dir.join("data");
    let out = dir.join("reconciled");
    let run = duizhang(&[
        "reconcile",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&out),
        "--journal",
        s(&journal),
    ]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(stderr.contains("账簿文件读取失败：pz.txt"), "{stderr}");
}

#[test]
fn a_seller_template_sets_the_columns_of_the_chanjet_export() {
    use calamine::{Reader, Xlsx};
    let dir = scratch("vouchers_template");
    let data = october(&dir);
    let out = dir.join("out");
    // The 好会计 "下载模板" of this seller: its own order and a column nothing fills.
    let template = dir.join("凭证导入模板.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("凭证导入").unwrap();
    for (c, label) in (0u16..).zip([
        "*凭证日期",
        "*凭证字",
        "*凭证号",
        "*摘要",
        "*科目编码",
        "借方金额",
        "贷方金额",
        "项目",
    ]) {
        sheet.write_string(0, c, label).unwrap();
    }
    std::fs::write(&template, book.save_to_buffer().unwrap()).unwrap();
    let run = duizhang(&[
        "vouchers",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&out),
        "--config",
        s(&dir.join("duizhang.toml")),
        "--format",
        "chanjet",
        "--template",
        s(&template),
    ]);
    assert!(run.status.success(), "{}", text(&run.stdout));
    assert!(
        text(&run.stderr).contains("模板中的列 项目 无对应数据，将留空"),
        "{}",
        text(&run.stderr)
    );
    let bytes = std::fs::read(out.join("vouchers-chanjet.xlsx")).unwrap();
    let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = x.worksheet_range("凭证导入").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .take(2)
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(rows[0][0], "*凭证日期");
    assert_eq!(
        rows[1][..5],
        [
            "2026-10-08",
            "记",
            "1",
            "2026-10-08 某某服饰旗舰店 销售回款",
            "101201"
        ]
    );

    // One template cannot serve two systems.
    let both = duizhang(&[
        "vouchers",
        s(&data),
        "--period",
        "2026-10",
        "--out",
        s(&out),
        "--format",
        "chanjet,kis",
        "--template",
        s(&template),
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert!(text(&both.stderr).contains("--template 只能配合一种模板格式使用"));
}

#[test]
fn a_rules_file_overrides_the_summary_so_the_u8_journal_names_the_row() {
    let dir = scratch("vouchers_rules");
    let rules = dir.join("凭证规则.toml");
    std::fs::write(
        &rules,
        r#"
[events.withdrawal]
code = "J5"
class = "withdrawals"
summary = "{ref} 提现"
legs = [
    { side = "debit", account = "fund", amount = "amount" },
    { side = "credit", account = "bank", amount = "amount" },
]
"#,
    )
    .unwrap();
    let rules_arg = s(&rules).to_string();
    let (_, journal) = generate(&dir, &["--rules", &rules_arg, "--format", "excel,u8"]);
    let u8 = std::fs::read(dir.join("out/vouchers-u8.txt")).unwrap();
    let u8 = encoding_rs::GBK.decode(&u8).0.into_owned();
    let last = journal.last().unwrap();
    assert_eq!(last.lines[0].summary, "20261031000001 提现");
    assert!(
        u8.contains(&format!(
            "2026-10-31,记,{},1,20261031000001 提现,",
            last.number
        )),
        "{u8}"
    );
    // A rules file that does not parse is named.
    std::fs::write(&rules, "[events.withdrawal]\ncode = 5\n").unwrap();
    let run = duizhang(&[
        "vouchers",
        s(&dir.join("data")),
        "--period",
        "2026-10",
        "--out",
        s(&dir.join("out")),
        "--rules",
        s(&rules),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("凭证规则.toml："),
        "{}",
        text(&run.stderr)
    );
}
