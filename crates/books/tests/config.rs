//! The 账套 TOML and the rules TOML: presets, the seller's own codes, fund sub-accounts, aux
//! dimensions, policy settings, overrides, and errors for everything that does not fit.
#![allow(clippy::unwrap_used)]

mod support;

use duizhang_books::rules::DEFAULT_RULES;
use duizhang_books::{AuxDim, Books, BooksConfig, RecordRef, Rules, Standard, generate};
use duizhang_core::*;
use duizhang_samples::build::*;
use support::*;

fn err(toml_text: &str) -> String {
    match BooksConfig::from_toml(toml_text).and_then(|c| Books::new(c, Rules::defaults()?)) {
        Ok(_) => panic!("accepted: {toml_text}"),
        Err(e) => e.message,
    }
}

#[test]
fn presets_carry_the_codes_of_both_standards() {
    let small = books(Standard::Small, "");
    let ent = books(Standard::Enterprise, "");
    for (role, s, e) in [
        ("revenue", "5001", "6001"),
        ("cogs", "5401", "6401"),
        ("non_operating_expense", "5711", "6711"),
        ("fin_fee", "560301", "660301"),
        ("sell_commission", "560101", "660101"),
        ("advance", "2203", "2204"),
        ("fund_alipay", "101201", "101201"),
        ("output_vat", "22210105", "22210105"),
    ] {
        assert_eq!(small.chart.role(role), Some(s), "{role}");
        assert_eq!(ent.chart.role(role), Some(e), "{role}");
    }
    assert!(
        small.chart.account("6901").is_none(),
        "小企业 has no 以前年度损益调整"
    );
    assert_eq!(ent.chart.account("6901").unwrap().name, "以前年度损益调整");
    assert_eq!(small.chart.full_name("560101"), "销售费用—平台佣金");
    assert!(!small.chart.is_leaf("1012"));
    assert!(small.chart.is_leaf("101201"));
}

#[test]
fn small_scale_taxpayer_books_vat_without_the_output_split() {
    let b = books(Standard::Small, "[vat]\ntaxpayer = \"small_scale\"");
    assert_eq!(b.chart.role("output_vat"), Some("222101"));
    assert!(b.chart.account("22210105").is_none());
    // 1%: 59 / 1.01 = 58.415… → 58.42 + 0.58.
    let mut d = dataset();
    d.fund_flows.push(alipay_row(
        "1",
        FlowKind::Income,
        "交易付款",
        yuan("59.00"),
        "2026-10-08 10:00:00",
        None,
    ));
    let g = run(&b, &d, "2026-10");
    expect(
        &g.vouchers[0],
        &[
            ("101201", "借", "59.00"),
            ("5001", "贷", "58.42"),
            ("222101", "贷", "0.58"),
        ],
    );
    let none = books(Standard::Small, "[vat]\ntaxpayer = \"none\"");
    let g = run(&none, &d, "2026-10");
    expect(
        &g.vouchers[0],
        &[("101201", "借", "59.00"), ("5001", "贷", "59.00")],
    );
}

const SELLER: &str = r#"
name = "杭州某某服饰 2026"
standard = "enterprise"

[[chart.accounts]]
code = "10120101"
name = "支付宝—旗舰店"
[[chart.accounts]]
code = "10120102"
name = "支付宝—专营店"
[[chart.accounts]]
code = "600101"
name = "线上销售"
aux = ["shop", "platform"]
[[chart.accounts]]
code = "660101"
aux = ["department"]

[chart.roles]
revenue = "600101"

[[chart.fund_accounts]]
provider = "alipay"
shop = "旗舰店"
code = "10120101"
[[chart.fund_accounts]]
provider = "alipay"
account = "zy@example.com"
code = "10120102"

[chart.departments]
"旗舰店" = "电商一部"

[chart.customers]
"淘宝" = "淘宝平台"

[vouchers]
word = "记"
words = { refunds = "付" }
"#;

