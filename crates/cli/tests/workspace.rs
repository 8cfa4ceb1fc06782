//! The workspace as three people use it from the command line: the first user and a company,
//! an accountant, a reviewer and a customer-service agent; a month imported and run; cases
//! assigned, worked, resolved and approved; maker–checker refusals; the audit log verified.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use support::{add_user, as_user, command_as, first_user, ok, scratch, text};

fn cases_json(dir: &Path, user: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["cases", "list", "--company", "禾木家居", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str::<serde_json::Value>(&ok(as_user(dir, Some(user), &args)))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_month_is_imported_run_and_its_cases_worked_by_three_people() {
    let dir = scratch("workspace-story");
    let demo = as_user(
        &dir,
        None,
        &["demo", "--out", "demo", "--orders", "120", "--seed", "5"],
    );
    assert!(demo.status.success(), "{}", text(&demo.stderr));

    // The first user needs no sign-in; a second "first" user is refused.
    let first = first_user(&dir);
    assert!(ok(first).contains("已添加第一位用户"));
    let second = as_user(&dir, None, &["users", "add", "eve", "--name", "某人"]);
    assert!(!second.status.success());
    ok(as_user(
        &dir,
        Some("admin"),
        &["companies", "add", "禾木家居"],
    ));
    ok(add_user(&dir, "li", "李会计", "会计"));
    ok(add_user(&dir, "wang", "王主管", "财务主管"));
    ok(add_user(&dir, "zhao", "赵客服", "客服"));
    let wrong = command_as(
        &dir,
        Some("li"),
        &["cases", "list", "--company", "禾木家居"],
    )
    .env("DUIZHANG_PASSWORD", "guess")
    .output()
    .unwrap();
    assert!(text(&wrong.stderr).contains("密码不正确"));

    // 客服 may not import; the accountant imports and runs.
    let refused = as_user(
        &dir,
        Some("zhao"),
        &[
            "import",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
            "demo/files",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("无权导入文件"),
        "{}",
        text(&refused.stderr)
    );
    // A month's downloads with one bad amount: the error names the file, line and column and
    // nothing of the batch is kept, not even the files read cleanly before or after it.
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    for entry in std::fs::read_dir(dir.join("demo/files")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, bad.join(path.file_name().unwrap())).unwrap();
    }
    let erp = bad.join("ERP订单_202610.csv");
    let mut lines: Vec<String> = std::fs::read_to_string(&erp)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    cells[10] = "4O7.00".into();
    lines[2] = cells.join(",");
    std::fs::write(&erp, lines.join("\n") + "\n").unwrap();
    let stopped = as_user(
        &dir,
        Some("li"),
        &[
            "import",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
            "bad",
        ],
    );
    assert_eq!(stopped.status.code(), Some(2));
    let said = text(&stopped.stderr);
    assert!(
        said.contains("本批文件一个也没有导入")
            && said.contains("ERP订单_202610.csv")
            && said.contains("第 3 行"),
        "{said}"
    );
    let first_import = ok(as_user(
        &dir,
        Some("li"),
        &[
            "import",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
            "demo/files",
        ],
    ));
    assert!(!first_import.contains("此前已导入过"), "{first_import}");
    let again = ok(as_user(
        &dir,
        Some("li"),
        &[
            "import",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
            "demo/files",
        ],
    ));
    assert!(again.contains("此前已导入过"), "{again}");
    // The company's 账套 (企业会计准则) is kept in the workspace by the accountant, not by 客服;
    // runs and correcting vouchers use its chart from now on.
    std::fs::write(
        dir.join("账套.toml"),
        "name = \"禾木家居 2026\"\nstandard = \"enterprise\"\n\n[vat]\ntaxpayer = \"general\"\n",
    )
    .unwrap();
    let books = ["companies", "books", "禾木家居", "--books", "账套.toml"];
    let refused = as_user(&dir, Some("zhao"), &books);
    assert!(!refused.status.success());
    std::fs::write(dir.join("坏账套.toml"), "standard = \"ifrs\"\n").unwrap();
    let bad = as_user(
        &dir,
        Some("li"),
        &["companies", "books", "禾木家居", "--books", "坏账套.toml"],
    );
    assert!(!bad.status.success());
    let said = text(&bad.stderr);
    assert!(
        said.contains("坏账套.toml") && said.contains("账套文件有误"),
        "{said}"
    );
    let set = ok(as_user(&dir, Some("li"), &books));
    assert!(set.contains("已为账套“禾木家居”设置账套文件"), "{set}");
    let shown = ok(as_user(
        &dir,
        Some("zhao"),
        &["companies", "books", "禾木家居"],
    ));
    assert!(
        shown.contains("li 于") && shown.contains("standard = \"enterprise\""),
        "{shown}"
    );
    let run = |dir: &Path| {
        ok(as_user(
            dir,
            Some("li"),
            &[
                "run",
                "--company",
                "禾木家居",
                "--period",
                "2026-10",
                "--config",
                "demo/duizhang.toml",
            ],
        ))
    };
    let first_run = run(&dir);
    assert!(first_run.contains("新开"), "{first_run}");
    let open = cases_json(&dir, "wang", &[]);
    assert!(!open.is_empty());
    // The same run again opens nothing new.
    let second_run = run(&dir);
    assert!(second_run.contains("新开 0"), "{second_run}");
    assert_eq!(cases_json(&dir, "wang", &[]).len(), open.len());

    // A finance case: assigned to the accountant, resolved, refused to its preparer, approved.
    let finance: Vec<&serde_json::Value> =
        open.iter().filter(|c| c["owner"] == "finance").collect();
    let id = finance[0]["id"].as_u64().unwrap().to_string();
    ok(as_user(
        &dir,
        Some("wang"),
        &[
            "cases",
            "assign",
            &id,
            "--company",
            "禾木家居",
            "--to",
            "li",
        ],
    ));
    ok(as_user(
        &dir,
        Some("li"),
        &["cases", "start", &id, "--company", "禾木家居"],
    ));
    ok(as_user(
        &dir,
        Some("li"),
        &[
            "cases",
            "resolve",
            &id,
            "--company",
            "禾木家居",
            "--reason",
            "平台延迟到账",
            "--note",
            "11 月 2 日已到账",
        ],
    ));
    let own = as_user(
        &dir,
        Some("li"),
        &["cases", "approve", &id, "--company", "禾木家居"],
    );
    assert!(!own.status.success());
    let approved = ok(as_user(
        &dir,
        Some("wang"),
        &["cases", "approve", &id, "--company", "禾木家居"],
    ));
    assert!(approved.contains("已解决"), "{approved}");
    let shown = ok(as_user(
        &dir,
        Some("zhao"),
        &["cases", "show", &id, "--company", "禾木家居"],
    ));
    assert!(
        !shown.contains("duizhang-run-") && shown.contains("第 "),
        "evidence names the imported file and line:\n{shown}"
    );
    for step in ["assign", "start", "submit", "approve", "11 月 2 日已到账"] {
        assert!(shown.contains(step), "{step} missing from:\n{shown}");
    }

    // One order's records from every imported file, with each line's original text.
    let order_no = open
        .iter()
        .find_map(|c| c["finding"]["order_no"].as_str())
        .unwrap()
        .to_string();
    let found: Vec<serde_json::Value> = serde_json::from_str(&ok(as_user(
        &dir,
        Some("zhao"),
        &["order", &order_no, "--company", "禾木家居", "--json"],
    )))
    .unwrap();
    let parts: std::collections::BTreeSet<&str> = found
        .iter()
        .map(|r| r["record"]["part"].as_str().unwrap())
        .collect();
    assert!(parts.len() >= 2, "{found:?}");
    for row in &found {
        assert!(row["text"].as_str().unwrap().contains(&order_no), "{row:?}");
    }

    // A write-off makes a correcting voucher on approval; evidence is attached and comes back.
    assert!(
        finance.len() > 1,
        "the demo month has several finance cases"
    );
    let other = finance[1]["id"].as_u64().unwrap().to_string();
    fn with<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [args, &["--company", "禾木家居"][..]].concat()
    }
    // The latest run's vouchers are approved (and may be posted): their numbers are spent.
    let batches: serde_json::Value = serde_json::from_str(&ok(as_user(
        &dir,
        Some("li"),
        &with(&["batches", "list", "--json"]),
    )))
    .unwrap();
    let posted = batches[0]["vouchers"].as_i64().unwrap();
    let latest_run = batches[0]["run_id"].as_i64().unwrap().to_string();
    ok(as_user(
        &dir,
        Some("wang"),
        &with(&["batches", "approve", &latest_run]),
    ));
    std::fs::write(dir.join("聊天记录.png"), b"\x89PNG\r\n\x1a\n chat").unwrap();
    ok(as_user(
        &dir,
        Some("li"),
        &with(&["cases", "attach", &other, "聊天记录.png"]),
    ));
    ok(as_user(
        &dir,
        Some("li"),
        &with(&[
            "cases",
            "resolve",
            &other,
            "--reason",
            "核销：小额差异",
            "--write-off",
            "0.05",
        ]),
    ));
    let approved = ok(as_user(
        &dir,
        Some("wang"),
        &with(&["cases", "approve", &other]),
    ));
    assert!(approved.contains("已生成补充凭证"), "{approved}");
    let shown = ok(as_user(&dir, Some("li"), &with(&["cases", "show", &other])));
    for part in ["聊天记录.png", "营业外支出", "0.05", "待审核"] {
        assert!(shown.contains(part), "{part} missing from:\n{shown}");
    }
    ok(as_user(
        &dir,
        Some("zhao"),
        &with(&["cases", "attachment", &other, "1", "--out", "back.png"]),
    ));
    assert_eq!(
        std::fs::read(dir.join("back.png")).unwrap(),
        std::fs::read(dir.join("聊天记录.png")).unwrap()
    );
    let list: serde_json::Value = serde_json::from_str(&ok(as_user(
        &dir,
        Some("li"),
        &with(&["adjustments", "list", "--json"]),
    )))
    .unwrap();
    let adjustment = list[0]["id"].as_i64().unwrap().to_string();
    let own = as_user(
        &dir,
        Some("li"),
        &with(&["adjustments", "approve", &adjustment]),
    );
    assert!(!own.status.success());
    ok(as_user(
        &dir,
        Some("wang"),
        &with(&["adjustments", "approve", &adjustment]),
    ));
    ok(as_user(
        &dir,
        Some("li"),
        &with(&[
            "adjustments",
            "export",
            "--period",
            "2026-10",
            "--out",
            "adj",
        ]),
    ));
    let csv = std::fs::read_to_string(dir.join("adj/adjustments.csv")).unwrap();
    // 营业外支出 of 企业会计准则 (6711): the company's 账套, not the preset.
    assert!(
        csv.contains("6711,营业外支出") && csv.contains(",0.05,"),
        "{csv}"
    );
    // The correcting voucher takes the number after the approved batch's.
    let number = posted + 1;
    assert!(csv.contains(&format!(",记,{number},")), "{csv}");
    assert_eq!(list[0]["number"].as_i64(), Some(number));

    // A receipt booked twice is reversed in red: a pending 红字冲销, approved by the reviewer.
    assert!(
        finance.len() > 2,
        "the demo month has several finance cases"
    );
    let twice = finance[2]["id"].as_u64().unwrap().to_string();
    ok(as_user(
        &dir,
        Some("li"),
        &with(&["cases", "resolve", &twice, "--reason", "重复款项已冲回"]),
    ));
    let reversed = ok(as_user(
        &dir,
        Some("wang"),
        &with(&["cases", "approve", &twice]),
    ));
    assert!(reversed.contains("红字冲销"), "{reversed}");
    let list: serde_json::Value = serde_json::from_str(&ok(as_user(
        &dir,
        Some("li"),
        &with(&["adjustments", "list", "--json"]),
    )))
    .unwrap();
    assert_eq!(list[0]["number"].as_i64(), Some(number + 1));
    let red = list[0]["id"].as_i64().unwrap().to_string();
    ok(as_user(
        &dir,
        Some("wang"),
        &with(&["adjustments", "approve", &red]),
    ));

    // The same formats as the run's vouchers: the generic Excel journal read back as an
    // accounting system would, and 用友 U8 text; the red voucher keeps its negative amounts.
    ok(as_user(
        &dir,
        Some("li"),
        &with(&[
            "adjustments",
            "export",
            "--period",
            "2026-10",
            "--out",
            "adj-u8",
            "--format",
            "excel,u8",
        ]),
    ));
    let journal = std::fs::read(dir.join("adj-u8/adjustments.xlsx")).unwrap();
    let read = duizhang_books::import::excel(&journal, "adjustments.xlsx").unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].number, u32::try_from(number).unwrap());
    assert_eq!(read[0].reviewer.as_deref(), Some("wang"));
    assert!(!read[0].is_red() && read[1].is_red());
    assert!(read[1].total_debit().get() < 0);
    assert_eq!(read[1].total_debit(), read[1].total_credit());
    let u8 = std::fs::read(dir.join("adj-u8/adjustments-u8.txt")).unwrap();
    let (u8, _, _) = encoding_rs::GBK.decode(&u8);
    assert!(u8.contains("6711") && u8.contains("0.05"), "{u8}");
    let red_amount = read[1].lines[0].debit.to_yuan_string();
    assert!(
        red_amount.starts_with('-') && u8.contains(&red_amount),
        "{red_amount} in {u8}"
    );

    // October is run again: its new batch steps over the spent numbers and the correcting
    // voucher's, and the close waits for it, naming the run.
    run(&dir);
    let batches: serde_json::Value = serde_json::from_str(&ok(as_user(
        &dir,
        Some("li"),
        &with(&["batches", "list", "--json"]),
    )))
    .unwrap();
    let rerun = batches[0]["run_id"].as_i64().unwrap().to_string();
    let waiting = as_user(
        &dir,
        Some("li"),
        &with(&["close", "request", "--period", "2026-10"]),
    );
    assert!(!waiting.status.success());
    let refusal = text(&waiting.stderr);
    assert!(
        refusal.contains("待审核") && refusal.contains(&format!("对账运行 {rerun}")),
        "{refusal}"
    );
    ok(as_user(
        &dir,
        Some("wang"),
        &with(&["batches", "approve", &rerun]),
    ));
    ok(as_user(
        &dir,
        Some("li"),
        &with(&["batches", "export", &rerun, "--out", "rerun"]),
    ));
    let journal = std::fs::read(dir.join("rerun/vouchers.xlsx")).unwrap();
    let rerun_vouchers = duizhang_books::import::excel(&journal, "vouchers.xlsx").unwrap();
    let numbers: Vec<i64> = rerun_vouchers.iter().map(|v| i64::from(v.number)).collect();
    assert_eq!(numbers.len(), usize::try_from(posted).unwrap());
    assert_eq!(numbers.first(), Some(&(number + 2)));
    let listed = ok(as_user(&dir, Some("li"), &with(&["batches", "list"])));
    let range = format!("记-{}～记-{}", number + 2, number + 1 + posted);
    assert!(listed.contains(&range), "{range} in {listed}");
    assert!(!numbers.contains(&number) && !numbers.contains(&(number + 1)));

    // A service case resolved in bulk by 客服, approved by the reviewer.
    let service: Vec<String> = open
        .iter()
        .filter(|c| c["owner"] == "service")
        .map(|c| c["id"].as_u64().unwrap().to_string())
        .collect();
    if !service.is_empty() {
        let mut args = vec!["cases", "resolve"];
        args.extend(service.iter().map(String::as_str));
        args.extend(["--company", "禾木家居", "--reason", "客服已追回"]);
        ok(as_user(&dir, Some("zhao"), &args));
        let pending = cases_json(&dir, "wang", &["--state", "待审核"]);
        assert_eq!(pending.len(), service.len());
    }

    // The month is closed by two people, locked, archived, and the archive verifies alone.
    ok(as_user(
        &dir,
        Some("li"),
        &[
            "close",
            "request",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
        ],
    ));
    let own_close = as_user(
        &dir,
        Some("li"),
        &[
            "close",
            "approve",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
        ],
    );
    assert!(!own_close.status.success());
    let closed = ok(as_user(
        &dir,
        Some("wang"),
        &[
            "close",
            "approve",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
        ],
    ));
    assert!(closed.contains("已结账"), "{closed}");
    let late = as_user(
        &dir,
        Some("li"),
        &[
            "run",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
            "--config",
            "demo/duizhang.toml",
        ],
    );
    assert!(
        text(&late.stderr).contains("已结账"),
        "{}",
        text(&late.stderr)
    );
    ok(as_user(
        &dir,
        Some("wang"),
        &[
            "archive",
            "export",
            "--company",
            "禾木家居",
            "--period",
            "2026-10",
            "--out",
            "2026-10.zip",
        ],
    ));
    let verified = ok(as_user(&dir, None, &["archive", "verify", "2026-10.zip"]));
    assert!(verified.contains("归档完整"), "{verified}");
    tamper_zip(&dir.join("2026-10.zip"), &dir.join("altered.zip"));
    let altered = as_user(&dir, None, &["archive", "verify", "altered.zip"]);
    assert_eq!(altered.status.code(), Some(1));
    assert!(
        text(&altered.stdout).contains("cases.jsonl"),
        "{}",
        text(&altered.stdout)
    );

    // The audit log verifies and names who approved.
    let verified = ok(as_user(
        &dir,
        Some("wang"),
        &["audit", "verify", "--company", "禾木家居"],
    ));
    assert!(verified.contains("审计日志完整"), "{verified}");
    ok(as_user(
        &dir,
        Some("wang"),
        &[
            "audit",
            "export",
            "--company",
            "禾木家居",
            "--out",
            "audit.jsonl",
        ],
    ));
    let exported = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    assert!(exported.contains("\"case.approve\"") && exported.contains("\"wang\""));
}

