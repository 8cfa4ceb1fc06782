//! Voucher rules as data (TOML): which fund-flow rows are which business event, and for each
//! event of accounting.md §2 which accounts on which side with which 摘要. The defaults are
//! embedded (`rules/default.toml`); a seller overrides them with their own file, no rebuild.

use std::collections::BTreeMap;

use duizhang_core::{Fen, FlowKind, FundFlowRow};
use serde::{Deserialize, Serialize};

use crate::chart::{Chart, is_role};
use crate::error::BooksError;

pub const DEFAULT_RULES: &str = include_str!("../rules/default.toml");

/// What a fund-flow row is, for booking. The generator turns a class into an event, using the
/// records around the row (`sale`, `refund`) or a policy (`cashback`, `penalty`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowClass {
    Sale,
    Refund,
    SubsidyReceived,
    Commission,
    PlatformFee,
    Points,
    PaymentFee,
    Withdrawal,
    Deposit,
    Freight,
    FreightInsurance,
    CashDiscount,
    Cashback,
    Penalty,
}

impl FlowClass {
    /// Whether a row that moved `amount` (+ in, − out) can be of this class. A sale is money
    /// in and a refund to a buyer money out, whatever the row's type text says (formats.md
    /// §1.4); the other classes book a charge and its reversal alike.
    pub fn fits(self, amount: Fen) -> bool {
        match self {
            FlowClass::Sale => amount.get() >= 0,
            FlowClass::Refund => amount.get() <= 0,
            _ => true,
        }
    }
}

/// The business events of accounting.md §2 that produce entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventId {
    AdvanceReceived,
    AdvanceRecognised,
    ShipmentDeferred,
    SaleSettled,
    SaleCost,
    SaleShipped,
    ShipmentCost,
    SaleCollected,
    SubsidyReceived,
    Commission,
    CommissionPending,
    PlatformFee,
    Points,
    PaymentFee,
    Freight,
    FreightInsurance,
    CashDiscount,
    CashbackExpense,
    CashbackRevenue,
    PenaltyNonOperating,
    PenaltyExpense,
    Withdrawal,
    Deposit,
    RefundBeforeRevenue,
    RefundReturn,
    RefundOnlyAllowance,
    RefundOnlyCompensation,
    RefundOnlyNonOperating,
    CarrierClaim,
    ReturnBeforeRevenue,
    ReturnCost,
    ReturnDamaged,
    ExchangeDamaged,
    ExchangeCost,
    ReshipMissing,
    ReshipReplacement,
}

impl EventId {
    pub const ALL: [EventId; 36] = [
        EventId::AdvanceReceived,
        EventId::AdvanceRecognised,
        EventId::ShipmentDeferred,
        EventId::SaleSettled,
        EventId::SaleCost,
        EventId::SaleShipped,
        EventId::ShipmentCost,
        EventId::SaleCollected,
        EventId::SubsidyReceived,
        EventId::Commission,
        EventId::CommissionPending,
        EventId::PlatformFee,
        EventId::Points,
        EventId::PaymentFee,
        EventId::Freight,
        EventId::FreightInsurance,
        EventId::CashDiscount,
        EventId::CashbackExpense,
        EventId::CashbackRevenue,
        EventId::PenaltyNonOperating,
        EventId::PenaltyExpense,
        EventId::Withdrawal,
        EventId::Deposit,
        EventId::RefundBeforeRevenue,
        EventId::RefundReturn,
        EventId::RefundOnlyAllowance,
        EventId::RefundOnlyCompensation,
        EventId::RefundOnlyNonOperating,
        EventId::CarrierClaim,
        EventId::ReturnBeforeRevenue,
        EventId::ReturnCost,
        EventId::ReturnDamaged,
        EventId::ExchangeDamaged,
        EventId::ExchangeCost,
        EventId::ReshipMissing,
        EventId::ReshipReplacement,
    ];
}

/// Event classes: what accountants keep on separate vouchers (会计基础工作规范 第五十一条(三)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventClass {
    Sales,
    Refunds,
    Fees,
    Withdrawals,
    Inventory,
}