#[test]
fn seller_codes_fund_sub_accounts_and_aux_dimensions() {
    let b = Books::new(
        BooksConfig::from_toml(SELLER).unwrap(),
        Rules::defaults().unwrap(),
    )
    .unwrap();
    assert_eq!(
        b.chart.account("600101").unwrap().aux,
        vec![AuxDim::Shop, AuxDim::Platform]
    );
    assert_eq!(
        b.chart.account("660101").unwrap().name,
        "平台佣金",
        "aux added, name kept"
    );
    let mut d = dataset();
    d.fund_flows.push(alipay_row(
        "1",
        FlowKind::Income,
        "交易付款",
        yuan("59.00"),
        "2026-10-08 10:00:00",
        Some("401"),
    ));
    d.fund_flows.push(alipay_row(
        "2",
        FlowKind::Commission,
        "交易分账",
        yuan("-2.95"),
        "2026-10-08 10:00:00",
        Some("401"),
    ));
    let mut other = alipay_row(
        "3",
        FlowKind::Refund,
        "交易退款",
        yuan("-10.00"),
        "2026-10-08 11:00:00",
        None,
    );
    other.account = Some("zy@example.com".into());
    d.fund_flows.push(other);
    let shop_of = |r: RecordRef<'_>| match r {
        RecordRef::FundFlow(f) if f.account.as_deref() == Some("zy@example.com") => {
            Some("专营店".to_string())
        }
        _ => Some("旗舰店".to_string()),
    };
    let g = generate(&b, &d, period("2026-10"), &shop_of);
    for v in &g.vouchers {
        v.validate(&b.chart).unwrap();
    }
    let sale = &g.vouchers[0];
    expect(
        sale,
        &[
            ("10120101", "借", "59.00"),
            ("600101", "贷", "52.21"),
            ("22210105", "贷", "6.79"),
        ],
    );
    assert_eq!(sale.lines[1].aux.shop.as_deref(), Some("旗舰店"));
    assert_eq!(sale.lines[1].aux.customer.as_deref(), Some("淘宝平台"));
    assert_eq!(
        sale.lines[0].aux.shop, None,
        "only the dimensions the account requires"
    );
    let fees = g
        .vouchers
        .iter()
        .find(|v| v.lines.iter().any(|l| l.account == "660101"))
        .unwrap();
    assert_eq!(fees.lines[0].aux.department.as_deref(), Some("电商一部"));
    let refund = g.vouchers.iter().find(|v| v.word == "付").unwrap();
    assert_eq!(refund.number, 1);
    assert_eq!(refund.shop.as_deref(), Some("专营店"));
    assert!(
        refund
            .lines
            .iter()
            .any(|l| l.account == "10120102" && l.credit == yuan("10.00"))
    );
}

#[test]
fn a_shop_without_a_department_fails_validation_at_export() {
    let b = Books::new(
        BooksConfig::from_toml(SELLER).unwrap(),
        Rules::defaults().unwrap(),
    )
    .unwrap();
    let mut d = dataset();
    d.fund_flows.push(alipay_row(
        "2",
        FlowKind::Commission,
        "交易分账",
        yuan("-2.95"),
        "2026-10-08 10:00:00",
        None,
    ));
    let shop_of = |_: RecordRef<'_>| Some("旗舰店2".to_string());
    let mut config = BooksConfig::from_toml(SELLER).unwrap();
    config.chart.fund_accounts[0].shop = None;
    let b2 = Books::new(config, Rules::defaults().unwrap()).unwrap();
    let g = generate(&b2, &d, period("2026-10"), &shop_of);
    let e = g.vouchers[0].validate(&b.chart).unwrap_err();
    assert!(e.message.contains("要求辅助核算“部门”"), "{}", e.message);
}

#[test]
fn unknown_keys_and_bad_values_are_errors() {
    assert!(err("standard = \"small\"\ncolour = 1").contains("unknown field"));
    assert!(
        err("standard = \"small\"\n[policy]\nrefund_only = \"maybe\"").contains("unknown variant")
    );
    assert!(
        err("standard = \"small\"\n[chart.roles]\nrevnue = \"5001\"").contains("未知的科目用途")
    );
    assert!(
        err("standard = \"small\"\n[chart.roles]\nrevenue = \"5009\"").contains("不在科目表中")
    );
    assert!(
        err("standard = \"small\"\n[chart.roles]\nrevenue = \"1012\"").contains("不是末级科目")
    );
    assert!(
        err("standard = \"small\"\n[[chart.accounts]]\ncode = \"500101\"").contains("缺少名称")
    );
    assert!(
        err("standard = \"small\"\n[[chart.accounts]]\ncode = \"50A1\"\nname = \"x\"")
            .contains("至少4位数字")
    );
    // Splitting 5001 makes the preset's revenue role point to a parent.
    assert!(
        err("standard = \"small\"\n[[chart.accounts]]\ncode = \"500101\"\nname = \"线上\"")
            .contains("不是末级科目")
    );
    assert!(err("standard = \"small\"\n[costs]\nA = \"abc\"").contains("单位成本无效"));
    assert!(err("standard = \"small\"\n[vat]\nrate = \"13\"").contains("税率"));
    assert!(err("standard = \"small\"\n[policy]\nreport_approval = \"13-01\"").contains("MM-DD"));
    assert!(err("standard = \"small\"\n[vouchers]\ngroup_by = []").contains("不能为空"));
    assert!(err("standard = \"medium\"").contains("unknown variant"));
}

