//! Beancount: one transaction per voucher, accounts named by category and code path
//! (`Assets:1012:101201`) with the Chinese name as metadata. Must pass `bean-check`.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::chart::{Category, Chart};
use crate::error::BooksError;
use crate::voucher::Voucher;

/// A Beancount string: quotes and backslashes escaped; line breaks and other control
/// characters (which the files we read may carry) become spaces, so every value is one line.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Assets:1012:101201`: the root of the account's category, then the codes of its ancestors.
fn account_name(chart: &Chart, code: &str) -> Result<String, BooksError> {
    let category = Category::of(chart.standard, code).ok_or_else(|| {
        BooksError::export(
            format!("科目“{code}”无法归类"),
            format!("no category for {code}"),
        )
    })?;
    let root = match category {
        Category::Asset | Category::Cost => "Assets",
        Category::Liability => "Liabilities",
        Category::Equity => "Equity",
        Category::Income => "Income",
        Category::Expense => "Expenses",
    };
    let mut path = vec![code.to_string()];
    let mut current = code.to_string();
    while let Some(parent) = chart.parent(&current) {
        path.push(parent.code.clone());
        current.clone_from(&parent.code);
    }
    path.reverse();
    Ok(format!("{root}:{}", path.join(":")))
}

pub fn beancount(vouchers: &[Voucher], chart: &Chart) -> Result<Vec<u8>, BooksError> {
    super::validated(vouchers, chart)?;
    let mut out = String::new();
    let mut w = |s: String| out.push_str(&s);
    w("option \"operating_currency\" \"CNY\"\n".into());
    w(format!(
        "option \"title\" {}\n\n",
        quote(&format!("duizhang {}", chart.standard.zh()))
    ));
    // Accounts open before the first entry that uses them.
    let opened = vouchers
        .iter()
        .map(|v| v.period.start().date().min(v.date))
        .min()
        .unwrap_or_default();
    let codes: BTreeSet<&str> = vouchers
        .iter()
        .flat_map(|v| v.lines.iter().map(|l| l.account.as_str()))
        .collect();
    for code in codes {
        w(format!(
            "{opened} open {} CNY\n",
            account_name(chart, code)?
        ));
        w(format!("  name: {}\n", quote(&chart.full_name(code))));
    }
    for v in vouchers {
        let narration = v
            .lines
            .first()
            .map(|l| l.summary.as_str())
            .unwrap_or_default();
        let mut t = String::new();
        // `!` until a reviewer approved the voucher: machine-made vouchers need review.
        let flag = if v.reviewer.is_some() { '*' } else { '!' };
        let _ = writeln!(
            t,
            "\n{} {flag} {} {}",
            v.date,
            quote(&v.label()),
            quote(narration)
        );
        let _ = writeln!(t, "  period: {}", quote(&v.period.to_string()));
        let _ = writeln!(t, "  attachments: {}", v.attachments);
        let _ = writeln!(t, "  preparer: {}", quote(&v.preparer));
        if let Some(reviewer) = &v.reviewer {
            let _ = writeln!(t, "  reviewer: {}", quote(reviewer));
        }
        if let Some(version) = &v.rules_version {
            let _ = writeln!(t, "  rules_version: {}", quote(version));
        }
        if let Some(shop) = &v.shop {
            let _ = writeln!(t, "  shop: {}", quote(shop));
        }
        if !v.links.is_empty() {
            let sources: Vec<String> = v
                .links
                .iter()
                .map(|l| format!("{}:{}", l.kind.code(), l.key))
                .collect();
            let _ = writeln!(t, "  sources: {}", quote(&sources.join(" ")));
        }
        // bean-check refuses a metadata key twice on one entry: the notes share one key.
        if !v.flags.is_empty() {
            let notes: Vec<String> = v.flags.iter().map(|f| f.zh()).collect();
            let _ = writeln!(t, "  flag: {}", quote(&notes.join("；")));
        }
        for l in &v.lines {
            let amount = l.debit - l.credit;
            let _ = writeln!(t, "  {}  {} CNY", account_name(chart, &l.account)?, amount);
            let _ = writeln!(t, "    summary: {}", quote(&l.summary));
            for (key, value) in [
                ("shop", &l.aux.shop),
                ("customer", &l.aux.customer),
                ("department", &l.aux.department),
            ] {
                if let Some(value) = value {
                    let _ = writeln!(t, "    {key}: {}", quote(value));
                }
            }
        }
        w(t);
    }
    Ok(out.into_bytes())
}
