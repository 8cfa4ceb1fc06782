//! The `duizhang` binary as a user runs it: real-shaped files in, Chinese output and exit codes.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use duizhang_core::{FlowKind, FundProvider};
use duizhang_samples::build::{flow, yuan};
use duizhang_samples::write::alipay::{FundOptions, fund_flow};
use support::{demo, duizhang, scratch, text};

/// The codes of a findings.jsonl, sorted (one per finding).
fn finding_codes(path: &Path) -> Vec<String> {
    let mut codes: Vec<String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    codes.sort();
    codes
}

/// `reconcile` on a demo's files with its settings and the journal it wrote, as the demo runs.
fn reconcile_demo(dir: &Path, files: &Path, period: &str, out: &Path) -> Output {
    duizhang(&[
        "reconcile",
        files.to_str().unwrap(),
        "--period",
        period,
        "--config",
        dir.join("duizhang.toml").to_str().unwrap(),
        "--journal",
        dir.join("账簿/vouchers.xlsx").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

fn alipay_file(dir: &Path) -> PathBuf {
    let mut income = flow(
        FundProvider::Alipay,
        "202610010000123456",
        FlowKind::Income,
        yuan("59.00"),
        "2026-10-01 09:12:33",
    );
    income.order_no = Some("4012345678901234567".into());
    income.kind_text = "交易付款".into();
    let mut refund = flow(
        FundProvider::Alipay,
        "202610010000123458",
        FlowKind::Refund,
        yuan("-9.65"),
        "2026-10-01 15:40:02",
    );
    refund.order_no = Some("4012345678901234999".into());
    refund.kind_text = "交易退款".into();
    let path = dir.join("20880000000000000156_202610_账务明细.csv");
    std::fs::write(&path, fund_flow(&[income, refund], &FundOptions::default())).unwrap();
    path
}

#[test]
fn inspect_describes_a_gbk_alipay_bill_in_chinese() {
    let dir = scratch("inspect_alipay");
    let file = alipay_file(&dir);
    let out = duizhang(&["inspect", file.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("格式：支付宝账务明细（alipay.fund_flow，12列）"),
        "{stdout}"
    );
    assert!(
        stdout.contains("编码：GBK/GB18030；表头在第 5 行"),
        "{stdout}"
    );
    assert!(stdout.contains("资金流水 2 条"), "{stdout}");
    assert!(stdout.contains("资金流水/收入：59.00"), "{stdout}");
    assert!(stdout.contains("资金流水/退款：-9.65"), "{stdout}");
    assert!(
        stdout.contains(
            "控制合计 相符：支出合计：声明 1 笔，实际 1 笔；声明 -9.65 元，实际 -9.65 元"
        ),
        "{stdout}"
    );
}

#[test]
fn inspect_json_is_machine_readable() {
    let dir = scratch("inspect_json");
    let file = alipay_file(&dir);
    let out = duizhang(&["inspect", "--json", file.to_str().unwrap()]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["format"], "alipay.fund_flow");
    assert_eq!(v[0]["encoding"], "gb18030");
    assert_eq!(v[0]["stats"]["rows"]["fund_flow"], 2);
    assert_eq!(v[0]["control"][0]["stated_amount"], -965);
}

/// What a user needs to write the settings: the accounts and shop names each file carries.
#[test]
fn inspect_lists_the_fund_accounts_and_shop_names_a_file_carries() {
    let dir = scratch("inspect_names");
    let alipay = alipay_file(&dir);
    let shipments = dir.join("ERP发货单_202610.csv");
    std::fs::write(
        &shipments,
        "店铺,订单号,商家编码,数量,发货时间,发货类型\n\
         禾木家居天猫旗舰店,4012345678901234567,A,1,2026-10-03 18:00:00,正常\n\
         禾木家居天猫旗舰店,4012345678901234568,A,1,2026-10-03 18:00:00,正常\n\
         禾木家居淘宝店,4012345678901234569,B,2,2026-10-04 18:00:00,正常\n",
    )
    .unwrap();
    let files = [alipay.to_str().unwrap(), shipments.to_str().unwrap()];
    let out = duizhang(&[&["inspect"][..], &files[..]].concat());
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("资金账户：20880000000000000156（2 条）（设置里店铺的 fund_accounts）"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "店铺名称：禾木家居天猫旗舰店（2 条）、禾木家居淘宝店（1 条）（设置里店铺的 name / aliases）"
        ),
        "{stdout}"
    );
    let out = duizhang(&[&["inspect", "--json"][..], &files[..]].concat());
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["fund_accounts"][0]["name"], "20880000000000000156");
    assert_eq!(v[0]["fund_accounts"][0]["records"], 2);
    assert_eq!(v[0]["shops"].as_array().unwrap().len(), 0);
    assert_eq!(v[1]["shops"][1]["name"], "禾木家居淘宝店");
    assert_eq!(v[1]["shops"][1]["records"], 1);
}

#[test]
fn a_bad_cell_fails_with_file_line_and_column() {
    let dir = scratch("inspect_bad");
    let file = alipay_file(&dir);
    let bytes = std::fs::read(&file).unwrap();
    let text_gbk = encoding_rs::GBK
        .decode(&bytes)
        .0
        .replace("-9.65,", "-9.6x5,");
    std::fs::write(&file, encoding_rs::GBK.encode(&text_gbk).0).unwrap();
    let out = duizhang(&["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("第 7 行 第 8 列（支出金额（-元））：“-9.6x5”不是有效金额"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_file_names_the_closest_formats_and_the_profile_guide() {
    let dir = scratch("inspect_unknown");
    let file = dir.join("导出.csv");
    std::fs::write(
        &file,
        "账务流水号,发生时间,金额\n1,2026-10-01 00:00:00,1.00\n",
    )
    .unwrap();
    let out = duizhang(&["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("无法识别文件格式"), "{stdout}");
    assert!(stdout.contains("最接近的格式：支付宝账务明细"), "{stdout}");
    assert!(stdout.contains("docs/mapping-profiles.md"), "{stdout}");
}

#[test]
fn formats_lists_every_family() {
    let out = duizhang(&["formats"]);
    let stdout = text(&out.stdout);
    for id in [
        "alipay.fund_flow",
        "alipay.trade_bill",
        "wechat.trade_bill",
        "wechat.fund_bill",
        "taobao.refunds",
        "taobao.orders",
        "jd.orders",
        "jd.statement",
        "pdd.fund_flow",
        "pdd.orders",
        "douyin.orders",
        "douyin.fund_flow",
        "douyin.settlement",
        "erp.after_sale",
        "erp.order",
        "erp.shipment",
        "erp.return_receipt",
        "erp.complaint",
        "pdd.after_sale",
        "taobao.trades_api",
    ] {
        assert!(stdout.contains(id), "{id} missing from:\n{stdout}");
    }
}

#[test]
fn init_writes_settings_that_reconcile_accepts_and_refuses_to_overwrite() {
    let dir = scratch("init");
    let path = dir.join("duizhang.toml");
    assert!(duizhang(&["init", path.to_str().unwrap()]).status.success());
    let again = duizhang(&["init", path.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("已存在"));
}

#[test]
fn demo_writes_real_files_and_reconciliation_finds_exactly_what_was_planted() {
    let dir = scratch("demo");
    // The smallest month too: few vouchers to plant the journal's slips in.
    for (orders, seed) in [("400", "1"), ("400", "77"), ("50", "3")] {
        let out = demo(&dir, orders, seed);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
        assert!(stdout.contains("漏报 0 个，多报 0 个"), "{stdout}");
        for f in [
            "results/findings.jsonl",
            "results/findings.xlsx",
            "results/summary.json",
            "results/carry.json",
            "results/vouchers.xlsx",
            "账簿/vouchers.xlsx",
            "planted.json",
            "duizhang.toml",
        ] {
            assert!(dir.join(f).exists(), "{f} missing");
        }
        // Every code of the catalog is planted and found, the books codes through the journal.
        let found: std::collections::BTreeSet<String> =
            finding_codes(&dir.join("results/findings.jsonl"))
                .into_iter()
                .collect();
        let catalog: std::collections::BTreeSet<String> = duizhang_engine::catalog::CATALOG
            .iter()
            .map(|c| c.code.to_string())
            .collect();
        assert_eq!(found, catalog, "orders={orders} seed={seed}");
        assert_eq!(std::fs::read_dir(dir.join("files")).unwrap().count(), 21);
        for f in [
            "20880000000000000156_202610_账务明细.csv",
            "20880000000000000271_202610_账务明细.csv",
            "淘宝店交易_trade_fullinfo_202610.jsonl",
            "京东订单导出_202610.csv",
            "京东钱包结算单_202610.csv",
            "京东钱包资金表_202610.csv",
        ] {
            assert!(dir.join("files").join(f).exists(), "{f} missing");
        }
    }
}

/// Without any settings each platform is one shop, whatever shop names the files use: the
/// demo's files reconcile to the same problems as with its settings (shop ids aside), instead
/// of orders and the money that paid them landing in different shops.
#[test]
fn without_settings_each_platform_is_one_shop() {
    let dir = scratch("no_settings");
    let demo = demo(&dir, "400", "3");
    assert!(demo.status.success());
    let bare = dir.join("bare");
    let out = duizhang(&[
        "reconcile",
        dir.join("files").to_str().unwrap(),
        "--period",
        "2026-10",
        "--journal",
        dir.join("账簿/vouchers.xlsx").to_str().unwrap(),
        "--out",
        bare.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        finding_codes(&bare.join("findings.jsonl")),
        finding_codes(&dir.join("results/findings.jsonl"))
    );
}

/// An unedited `duizhang init` file names one shop with an example account: the demo's
/// records of the shops it does not know are reported once, with what they name and the
/// setting to add, and never become findings of no shop.
#[test]
fn records_of_shops_the_settings_lack_are_reported_once_not_found() {
    let dir = scratch("init_settings");
    let demo = demo(&dir, "300", "3");
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let settings = dir.join("init.toml");
    assert!(
        duizhang(&["init", settings.to_str().unwrap()])
            .status
            .success()
    );
    let results = dir.join("with_init");
    let out = duizhang(&[
        "reconcile",
        dir.join("files").to_str().unwrap(),
        "--period",
        "2026-10",
        "--config",
        settings.to_str().unwrap(),
        "--journal",
        dir.join("账簿/vouchers.xlsx").to_str().unwrap(),
        "--out",
        results.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("条记录无法确定所属店铺"), "{stdout}");
    assert!(
        stdout.contains("拼多多，店铺名“拼多多店”") && stdout.contains(r#"platform = "pdd""#),
        "{stdout}"
    );
    let findings = std::fs::read_to_string(results.join("findings.jsonl")).unwrap();
    for line in findings.lines() {
        let f: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_ne!(f["shop"], "", "{line}");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(results.join("summary.json")).unwrap())
            .unwrap();
    let names = summary["unassigned_names"].as_array().unwrap();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| !n["fix"].as_str().unwrap().is_empty()));
    let not_run = summary["not_run"].as_array().unwrap();
    assert!(
        not_run
            .iter()
            .any(|n| n["shop"] == "" && n["code"] == "FLOW_NOT_BOOKED"),
        "{not_run:#?}"
    );
}

/// The results folder may sit inside the folder of downloads: the second run does not read the
/// first one's findings, summary and vouchers as input.
#[test]
fn a_results_folder_inside_the_input_folder_is_not_read_back() {
    let dir = scratch("out_inside");
    let demo = demo(&dir, "400", "2");
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let files = dir.join("files");
    let results = files.join("结果");
    let run = || reconcile_demo(&dir, &files, "2026-10", &results);
    let first = run();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let findings = std::fs::read_to_string(results.join("findings.jsonl")).unwrap();
    let again = run();
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        std::fs::read_to_string(results.join("findings.jsonl")).unwrap(),
        findings
    );
    assert!(
        !text(&again.stderr).contains("请确认 --period"),
        "{}",
        text(&again.stderr)
    );
    // The month typed wrong: the money rows all lie outside it, and the run says so.
    let wrong = reconcile_demo(&dir, &files, "2026-09", &results);
    assert!(wrong.status.success(), "{}", text(&wrong.stderr));
    assert!(
        text(&wrong.stderr).contains("条在所选期间 2026-09 内（流水日期 2026-10-0"),
        "{}",
        text(&wrong.stderr)
    );
}

/// A seller who downloads the same days twice (the Taobao 宝贝报表, the ERP 发货单, the refund
/// report) gets the same findings: an order's lines, shipments and after-sales are not counted
/// twice, so a duplicate shipment is still more than was ordered and no refund is paid twice.
#[test]
fn overlapping_second_downloads_change_no_finding() {
    let dir = scratch("overlap");
    let demo = demo(&dir, "20000", "11");
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let files = dir.join("files");
    for (from, to) in [
        (
            "ExportOrderDetailList202611010930.csv",
            "ExportOrderDetailList202611020815.csv",
        ),
        ("ERP发货单_202610.csv", "ERP发货单_202610（补）.csv"),
        ("退款报表_202610.xlsx", "退款报表_202610 (1).xlsx"),
    ] {
        std::fs::copy(files.join(from), files.join(to)).unwrap();
    }
    let again = dir.join("again");
    let out = reconcile_demo(&dir, &files, "2026-10", &again);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let found = |path: PathBuf| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let f: serde_json::Value = serde_json::from_str(l).unwrap();
                (f["code"].to_string(), f["order_no"].to_string())
            })
            .collect();
        v.sort();
        v
    };
    let before = found(dir.join("results/findings.jsonl"));
    assert!(
        before.iter().any(|(c, _)| c == "\"DUPLICATE_SHIPMENT\""),
        "the month must hold a duplicate shipment"
    );
    assert_eq!(found(again.join("findings.jsonl")), before);
    let said = text(&out.stderr);
    assert!(
        said.contains("ERP发货单_202610（补）.csv：本文件有"),
        "{said}"
    );
    assert!(
        said.contains("完全相同（如时间范围重叠的重复下载），已按一条计"),
        "{said}"
    );
}

/// One trade of `taobao.trades.sold.get` (standard shape), two lines sharing a 满减 of 25.00:
/// `second_line_paid` is the second line's `divide_order_fee` (111.80 when the allocation adds
/// up to the trade's payment 235.00 less postage 8.00).
fn api_trade(tid: &str, second_line_paid: &str) -> String {
    format!(
        r#"        {{
          "tid": {tid},
          "status": "WAIT_BUYER_CONFIRM_GOODS",
          "seller_nick": "棉语旗舰店",
          "created": "2026-10-01 09:10:00",
          "pay_time": "2026-10-01 09:12:30",
          "consign_time": "2026-10-02 10:00:00",
          "total_fee": "267.00",
          "post_fee": "8.00",
          "discount_fee": "25.00",
          "adjust_fee": "0.00",
          "payment": "235.00",
          "alipay_no": "2026100122001123450000000001",
          "orders": {{
            "order": [
              {{
                "oid": {tid}1,
                "outer_sku_id": "TS-WHITE-L",
                "title": "纯棉T恤 白色 L",
                "price": "69.00",
                "num": 2,
                "discount_fee": "10.00",
                "adjust_fee": "0.00",
                "part_mjz_discount": "12.80",
                "divide_order_fee": "115.20"
              }},
              {{
                "oid": {tid}2,
                "outer_sku_id": "PANTS-KHAKI-M",
                "title": "亚麻长裤 卡其 M",
                "price": "129.00",
                "num": 1,
                "discount_fee": "0.00",
                "adjust_fee": "-5.00",
                "part_mjz_discount": "12.20",
                "divide_order_fee": "{second_line_paid}"
              }}
            ]
          }}
        }}"#
    )
}

/// The trade API's per-line allocated amounts reach the engine: a trade whose lines'
/// `divide_order_fee` do not add up to its payment is one DISCOUNT_ALLOCATION_ERROR, with the
/// JSON lines of the trade and its sub-orders as evidence; a consistent trade is none.
#[test]
fn trade_api_json_allocation_is_checked_end_to_end() {
    let dir = scratch("trade_api_json");
    let good = api_trade("4012345678901234567", "111.80");
    let bad = api_trade("4012345678901299999", "106.80");
    let json = format!(
        "{{\n  \"trades_sold_get_response\": {{\n    \"total_results\": 2,\n    \"trades\": {{\n      \"trade\": [\n{good},\n{bad}\n      ]\n    }}\n  }}\n}}\n"
    );
    let file = dir.join("trades_sold_get_202610.json");
    std::fs::write(&file, json).unwrap();

    let inspect = duizhang(&["inspect", file.to_str().unwrap()]);
    let stdout = text(&inspect.stdout);
    assert!(inspect.status.success(), "{stdout}");
    assert!(
        stdout.contains("格式：淘宝/天猫交易接口数据（taobao.trades_api，标准格式）"),
        "{stdout}"
    );
    assert!(stdout.contains("订单 2 条"), "{stdout}");

    let results = dir.join("results");
    let out = duizhang(&[
        "reconcile",
        dir.to_str().unwrap(),
        "--period",
        "2026-10",
        "--out",
        results.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let findings: Vec<serde_json::Value> = std::fs::read_to_string(results.join("findings.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let allocation: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["code"] == "DISCOUNT_ALLOCATION_ERROR")
        .collect();
    assert_eq!(allocation.len(), 1, "{findings:#?}");
    let f = allocation[0];
    assert_eq!(f["order_no"], "4012345678901299999");
    assert_eq!(f["platform"], "taobao");
    assert_eq!(
        (&f["expected_fen"], &f["actual_fen"], &f["diff_fen"]),
        (
            &serde_json::json!(22700),
            &serde_json::json!(22200),
            &serde_json::json!(-500)
        )
    );
    // The bad trade's `{` is on line 46 of the file, its sub-orders' on 61 and 72.
    let lines: Vec<u64> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [46, 61, 72]);
    assert!(
        f["evidence"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("trades_sold_get_202610.json")
    );
}

/// A JSON file that is not the trade API's stops the run with the file named, instead of being
/// skipped (a folder's .json files are inputs).
#[test]
fn a_foreign_json_in_a_folder_stops_the_run_naming_it() {
    let dir = scratch("foreign_json");
    std::fs::write(
        dir.join("拼多多订单.json"),
        "{\"order_list_get_response\":{\"total_count\":0,\"order_list\":[]}}\n",
    )
    .unwrap();
    let out = duizhang(&[
        "reconcile",
        dir.to_str().unwrap(),
        "--period",
        "2026-10",
        "--out",
        dir.join("results").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("拼多多订单.json"), "{stderr}");
    assert!(
        stderr.contains("不是淘宝/天猫交易接口（taobao.trades.sold.get、taobao.trade.fullinfo.get）的返回（这里的对象含有 order_list_get_response"),
        "{stderr}"
    );
}