#[test]
fn carrier_claim_settings_are_checked_and_errors_name_the_key() {
    let policy = |body: &str| err(&format!("standard = \"small\"\n[policy]\n{body}"));
    let e = policy("carrier_claim = \"claim\"");
    assert!(
        e.contains("[policy] carrier_claim（快递丢件/破损的仅退款）不能是“claim”")
            && e.contains("\"flag\"")
            && e.contains("\"receivable\""),
        "{e}"
    );
    assert!(policy("carrier_keyword = [\"丢件\"]").contains("unknown field"));
    assert!(
        policy("carrier_keywords = [\"丢件\", \" \"]")
            .contains("[policy] carrier_keywords（快递丢件/破损的退款原因关键词）不能含空字符串")
    );
    // The claim goes on the refund's voucher, so its event must be of the refunds' class.
    let rules = Rules::defaults()
        .unwrap()
        .with_overrides(
            r#"
[events.carrier_claim]
code = "J10b"
class = "fees"
summary = "{date} 快递索赔"
legs = [
    { side = "debit", account = "carrier_receivable", amount = "amount" },
    { side = "credit", account = "non_operating_income", amount = "amount" },
]
"#,
        )
        .unwrap();
    let receivable =
        BooksConfig::from_toml("standard = \"small\"\n[policy]\ncarrier_claim = \"receivable\"")
            .unwrap();
    let e = Books::new(receivable, rules.clone()).unwrap_err();
    assert!(
        e.message
            .contains("业务事项“CarrierClaim”（快递索赔）的类别“费用”须与仅退款（RefundOnlyAllowance）的类别“退款”相同"),
        "{}",
        e.message
    );
    // Under the default `flag` no claim is booked, so the event's class does not matter.
    assert!(Books::new(BooksConfig::preset(Standard::Small), rules).is_ok());
    let defaults = Books::new(
        BooksConfig::preset(Standard::Small),
        Rules::defaults().unwrap(),
    )
    .unwrap()
    .config
    .policy;
    assert_eq!(
        defaults.carrier_claim,
        duizhang_books::config::CarrierClaimPolicy::Flag
    );
    assert!(defaults.carrier_keywords.iter().any(|w| w == "丢件"));
}

#[test]
fn the_u8_field_list_is_checked_and_errors_name_the_key() {
    let u8 = |body: &str| err(&format!("standard = \"small\"\n[u8]\n{body}"));
    let e = u8("fields = [\"部门\", \"往来单位\"]");
    assert!(
        e.contains("[u8] fields 中的“往来单位”不是用友凭证引入的字段")
            && e.contains(
                "数量、外币、结算方式、票号、部门、个人、客户、供应商、业务员、项目、制单人"
            ),
        "{e}"
    );
    assert!(u8("fields = [\"部门\", \"部门\"]").contains("[u8] fields 中“部门”出现了两次"));
    let e = u8("fields = [\"部门\"]\nshop_field = \"部门\"");
    assert!(
        e.contains("[u8] shop_field 不能是“部门”，应为 项目、个人、业务员、供应商 之一"),
        "{e}"
    );
    let e = u8("fields = [\"部门\"]\nshop_field = \"项目\"");
    assert!(
        e.contains("[u8] shop_field 为“项目”，但 [u8] fields 没有列出“项目”"),
        "{e}"
    );
    assert!(u8("columns = [\"部门\"]").contains("unknown field"));
    // Valid: names as the seller's template writes them, in its order.
    let b = books(
        Standard::Small,
        "[u8]\nfields = [\"项目\", \" 客户 \", \"制单人\"]\nshop_field = \"项目\"",
    );
    use duizhang_books::export::U8Field;
    assert_eq!(
        b.u8.fields,
        vec![U8Field::Project, U8Field::Customer, U8Field::Preparer]
    );
    assert_eq!(b.u8.shop, Some(U8Field::Project));
    assert!(books(Standard::Small, "").u8.fields.is_empty());
}