/// Copies an archive with one case line changed, as someone editing it by hand would.
fn tamper_zip(from: &Path, to: &Path) {
    use std::io::{Read, Write};
    let mut source = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut target = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for index in 0..source.len() {
        let mut member = source.by_index(index).unwrap();
        let name = member.name().unwrap().to_string();
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes).unwrap();
        if name == "cases.jsonl" {
            bytes = String::from_utf8(bytes)
                .unwrap()
                .replacen("平台延迟到账", "线下已退款", 1)
                .into_bytes();
        }
        target
            .start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        target.write_all(&bytes).unwrap();
    }
    target.finish().unwrap();
}

/// (code, shop, key, sku) of every finding of a findings.jsonl.
fn finding_keys(jsonl: &str) -> Vec<(String, String, String, String)> {
    let mut keys: Vec<_> = jsonl
        .lines()
        .map(|line| {
            let f: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            let key = ["refund_no", "order_no", "txn_no"]
                .iter()
                .map(|k| field(k))
                .find(|v| !v.is_empty())
                .unwrap_or_default();
            (field("code"), field("shop"), key, field("sku"))
        })
        .collect();
    keys.sort();
    keys
}

#[test]
fn a_stored_run_finds_what_reconcile_finds_and_the_next_month_carries_its_pending_items() {
    let dir = scratch("workspace-same-as-reconcile");
    let demo = as_user(
        &dir,
        None,
        &["demo", "--out", "demo", "--orders", "150", "--seed", "11"],
    );
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let reconciled = as_user(
        &dir,
        None,
        &[
            "reconcile",
            "demo/files",
            "--period",
            "2026-10",
            "--config",
            "demo/duizhang.toml",
            "--out",
            "plain",
        ],
    );
    assert!(reconciled.status.success(), "{}", text(&reconciled.stderr));
    let expected =
        finding_keys(&std::fs::read_to_string(dir.join("plain/findings.jsonl")).unwrap());
    assert!(!expected.is_empty());

    let first = first_user(&dir);
    ok(first);
    ok(as_user(
        &dir,
        Some("admin"),
        &["companies", "add", "禾木家居"],
    ));
    ok(add_user(&dir, "li", "李会计", "会计"));
    for period in ["2026-10", "2026-11"] {
        ok(as_user(
            &dir,
            Some("li"),
            &[
                "import",
                "--company",
                "禾木家居",
                "--period",
                period,
                "demo/files",
            ],
        ));
    }
    let run = |period: &str| {
        ok(as_user(
            &dir,
            Some("li"),
            &[
                "run",
                "--company",
                "禾木家居",
                "--period",
                period,
                "--config",
                "demo/duizhang.toml",
            ],
        ))
    };
    run("2026-10");
    let cases = cases_json(&dir, "li", &["--state", "all", "--limit", "100000"]);
    let mut stored: Vec<_> = cases
        .iter()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (field("code"), field("shop"), field("key"), field("sku"))
        })
        .collect();
    stored.sort();
    assert_eq!(stored, expected, "one case per finding of reconcile");

    // A case shows its evidence lines as the kept files have them.
    let refund = cases
        .iter()
        .find(|c| c["code"] == "REFUND_UNPAID")
        .expect("the demo plants an unpaid refund");
    let id = refund["id"].as_u64().unwrap().to_string();
    let key = refund["key"].as_str().unwrap();
    let shown = ok(as_user(
        &dir,
        Some("li"),
        &["cases", "show", &id, "--company", "禾木家居"],
    ));
    assert!(
        shown
            .lines()
            .any(|l| l.trim_start().starts_with("原文：") && l.contains(key)),
        "{shown}"
    );

    // The run's vouchers wait for a second person before they can be exported.
    ok(add_user(&dir, "wang", "王主管", "财务主管"));
    let batches = ok(as_user(
        &dir,
        Some("wang"),
        &["batches", "list", "--company", "禾木家居"],
    ));
    assert!(batches.contains("待审核"), "{batches}");
    let early = as_user(
        &dir,
        Some("li"),
        &[
            "batches",
            "export",
            "1",
            "--company",
            "禾木家居",
            "--out",
            "export",
        ],
    );
    assert!(!early.status.success());
    assert!(
        text(&early.stderr).contains("尚未审核"),
        "{}",
        text(&early.stderr)
    );
    ok(as_user(
        &dir,
        Some("wang"),
        &["batches", "approve", "1", "--company", "禾木家居"],
    ));
    ok(as_user(
        &dir,
        Some("li"),
        &[
            "batches",
            "export",
            "1",
            "--company",
            "禾木家居",
            "--out",
            "export",
        ],
    ));
    assert_eq!(
        std::fs::read(dir.join("export/vouchers.xlsx")).unwrap(),
        std::fs::read(dir.join("plain/vouchers.xlsx")).unwrap(),
        "the approved batch is the workbook reconcile writes"
    );

    // November opens with October's pending items, as `reconcile --carry-in` would.
    let november = run("2026-11");
    assert!(november.contains("上期（2026-10）结转在途"), "{november}");
}
