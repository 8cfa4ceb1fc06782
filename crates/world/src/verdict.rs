//! Reading a run against the world's truth: which findings a clean world should not have,
//! grouped by code and story shape, with the known gaps set aside.

use std::collections::BTreeMap;

use duizhang_core::{Finding, Platform};

use crate::gaps;
use crate::month::{Month, Ran};
use crate::story::Shape;

/// The story a finding is about (by order number, or by refund number).
pub fn deal_of<'m>(month: &'m Month, f: &Finding) -> Option<&'m crate::story::Deal> {
    month.deals.iter().find(|d| {
        f.order_no.as_deref() == Some(d.order_no.as_str())
            || d.sales
                .iter()
                .any(|s| f.refund_no.as_deref() == Some(s.refund_no.as_str()))
    })
}

/// Findings of a clean month, split into the unexplained ones and those a known gap explains.
pub struct Verdict<'a> {
    pub unexplained: Vec<(&'a Finding, Option<Shape>)>,
    pub gaps: BTreeMap<&'static str, u64>,
}

pub fn clean<'a>(month: &Month, ran: &'a Ran, platform: Platform) -> Verdict<'a> {
    Verdict {
        unexplained: Vec::new(),
        gaps: BTreeMap::new(),
    }
    .fill(month, &ran.outcome.findings, platform)
}

impl<'a> Verdict<'a> {
    fn fill(mut self, month: &Month, findings: &'a [Finding], platform: Platform) -> Self {
        for f in findings {
            let deal = deal_of(month, f);
            let shape = deal.map(|d| d.shape);
            match deal.and_then(|d| gaps::known(&f.code, platform, d, month.clock.cut_off)) {
                Some(g) => *self.gaps.entry(g.code).or_default() += 1,
                None => self.unexplained.push((f, shape)),
            }
        }
        self
    }

    /// One line per (code, shape) with a count and the first finding's message.
    pub fn summary(&self) -> String {
        let mut groups: BTreeMap<(String, String), (u64, String)> = BTreeMap::new();
        for (f, s) in &self.unexplained {
            let e = groups.entry((f.code.clone(), format!("{s:?}"))).or_insert((
                0,
                format!(
                    "{} {:?} {}",
                    f.order_no.as_deref().unwrap_or("-"),
                    f.refund_no,
                    f.message
                ),
            ));
            e.0 += 1;
        }
        groups
            .iter()
            .map(|((c, s), (n, m))| format!("{c} on {s}: {n} (e.g. {m})\n"))
            .collect()
    }
}
