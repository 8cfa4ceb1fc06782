//! The 账套 configuration (TOML): standard, VAT, chart, policy choices, voucher grouping and
//! numbering, the 用友 text layout, unit costs. Unknown keys are errors. [`Books`] is the
//! validated result.

use std::collections::BTreeMap;

use duizhang_core::{Fen, RatePpm};
use serde::{Deserialize, Serialize};

use crate::chart::{Chart, ChartConfig, Standard, Taxpayer};
use crate::error::BooksError;
use crate::export::{U8Field, U8Layout};
use crate::rules::{EventClass, EventId, Rules};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BooksConfig {
    /// 账套 name, for people.
    #[serde(default)]
    pub name: Option<String>,
    pub standard: Standard,
    #[serde(default)]
    pub vat: VatConfig,
    #[serde(default)]
    pub chart: ChartConfig,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub vouchers: VoucherConfig,
    /// The optional fields of the seller's 用友 U8 凭证引入 text.
    #[serde(default)]
    pub u8: U8Config,
    /// Unit cost per 商家编码 in 元 (`"TS-WHITE-L" = "25.00"`), for cost entries.
    #[serde(default)]
    pub costs: BTreeMap<String, String>,
}

/// The seller's 用友 U8 凭证引入 text layout (accounting.md §3.2), validated into [`U8Layout`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct U8Config {
    /// The optional fields their U8 version carries after the 8 mandatory ones, in its order
    /// (数量, 外币, 结算方式, 票号, 部门, 个人, 客户, 供应商, 业务员, 项目, 制单人). Empty: the
    /// mandatory fields only, and lines with aux items cannot be exported.
    #[serde(default)]
    pub fields: Vec<String>,
    /// The field of `fields` that carries the 店铺 dimension (项目, 个人, 业务员 or 供应商).
    #[serde(default)]
    pub shop_field: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VatConfig {
    #[serde(default = "default_taxpayer")]
    pub taxpayer: Taxpayer,
    /// `13%` for 一般纳税人 goods (default), `1%`/`3%` for 小规模 (default `1%`).
    #[serde(default)]
    pub rate: Option<String>,
    #[serde(default)]
    pub rounding: VatRounding,
}

fn default_taxpayer() -> Taxpayer {
    Taxpayer::General
}

impl Default for VatConfig {
    fn default() -> Self {
        VatConfig {
            taxpayer: Taxpayer::General,
            rate: None,
            rounding: VatRounding::PerRow,
        }
    }
}

/// Where the VAT of gross amounts is rounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatRounding {
    /// Each source row split exactly into net + VAT (the voucher balances by construction).
    #[default]
    PerRow,
    /// VAT computed once per voucher line on the summed net amounts, as an invoice does; the
    /// difference to the gross money goes to an explicit 尾差 line.
    PerVoucher,
}

/// Policy choices accountants disagree on (accounting.md §2), each with a documented default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Default `settlement`: revenue when the platform releases the funds (交易成功), goods in
    /// 发出商品 until then (J2/J3), as most escrow sellers book.
    #[serde(default)]
    pub revenue_recognition: RevenueRecognition,
    /// Default `expense`: platform commission to 销售费用—平台佣金 when deducted (J3);
    /// `pending_invoice` holds it in 其他应收款—平台佣金 until the VAT invoice arrives (J3b).
    #[serde(default)]
    pub commission: CommissionPolicy,
    /// Default `sales_allowance`: 仅退款 reduces revenue (J10, 销售折让).
    #[serde(default)]
    pub refund_only: RefundOnlyPolicy,
    /// Default `by_reason`: 漏发/少发 补发 to 主营业务成本 (J13), other 补发 to 销售费用—售后服务费 (J13b).
    #[serde(default)]
    pub reship_cost: ReshipPolicy,
    /// Default `by_standard`: 销售费用 under 小企业会计准则, revenue reduction under 企业会计准则
    /// (CAS 14 §19) (J15e).
    #[serde(default)]
    pub cashback: CashbackPolicy,
    /// Default `non_operating`: platform penalties to 营业外支出 (J17).
    #[serde(default)]
    pub penalty: PenaltyPolicy,
    /// Default `receivable`: a platform-funded discount is revenue with a receivable from the
    /// platform (J15b); `included` when the income rows already carry it.
    #[serde(default)]
    pub platform_subsidy: SubsidyPolicy,
    /// `MM-DD` by which the annual report is approved: a refund of a prior-year sale up to this
    /// day is flagged as a candidate 资产负债表日后调整事项 under 企业会计准则 (J11). Default `04-30`.
    #[serde(default = "default_approval")]
    pub report_approval: String,
    /// Default `flag`: a 仅退款 whose reason names the carrier (快递丢件/破损) is booked as any
    /// 仅退款, with a note to the reviewer that the 快递公司 may owe compensation; `receivable`
    /// also books the claim, 其他应收款—快递公司 against 营业外收入 (J10b).
    #[serde(default)]
    pub carrier_claim: CarrierClaimPolicy,
    /// Words of an after-sale's reason (退款原因) that make a 仅退款 a carrier case (J10b); any
    /// one of them (without surrounding spaces) anywhere in the reason. Default
    /// [`DEFAULT_CARRIER_KEYWORDS`].
    #[serde(default = "default_carrier_keywords")]
    pub carrier_keywords: Vec<String>,
}

