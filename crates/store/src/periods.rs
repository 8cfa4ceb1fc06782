//! Period close (结账): one person requests it, another approves it (maker ≠ checker, an admin
//! included); from then on the period is locked — no import, run or case change in it. The
//! audit chain's head at the close is kept with the period and written into its archive.

use duizhang_workflow::Role;
use duizhang_workflow::approval::{ApprovalKind, approve};

use crate::backend::{Backend, Tx};
use crate::error::StoreError;
use crate::imports::{PREPARERS, require};
use crate::records::{BatchState, PeriodClose, PeriodState};
use crate::workspace::{Workspace, actor_in, audit, company_in};

impl<B: Backend> Workspace<B> {
    /// Asks for `period` to be closed; someone else approves it.
    pub fn request_close(
        &mut self,
        company: &str,
        period: &str,
        by: &str,
    ) -> Result<PeriodClose, StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        require(&actor, PREPARERS, "request close")?;
        ensure_open(tx.as_mut(), company.id, period)?;
        nothing_pending(tx.as_mut(), company.id, period)?;
        let close = PeriodClose {
            period: period.to_string(),
            state: PeriodState::Closing,
            prepared_by: by.to_string(),
            prepared_at: at.clone(),
            approved_by: None,
            approved_at: None,
            audit_head: None,
        };
        tx.put_period_close(company.id, &close)?;
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "period.request_close",
            &format!("period:{period}"),
            None,
            Some(serde_json::to_string(&close).unwrap_or_default()),
        )?;
        tx.commit()?;
        Ok(close)
    }

    /// Approves a requested close: the period is locked from now on.
    pub fn approve_close(
        &mut self,
        company: &str,
        period: &str,
        by: &str,
    ) -> Result<PeriodClose, StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        let Some(requested) = tx.period_close(company.id, period)? else {
            return Err(StoreError::CloseNotRequested(period.to_string()));
        };
        if requested.state == PeriodState::Closed {
            return Err(StoreError::PeriodClosed(period.to_string()));
        }
        nothing_pending(tx.as_mut(), company.id, period)?;
        approve(ApprovalKind::PeriodClose, &requested.prepared_by, &actor)?;
        let before = serde_json::to_string(&requested).unwrap_or_default();
        let mut closed = PeriodClose {
            state: PeriodState::Closed,
            approved_by: Some(by.to_string()),
            approved_at: Some(at.clone()),
            ..requested
        };
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "period.close",
            &format!("period:{period}"),
            Some(before),
            Some(serde_json::to_string(&closed).unwrap_or_default()),
        )?;
        // The head includes the close's own entry: an archive made later ends at least here.
        closed.audit_head = Some(tx.audit_head(company.id)?);
        tx.put_period_close(company.id, &closed)?;
        tx.commit()?;
        Ok(closed)
    }

    pub fn period_close(
        &mut self,
        company: &str,
        period: &str,
    ) -> Result<Option<PeriodClose>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.period_close(company.id, period)
    }
}

/// Refuses any change to a closed period: a week or a day is closed with the accounting
/// month (or months, for a week across a month's end) it lies in.
pub(crate) fn ensure_open(tx: &mut dyn Tx, company: i64, period: &str) -> Result<(), StoreError> {
    let months = duizhang_core::Period::parse(period)
        .filter(|p| !p.is_month())
        .map(|p| p.months().iter().map(ToString::to_string).collect())
        .unwrap_or_else(|| vec![period.to_string()]);
    for month in months {
        if let Some(close) = tx.period_close(company, &month)?
            && close.state == PeriodState::Closed
        {
            return Err(StoreError::PeriodClosed(month));
        }
    }
    Ok(())
}

/// Refuses to close a month while a voucher of it waits for approval (财会〔2024〕12号 §24:
/// close only once every voucher is through): the current batch of its runs, and correcting
/// vouchers dated in it (those of its weeks' and days' cases included).
fn nothing_pending(tx: &mut dyn Tx, company: i64, month: &str) -> Result<(), StoreError> {
    let runs = tx.runs(company)?;
    let batches: Vec<i64> = crate::vouchers::with_superseded(tx.voucher_batches(company)?, &runs)
        .into_iter()
        .filter(|b| b.period == month && !b.superseded && b.state == BatchState::Prepared)
        .map(|b| b.run_id)
        .collect();
    let adjustments: Vec<(i64, String)> = tx
        .adjustments(company)?
        .into_iter()
        .filter(|a| a.state == BatchState::Prepared && a.month() == month)
        .map(|a| (a.id, a.label()))
        .collect();
    if batches.is_empty() && adjustments.is_empty() {
        return Ok(());
    }
    Err(StoreError::PendingApprovals {
        period: month.to_string(),
        batches,
        adjustments,
    })
}

/// Who may archive: anyone of the company but 客服 and 仓储 alone (审计 reads it).
pub(crate) const ARCHIVE_READERS: &[Role] =
    &[Role::Admin, Role::Accountant, Role::Reviewer, Role::Auditor];
