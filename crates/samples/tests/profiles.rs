//! Mapping profiles: loading (with positioned errors), detection against built-ins, value
//! mapping, multi-row after-sales in both amount scopes, and the shipped platform profiles.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_core::{
    AfterSale, AfterSaleKind, AfterSaleLine, AfterSalePhase, AfterSaleStatus, Dataset, Fen,
    FlowKind, FundProvider, OrderStatus, Platform, Record,
};
use duizhang_import::{
    ImportedFile, Importer, Problem, ProblemCode, Profile, TextEncoding, builtin_importers,
    import_bytes, importers_with_profiles, load_profile, with_user_profiles,
};
use duizhang_samples::write::erp::{ErpOptions, RowAmounts, after_sales};
use support::{at, gbk, import, t};

fn profile(toml: &str) -> Profile {
    Profile::from_toml("my.toml", toml).unwrap_or_else(|p| panic!("{}", p.zh()))
}

fn profile_error(toml: &str) -> Problem {
    match Profile::from_toml("my.toml", toml) {
        Ok(_) => panic!("profile unexpectedly loaded"),
        Err(p) => p,
    }
}

fn import_with(
    importers: &[Box<dyn Importer>],
    name: &str,
    bytes: Vec<u8>,
) -> (ImportedFile, Vec<Record>) {
    let mut files = Vec::new();
    let mut records = Vec::new();
    import_bytes(name, bytes, importers, &mut files, &mut |r| records.push(r));
    assert_eq!(files.len(), 1, "{files:#?}");
    (files.remove(0), records)
}

fn dataset(records: Vec<Record>) -> Dataset {
    let mut d = Dataset::default();
    for r in records {
        d.push(r);
    }
    d
}

// ---------------------------------------------------------------------------------------------
// The guide's example

const GUIDE: &str = include_str!("../../../docs/mapping-profiles.md");

/// The first fenced block of `lang` in the guide.
fn guide_block(lang: &str) -> String {
    let fence = format!("```{lang}\n");
    let start = GUIDE.find(&fence).unwrap() + fence.len();
    let len = GUIDE[start..].find("```").unwrap();
    GUIDE[start..start + len].to_string()
}

/// The guide's 聚水潭-style export, as the ERP writes it: GBK, CRLF.
fn guide_export() -> Vec<u8> {
    gbk(&guide_block("text").replace('\n', "\r\n"))
}

fn guide_profile(scope: &str) -> Profile {
    let toml = guide_block("toml").replace(
        "amount_scope = \"repeated_total\"",
        &format!("amount_scope = \"{scope}\""),
    );
    Profile::from_toml("jst_after_sale.toml", &toml).unwrap_or_else(|p| panic!("{}", p.zh()))
}

#[test]
fn the_guide_example_reads_a_repeated_total_once() {
    let importers = with_user_profiles(vec![guide_profile("repeated_total")]);
    let (file, records) = import_with(&importers, "售后单导出.csv", guide_export());
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    assert_eq!(file.format.as_deref(), Some("my.jst_after_sale"));
    assert_eq!(file.format_zh.as_deref(), Some("聚水潭售后单"));
    assert_eq!(file.header_line, Some(2));
    assert_eq!(file.encoding, Some(TextEncoding::Gb18030));
    let data = dataset(records);
    assert_eq!(
        data.after_sales,
        vec![
            AfterSale {
                platform: Platform::Taobao,
                shop: Some("棉语旗舰店".into()),
                order_no: "4012345678901234999".into(),
                refund_no: "AS1001".into(),
                kind: AfterSaleKind::ReturnAndRefund,
                phase: None,
                status: AfterSaleStatus::Completed,
                status_text: "已完成".into(),
                paid: None,
                requested: Some(Fen::new(15900)),
                // 159.00 on each of the two rows is the after-sale's total, taken once.
                refunded: Fen::new(15900),
                applied_at: Some(t("2026-10-03 10:00:00")),
                completed_at: Some(t("2026-10-06 16:20:00")),
                reason: Some("尺码不合适".into()),
                payment_no: None,
                lines: vec![
                    AfterSaleLine {
                        sku: Some("TS-WHITE-L".into()),
                        sub_order_no: None,
                        quantity: Some(1),
                        refund: None,
                        source: at(3),
                    },
                    AfterSaleLine {
                        sku: Some("CUP-500".into()),
                        sub_order_no: None,
                        quantity: Some(2),
                        refund: None,
                        source: at(4),
                    },
                ],
                source: at(3),
            },
            AfterSale {
                platform: Platform::Pdd,
                shop: Some("棉语拼多多店".into()),
                order_no: "261003-123456789012345".into(),
                refund_no: "AS1002".into(),
                kind: AfterSaleKind::RefundOnly,
                phase: None,
                status: AfterSaleStatus::PendingReview,
                status_text: "待确认".into(),
                paid: None,
                requested: Some(Fen::new(2750)),
                refunded: Fen::new(0),
                applied_at: Some(t("2026-10-04 08:00:00")),
                completed_at: None,
                reason: Some("少件".into()),
                payment_no: None,
                lines: vec![AfterSaleLine {
                    sku: Some("SOCK-3".into()),
                    sub_order_no: None,
                    quantity: Some(1),
                    refund: None,
                    source: at(5),
                }],
                source: at(5),
            },
        ]
    );
    assert_eq!(
        file.stats.amounts.get("售后单/退款金额"),
        Some(&Fen::new(15900))
    );
}

