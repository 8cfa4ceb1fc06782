//! The report as data: sections of titled tables and charts. Built once ([`crate::build`]),
//! rendered twice (workbook and HTML), so both always say the same.

use duizhang_metrics::Value;

#[derive(Clone, Debug)]
pub struct Report {
    /// `禾木家居 2026年10月 对账报告`.
    pub title: String,
    pub period: String,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug)]
pub struct Section {
    /// The sheet name in the workbook (≤ 31 characters).
    pub sheet: String,
    pub title: String,
    /// Short paragraphs above the tables.
    pub notes: Vec<String>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The last row is a total (shown bold).
    pub total_row: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// 分, shown as 元 with two decimals.
    Money(i64),
    Count(i64),
    /// A metric's value (percent, hours, money, count).
    Metric(Value),
    /// A change on last period, already worded (`+1.20 个百分点`, `−3.5%`), and whether it is
    /// a change for the worse (shown in red).
    Change(String, bool),
    Empty,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Cell {
        Cell::Text(t.into())
    }

    /// The cell as text (HTML, and what a chart's label reads).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(t) | Cell::Change(t, _) => t.clone(),
            Cell::Money(f) => money(*f),
            Cell::Count(n) => thousands(&n.to_string()),
            Cell::Metric(v) => match v {
                Value::Money { fen } => money(*fen),
                Value::Count { n } => thousands(&n.to_string()),
                _ => v.text(),
            },
            Cell::Empty => String::new(),
        }
    }

    /// Right-aligned in tables.
    pub fn numeric(&self) -> bool {
        matches!(
            self,
            Cell::Money(_) | Cell::Count(_) | Cell::Metric(_) | Cell::Change(..)
        )
    }
}

/// `1234567.8` yuan of 分 as `1,234,567.80`.
pub fn money(fen: i64) -> String {
    let text = duizhang_core::Fen::new(fen).to_string();
    thousands(&text)
}

/// Groups the integer digits of a decimal text by thousands.
pub fn thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[derive(Clone, Debug)]
pub struct Chart {
    pub title: String,
    pub kind: ChartKind,
    /// What the values are in (`元`, `%`, `笔`).
    pub unit: String,
    /// Bars (or points) in order: label and value scaled as [`Value::scaled`] gives it, with
    /// the text written at the bar.
    pub bars: Vec<Bar>,
}

#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Horizontal bars, one per label (shops, reasons, SKUs).
    Bars,
    /// Vertical columns over time (weeks, months).
    Columns,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(money(123_456_789), "1,234,567.89");
        assert_eq!(money(-100), "-1.00");
        assert_eq!(money(99_999), "999.99");
        assert_eq!(thousands("1000"), "1,000");
    }
}
