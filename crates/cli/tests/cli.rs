//! The `duizhang` binary as a user runs it: real-shaped files in, Chinese output and exit codes.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use duizhang_core::{FlowKind, FundProvider};
use duizhang_samples::build::{flow, yuan};
use duizhang_samples::write::alipay::{FundOptions, fund_flow};

fn duizhang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duizhang"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh folder under the target directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
    for seed in ["1", "77"] {
        let out = duizhang(&[
            "demo",
            "--out",
            dir.to_str().unwrap(),
            "--orders",
            "400",
            "--seed",
            seed,
        ]);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
        assert!(stdout.contains("漏报 0 个，多报 0 个"), "{stdout}");
        for f in [
            "results/findings.jsonl",
            "results/findings.xlsx",
            "results/summary.json",
            "results/carry.json",
            "planted.json",
            "duizhang.toml",
        ] {
            assert!(dir.join(f).exists(), "{f} missing");
        }
        assert_eq!(std::fs::read_dir(dir.join("files")).unwrap().count(), 19);
        for f in [
            "20880000000000000156_202610_账务明细.csv",
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
    let demo = duizhang(&[
        "demo",
        "--out",
        dir.to_str().unwrap(),
        "--orders",
        "400",
        "--seed",
        "3",
    ]);
    assert!(demo.status.success());
    let bare = dir.join("bare");
    let out = duizhang(&[
        "reconcile",
        dir.join("files").to_str().unwrap(),
        "--period",
        "2026-10",
        "--out",
        bare.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let codes = |path: PathBuf| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["code"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        codes(bare.join("findings.jsonl")),
        codes(dir.join("results/findings.jsonl"))
    );
}
