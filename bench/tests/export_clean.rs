//! `duizhang-bench export-clean` as the benchmark runs it: real-shaped downloads in, clean CSV
//! per record kind out (amounts in 分, plain times, normalised order numbers, resolved shops).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use duizhang_core::*;
use duizhang_samples::build::{after_sale, after_sale_line, at, flow, yuan};
use duizhang_samples::write::alipay::{FundOptions, fund_flow};
use duizhang_samples::write::erp::{self, ErpOptions, RowAmounts};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duizhang-bench"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A GBK Alipay 账务明细 (商户订单号 `T200P…`), an ERP after-sales export with a line and an
/// ERP shipments export, in `dir/in`.
fn inputs(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let mut income = flow(
        FundProvider::Alipay,
        "202610010000123456",
        FlowKind::Income,
        yuan("59.00"),
        "2026-10-01 09:12:33",
    );
    income.order_no = Some("4012345678901234567".into());
    income.kind_text = "交易付款".into();
    income.balance = Some(yuan("1059.00"));
    let mut refund = flow(
        FundProvider::Alipay,
        "202610010000123458",
        FlowKind::Refund,
        yuan("-9.65"),
        "2026-10-01 15:40:02",
    );
    refund.order_no = Some("4012345678901234999".into());
    refund.kind_text = "交易退款".into();
    refund.balance = Some(yuan("1049.35"));
    std::fs::write(
        input.join("alipay.csv"),
        fund_flow(&[income, refund], &FundOptions::default()),
    )
    .unwrap();

    let mut sale = after_sale(
        Platform::Taobao,
        "4012345678901234999",
        "RF77",
        AfterSaleKind::ReturnAndRefund,
        yuan("9.65"),
    );
    sale.shop = Some("示例旗舰店".into());
    sale.lines.push(after_sale_line("TS-W-L", 1));
    let o = ErpOptions::default();
    std::fs::write(
        input.join("after_sales.csv"),
        erp::after_sales(&[sale], RowAmounts::PerLine, &o).unwrap(),
    )
    .unwrap();
    let shipment = Shipment {
        shop: "示例旗舰店".into(),
        order_no: "4012345678901234567".into(),
        sub_order_no: None,
        sku: "TS-W-L".into(),
        quantity: 2,
        shipped_at: at("2026-10-01 18:00:00"),
        carrier: Some("顺丰".into()),
        waybill: Some("SF1234567890".into()),
        kind: ShipmentKind::Normal,
        refund_no: None,
        source: duizhang_samples::build::src(2),
    };
    std::fs::write(
        input.join("shipments.csv"),
        erp::shipments(&[shipment], &o).unwrap(),
    )
    .unwrap();
    input
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn writes_clean_csv_per_kind_with_default_settings() {
    let dir = scratch("export_default");
    let input = inputs(&dir);
    let out = dir.join("clean");
    let run = bench(&[
        "export-clean",
        out.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let alipay = input.join("alipay.csv");
    let alipay = alipay.to_str().unwrap();
    // Amounts in 分 with their sign, T200P removed, every record in the platform's shop (no
    // shops configured: the file's shop name 示例旗舰店 is the taobao shop), the physical line of the row in the GBK file (header on line 5).
    assert_eq!(
        read(&out, "fund_flows.csv"),
        format!(
            "shop,provider,account,txn_no,business_no,order_no,merchant_ref,refund_no,kind,kind_text,amount_fen,balance_fen,occurred_at,file,line\n\
             taobao,alipay,20880000000000000156,202610010000123456,,4012345678901234567,4012345678901234567,,income,交易付款,5900,105900,2026-10-01 09:12:33,{alipay},6\n\
             taobao,alipay,20880000000000000156,202610010000123458,,4012345678901234999,4012345678901234999,,refund,交易退款,-965,104935,2026-10-01 15:40:02,{alipay},7\n"
        )
    );
    let sales = read(&out, "after_sales.csv");
    assert!(
        sales.contains("taobao,taobao,4012345678901234999,RF77,return_and_refund,,completed,"),
        "{sales}"
    );
    assert!(
        sales.contains(",965,2026-10-10 09:00:00,2026-10-11 10:00:00,"),
        "{sales}"
    );
    let lines = read(&out, "after_sale_lines.csv");
    assert!(
        lines.contains("taobao,4012345678901234999,RF77,TS-W-L,,1,"),
        "{lines}"
    );
    let ships = read(&out, "shipments.csv");
    assert!(
        ships.contains("taobao,4012345678901234567,,TS-W-L,2,2026-10-01 18:00:00,normal,,"),
        "{ships}"
    );
    // Kinds absent from the inputs still get their file with the header only.
    assert_eq!(
        read(&out, "settlements.csv"),
        "shop,platform,order_no,sub_order_no,item,kind,amount_fen,settled_at,account,refund_no,payment_ref,file,line\n"
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("fund_flows.csv: 2 rows"), "{stdout}");
}

#[test]
fn resolves_shops_with_a_settings_file() {
    let dir = scratch("export_settings");
    let input = inputs(&dir);
    let settings = dir.join("settings.toml");
    std::fs::write(
        &settings,
        "[[shops]]\nid = \"tb1\"\nplatform = \"taobao\"\naliases = [\"示例旗舰店\"]\nfund_accounts = [\"20880000000000000156\"]\n",
    )
    .unwrap();
    let out = dir.join("clean");
    let run = bench(&[
        "export-clean",
        out.to_str().unwrap(),
        "--settings",
        settings.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for name in ["fund_flows.csv", "after_sales.csv", "shipments.csv"] {
        let text = read(&out, name);
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert!(!rows.is_empty(), "{name}");
        assert!(rows.iter().all(|r| r.starts_with("tb1,")), "{name}: {text}");
    }
}

#[test]
fn refuses_inputs_with_import_errors() {
    let dir = scratch("export_errors");
    let input = inputs(&dir);
    let bill = input.join("alipay.csv");
    let mut bytes = std::fs::read(&bill).unwrap();
    // Break the income row's amount (59.00 → 5x.00): the row is an error, and the footer's
    // income total no longer agrees with the rows read.
    let pos = bytes.windows(5).position(|w| w == b"59.00").unwrap();
    bytes[pos + 1] = b'x';
    std::fs::write(&bill, bytes).unwrap();
    let out = dir.join("clean");
    let run = bench(&[
        "export-clean",
        out.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("2 import errors"), "{stderr}");
    assert!(!out.join("fund_flows.csv").exists());
}