impl EventClass {
    pub fn zh(self) -> &'static str {
        match self {
            EventClass::Sales => "销售",
            EventClass::Refunds => "退款",
            EventClass::Fees => "费用",
            EventClass::Withdrawals => "资金调拨",
            EventClass::Inventory => "存货",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    #[serde(alias = "借")]
    Debit,
    #[serde(alias = "贷")]
    Credit,
}

/// Which amount of an event a leg books.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Amount,
    Net,
    Vat,
    Cost,
    Subsidy,
    SubsidyNet,
    SubsidyVat,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    pub side: Side,
    /// A role of the chart, or `fund` (the fund account of the row).
    pub account: String,
    pub amount: Component,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRule {
    /// The entry number of accounting.md §2 (J3, J9 …), for people.
    pub code: String,
    pub class: EventClass,
    /// 摘要 template.
    pub summary: String,
    pub legs: Vec<Leg>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifyRule {
    #[serde(default)]
    pub kinds: Vec<FlowKind>,
    #[serde(default)]
    pub text_any: Vec<String>,
    pub class: FlowClass,
}

impl ClassifyRule {
    /// Whether the rule applies to `row` taken as a row of `kind`.
    fn matches(&self, row: &FundFlowRow, kind: FlowKind) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && (self.text_any.is_empty()
                || self.text_any.iter().any(|w| {
                    row.kind_text.contains(w.as_str())
                        || row.memo.as_deref().is_some_and(|m| m.contains(w.as_str()))
                }))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    classify: Option<Vec<ClassifyRule>>,
    #[serde(default)]
    events: BTreeMap<EventId, EventRule>,
}

/// The rules in force: defaults, then the seller's overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub classify: Vec<ClassifyRule>,
    pub events: BTreeMap<EventId, EventRule>,
}

const PLACEHOLDERS: &[&str] = &[
    "{date}",
    "{shop}",
    "{platform}",
    "{count}",
    "{cross}",
    "{ref}",
];

impl Rules {
    /// The embedded defaults.
    pub fn defaults() -> Result<Rules, BooksError> {
        let file = parse(DEFAULT_RULES, "默认凭证规则")?;
        let rules = Rules {
            classify: file.classify.unwrap_or_default(),
            events: file.events,
        };
        rules.check_complete()?;
        Ok(rules)
    }

    /// The seller's rules over these: a `classify` list replaces the list, each event
    /// replaces the event of the same id.
    pub fn with_overrides(mut self, text: &str) -> Result<Rules, BooksError> {
        let file = parse(text, "凭证规则")?;
        if let Some(classify) = file.classify {
            self.classify = classify;
        }
        self.events.extend(file.events);
        self.check_complete()?;
        Ok(self)
    }

    fn check_complete(&self) -> Result<(), BooksError> {
        for id in EventId::ALL {
            let rule = self.events.get(&id).ok_or_else(|| {
                BooksError::config(
                    format!("凭证规则缺少业务事项“{id:?}”"),
                    format!("rules lack event {id:?}"),
                )
            })?;
            if rule.legs.is_empty() {
                return Err(BooksError::config(
                    format!("业务事项“{id:?}”没有分录"),
                    format!("event {id:?} has no legs"),
                ));
            }
            for leg in &rule.legs {
                if leg.account != "fund" && !is_role(&leg.account) {
                    return Err(BooksError::config(
                        format!(
                            "业务事项“{id:?}”的分录科目“{}”不是已知的科目用途",
                            leg.account
                        ),
                        format!("event {id:?}: unknown role {:?}", leg.account),
                    ));
                }
            }
            let mut rest = rule.summary.as_str();
            while let Some(open) = rest.find('{') {
                let close = rest[open..]
                    .find('}')
                    .map(|c| open + c + 1)
                    .ok_or_else(|| {
                        BooksError::config(
                            format!("业务事项“{id:?}”的摘要模板括号不完整"),
                            format!("event {id:?}: unclosed placeholder"),
                        )
                    })?;
                let placeholder = &rest[open..close];
                if !PLACEHOLDERS.contains(&placeholder) {
                    return Err(BooksError::config(
                        format!("业务事项“{id:?}”的摘要模板含未知占位符“{placeholder}”"),
                        format!("event {id:?}: unknown placeholder {placeholder}"),
                    ));
                }
                rest = &rest[close..];
            }
        }
        Ok(())
    }

    /// Every role the rules use exists in the chart as a last-level account (fund roles are
    /// checked per row, as sellers split them into sub-accounts).
    pub fn validate(&self, chart: &Chart) -> Result<(), BooksError> {
        for (id, rule) in &self.events {
            for leg in &rule.legs {
                if leg.account == "fund" || leg.account.starts_with("fund_") {
                    continue;
                }
                let code = chart.role(&leg.account).ok_or_else(|| {
                    BooksError::config(
                        format!(
                            "业务事项“{id:?}”用到的科目用途“{}”在{}科目表中没有对应科目",
                            leg.account,
                            chart.standard.zh()
                        ),
                        format!("event {id:?}: role {} not mapped", leg.account),
                    )
                })?;
                chart.require_leaf(code)?;
            }
        }
        Ok(())
    }

    pub fn classify(&self, row: &FundFlowRow) -> Option<FlowClass> {
        self.classify_as(row, row.kind)
    }

    /// The class of `row` had its kind been `kind` (a row whose kind other records tell
    /// better than its own text: a 资金表 outflow that a 结算单 says is a refund). A rule whose
    /// class goes the other way than the row's money is passed over, so a seller's rules
    /// cannot book an outflow as a sale either.
    pub fn classify_as(&self, row: &FundFlowRow, kind: FlowKind) -> Option<FlowClass> {
        self.classify
            .iter()
            .find(|r| r.class.fits(row.amount) && r.matches(row, kind))
            .map(|r| r.class)
    }

    pub fn event(&self, id: EventId) -> Option<&EventRule> {
        self.events.get(&id)
    }
}

fn parse(text: &str, what: &str) -> Result<RulesFile, BooksError> {
    toml::from_str(text).map_err(|e| {
        BooksError::config(
            format!("{what}格式错误：{}", e.message()),
            format!("rules TOML: {e}"),
        )
    })
}
