//! Every export format against a reviewed golden file, from one small realistic month: a
//! settled sale with its cost, commission, a return with cost reversal, a withdrawal. Excel
//! outputs are compared as a tab-separated dump of their cells. `UPDATE_GOLDEN=1` rewrites.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::Cursor;
use std::path::PathBuf;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use duizhang_books::export::{self, CloudSettings, CloudTemplate, ColumnTemplate, TextEncoding};
use duizhang_books::{Books, BooksConfig, Generated, Rules, Standard, generate};
use duizhang_core::*;
use duizhang_samples::build::*;
use support::*;

const TID: &str = "4012345678901234567";

fn month() -> Dataset {
    let mut d = dataset();
    let mut o = order(Platform::Taobao, TID, yuan("59.00"));
    o.lines.push(order_line("TS-WHITE-L", 1, yuan("59.00")));
    d.orders.push(o);
    d.shipments.push(shipment(
        "旗舰店",
        TID,
        "TS-WHITE-L",
        1,
        ShipmentKind::Normal,
        "2026-10-03 18:00:00",
    ));
    d.fund_flows.push(alipay_row(
        "20261008001",
        FlowKind::Income,
        "交易付款",
        yuan("59.00"),
        "2026-10-08 10:00:05",
        Some(TID),
    ));
    d.fund_flows.push(alipay_row(
        "20261008002",
        FlowKind::Commission,
        "交易分账",
        yuan("-2.95"),
        "2026-10-08 10:00:05",
        Some(TID),
    ));
    d.after_sales.push(after_sale(
        Platform::Taobao,
        TID,
        "RF2026101201",
        AfterSaleKind::ReturnAndRefund,
        yuan("59.00"),
    ));
    let mut r = alipay_row(
        "20261012001",
        FlowKind::Refund,
        "交易退款",
        yuan("-59.00"),
        "2026-10-12 10:00:00",
        Some(TID),
    );
    r.refund_no = Some("RF2026101201".into());
    d.fund_flows.push(r);
    d.return_receipts.push(return_receipt(
        "旗舰店",
        TID,
        "RF2026101201",
        "TS-WHITE-L",
        1,
        "2026-10-14 15:00:00",
    ));
    d.fund_flows.push(alipay_row(
        "20261031001",
        FlowKind::Withdrawal,
        "提现",
        yuan("-500.00"),
        "2026-10-31 09:00:00",
        None,
    ));
    for (i, f) in d.fund_flows.iter_mut().enumerate() {
        f.source = src(u32::try_from(i).unwrap() + 6);
    }
    d
}

fn generated(b: &Books) -> Generated {
    let g = run(b, &month(), "2026-10");
    assert!(g.issues.is_empty(), "{:?}", g.issues);
    g
}

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing golden {name}"));
    assert_eq!(actual, expected, "golden {name} differs");
}

/// Every sheet as `sheet` then tab-separated rows; numbers with two decimals.
fn dump(bytes: &[u8]) -> String {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str(&format!("## {name}\n"));
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|d| match d {
                    Data::Float(f) => format!("{f:.2}"),
                    other => other.to_string(),
                })
                .collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

#[test]
fn beancount_golden() {
    let b = books(Standard::Small, "");
    let text =
        String::from_utf8(export::beancount(&generated(&b).vouchers, &b.chart).unwrap()).unwrap();
    golden("small.beancount", &text);
    let b = books(Standard::Enterprise, "");
    let text =
        String::from_utf8(export::beancount(&generated(&b).vouchers, &b.chart).unwrap()).unwrap();
    golden("enterprise.beancount", &text);
}

