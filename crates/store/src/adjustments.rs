//! Correcting vouchers (调整凭证): when a resolution that changes the books is approved, the
//! voucher the workflow's rule names is made in the case's period — which is open, since a
//! closed period's cases never move — with the accounts of the company's 账套, numbered by the
//! store (see [`crate::numbering`]), prepared by whoever proposed the resolution. It waits for
//! a second person's approval like any voucher; a closed period's vouchers never change.

use duizhang_books::{Aux, Voucher, VoucherLine};
use duizhang_core::{BeijingTime, Fen, Period, Platform};
use duizhang_workflow::adjustment::{AccountRef, amount, plan};
use duizhang_workflow::approval::{ApprovalKind, approve};
use duizhang_workflow::{Resolution, ResolutionReasons};

use crate::backend::{Backend, Tx};
use crate::error::StoreError;
use crate::numbering::Claimant;
use crate::records::{Adjustment, AdjustmentLine, BatchState, CaseRecord};
use crate::workspace::{Workspace, actor_in, audit, company_in};

/// The 凭证字 of correcting vouchers: 记 (the general voucher every chart has).
const WORD: &str = "记";

impl<B: Backend> Workspace<B> {
    /// The company's correcting vouchers, newest first, optionally of one case; any member may
    /// look.
    pub fn adjustments(
        &mut self,
        company: &str,
        case: Option<u64>,
        by: &str,
    ) -> Result<Vec<Adjustment>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        let mut all = tx.adjustments(company.id)?;
        all.retain(|a| case.is_none_or(|c| a.case_id == c));
        all.reverse();
        Ok(all)
    }

    /// Approves a correcting voucher: refused to its preparer (an admin included), to anyone
    /// but a reviewer or admin, twice, and in a closed period.
    pub fn approve_adjustment(
        &mut self,
        company: &str,
        id: i64,
        by: &str,
    ) -> Result<Adjustment, StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        let before = tx
            .adjustments(company.id)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(StoreError::UnknownAdjustment(id))?;
        crate::periods::ensure_open(tx.as_mut(), company.id, &before.period)?;
        if before.state == BatchState::Approved {
            return Err(StoreError::AdjustmentApproved(before.label()));
        }
        approve(ApprovalKind::Adjustment, &before.prepared_by, &actor)?;
        let after = Adjustment {
            state: BatchState::Approved,
            approved_by: Some(by.to_string()),
            approved_at: Some(at.clone()),
            ..before.clone()
        };
        tx.update_adjustment(company.id, &after)?;
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "adjustment.approve",
            &format!("adjustment:{id}"),
            Some(serde_json::to_string(&before).unwrap_or_default()),
            Some(serde_json::to_string(&after).unwrap_or_default()),
        )?;
        tx.commit()?;
        Ok(after)
    }
}

impl Adjustment {
    /// The correcting voucher as the books model holds it, for the accounting systems' import
    /// formats: a red reversal keeps its negative amounts on the same sides. Preparer and
    /// reviewer are the workspace's logins; it books no aux items (refused at export when an
    /// account of the 账套 requires one).
    pub fn voucher(&self) -> Result<Voucher, StoreError> {
        let corrupt = |what: &str| StoreError::Database(format!("adjustment {}: {what}", self.id));
        let date: jiff::civil::Date = self.date.parse().map_err(|_| corrupt("date"))?;
        let lines = self
            .lines
            .iter()
            .map(|l| VoucherLine {
                summary: l.summary.clone(),
                account: l.account.clone(),
                debit: Fen::new(l.debit_fen),
                credit: Fen::new(l.credit_fen),
                aux: Aux::default(),
            })
            .collect();
        Ok(Voucher {
            date,
            period: Period::of(BeijingTime::start_of(date)),
            word: self.word.clone(),
            number: u32::try_from(self.number).map_err(|_| corrupt("number"))?,
            attachments: 0,
            preparer: self.prepared_by.clone(),
            reviewer: self.approved_by.clone(),
            rules_version: None,
            shop: None,
            class: None,
            lines,
            links: Vec::new(),
            flags: Vec::new(),
        })
    }
}