#[test]
fn the_6901_role_is_refused_by_the_small_enterprise_chart() {
    let override_rules = r#"
[events.refund_return]
code = "J11"
class = "refunds"
summary = "{date} 退货"
legs = [
    { side = "debit", account = "fund", amount = "amount" },
    { side = "credit", account = "prior_year_adjustment", amount = "amount" },
]
"#;
    let rules = Rules::defaults()
        .unwrap()
        .with_overrides(override_rules)
        .unwrap();
    let e = Books::new(BooksConfig::preset(Standard::Small), rules.clone()).unwrap_err();
    assert!(e.message.contains("prior_year_adjustment"), "{}", e.message);
    assert!(Books::new(BooksConfig::preset(Standard::Enterprise), rules).is_ok());
}

#[test]
fn rules_are_data_and_the_seller_overrides_them() {
    let defaults = Rules::defaults().unwrap();
    assert!(DEFAULT_RULES.contains("[events.refund_return]"));
    // A seller books 运费险 to 管理费用-like 售后服务费 and adds a classify word.
    let text = r#"
[[classify]]
kinds = ["other"]
text_any = ["保费"]
class = "freight_insurance"

[events.freight_insurance]
code = "J14"
class = "fees"
summary = "{date} {shop} 退货运费险保费 {count}笔"
legs = [
    { side = "借", account = "fund", amount = "amount" },
    { side = "贷", account = "sell_after_sales", amount = "amount" },
]
"#;
    let rules = defaults.clone().with_overrides(text).unwrap();
    assert_eq!(
        rules.classify.len(),
        1,
        "a classify list replaces the defaults"
    );
    let b = Books::new(BooksConfig::preset(Standard::Small), rules).unwrap();
    let mut d = dataset();
    d.fund_flows.push(alipay_row(
        "1",
        FlowKind::Other,
        "保费",
        yuan("-0.90"),
        "2026-10-08 10:00:00",
        None,
    ));
    d.fund_flows.push(alipay_row(
        "2",
        FlowKind::Other,
        "保费",
        yuan("-0.90"),
        "2026-10-08 11:00:00",
        None,
    ));
    let g = run(&b, &d, "2026-10");
    expect(
        &g.vouchers[0],
        &[("560106", "借", "1.80"), ("101201", "贷", "1.80")],
    );
    assert_eq!(
        g.vouchers[0].lines[0].summary,
        "2026-10-08 旗舰店 退货运费险保费 2笔"
    );

    for (bad, want) in [
        (
            "[events.refund_return]\ncode='J9'\nclass='refunds'\nsummary='x'\nlegs=[]",
            "没有分录",
        ),
        (
            "[events.refund_return]\ncode='J9'\nclass='refunds'\nsummary='{when}'\nlegs=[{side='debit',account='fund',amount='amount'}]",
            "未知占位符",
        ),
        (
            "[events.refund_return]\ncode='J9'\nclass='refunds'\nsummary='x'\nlegs=[{side='debit',account='revnue',amount='amount'}]",
            "不是已知的科目用途",
        ),
        (
            "[events.refund_retrun]\ncode='J9'\nclass='refunds'\nsummary='x'\nlegs=[]",
            "unknown variant",
        ),
        ("[[classify]]\nclass='sale'\ncolour=1", "unknown field"),
    ] {
        let e = defaults.clone().with_overrides(bad).unwrap_err();
        assert!(e.message.contains(want), "{bad}: {}", e.message);
    }
}

#[test]
fn the_documented_example_is_a_valid_books_file() {
    let text = include_str!("../books.example.toml");
    let config = BooksConfig::from_toml(text).unwrap();
    let b = Books::new(config, Rules::defaults().unwrap()).unwrap();
    assert_eq!(b.chart.role("revenue"), Some("500101"));
    assert_eq!(b.word(duizhang_books::EventClass::Refunds), "付");
    assert_eq!(b.costs.len(), 2);
    assert_eq!(b.u8.fields.len(), 11);
    assert_eq!(b.u8.shop, Some(duizhang_books::export::U8Field::Project));
    // The policies it shows are the defaults, word for word.
    assert_eq!(b.config.policy, duizhang_books::Policy::default());
}
