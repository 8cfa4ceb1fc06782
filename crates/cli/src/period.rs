//! Reading `--period`: a month, an ISO week or a day for a check run; a month where the work is
//! monthly (import, vouchers, close, archive).

use duizhang_core::Period;

/// `2026-10`, `2026-W42` or `2026-10-15`, refused with the reason in Chinese.
pub fn any(text: &str) -> anyhow::Result<Period> {
    Period::read(text).map_err(|e| anyhow::anyhow!(e.zh()))
}

/// A calendar month: `what` (导入、凭证、结账、归档) is done by accounting month.
pub fn month(text: &str, what: &str) -> anyhow::Result<Period> {
    let period = any(text)?;
    if !period.is_month() {
        anyhow::bail!(
            "{what}按会计月份进行：期间“{period}”是一{}，请给出月份（如 {}）",
            match period.kind() {
                duizhang_core::PeriodKind::Week => "周",
                _ => "天",
            },
            Period::of(period.start())
        );
    }
    Ok(period)
}
