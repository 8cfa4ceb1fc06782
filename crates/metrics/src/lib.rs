//! After-sales and reconciliation metrics of one period (`metrics.json`), computed from the
//! period's records and the engine's outcome. Pure: no I/O, deterministic output order.
//!
//! Each metric is defined once ([`define::METRICS`]) over integer [`Figures`]; figures are
//! added up per group (the whole period, each shop, platform, SKU, reason, after-sale type and
//! week). The after-sales and tickets behind the figures are listed in [`Metrics::records`]
//! with every dimension's value, so that each number can be recomputed by filtering them.

pub mod compute;
pub mod define;
pub mod figures;
pub mod reconciliation;

use serde::{Deserialize, Serialize};

pub use compute::compute;
pub use define::{METRICS, MetricDef, Unit, Value, metric};
pub use figures::Figures;
pub use reconciliation::{OwnerTally, Reconciliation, ShopTally};

/// A way to group records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Total,
    Shop,
    Platform,
    Sku,
    Reason,
    Kind,
    Week,
}

impl Dimension {
    pub fn zh(self) -> &'static str {
        match self {
            Dimension::Total => "全部",
            Dimension::Shop => "店铺",
            Dimension::Platform => "平台",
            Dimension::Sku => "商品（商家编码）",
            Dimension::Reason => "售后原因",
            Dimension::Kind => "售后类型",
            Dimension::Week => "周",
        }
    }
}

/// The figures of one group and its metrics' values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub dimension: Dimension,
    /// The grouping value as records hold it (shop id, platform code, SKU, reason text, …).
    pub key: String,
    /// What a person reads (shop name, 平台, `10月1日–7日`, …).
    pub label: String,
    pub figures: Figures,
    /// One value per metric of [`METRICS`], by code.
    pub values: Vec<(String, Value)>,
}

impl Group {
    pub fn value(&self, code: &str) -> Option<Value> {
        self.values.iter().find(|(c, _)| c == code).map(|(_, v)| *v)
    }
}

/// An after-sale or ticket behind the figures, with the value of each dimension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// `after_sale` or `complaint`.
    pub kind: String,
    /// 售后单号 / 工单号.
    pub key: String,
    pub order_no: Option<String>,
    pub shop: String,
    pub platform: String,
    pub skus: Vec<String>,
    pub reason: Option<String>,
    /// 仅退款 / 退货退款 / 换货 / 补发 for after-sales.
    pub after_sale_type: Option<String>,
    pub week: String,
    pub refunded_fen: i64,
    pub file: String,
    pub line: u32,
}

/// `metrics.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    /// `2026-10`.
    pub period: String,
    /// The metric table (code, name, formula, unit), so the file explains itself.
    pub definitions: Vec<Definition>,
    pub groups: Vec<Group>,
    pub reconciliation: Reconciliation,
    /// The period's vouchers, when the run generated them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vouchers: Option<VoucherFigures>,
    /// What the metrics cannot see, in Chinese.
    pub not_available: Vec<String>,
    /// Records dated outside the period, not counted.
    pub outside_period: u64,
    pub records: Vec<SourceRecord>,
}

impl Metrics {
    /// The groups of one dimension, in output order.
    pub fn groups(&self, dimension: Dimension) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(move |g| g.dimension == dimension)
    }

    /// The whole period's group.
    pub fn total(&self) -> Option<&Group> {
        self.groups(Dimension::Total).next()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub code: String,
    pub zh: String,
    pub formula: String,
    pub unit: Unit,
}

/// The period's vouchers: how many and their debit total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoucherFigures {
    pub count: u64,
    pub debit_fen: i64,
    /// First and last voucher number, when numbered.
    pub numbers: Option<String>,
}
