//! BALANCE_BREAK's second half: a fund-flow file whose own footer totals disagree with its
//! rows. The import layer computes the difference; this turns it into a finding of the shop
//! that owns the account.

use duizhang_core::*;

use crate::settings::{Settings, provider_platform};

/// A control total of a fund-flow file that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenTotal {
    pub file: String,
    pub provider: FundProvider,
    pub account: Option<String>,
    /// What the total is (`支出合计`).
    pub label: String,
    pub line: Option<u32>,
    pub stated_count: Option<u64>,
    pub stated: Option<Fen>,
    pub counted: u64,
    pub summed: Fen,
}

/// One BALANCE_BREAK finding per broken total (skipped where the check is switched off for
/// the shop or no shop owns the account).
pub fn broken_total_findings(
    settings: &Settings,
    period: Period,
    broken: &[BrokenTotal],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for b in broken {
        let platform = provider_platform(b.provider);
        let Some(shop) = settings.resolve_shop(platform, None, b.account.as_deref()) else {
            continue;
        };
        let Some(check) = settings.check(&shop, "BALANCE_BREAK").filter(|c| c.enabled) else {
            continue;
        };
        let platform = settings.shop(&shop).map_or(platform, |s| s.platform);
        let amounts = b.stated.map(|s| (s, b.summed));
        let count_text = match b.stated_count {
            Some(c) if c != b.counted => format!("，笔数声明 {c} 笔、明细 {} 笔", b.counted),
            _ => String::new(),
        };
        let amount_text = match amounts {
            Some((s, a)) if s != a => {
                format!("，金额声明 {s} 元、明细合计 {a} 元，差额 {} 元", a - s)
            }
            _ => String::new(),
        };
        out.push(Finding {
            code: "BALANCE_BREAK".into(),
            severity: check.severity,
            owner: check.owner,
            platform,
            shop,
            order_no: None,
            refund_no: None,
            txn_no: None,
            sku: None,
            expected_fen: amounts.map(|(s, _)| s.get()),
            actual_fen: amounts.map(|(_, a)| a.get()),
            diff_fen: amounts.map(|(s, a)| a.get() - s.get()),
            occurred_at: period.end().iso(),
            message: format!(
                "{} 的“{}”与明细不符{count_text}{amount_text}：文件可能不完整或被改动。",
                b.file, b.label
            ),
            evidence: vec![Evidence {
                file: b.file.clone(),
                line: b.line.unwrap_or(0),
                kind: RecordKind::FundFlow,
            }],
        });
    }
    out
}
