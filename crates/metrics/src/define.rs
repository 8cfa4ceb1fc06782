//! The metrics, each defined once: code, Chinese name, formula, unit, and how it is computed
//! from a group's [`Figures`]. docs/report.md lists the same table (a test keeps them equal).

use duizhang_core::Fen;
use serde::{Deserialize, Serialize};

use crate::figures::Figures;

/// How a metric's value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share: numerator ÷ denominator.
    Percent,
    /// An amount in 分.
    Money,
    /// A count.
    Count,
    /// A mean duration: seconds ÷ count, shown in hours.
    Hours,
}

impl Unit {
    pub fn zh(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Money => "元",
            Unit::Count => "笔",
            Unit::Hours => "小时",
        }
    }
}

/// A metric's value: exact integers, rendered by [`Value::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", rename_all = "snake_case")]
pub enum Value {
    Percent { num: i64, den: i64 },
    Money { fen: i64 },
    Count { n: i64 },
    Hours { secs: i64, n: i64 },
}

impl Value {
    /// The value scaled to a number for charts and comparisons: percent in basis points
    /// (1/100 %), money in 分, hours in hundredths; `None` where the denominator is zero.
    pub fn scaled(self) -> Option<i64> {
        match self {
            Value::Percent { num, den } => ratio_rounded(num * 10_000, den),
            Value::Money { fen } => Some(fen),
            Value::Count { n } => Some(n),
            Value::Hours { secs, n } => ratio_rounded(secs * 100, n * 3600),
        }
    }

    /// `12.34%`, `1234.56`, `7`, `36.50`; `—` where there is nothing to divide by.
    pub fn text(self) -> String {
        match (self, self.scaled()) {
            (_, None) => "—".to_string(),
            (Value::Money { fen }, _) => Fen::new(fen).to_string(),
            (Value::Count { n }, _) => n.to_string(),
            (Value::Percent { .. }, Some(bp)) => format!("{}%", hundredths(bp)),
            (Value::Hours { .. }, Some(h)) => hundredths(h),
        }
    }
}

/// `a / b` rounded half away from zero; `None` when `b` is zero.
pub fn ratio_rounded(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let (q, r) = (a / b, a % b);
    Some(if 2 * r.abs() >= b.abs() {
        q + if (a < 0) == (b < 0) { 1 } else { -1 }
    } else {
        q
    })
}

/// Hundredths as a decimal text with two places: `1234` → `12.34`.
pub fn hundredths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// One metric of the table.
pub struct MetricDef {
    pub code: &'static str,
    pub zh: &'static str,
    /// The formula in the words of the report.
    pub formula: &'static str,
    pub unit: Unit,
    pub eval: fn(&Figures) -> Value,
}

fn pct(num: i64, den: i64) -> Value {
    Value::Percent { num, den }
}

/// Every metric, in the order the report shows them.
pub const METRICS: &[MetricDef] = &[
    MetricDef {
        code: "orders",
        zh: "订单数",
        formula: "本期付款的订单（不含未付款、已取消）",
        unit: Unit::Count,
        eval: |f| Value::Count { n: f.orders },
    },
    MetricDef {
        code: "gmv",
        zh: "订单实付金额",
        formula: "Σ 这些订单的买家实付",
        unit: Unit::Money,
        eval: |f| Value::Money { fen: f.gmv_fen },
    },
    MetricDef {
        code: "after_sales",
        zh: "售后单数",
        formula: "本期申请的售后单（各类型、各状态）",
        unit: Unit::Count,
        eval: |f| Value::Count { n: f.after_sales },
    },
    MetricDef {
        code: "after_sale_rate",
        zh: "售后率",
        formula: "有售后单的订单数 ÷ 订单数",
        unit: Unit::Percent,
        eval: |f| pct(f.after_sale_orders, f.orders),
    },
    MetricDef {
        code: "return_rate",
        zh: "退货率",
        formula: "有退货退款售后单的订单数 ÷ 订单数",
        unit: Unit::Percent,
        eval: |f| pct(f.return_orders, f.orders),
    },
    MetricDef {
        code: "refund_amount",
        zh: "退款金额",
        formula: "Σ 售后单的已退款金额",
        unit: Unit::Money,
        eval: |f| Value::Money { fen: f.refund_fen },
    },
    MetricDef {
        code: "refund_rate",
        zh: "退款率",
        formula: "退款金额 ÷ 订单实付金额",
        unit: Unit::Percent,
        eval: |f| pct(f.refund_fen, f.gmv_fen),
    },
    MetricDef {
        code: "refund_only_share",
        zh: "仅退款占比",
        formula: "仅退款售后单数 ÷ 售后单数",
        unit: Unit::Percent,
        eval: |f| pct(f.refund_only, f.after_sales),
    },
    MetricDef {
        code: "refund_only_amount",
        zh: "仅退款金额",
        formula: "Σ 仅退款售后单的已退款金额",
        unit: Unit::Money,
        eval: |f| Value::Money {
            fen: f.refund_only_fen,
        },
    },
    MetricDef {
        code: "complaint_rate",
        zh: "客户投诉率",
        formula: "类型为“投诉”的客服工单数 ÷ 订单数",
        unit: Unit::Percent,
        eval: |f| pct(f.complaints, f.orders),
    },
    MetricDef {
        code: "avg_handling_hours",
        zh: "平均售后处理时长",
        formula: "Σ（完成时间 − 申请时间）÷ 两个时间都有的已完成售后单数",
        unit: Unit::Hours,
        eval: |f| Value::Hours {
            secs: f.handling_secs,
            n: f.handled,
        },
    },
    MetricDef {
        code: "after_sale_cost",
        zh: "售后成本",
        formula: "已发货仅退款金额 + 资金流水中的退货/补发运费支出 − 资金流水中的赔付收入",
        unit: Unit::Money,
        eval: |f| Value::Money {
            fen: f.shipped_refund_only_fen + f.postage_fen - f.claims_fen,
        },
    },
];

/// The definition of `code`.
pub fn metric(code: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_away_from_zero_to_a_hundredth_of_a_percent() {
        assert_eq!(pct(1, 3).text(), "33.33%");
        assert_eq!(pct(2, 3).text(), "66.67%");
        assert_eq!(pct(1, 8).text(), "12.50%");
        assert_eq!(pct(1, 0).text(), "—");
        assert_eq!(Value::Hours { secs: 5400, n: 1 }.text(), "1.50");
        assert_eq!(Value::Money { fen: -12345 }.text(), "-123.45");
    }

    #[test]
    fn metric_codes_are_unique() {
        let mut codes: Vec<&str> = METRICS.iter().map(|m| m.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), METRICS.len());
    }
}