/// Reasons that name the carrier as the cause: 丢件/丢失 in transit, parcels broken on the
/// way, and 淘宝's 未收到货 reason 货物破损已拒签. A bare 破损 is not among them: 商品破损 is
/// what buyers pick for goods that arrived broken, whoever broke them, and a claim booked on
/// it would often not be owed.
pub const DEFAULT_CARRIER_KEYWORDS: &[&str] = &[
    "丢件",
    "丢失",
    "快递破损",
    "物流破损",
    "运输破损",
    "途中破损",
    "包裹破损",
    "破损已拒签",
    "快递损坏",
    "物流损坏",
];

fn default_carrier_keywords() -> Vec<String> {
    DEFAULT_CARRIER_KEYWORDS
        .iter()
        .map(|w| (*w).to_string())
        .collect()
}

fn default_approval() -> String {
    "04-30".into()
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            revenue_recognition: RevenueRecognition::default(),
            commission: CommissionPolicy::default(),
            refund_only: RefundOnlyPolicy::default(),
            reship_cost: ReshipPolicy::default(),
            cashback: CashbackPolicy::default(),
            penalty: PenaltyPolicy::default(),
            platform_subsidy: SubsidyPolicy::default(),
            report_approval: default_approval(),
            carrier_claim: CarrierClaimPolicy::default(),
            carrier_keywords: default_carrier_keywords(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevenueRecognition {
    #[default]
    Settlement,
    Shipment,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommissionPolicy {
    #[default]
    Expense,
    PendingInvoice,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundOnlyPolicy {
    #[default]
    SalesAllowance,
    SellingExpense,
    NonOperating,
}

impl RefundOnlyPolicy {
    /// The event a 仅退款 after revenue books (J10).
    pub fn event(self) -> EventId {
        match self {
            RefundOnlyPolicy::SalesAllowance => EventId::RefundOnlyAllowance,
            RefundOnlyPolicy::SellingExpense => EventId::RefundOnlyCompensation,
            RefundOnlyPolicy::NonOperating => EventId::RefundOnlyNonOperating,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReshipPolicy {
    #[default]
    ByReason,
    Cogs,
    SellingExpense,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CashbackPolicy {
    #[default]
    ByStandard,
    SellingExpense,
    Revenue,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyPolicy {
    #[default]
    NonOperating,
    SellingExpense,
}

/// What a 仅退款 that the carrier caused books besides the refund (J10b).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum CarrierClaimPolicy {
    /// Only a note to the reviewer on the refund's voucher.
    #[default]
    Flag,
    /// The claim as well: 借 其他应收款—快递公司 / 贷 营业外收入.
    Receivable,
}

impl TryFrom<String> for CarrierClaimPolicy {
    type Error = String;

    /// A Chinese message that names the key: serde's own names neither.
    fn try_from(value: String) -> Result<Self, String> {
        match value.as_str() {
            "flag" => Ok(CarrierClaimPolicy::Flag),
            "receivable" => Ok(CarrierClaimPolicy::Receivable),
            other => Err(format!(
                "[policy] carrier_claim（快递丢件/破损的仅退款）不能是“{other}”，应为 \"flag\"（只提示复核）或 \"receivable\"（挂其他应收款—快递公司）"
            )),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubsidyPolicy {
    #[default]
    Receivable,
    Included,
}

/// How records are summarised into vouchers and how vouchers are numbered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoucherConfig {
    /// Voucher grouping: any of `shop`, `day`, `class`, `source`. Default one voucher per shop,
    /// day and event class (建议按日汇总; 不同类别不得汇总). `source` = one voucher per source row.
    #[serde(default = "default_group_by")]
    pub group_by: Vec<GroupKey>,
    /// 凭证字 for every class unless `words` says otherwise. Default `记`.
    #[serde(default = "default_word")]
    pub word: String,
    #[serde(default)]
    pub words: BTreeMap<EventClass, String>,
    /// 制单人 of generated vouchers (the system identity that prepares them).
    #[serde(default = "default_preparer")]
    pub preparer: String,
    /// 附单据数: `rows` (source rows linked, default) or `files` (distinct source files).
    #[serde(default)]
    pub attachments: AttachmentCount,
    /// Largest 尾差 accepted on one voucher, in 分; default one 分 per source row of the voucher.
    #[serde(default)]
    pub rounding_max_fen: Option<i64>,
}

fn default_group_by() -> Vec<GroupKey> {
    vec![GroupKey::Shop, GroupKey::Day, GroupKey::Class]
}
fn default_word() -> String {
    "记".into()
}
fn default_preparer() -> String {
    "duizhang".into()
}

impl Default for VoucherConfig {
    fn default() -> Self {
        VoucherConfig {
            group_by: default_group_by(),
            word: default_word(),
            words: BTreeMap::new(),
            preparer: default_preparer(),
            attachments: AttachmentCount::default(),
            rounding_max_fen: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKey {
    Shop,
    Day,
    Class,
    Source,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentCount {
    #[default]
    Rows,
    Files,
}

impl BooksConfig {
    pub fn from_toml(text: &str) -> Result<BooksConfig, BooksError> {
        toml::from_str(text).map_err(|e| {
            BooksError::config(
                format!("账套配置格式错误：{}", e.message()),
                format!("books TOML: {e}"),
            )
        })
    }

    /// The minimal 账套 of a standard with every default.
    pub fn preset(standard: Standard) -> BooksConfig {
        BooksConfig {
            name: None,
            standard,
            vat: VatConfig::default(),
            chart: ChartConfig::default(),
            policy: Policy::default(),
            vouchers: VoucherConfig::default(),
            u8: U8Config::default(),
            costs: BTreeMap::new(),
        }
    }
}

/// A validated 账套: configuration, chart and rules that fit together.
#[derive(Clone, Debug)]
pub struct Books {
    pub config: BooksConfig,
    pub chart: Chart,
    pub rules: Rules,
    pub vat_rate: RatePpm,
    pub costs: BTreeMap<String, Fen>,
    /// (month, day) of `report_approval`.
    pub approval: (i8, i8),
    /// Optional fields of the 用友 text export and journal import.
    pub u8: U8Layout,
    /// Fingerprint of the rules, policy and VAT settings in force, recorded on every generated
    /// voucher so an automatically prepared voucher names the rule set behind it.
    pub rules_version: String,
}

#[derive(Serialize)]
struct Fingerprint<'a> {
    standard: Standard,
    vat: &'a VatConfig,
    policy: &'a Policy,
    classify: &'a [crate::rules::ClassifyRule],
    events: &'a BTreeMap<crate::rules::EventId, crate::rules::EventRule>,
}

/// FNV-1a, 64 bits: stable across builds and platforms (unlike the std hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Books {
    pub fn new(config: BooksConfig, rules: Rules) -> Result<Books, BooksError> {
        let chart = Chart::build(config.standard, config.vat.taxpayer, &config.chart)?;
        rules.validate(&chart)?;
        let rate_text = config
            .vat
            .rate
            .clone()
            .unwrap_or_else(|| match config.vat.taxpayer {
                Taxpayer::General => "13%".into(),
                Taxpayer::SmallScale => "1%".into(),
                Taxpayer::None => "0%".into(),
            });
        let vat_rate = RatePpm::parse(&rate_text).map_err(|e| {
            BooksError::config(
                format!("增值税税率“{rate_text}”无效：{}", e.zh()),
                format!("vat rate: {e}"),
            )
        })?;
        if !(0..1_000_000).contains(&vat_rate.0) {
            return Err(BooksError::config(
                format!("增值税税率“{rate_text}”超出范围（应写作 13% 或 0.13）"),
                format!("vat rate {rate_text} out of range"),
            ));
        }
        if config.vat.taxpayer == Taxpayer::None && vat_rate.0 != 0 {
            return Err(BooksError::config(
                "不计增值税（taxpayer = \"none\"）时不能设置税率",
                "vat rate set with taxpayer none",
            ));
        }
        let mut costs = BTreeMap::new();
        for (sku, text) in &config.costs {
            let fen = Fen::parse_yuan(text).map_err(|e| {
                BooksError::config(
                    format!("商品“{sku}”的单位成本无效：{}", e.zh()),
                    format!("cost of {sku}: {e}"),
                )
            })?;
            if fen.get() < 0 {
                return Err(BooksError::config(
                    format!("商品“{sku}”的单位成本不能为负"),
                    format!("negative cost of {sku}"),
                ));
            }
            costs.insert(sku.clone(), fen);
        }
        let approval = parse_month_day(&config.policy.report_approval)?;
        check_carrier_claim(&config.policy, &rules)?;
        let layout = u8_layout(&config.u8)?;
        if config.vouchers.group_by.is_empty() {
            return Err(BooksError::config(
                "凭证汇总方式（group_by）不能为空",
                "empty group_by",
            ));
        }
        if config.vouchers.word.trim().is_empty()
            || config.vouchers.words.values().any(|w| w.trim().is_empty())
        {
            return Err(BooksError::config("凭证字不能为空", "empty voucher word"));
        }
        if config.vouchers.rounding_max_fen.is_some_and(|m| m < 0) {
            return Err(BooksError::config(
                "尾差上限不能为负",
                "negative rounding_max_fen",
            ));
        }
        let canonical = toml::to_string(&Fingerprint {
            standard: config.standard,
            vat: &config.vat,
            policy: &config.policy,
            classify: &rules.classify,
            events: &rules.events,
        })
        .map_err(|e| BooksError::config("凭证规则无法序列化", format!("fingerprint: {e}")))?;
        let rules_version = format!("{:016x}", fnv1a(canonical.as_bytes()));
        Ok(Books {
            config,
            chart,
            rules,
            vat_rate,
            costs,
            approval,
            u8: layout,
            rules_version,
        })
    }

    /// The 凭证字 of an event class.
    pub fn word(&self, class: EventClass) -> &str {
        self.config
            .vouchers
            .words
            .get(&class)
            .unwrap_or(&self.config.vouchers.word)
    }
}

fn u8_layout(config: &U8Config) -> Result<U8Layout, BooksError> {
    let mut fields = Vec::new();
    for name in &config.fields {
        let field = U8Field::from_name(name.trim()).ok_or_else(|| {
            BooksError::config(
                format!(
                    "账套 [u8] fields 中的“{name}”不是用友凭证引入的字段，可用：{}",
                    U8Field::all_names()
                ),
                format!("[u8] fields: unknown field {name:?}"),
            )
        })?;
        if fields.contains(&field) {
            return Err(BooksError::config(
                format!("账套 [u8] fields 中“{name}”出现了两次"),
                format!("[u8] fields: {name:?} twice"),
            ));
        }
        fields.push(field);
    }
    let shop = match config.shop_field.as_deref() {
        None => None,
        Some(name) => {
            let field = U8Field::from_name(name.trim())
                .filter(|f| U8Field::SHOP_CAPABLE.contains(f))
                .ok_or_else(|| {
                    BooksError::config(
                        format!(
                            "账套 [u8] shop_field 不能是“{name}”，应为 {} 之一",
                            U8Field::SHOP_CAPABLE.map(U8Field::zh).join("、")
                        ),
                        format!("[u8] shop_field: {name:?} cannot carry the shop"),
                    )
                })?;
            if !fields.contains(&field) {
                return Err(BooksError::config(
                    format!("账套 [u8] shop_field 为“{name}”，但 [u8] fields 没有列出“{name}”"),
                    format!("[u8] shop_field {name:?} not in fields"),
                ));
            }
            Some(field)
        }
    };
    Ok(U8Layout { fields, shop })
}

/// Carrier keywords must be words (an empty one would match every reason), and the claim must
/// land on the voucher of the refund it comes from: it has no source link of its own (the
/// refund row and its after-sale are linked there), so its event must be of the same class.
fn check_carrier_claim(policy: &Policy, rules: &Rules) -> Result<(), BooksError> {
    if policy.carrier_keywords.iter().any(|w| w.trim().is_empty()) {
        return Err(BooksError::config(
            "[policy] carrier_keywords（快递丢件/破损的退款原因关键词）不能含空字符串",
            "empty word in carrier_keywords",
        ));
    }
    if policy.carrier_claim != CarrierClaimPolicy::Receivable {
        return Ok(());
    }
    let refund_only = policy.refund_only.event();
    let class = |id: EventId| rules.event(id).map(|r| r.class);
    if class(EventId::CarrierClaim) != class(refund_only) {
        let zh = |id: EventId| class(id).map_or("", EventClass::zh);
        return Err(BooksError::config(
            format!(
                "业务事项“CarrierClaim”（快递索赔）的类别“{}”须与仅退款（{refund_only:?}）的类别“{}”相同：索赔与退款记在同一张凭证上",
                zh(EventId::CarrierClaim),
                zh(refund_only)
            ),
            format!("carrier_claim class differs from {refund_only:?}"),
        ));
    }
    Ok(())
}

fn parse_month_day(text: &str) -> Result<(i8, i8), BooksError> {
    let bad = || {
        BooksError::config(
            format!("年报批准日“{text}”应写作 MM-DD"),
            format!("report_approval {text:?} is not MM-DD"),
        )
    };
    let (m, d) = text.trim().split_once('-').ok_or_else(bad)?;
    let month: i8 = m.parse().map_err(|_| bad())?;
    let day: i8 = d.parse().map_err(|_| bad())?;
    jiff::civil::Date::new(2024, month, day).map_err(|_| bad())?;
    Ok((month, day))
}