#[test]
fn beancount_passes_bean_check() {
    let Some(bean_check) = bean_check() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("duizhang-books-bean-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for standard in BOTH {
        let b = books(standard, "");
        let path = dir.join(format!("{standard:?}.beancount"));
        std::fs::write(
            &path,
            export::beancount(&generated(&b).vouchers, &b.chart).unwrap(),
        )
        .unwrap();
        let out = Command::new(&bean_check).arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "bean-check failed for {standard:?}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A broken file must fail, or this test proves nothing.
    let bad = dir.join("bad.beancount");
    std::fs::write(&bad, "option \"operating_currency\" \"CNY\"\n2026-10-01 open Assets:1012 CNY\n2026-10-02 * \"x\"\n  Assets:1012  1.00 CNY\n").unwrap();
    assert!(
        !Command::new(&bean_check)
            .arg(&bad)
            .output()
            .unwrap()
            .status
            .success()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn u8_text_golden_in_gbk_with_crlf() {
    let b = books(Standard::Small, "");
    let bytes =
        export::u8_text(&generated(&b).vouchers, &b.chart, &b.u8, TextEncoding::Gbk).unwrap();
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert!(std::str::from_utf8(&bytes).is_err(), "GBK, not UTF-8");
    assert_eq!(text.matches("\r\n").count(), text.matches('\n').count());
    assert!(text.ends_with("\r\n"));
    golden("small.u8.txt", &text);
    let utf8 =
        export::u8_text(&generated(&b).vouchers, &b.chart, &b.u8, TextEncoding::Utf8).unwrap();
    assert_eq!(String::from_utf8(utf8).unwrap(), text);
}

/// The 辅助核算 账套 of the support module, with its U8 version's optional fields in order.
fn aux_books() -> String {
    format!(
        r#"{AUX_CHART}
[u8]
fields = ["数量", "外币", "结算方式", "票号", "部门", "个人", "客户", "供应商", "业务员", "项目", "制单人"]
shop_field = "项目"
"#
    )
}

#[test]
fn u8_text_with_aux_columns_golden_bytes_in_gbk() {
    let b = books(Standard::Small, &aux_books());
    let bytes =
        export::u8_text(&generated(&b).vouchers, &b.chart, &b.u8, TextEncoding::Gbk).unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/small-aux.u8.gbk.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &bytes).unwrap();
    }
    let expected = std::fs::read(&path).unwrap();
    // Decoded first, so a difference shows as text.
    assert_eq!(
        encoding_rs::GBK.decode(&bytes).0,
        encoding_rs::GBK.decode(&expected).0
    );
    assert_eq!(bytes, expected);
    let text = encoding_rs::GBK.decode(&bytes).0.into_owned();
    // Every line carries the 制单人 last, so nothing trails; empty fields in between are `,,`.
    assert!(
        text.contains(
            "\r\n2026-10-08,记,2,3,2026-10-08 旗舰店 销售回款,5001,0,52.21,,,,,,,C001,,,,王芳\r\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(",560101,2.95,0,,,,,0301,,,,,,王芳\r\n"),
        "{text}"
    );
    assert!(
        text.contains(",101201,0,2.95,,,,,,,,,,旗舰店,王芳\r\n"),
        "{text}"
    );
}

#[test]
fn u8_text_omits_trailing_empty_fields_and_follows_the_listed_order() {
    let b = books(
        Standard::Small,
        &aux_books().replace(
            r#"fields = ["数量", "外币", "结算方式", "票号", "部门", "个人", "客户", "供应商", "业务员", "项目", "制单人"]"#,
            r#"fields = ["项目", "客户", "票号", "部门", "数量"]"#,
        ),
    );
    let bytes =
        export::u8_text(&generated(&b).vouchers, &b.chart, &b.u8, TextEncoding::Utf8).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for want in [
        // No aux: the 8 mandatory fields only, exactly as without the setting.
        "2026-10-03,记,1,1,2026-10-03 旗舰店 发出商品,1406,25.00,0",
        "2026-10-08,记,2,3,2026-10-08 旗舰店 销售回款,101201,59.00,0,旗舰店",
        "2026-10-08,记,2,3,2026-10-08 旗舰店 销售回款,5001,0,52.21,,C001",
        "2026-10-08,记,3,1,2026-10-08 旗舰店 平台佣金,560101,2.95,0,,,,0301",
    ] {
        assert!(lines.contains(&want), "{want} not in\n{text}");
    }
}

#[test]
fn u8_text_says_which_setting_is_missing_for_an_aux_item() {
    let no_shop = books(
        Standard::Small,
        &aux_books().replace("shop_field = \"项目\"", ""),
    );
    let v = generated(&no_shop).vouchers;
    let e = export::u8_text(&v, &no_shop.chart, &no_shop.u8, TextEncoding::Gbk).unwrap_err();
    assert!(
        e.message.contains("科目“101201”要求辅助核算“店铺”")
            && e.message.contains("shop_field = \"项目\""),
        "{}",
        e.message
    );
    let no_department = books(Standard::Small, &aux_books().replace("\"部门\", ", ""));
    let v = generated(&no_department).vouchers;
    let e = export::u8_text(
        &v,
        &no_department.chart,
        &no_department.u8,
        TextEncoding::Gbk,
    )
    .unwrap_err();
    assert!(
        e.message
            .contains("科目“560101”要求辅助核算“部门”，但账套 [u8] fields 没有列出“部门”字段"),
        "{}",
        e.message
    );
    // An aux value is a code of U8's 档案: a comma in it is refused, never altered.
    let comma = books(
        Standard::Small,
        &aux_books().replace("\"C001\"", "\"C001,华东\""),
    );
    let v = generated(&comma).vouchers;
    let e = export::u8_text(&v, &comma.chart, &comma.u8, TextEncoding::Gbk).unwrap_err();
    assert!(e.message.contains("客户“C001,华东”含逗号"), "{}", e.message);
}

#[test]
fn generic_excel_golden_and_deterministic() {
    let b = books(Standard::Enterprise, "");
    let g = generated(&b);
    let bytes = export::excel(&g.vouchers, &b.chart).unwrap().workbook;
    assert_eq!(
        bytes,
        export::excel(&g.vouchers, &b.chart).unwrap().workbook,
        "byte for byte"
    );
    golden("enterprise.excel.tsv", &dump(&bytes));
}

#[test]
fn chanjet_kis_and_cloud_golden() {
    let b = books(Standard::Small, "");
    let v = generated(&b).vouchers;
    golden(
        "small.chanjet.tsv",
        &dump(&export::chanjet(&v, &b.chart, &ColumnTemplate::chanjet_default()).unwrap()),
    );
    golden(
        "small.kis.tsv",
        &dump(&export::kis(&v, &b.chart, &ColumnTemplate::kis_default()).unwrap()),
    );
    let settings = CloudSettings {
        account_book: ("001".into(), "杭州某某服饰".into()),
        org: ("100".into(), "杭州某某服饰有限公司".into()),
        ..CloudSettings::default()
    };
    golden(
        "small.cloud.tsv",
        &dump(
            &export::kingdee_cloud(&v, &b.chart, &CloudTemplate::default_columns(), &settings)
                .unwrap(),
        ),
    );
}

#[test]
fn cloud_export_follows_the_sellers_own_template_file() {
    // The seller's template: keys, labels, and a department 核算维度 of their tenant.
    let keys = [
        "FBillHead(GL_VOUCHER)",
        "FAccountBookID",
        "FDate",
        "FVOUCHERGROUPID",
        "FVOUCHERGROUPNO",
        "FACCBOOKORGID",
        "*Split*1",
        "FEntity",
        "FEXPLANATION",
        "FACCOUNTID",
        "FDetailID#FF100005",
        "FDetailID#FF100005#Name",
        "FCURRENCYID",
        "FEXCHANGERATETYPE",
        "FDEBIT",
        "FCREDIT",
        "FCustomField",
    ];
    let labels = [
        "*单据头(序号)",
        "*(单据头)账簿",
        "*日期",
        "*凭证字",
        "*凭证号",
        "*核算组织",
        "间隔列",
        "*分录(序号)",
        "摘要",
        "*科目编码",
        "(核算维度)部门",
        "(核算维度)部门#名称",
        "*币别",
        "*汇率类型",
        "借方金额",
        "贷方金额",
        "自定义",
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("凭证#单据头(FBillHead)").unwrap();
    for (c, (k, l)) in (0u16..).zip(keys.iter().zip(labels)) {
        sheet.write_string(0, c, *k).unwrap();
        sheet.write_string(1, c, l).unwrap();
    }
    let template = CloudTemplate::from_xlsx(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(template.0.unmapped, vec!["FCustomField".to_string()]);

    let config = "[[chart.accounts]]\ncode = \"560101\"\naux = [\"department\"]\n[chart.departments]\n\"旗舰店\" = \"DEP01\"";
    let b = books(Standard::Small, config);
    let v = generated(&b).vouchers;
    let settings = CloudSettings {
        account_book: ("001".into(), "杭州某某服饰".into()),
        org: ("100".into(), "杭州某某服饰有限公司".into()),
        ..CloudSettings::default()
    };
    let out = dump(&export::kingdee_cloud(&v, &b.chart, &template, &settings).unwrap());
    let fee_rows: Vec<&str> = out.lines().filter(|l| l.contains("平台佣金")).collect();
    assert_eq!(fee_rows.len(), 2);
    // Header fields on the first entry only; the department on the commission line.
    assert_eq!(
        fee_rows[0],
        "3.00\t001\t2026-10-08\tPRE001\t3.00\t100\t\t1.00\t2026-10-08 旗舰店 平台佣金\t560101\tDEP01\t\tPRE001\tHLTX01_SYS\t2.95\t0.00\t"
    );
    assert!(
        fee_rows[1].starts_with("\t\t\t\t\t\t\t2.00\t"),
        "{}",
        fee_rows[1]
    );
    // Without the book code the required column cannot be filled.
    let e = export::kingdee_cloud(&v, &b.chart, &template, &CloudSettings::default()).unwrap_err();
    assert!(e.message.contains("必填列“*(单据头)账簿”"), "{}", e.message);
    // A template without the dimension's column cannot carry it.
    let e = export::kingdee_cloud(&v, &b.chart, &CloudTemplate::default_columns(), &settings)
        .unwrap_err();
    assert!(e.message.contains("模板没有“部门”列"), "{}", e.message);
    assert!(CloudTemplate::from_xlsx(b"not a workbook").is_err());
}

#[test]
fn exports_refuse_what_would_not_import() {
    let b = books(Standard::Small, "");
    let good = generated(&b).vouchers;

    let mut unbalanced = good.clone();
    unbalanced[0].lines[0].debit += Fen::new(1);
    let e = export::beancount(&unbalanced, &b.chart).unwrap_err();
    assert!(e.message.contains("借贷不平"), "{}", e.message);

    let mut parent = good.clone();
    parent[0].lines[0].account = "1012".into();
    assert!(
        export::excel(&parent, &b.chart)
            .unwrap_err()
            .message
            .contains("不是末级科目")
    );

    let mut unknown = good.clone();
    unknown[0].lines[0].account = "101299".into();
    assert!(
        export::kis(&unknown, &b.chart, &ColumnTemplate::kis_default())
            .unwrap_err()
            .message
            .contains("不在科目表中")
    );

    let mut twice_numbered = good.clone();
    twice_numbered[1].number = twice_numbered[0].number;
    assert!(
        export::u8_text(&twice_numbered, &b.chart, &b.u8, TextEncoding::Gbk)
            .unwrap_err()
            .message
            .contains("凭证号重复")
    );

    // A voucher mixing red and blue amounts is neither: refused.
    let mut mixed = good.clone();
    mixed[0].lines[0].debit = Fen::new(-mixed[0].lines[0].debit.get());
    let e = export::excel(&mixed, &b.chart).err().unwrap();
    assert!(
        e.message.contains("大于0") || e.message.contains("负数"),
        "{}",
        e.message
    );

    let mut twice = good.clone();
    let link = twice[0].links[0].clone();
    twice[1].links.push(link);
    assert!(
        export::excel(&twice, &b.chart)
            .unwrap_err()
            .message
            .contains("同时入账")
    );

    // Aux items go neither into U8 text whose optional fields the 账套 does not list (their
    // order is unconfirmed) nor into a template without the column.
    let aux = books(
        Standard::Small,
        "[[chart.accounts]]\ncode = \"5001\"\naux = [\"platform\"]",
    );
    let v = generated(&aux).vouchers;
    let e = export::u8_text(&v, &aux.chart, &aux.u8, TextEncoding::Gbk).unwrap_err();
    assert!(
        e.message.contains("科目“5001”带辅助核算（客户）")
            && e.message
                .contains("[u8] fields = [\"数量\", \"外币\", \"结算方式\""),
        "{}",
        e.message
    );
    assert!(
        export::kis(&v, &aux.chart, &ColumnTemplate::kis_default())
            .unwrap_err()
            .message
            .contains("模板没有“客户”列")
    );
    let chanjet =
        dump(&export::chanjet(&v, &aux.chart, &ColumnTemplate::chanjet_default()).unwrap());
    assert!(
        chanjet.contains("5001\t主营业务收入\t0.00\t52.21\t淘宝"),
        "{chanjet}"
    );
    assert!(export::excel(&[], &b.chart).is_err());
}

#[test]
fn seller_header_row_drives_the_chanjet_columns() {
    let b = books(Standard::Small, "");
    let v = generated(&b).vouchers;
    let template = ColumnTemplate::from_labels(
        "凭证导入",
        &[
            "凭证字",
            "凭证号",
            "日期",
            "摘要",
            "科目代码",
            "借方",
            "贷方",
            "备用",
        ],
    );
    assert_eq!(template.unmapped, vec!["备用".to_string()]);
    let out = dump(&export::chanjet(&v, &b.chart, &template).unwrap());
    assert!(out.starts_with("## 凭证导入\n凭证字\t凭证号\t日期\t摘要\t科目代码\t借方\t贷方\t备用\n记\t1.00\t2026-10-03\t2026-10-03 旗舰店 发出商品\t1406\t25.00\t0.00\t\n"), "{out}");
    let _ = BooksConfig::preset(Standard::Small);
    let _ = Rules::defaults().unwrap();
    let _ = generate;
}

/// The month's first voucher booked twice, reversed in red: the same accounts on the same
/// sides with every amount negative, numbered after the month's vouchers.
fn red_reversal_of(good: &[duizhang_books::Voucher]) -> duizhang_books::Voucher {
    let mut red = good[0].clone();
    for line in &mut red.lines {
        line.debit = Fen::new(-line.debit.get());
        line.credit = Fen::new(-line.credit.get());
        line.summary = format!("冲销重复入账 {}", line.summary);
    }
    red.number = u32::try_from(good.len()).unwrap() + 1;
    red.links.clear();
    red
}

#[test]
fn a_red_reversal_exports_in_every_format_with_negative_amounts_on_the_same_side() {
    let b = books(Standard::Small, "");
    let good = generated(&b).vouchers;
    let red = red_reversal_of(&good);
    assert!(red.is_red() && !good[0].is_red());
    red.check_balanced().unwrap();
    let original = &good[0].lines[0];
    let side_amount = if original.debit.is_zero() {
        original.credit
    } else {
        original.debit
    };
    let negative = Fen::new(-side_amount.get()).to_yuan_string();
    assert!(negative.starts_with('-'), "{negative}");

    // The correcting voucher alone, numbered after the month's: an export of part of a period.
    let part = vec![red.clone()];
    let u8 = export::u8_text(&part, &b.chart, &b.u8, TextEncoding::Utf8).unwrap();
    let u8 = String::from_utf8(u8).unwrap();
    assert!(u8.contains(&negative), "{u8}");
    let bean = String::from_utf8(export::beancount(&part, &b.chart).unwrap()).unwrap();
    assert!(bean.contains("冲销重复入账"), "{bean}");
    let excel = export::excel(&part, &b.chart).unwrap();
    assert!(dump(&excel.workbook).contains(&negative));
    let kis = export::kis(&part, &b.chart, &ColumnTemplate::kis_default()).unwrap();
    assert!(dump(&kis).contains(&negative));
    let chanjet = export::chanjet(&part, &b.chart, &ColumnTemplate::chanjet_default()).unwrap();
    assert!(dump(&chanjet).contains(&negative));
    let cloud = export::kingdee_cloud(
        &part,
        &b.chart,
        &CloudTemplate::default_columns(),
        &CloudSettings {
            account_book: ("001".into(), "杭州某某服饰".into()),
            org: ("100".into(), "杭州某某服饰有限公司".into()),
            ..CloudSettings::default()
        },
    )
    .unwrap();
    assert!(dump(&cloud).contains(&negative));

    // Read back as a journal, the red voucher stays red and balanced.
    let back = duizhang_books::import::excel(&excel.workbook, "adjustments.xlsx").unwrap();
    assert_eq!(back.len(), 1);
    assert!(back[0].is_red());
    assert_eq!(back[0].total_debit(), red.total_debit());
    let back = duizhang_books::import::u8_text(u8.as_bytes(), "adjustments-u8.txt").unwrap();
    assert!(back[0].is_red());
}