#[test]
fn the_same_export_read_per_row_sums_the_rows() {
    // What the wrong scope does: 159.00 + 159.00. The profile must say which the export is.
    let importers = with_user_profiles(vec![guide_profile("per_row")]);
    let (file, records) = import_with(&importers, "售后单导出.csv", guide_export());
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    let data = dataset(records);
    assert_eq!(data.after_sales[0].refunded, Fen::new(31800));
    assert_eq!(data.after_sales[0].requested, Some(Fen::new(31800)));
    assert_eq!(data.after_sales[0].lines[1].refund, Some(Fen::new(15900)));
}

#[test]
fn the_guide_lists_every_field_of_every_record_kind() {
    for (name, kind) in duizhang_import::profile::RECORDS {
        assert!(GUIDE.contains(&format!("### `{name}`")), "{name}");
        for field in duizhang_import::profile::fields_of(*kind) {
            assert!(
                GUIDE.contains(&format!("| `{}` |", field.name)),
                "{name}.{}",
                field.name
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generic columns, user profile against the built-in

/// The generic after-sale columns, but an export that repeats the total on every line.
const REPEATED_GENERIC: &str = r#"
name = "我的ERP售后单"
id = "my.erp_after_sale"
record = "after_sale"
amount_scope = "repeated_total"

[columns]
shop = "店铺"
platform = "平台"
order_no = "订单号"
refund_no = "售后单号"
kind = "售后类型"
status = "状态"
applied_at = "申请时间"
completed_at = "完成时间"
requested = "申请金额"
refunded = "退款金额"
sku = "商家编码"
quantity = "数量"
reason = "原因"
"#;

fn two_line_return() -> AfterSale {
    AfterSale {
        platform: Platform::Tmall,
        shop: Some("棉语天猫店".into()),
        order_no: "4012345678901230001".into(),
        refund_no: "RF-T-0001".into(),
        kind: AfterSaleKind::ReturnAndRefund,
        phase: None,
        status: AfterSaleStatus::Completed,
        status_text: "已完成".into(),
        paid: None,
        requested: Some(Fen::new(20000)),
        refunded: Fen::new(19880),
        applied_at: Some(t("2026-10-10 09:00:00")),
        completed_at: Some(t("2026-10-12 10:00:00")),
        reason: None,
        payment_no: None,
        lines: vec![
            AfterSaleLine {
                sku: Some("TS-BLACK-M".into()),
                sub_order_no: None,
                quantity: Some(1),
                refund: None,
                source: at(2),
            },
            AfterSaleLine {
                sku: Some("TS-BLACK-L".into()),
                sub_order_no: None,
                quantity: Some(3),
                refund: None,
                source: at(3),
            },
        ],
        source: at(2),
    }
}

#[test]
fn a_user_profile_wins_a_tie_with_the_built_in() {
    let sale = two_line_return();
    let bytes = after_sales(
        std::slice::from_ref(&sale),
        RowAmounts::RepeatedTotal,
        &ErpOptions::default(),
    )
    .unwrap();
    // Built-in generic format: each row's amount is its line's, so the repeated 198.80 sums.
    let (file, records) = import_with(&builtin_importers(), "a.csv", bytes.clone());
    assert_eq!(file.format.as_deref(), Some("erp.after_sale"));
    assert_eq!(dataset(records).after_sales[0].refunded, Fen::new(39760));
    // The user's profile maps the same columns (same score) and is given explicitly: it wins.
    let importers = with_user_profiles(vec![profile(REPEATED_GENERIC)]);
    let (file, records) = import_with(&importers, "a.csv", bytes);
    assert_eq!(file.format.as_deref(), Some("my.erp_after_sale"));
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    assert_eq!(file.variant.as_deref(), Some("映射配置 my.toml"));
    assert_eq!(dataset(records).after_sales, vec![sale]);
}

#[test]
fn a_user_profile_with_a_shipped_id_replaces_it() {
    let toml = REPEATED_GENERIC.replace("my.erp_after_sale", "erp.after_sale");
    let importers = with_user_profiles(vec![profile(&toml)]);
    let same: Vec<&str> = importers
        .iter()
        .map(|i| i.id())
        .filter(|id| *id == "erp.after_sale")
        .collect();
    assert_eq!(same.len(), 1);
    assert_eq!(importers[0].name_zh(), "我的ERP售后单");
    assert_eq!(importers.len(), builtin_importers().len());
}

const GENERIC_HEADER: &str = "店铺,平台,订单号,售后单号,售后类型,状态,申请时间,完成时间,申请金额,退款金额,商家编码,数量,原因";

#[test]
fn rows_of_one_after_sale_merge_even_when_not_consecutive() {
    let text = format!(
        "{GENERIC_HEADER}\n\
         棉语旗舰店,淘宝,4012345678901234999,RF1,退货退款,已完成,2026-10-03 10:00:00,2026-10-06 16:20:00,,59.00,TS-WHITE-L,1,\n\
         棉语旗舰店,淘宝,4012345678901230002,RF2,仅退款,已完成,2026-10-03 11:00:00,2026-10-03 12:00:00,,12.30,SOCK-3,1,\n\
         棉语旗舰店,淘宝,4012345678901234999,RF1,退货退款,已完成,2026-10-02 09:00:00,2026-10-07 08:00:00,,100.00,CUP-500,2,\n"
    );
    let (files, records) = import("a.csv", text.into_bytes());
    assert!(files[0].problems.is_empty(), "{:#?}", files[0].problems);
    let sales = dataset(records).after_sales;
    assert_eq!(sales.len(), 2);
    assert_eq!(sales[0].refund_no, "RF1");
    // Hand-checked: 59.00 + 100.00.
    assert_eq!(sales[0].refunded, Fen::new(15900));
    assert_eq!(sales[0].source, at(2));
    let lines: Vec<(u32, Option<Fen>)> = sales[0]
        .lines
        .iter()
        .map(|l| (l.source.line, l.refund))
        .collect();
    assert_eq!(
        lines,
        vec![(2, Some(Fen::new(5900))), (4, Some(Fen::new(10000)))]
    );
    // Earliest application, latest completion.
    assert_eq!(sales[0].applied_at, Some(t("2026-10-02 09:00:00")));
    assert_eq!(sales[0].completed_at, Some(t("2026-10-07 08:00:00")));
    assert_eq!(sales[1].refund_no, "RF2");
    assert_eq!(sales[1].refunded, Fen::new(1230));
}

#[test]
fn a_repeated_total_that_differs_between_rows_is_an_error() {
    let text = format!(
        "{GENERIC_HEADER}\n\
         棉语旗舰店,天猫,4012345678901230001,RF-T-0001,退货退款,已完成,2026-10-10 09:00:00,,,198.80,TS-BLACK-M,1,\n\
         棉语旗舰店,天猫,4012345678901230001,RF-T-0001,退货退款,已完成,2026-10-10 09:00:00,,,189.80,TS-BLACK-L,3,\n\
         棉语旗舰店,天猫,4012345678901230002,RF-T-0002,仅退款,已完成,2026-10-10 09:00:00,,,10.00,SOCK-3,1,\n"
    );
    let importers = with_user_profiles(vec![profile(REPEATED_GENERIC)]);
    let (file, records) = import_with(&importers, "a.csv", text.into_bytes());
    let sales = dataset(records).after_sales;
    assert_eq!(sales.len(), 1, "only the consistent after-sale is read");
    assert_eq!(sales[0].refund_no, "RF-T-0002");
    let p = &file.problems;
    assert_eq!(p.len(), 2, "{p:#?}");
    assert_eq!(p[0].code, ProblemCode::BadAmount);
    assert_eq!((p[0].line, p[0].column), (Some(3), Some(10)));
    assert!(
        p[0].message.contains("第 2 行为 198.80，本行为 189.80"),
        "{}",
        p[0].message
    );
    assert!(p[1].message.contains("RF-T-0001"), "{}", p[1].message);
}

#[test]
fn rows_of_one_after_sale_must_agree_on_the_order() {
    let text = format!(
        "{GENERIC_HEADER}\n\
         棉语旗舰店,淘宝,4012345678901234999,RF1,退货退款,已完成,2026-10-03 10:00:00,,,59.00,TS-WHITE-L,1,\n\
         棉语旗舰店,淘宝,4012345678901234000,RF1,退货退款,已完成,2026-10-03 10:00:00,,,100.00,CUP-500,2,\n"
    );
    let (files, records) = import("a.csv", text.into_bytes());
    assert!(records.is_empty());
    let p = &files[0].problems;
    assert_eq!(p[0].code, ProblemCode::BadValue);
    assert_eq!((p[0].line, p[0].column), (Some(3), Some(3)));
    assert!(p[0].message.contains("订单号不一致"), "{}", p[0].message);
}

#[test]
fn an_unknown_mapped_status_names_line_column_and_known_values() {
    let text = String::from_utf8(
        encoding_rs::GBK
            .decode(&guide_export())
            .0
            .replace("待确认", "退款完成")
            .into_bytes(),
    )
    .unwrap();
    let importers = with_user_profiles(vec![guide_profile("repeated_total")]);
    let (file, records) = import_with(&importers, "售后单导出.csv", gbk(&text));
    assert_eq!(dataset(records).after_sales.len(), 1);
    let p = &file.problems;
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].code, ProblemCode::BadValue);
    assert_eq!((p[0].line, p[0].column), (Some(5), Some(7)));
    assert_eq!(p[0].column_name.as_deref(), Some("售后状态"));
    assert_eq!(
        p[0].message,
        "无法识别的取值“退款完成”（可识别：待确认、已确认、待买家退货、退货在途、已完成、已拒绝、作废、待审核、已同意、待退货、待收货、已关闭）"
    );
}

// ---------------------------------------------------------------------------------------------
// Errors in the profile itself

#[test]
fn malformed_toml_names_line_and_column() {
    let p = profile_error("name = \"我的配置\"\nid = \"my\nrecord = \"after_sale\"\n");
    assert_eq!(p.code, ProblemCode::Profile);
    assert_eq!(p.file, "my.toml");
    assert_eq!(p.line, Some(2));
    assert!(p.column.is_some());
    assert!(
        p.message.starts_with("映射配置有误：TOML 语法错误"),
        "{}",
        p.message
    );
}

#[test]
fn an_unknown_key_is_named_with_its_position() {
    let p = profile_error(
        "name = \"x\"\nid = \"x\"\nrecord = \"complaint\"\n\n    colums = 1\n[columns]\nshop = \"店铺\"\n",
    );
    assert_eq!((p.line, p.column), (Some(5), Some(5)));
    assert!(
        p.message
            .contains("未知的键“colums”（可用的键：name、id、record"),
        "{}",
        p.message
    );
    assert!(
        p.zh().starts_with("文件 my.toml 第 5 行 第 5 列："),
        "{}",
        p.zh()
    );
}

const MINIMAL: &str = "name = \"x\"\nid = \"x\"\nrecord = \"complaint\"\n[columns]\nshop = \"店铺\"\nticket_no = \"工单号\"\nkind = \"类型\"\ncreated_at = \"创建时间\"\n";

#[test]
fn an_unknown_field_is_named_with_its_position() {
    profile(MINIMAL);
    let p = profile_error(&MINIMAL.replace("ticket_no", "ticket"));
    assert_eq!((p.line, p.column), (Some(6), Some(1)));
    assert!(
        p.message
            .contains("“ticket”不是 complaint 记录的字段（可用字段：shop、order_no、ticket_no"),
        "{}",
        p.message
    );
}

#[test]
fn an_unknown_value_target_is_named_with_its_position() {
    let p = profile_error(&format!("{MINIMAL}[values.kind]\n\"差评\" = \"bad\"\n"));
    assert_eq!((p.line, p.column), (Some(10), Some(8)));
    assert!(
        p.message
            .contains("“bad”不是字段“kind”的取值（可用：complaint、inquiry、other）"),
        "{}",
        p.message
    );
    let p = profile_error(&format!("{MINIMAL}[values.shop]\n\"a\" = \"b\"\n"));
    assert_eq!(p.line, Some(9));
    assert!(p.message.contains("不是取值字段"), "{}", p.message);
}

#[test]
fn a_value_of_the_wrong_type_is_explained() {
    let p = profile_error(&MINIMAL.replace("[columns]", "header_row = \"3\"\n[columns]"));
    assert_eq!((p.line, p.column), (Some(4), Some(14)));
    assert_eq!(
        p.message,
        "映射配置有误：取值的类型不对：应为整数，这里是文本（加引号）"
    );
    let p = profile_error(&MINIMAL.replace("shop = \"店铺\"", "shop = 3"));
    assert_eq!((p.line, p.column), (Some(5), Some(8)));
    assert!(p.message.contains("应为列名"), "{}", p.message);
}

#[test]
fn an_unknown_record_kind_lists_the_kinds() {
    let p = profile_error(&MINIMAL.replace("\"complaint\"", "\"refund\""));
    assert_eq!((p.line, p.column), (Some(3), Some(10)));
    assert!(
        p.message.contains("order、after_sale、erp_order"),
        "{}",
        p.message
    );
}

#[test]
fn required_fields_must_be_mapped() {
    let p = profile_error(&MINIMAL.replace("ticket_no = \"工单号\"\n", ""));
    assert_eq!(p.line, None);
    assert!(p.message.contains("“ticket_no”（工单号）"), "{}", p.message);
    // After-sales must say how their amounts are written.
    let after_sale = "name = \"x\"\nid = \"x\"\nrecord = \"after_sale\"\nplatform = \"pdd\"\n[columns]\norder_no = \"订单号\"\nrefund_no = \"售后单号\"\nkind = \"类型\"\nstatus = \"状态\"\nrefunded = \"退款金额\"\n";
    let p = profile_error(after_sale);
    assert!(p.message.contains("amount_scope"), "{}", p.message);
    profile(&after_sale.replace("[columns]", "amount_scope = \"per_row\"\n[columns]"));
    let p = profile_error(&MINIMAL.replace("[columns]", "amount_scope = \"per_row\"\n[columns]"));
    assert_eq!(p.line, Some(4));
    assert!(p.message.contains("只用于售后单"), "{}", p.message);
}

#[test]
fn a_fixed_value_must_be_understood() {
    let p = profile_error(&MINIMAL.replace("[columns]", "[defaults]\nkind = \"差评\"\n[columns]"));
    assert_eq!((p.line, p.column), (Some(5), Some(8)));
    assert!(p.message.contains("投诉、咨询、其他"), "{}", p.message);
}

#[test]
fn profiles_load_from_disk_and_errors_name_the_file() {
    let dir = std::env::temp_dir().join(format!("duizhang-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(&good, MINIMAL).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, MINIMAL.replace("shop", "shoop")).unwrap();
    assert_eq!(load_profile(&good).unwrap().id(), "x");
    // Saved by Notepad: UTF-8 with a BOM, or GBK.
    let bom = dir.join("bom.toml");
    std::fs::write(&bom, format!("\u{FEFF}{MINIMAL}")).unwrap();
    assert_eq!(load_profile(&bom).unwrap().name(), "x");
    let gbk_file = dir.join("gbk.toml");
    std::fs::write(
        &gbk_file,
        gbk(&MINIMAL.replace("name = \"x\"", "name = \"工单\"")),
    )
    .unwrap();
    assert_eq!(load_profile(&gbk_file).unwrap().name(), "工单");
    let importers = importers_with_profiles(&[&good]).unwrap();
    assert_eq!(importers[0].id(), "x");
    assert_eq!(importers.len(), builtin_importers().len() + 1);
    let p = match importers_with_profiles(&[&good, &bad]) {
        Ok(_) => panic!("bad profile loaded"),
        Err(p) => p,
    };
    assert_eq!(p.file, bad.display().to_string());
    assert_eq!(p.line, Some(5));
    let missing = dir.join("missing.toml");
    let p = load_profile(&missing).unwrap_err();
    assert_eq!(p.code, ProblemCode::Profile);
    assert!(p.message.starts_with("无法读取映射配置"), "{}", p.message);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Encodings, header rows, other record kinds

#[test]
fn a_declared_encoding_is_held_to() {
    let toml = MINIMAL.replace("[columns]", "encoding = \"utf-8\"\n[columns]");
    let importers = with_user_profiles(vec![profile(&toml)]);
    let text = "店铺,工单号,类型,创建时间\n棉语旗舰店,GD1,投诉,2026-10-03 11:00:00\n";
    let (file, records) = import_with(&importers, "a.csv", gbk(text));
    assert!(records.is_empty());
    assert_eq!(file.problems[0].code, ProblemCode::Encoding);
    let (file, records) = import_with(&importers, "a.csv", text.as_bytes().to_vec());
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    assert_eq!(records.len(), 1);
}

#[test]
fn a_fixed_header_row_is_used() {
    // Row 1 would do as a header too; the profile says the real one is row 3.
    let toml = MINIMAL.replace(
        "[columns]",
        "header_row = 3\nshop = \"棉语旗舰店\"\n[columns]",
    );
    let importers = with_user_profiles(vec![profile(&toml)]);
    let text = "工单号,类型,创建时间\n工单导出\n工单号,类型,创建时间,原因\nGD1,咨询,2026-10-03 11:00:00,问尺码\n";
    let (file, records) = import_with(&importers, "a.csv", text.as_bytes().to_vec());
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    assert_eq!(file.header_line, Some(3));
    let data = dataset(records);
    assert_eq!(data.complaints[0].shop, "棉语旗舰店");
    assert_eq!(data.complaints[0].source, at(4));
}

#[test]
fn a_profile_type_that_says_income_on_an_outflow_gives_neither_income_nor_refund() {
    // 在线支付 on both sides, as in a real Alipay download: the amount says which way it went.
    let toml = r#"
name = "支付宝（自定义导出）"
id = "my.alipay"
record = "fund_flow"

[columns]
txn_no = "流水号"
occurred_at = "时间"
amount = "金额"
kind = "类型"

[defaults]
provider = "alipay"

[values.kind]
"在线支付" = "income"
"交易退款" = "refund"
"#;
    let importers = with_user_profiles(vec![profile(toml)]);
    let text = "流水号,时间,金额,类型\nA1,2026-10-05 09:30:00,97.00,在线支付\nA2,2026-10-05 09:31:10,-97.00,在线支付\nA3,2026-10-06 10:00:00,-5.00,交易退款\nA4,2026-10-06 11:00:00,5.00,交易退款\n";
    let (file, records) = import_with(&importers, "alipay.csv", text.as_bytes().to_vec());
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    let got: Vec<(String, FlowKind)> = dataset(records)
        .fund_flows
        .iter()
        .map(|f| (f.txn_no.to_string(), f.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            ("A1".to_string(), FlowKind::Income),
            ("A2".to_string(), FlowKind::Other),
            ("A3".to_string(), FlowKind::Refund),
            ("A4".to_string(), FlowKind::Other),
        ]
    );
}

#[test]
fn a_fund_flow_profile_with_income_and_expense_columns() {
    let toml = r#"
name = "某银行流水"
id = "my.bank"
record = "fund_flow"

[columns]
txn_no = "交易流水号"
occurred_at = "交易时间"
income = "贷方发生额"
expense = "借方发生额"
kind = "摘要"
balance = "余额"
memo = "附言"

[defaults]
provider = "alipay"

[values.kind]
"货款入账" = "income"
"退款" = "refund"
"提现" = "withdrawal"
"#;
    let importers = with_user_profiles(vec![profile(toml)]);
    let text = "交易流水号,交易时间,借方发生额,贷方发生额,余额,摘要,附言\nB001,2026-10-01 09:00:00,,100.00,1100.00,货款入账,\nB002,2026-10-01 10:00:00,30.50,,1069.50,退款,订单4012345678901234999\nB003,2026-10-01 11:00:00,10.00,5.00,1064.50,提现,\nB004,2026-10-01 12:00:00,1.00,,1063.50,罚款,\n";
    let (file, records) = import_with(&importers, "bank.csv", text.as_bytes().to_vec());
    let flows = dataset(records).fund_flows;
    let got: Vec<(&str, FlowKind, Fen)> = flows
        .iter()
        .map(|f| (f.txn_no.as_str(), f.kind, f.amount))
        .collect();
    assert_eq!(
        got,
        vec![
            ("B001", FlowKind::Income, Fen::new(10000)),
            ("B002", FlowKind::Refund, Fen::new(-3050))
        ]
    );
    assert_eq!(flows[1].provider, FundProvider::Alipay);
    assert_eq!(flows[1].kind_text, "退款");
    let p: Vec<(ProblemCode, Option<u32>)> =
        file.problems.iter().map(|p| (p.code, p.line)).collect();
    assert_eq!(
        p,
        vec![
            (ProblemCode::BadAmount, Some(4)),
            (ProblemCode::BadValue, Some(5))
        ]
    );
}

#[test]
fn an_order_profile_gives_one_line_per_row() {
    let toml = r#"
name = "自营商城订单"
id = "my.mall_order"
record = "order"
platform = "wechat"
shop = "棉语小程序商城"

[columns]
order_no = "订单编号"
status = "订单状态"
paid_at = "支付时间"
paid = "订单实付"
sku = "规格编码"
quantity = "购买数量"
line_paid = "商品实付"

[values.status]
"交易成功" = "finished"
"待发货" = "paid"
"#;
    let importers = with_user_profiles(vec![profile(toml)]);
    let text = "订单编号,订单状态,支付时间,订单实付,规格编码,购买数量,商品实付\nM1,交易成功,2026-10-02 08:00:00,88.00,A-1,1,50.00\nM1,交易成功,2026-10-02 08:00:00,88.00,B-2,2,38.00\n";
    let (file, records) = import_with(&importers, "mall.csv", text.as_bytes().to_vec());
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    let data = dataset(records);
    let merged = data.merged_orders();
    assert_eq!(merged.len(), 1);
    let o = &merged[0];
    assert_eq!(o.platform, Platform::Wechat);
    assert_eq!(o.shop.as_deref(), Some("棉语小程序商城"));
    assert_eq!(o.status, OrderStatus::Finished);
    // The order's 实付 is repeated on its rows and taken once; the lines carry their own.
    assert_eq!(o.paid, Some(Fen::new(8800)));
    let lines: Vec<(Option<&str>, i64, Option<Fen>)> = o
        .lines
        .iter()
        .map(|l| (l.sku.as_deref(), l.quantity, l.paid))
        .collect();
    assert_eq!(
        lines,
        vec![
            (Some("A-1"), 1, Some(Fen::new(5000))),
            (Some("B-2"), 2, Some(Fen::new(3800)))
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The shipped platform profiles (layouts UNCONFIRMED: these files use the names they assume)

#[test]
fn the_pdd_after_sale_profile() {
    let text = "售后单号,订单号,售后类型,售后状态,售后原因,订单金额(元),退款金额(元),申请时间,商家编码,商品数量\r\n1000001,261003-123456789012345,仅退款,买家申请退款，待商家处理,少件,61.80,27.50,2026-10-04 08:00:00,SOCK-3,1\r\n1000002,261002-123456789012346,退货退款,退款成功,质量问题,27.50,27.50,2026-10-03 12:00:00,CUP-350,1\r\n";
    let (files, records) = import("pdd售后.csv", gbk(text));
    let file = &files[0];
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    assert_eq!(file.format.as_deref(), Some("pdd.after_sale"));
    assert_eq!(file.variant.as_deref(), Some("内置"));
    let sales = dataset(records).after_sales;
    assert_eq!(sales[0].platform, Platform::Pdd);
    assert_eq!(sales[0].status, AfterSaleStatus::PendingReview);
    assert_eq!(sales[0].status_text, "买家申请退款，待商家处理");
    assert_eq!(sales[0].paid, Some(Fen::new(6180)));
    assert_eq!(sales[0].refunded, Fen::new(2750));
    assert_eq!(sales[1].kind, AfterSaleKind::ReturnAndRefund);
    assert_eq!(sales[1].status, AfterSaleStatus::Completed);
}

#[test]
fn the_jd_after_sale_profile_defaults_the_kind() {
    let text = "服务单号,订单号,商品编号,商品名称,申请时间,服务单状态,审核意见,处理结果,退款金额\n2000000001,300000000000002,100000000002,保温杯 350ml,2026-10-06 10:00:00,退款成功,同意,退货,39.00\n2000000002,300000000000003,100000000001,保温杯 500ml,2026-10-07 10:00:00,未审核,,,0.00\n";
    let (files, records) = import("jd售后.csv", text.as_bytes().to_vec());
    let file = &files[0];
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    assert_eq!(file.format.as_deref(), Some("jd.after_sale"));
    let sales = dataset(records).after_sales;
    assert_eq!(sales[0].kind, AfterSaleKind::ReturnAndRefund);
    assert_eq!(sales[0].status, AfterSaleStatus::Completed);
    assert_eq!(sales[0].refunded, Fen::new(3900));
    // No 商家编码 column: JD's own 商品编号 stands in.
    assert_eq!(sales[0].lines[0].sku.as_deref(), Some("100000000002"));
    assert_eq!(sales[1].status, AfterSaleStatus::PendingReview);
}

#[test]
fn the_douyin_after_sale_profile_reads_kind_and_phase_from_one_column() {
    let text = "\u{FEFF}售后单号,订单号,商品单号,售后类型,售后状态,退款金额,申请时间,商家编码,商品数量\n\"\t7000000000000000001\",\"\t6900000000000000001\",\"\t6900000000000000001\",未发货仅退款,售后成功,28.90,2026-10-02 01:00:00,\"\tSKU300400008\",1\n\"\t7000000000000000002\",\"\t6900000000000000002\",\"\t6900000000000000003\",维修,售后申请,0.00,2026-10-05 01:00:00,\"\tSKU300400009\",1\n";
    let (files, records) = import("抖店售后.csv", text.as_bytes().to_vec());
    let file = &files[0];
    assert_eq!(file.format.as_deref(), Some("douyin.after_sale"));
    let sales = dataset(records).after_sales;
    assert_eq!(sales.len(), 1);
    let s = &sales[0];
    assert_eq!(s.refund_no, "7000000000000000001");
    assert_eq!(s.kind, AfterSaleKind::RefundOnly);
    assert_eq!(s.phase, Some(AfterSalePhase::OnSale));
    assert_eq!(s.status, AfterSaleStatus::Completed);
    assert_eq!(
        s.lines[0].sub_order_no.as_deref(),
        Some("6900000000000000001")
    );
    // 维修 has no after-sale kind here: an error, not a guess.
    let p = &file.problems;
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(
        (p[0].code, p[0].line, p[0].column),
        (ProblemCode::BadValue, Some(3), Some(4))
    );
}

#[test]
fn a_gbk_profile_reads_a_file_whose_first_bytes_are_ascii() {
    // 64 KiB of ASCII sniff as UTF-8; the GBK text after them needs the declared encoding.
    let toml = r#"
name = "工单（英文表头）"
id = "my.tickets"
record = "complaint"
encoding = "gbk"
shop = "棉语旗舰店"

[columns]
ticket_no = "ticket"
kind = "type"
created_at = "created"
reason = "note"
"#;
    let mut text = String::from("ticket,type,created,note\r\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "T{i:05},inquiry,2026-10-03 11:00:00,size question number {i}\r\n"
        ));
    }
    text.push_str("T99999,complaint,2026-10-04 12:00:00,退款迟迟未到账\r\n");
    assert!(text.find('退').unwrap() > 64 * 1024);
    let bytes = gbk(&text);
    let importers = with_user_profiles(vec![profile(toml)]);
    let (file, records) = import_with(&importers, "tickets.csv", bytes.clone());
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    assert_eq!(file.encoding, Some(TextEncoding::Gb18030));
    let data = dataset(records);
    assert_eq!(data.complaints.len(), 2001);
    assert_eq!(
        data.complaints[2000].reason.as_deref(),
        Some("退款迟迟未到账")
    );
    // Left to sniffing, the same file stops at the first GBK byte.
    let auto = toml.replace("encoding = \"gbk\"", "encoding = \"auto\"");
    let importers = with_user_profiles(vec![profile(&auto)]);
    let (file, records) = import_with(&importers, "tickets.csv", bytes);
    assert_eq!(records.len(), 2000);
    assert_eq!(file.problems[0].code, ProblemCode::Encoding);
    assert_eq!(file.problems[0].line, Some(2002));
}

#[test]
fn a_gbk_profile_rejects_a_utf8_file() {
    let toml = MINIMAL.replace("[columns]", "encoding = \"gbk\"\n[columns]");
    let importers = with_user_profiles(vec![profile(&toml)]);
    let text = "店铺,工单号,类型,创建时间\n棉语旗舰店,GD1,投诉,2026-10-03 11:00:00\n";
    let (file, records) = import_with(&importers, "a.csv", text.as_bytes().to_vec());
    assert!(records.is_empty());
    assert_eq!(file.problems[0].code, ProblemCode::Encoding);
    assert!(
        file.problems[0].message.contains("文件是 UTF-8 编码"),
        "{}",
        file.problems[0].message
    );
}

#[test]
fn a_file_missing_a_mapped_required_column_names_the_profile_and_the_column() {
    let text = encoding_rs::GBK
        .decode(&guide_export())
        .0
        .replace(",实退金额", ",退款说明");
    let importers = with_user_profiles(vec![guide_profile("repeated_total")]);
    let (file, records) = import_with(&importers, "售后单导出.csv", gbk(&text));
    assert!(records.is_empty());
    assert_eq!(file.problems.len(), 1);
    let p = &file.problems[0];
    assert_eq!(p.code, ProblemCode::UnknownFormat);
    assert!(
        p.message
            .contains("聚水潭售后单（8/9 列相符，缺少：实退金额）"),
        "{}",
        p.message
    );
}