/// Makes the correcting voucher of a case whose resolution was just approved, when its reason
/// changes the books; audit-logged in the approval's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn make(
    tx: &mut dyn Tx,
    company: i64,
    reasons: &ResolutionReasons,
    case: &CaseRecord,
    resolution: &Resolution,
    prepared_by: &str,
    at: &str,
) -> Result<Option<Adjustment>, StoreError> {
    let Some(reason) = reasons.find(&resolution.reason) else {
        return Ok(None);
    };
    if !reason.adjusts_books {
        return Ok(None);
    }
    let fen = amount(&case.finding, resolution.write_off)
        .ok_or(StoreError::AdjustmentWithoutAmount(case.id))?;
    let planned = plan(&reason.code, &case.finding, fen).ok_or_else(|| {
        StoreError::AdjustmentWithoutRule {
            case: case.id,
            reason: reason.zh.clone(),
        }
    })?;
    crate::periods::ensure_open(tx, company, &case.period)?;
    let chart = crate::company_books::chart_of(tx, company)?;
    let mut lines = Vec::new();
    for line in &planned.lines {
        let role = match line.account {
            AccountRef::Role(role) => role,
            AccountRef::Fund => fund_role(case.finding.platform),
        };
        let code = chart
            .role(role)
            .ok_or_else(|| StoreError::AccountMissing(role.to_string()))?
            .to_string();
        let fen = line.amount.get();
        lines.push(AdjustmentLine {
            summary: planned.summary.clone(),
            account_name: chart.full_name(&code),
            account: code,
            debit_fen: if line.debit { fen } else { 0 },
            credit_fen: if line.debit { 0 } else { fen },
        });
    }
    let mut adjustment = Adjustment {
        id: 0,
        case_id: case.id,
        period: case.period.clone(),
        kind: planned.kind,
        word: WORD.to_string(),
        number: 0,
        date: date_in(&case.period, at),
        summary: planned.summary,
        lines,
        state: BatchState::Prepared,
        prepared_by: prepared_by.to_string(),
        prepared_at: at.to_string(),
        approved_by: None,
        approved_at: None,
    };
    // Numbered in the accounting month it is dated in (a week's case may fall in either).
    let held = crate::numbering::held(tx, company, adjustment.month(), Claimant::Adjustment)?;
    adjustment.number = crate::numbering::lowest_free(&held, WORD);
    let id = tx.insert_adjustment(company, &adjustment)?;
    let adjustment = Adjustment { id, ..adjustment };
    audit(
        tx,
        company,
        at,
        prepared_by,
        "adjustment.create",
        &format!("adjustment:{id}"),
        None,
        Some(serde_json::to_string(&adjustment).unwrap_or_default()),
    )?;
    Ok(Some(adjustment))
}

/// The voucher's date: the day of approval, or the period's last day when the approval falls
/// after it (an October correction approved on 2 November is dated 31 October: an accounting
/// system takes no voucher dated outside its period).
fn date_in(period: &str, at: &str) -> String {
    let day = at.get(..10).unwrap_or(at);
    match (Period::parse(period), BeijingTime::parse(at)) {
        (Some(p), Ok(t)) if t >= p.end() => p.end().plus_days(-1).date().to_string(),
        _ => day.to_string(),
    }
}

/// The fund account role money of `platform` moves through (accounting.md: 其他货币资金 per
/// wallet); a platform without one goes through the bank.
fn fund_role(platform: Platform) -> &'static str {
    match platform {
        Platform::Taobao | Platform::Tmall => "fund_alipay",
        Platform::Jd => "fund_jd",
        Platform::Pdd => "fund_pdd",
        Platform::Douyin => "fund_douyin",
        Platform::Wechat => "fund_wechat",
        Platform::Other => "bank",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::records::AdjustmentLine;
    use duizhang_workflow::adjustment::AdjustmentKind;

    /// 冲销重复入账: a receipt of 500.00 booked twice, repeated in red.
    fn duplicate_reversed() -> Adjustment {
        let line = |account: &str, name: &str, debit: bool| AdjustmentLine {
            summary: "冲销重复入账 RF7（FUND_DUPLICATE）".into(),
            account: account.into(),
            account_name: name.into(),
            debit_fen: if debit { -50_000 } else { 0 },
            credit_fen: if debit { 0 } else { -50_000 },
        };
        Adjustment {
            id: 7,
            case_id: 12,
            period: "2026-10".into(),
            kind: AdjustmentKind::RedReversal,
            word: "记".into(),
            number: 9,
            date: "2026-10-31".into(),
            summary: "冲销重复入账 RF7（FUND_DUPLICATE）".into(),
            lines: vec![
                line("101201", "其他货币资金—支付宝", true),
                line("5001", "主营业务收入", false),
            ],
            state: BatchState::Approved,
            prepared_by: "li".into(),
            prepared_at: "2026-11-02 09:00:00".into(),
            approved_by: Some("wang".into()),
            approved_at: Some("2026-11-02 10:00:00".into()),
        }
    }

    #[test]
    fn a_red_reversal_becomes_a_red_voucher_with_its_number_date_and_people() {
        let v = duplicate_reversed().voucher().unwrap();
        assert!(v.is_red());
        v.check_balanced().unwrap();
        assert_eq!(v.label(), "记-9");
        assert_eq!(v.period.to_string(), "2026-10");
        assert_eq!(v.date.to_string(), "2026-10-31");
        assert_eq!(
            (v.preparer.as_str(), v.reviewer.as_deref()),
            ("li", Some("wang"))
        );
        assert_eq!(v.lines[0].debit, Fen::new(-50_000));
        assert_eq!(v.lines[1].credit, Fen::new(-50_000));
    }

    #[test]
    fn an_adjustment_approved_after_its_month_is_dated_the_months_last_day() {
        assert_eq!(date_in("2026-10", "2026-11-02 09:30:00"), "2026-10-31");
        assert_eq!(date_in("2026-10", "2026-10-20 09:30:00"), "2026-10-20");
        assert_eq!(date_in("2026-W43", "2026-11-02 09:30:00"), "2026-10-25");
    }
}
