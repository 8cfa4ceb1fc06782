//! Voucher batches (凭证批次): each run that makes vouchers keeps them as one batch, prepared by
//! whoever ran it. A reviewer other than the preparer approves it (maker ≠ checker, an admin
//! included) before it can be exported to the accounting system; a later run of the same period
//! replaces it, and a closed period's batches never change. Its voucher numbers are the
//! store's to allocate ([`crate::numbering`]).

use std::collections::BTreeMap;

use duizhang_workflow::approval::{ApprovalKind, approve};

use crate::backend::{Backend, Tx};
use crate::error::StoreError;
use crate::numbering::{Claimant, Held};
use crate::records::{BatchState, RunRecord, VoucherBatch};
use crate::workspace::{Workspace, actor_in, audit, company_in};

impl<B: Backend> Workspace<B> {
    /// The company's voucher batches, newest run first; any member may look.
    pub fn voucher_batches(
        &mut self,
        company: &str,
        by: &str,
    ) -> Result<Vec<VoucherBatch>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        let runs = tx.runs(company.id)?;
        let batches = tx.voucher_batches(company.id)?;
        let mut batches = crate::numbering::numbered(tx.as_mut(), company.id, batches)?;
        batches = with_superseded(batches, &runs);
        batches.reverse();
        Ok(batches)
    }

    /// The voucher numbers of `period` a new run must not give its vouchers (see
    /// [`crate::numbering`]): the run numbers its batch around them before rendering it, and
    /// [`Workspace::record_run`] refuses the batch if one was taken in between.
    pub fn voucher_numbers_held(
        &mut self,
        company: &str,
        period: &str,
        by: &str,
    ) -> Result<Held, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        crate::numbering::held(tx.as_mut(), company.id, period, Claimant::NewRun)
    }

    /// Releases the batch of `run` for export. Refused to its preparer, to anyone but a
    /// reviewer or admin, for a batch a later run replaced, and in a closed period.
    pub fn approve_voucher_batch(
        &mut self,
        company: &str,
        run: i64,
        by: &str,
    ) -> Result<VoucherBatch, StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        let batch = current(tx.as_mut(), company.id, run)?;
        crate::periods::ensure_open(tx.as_mut(), company.id, &batch.period)?;
        if batch.state == BatchState::Approved {
            return Err(StoreError::BatchApproved(run));
        }
        approve(ApprovalKind::VoucherBatch, &batch.prepared_by, &actor)?;
        tx.approve_voucher_batch(company.id, run, by, &at)?;
        let approved = VoucherBatch {
            state: BatchState::Approved,
            approved_by: Some(by.to_string()),
            approved_at: Some(at.clone()),
            ..batch.clone()
        };
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "vouchers.approve",
            &format!("run:{run}"),
            Some(serde_json::to_string(&batch).unwrap_or_default()),
            Some(serde_json::to_string(&approved).unwrap_or_default()),
        )?;
        tx.commit()?;
        Ok(approved)
    }

    /// The files of an approved, current batch, as they were rendered by its run.
    pub fn voucher_batch_files(
        &mut self,
        company: &str,
        run: i64,
        by: &str,
    ) -> Result<(VoucherBatch, Vec<NamedBytes>), StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        let batch = current(tx.as_mut(), company.id, run)?;
        if batch.state != BatchState::Approved {
            return Err(StoreError::BatchNotApproved(run));
        }
        let files = stored_files(tx.as_mut(), company.id, run)?;
        Ok((batch, files))
    }
}

/// A rendered file: its name and bytes.
pub type NamedBytes = (String, Vec<u8>);

/// What a rendered file may grow to when read back: beyond the 1 GB a database value holds.
const RENDERED_LIMIT: usize = 8 << 30;

/// The files of a run's batch, as rendered.
pub(crate) fn stored_files(
    tx: &mut dyn Tx,
    company: i64,
    run: i64,
) -> Result<Vec<NamedBytes>, StoreError> {
    tx.voucher_batch_files(company, run)?
        .into_iter()
        .map(|(name, stored)| Ok((name, crate::compression::load(stored, RENDERED_LIMIT)?)))
        .collect()
}

/// The batch of `run`, refused when there is none or a later run of its period replaced it.
fn current(tx: &mut dyn Tx, company: i64, run: i64) -> Result<VoucherBatch, StoreError> {
    let runs = tx.runs(company)?;
    let batches = tx.voucher_batches(company)?;
    let batches = crate::numbering::numbered(tx, company, batches)?;
    let batch = with_superseded(batches, &runs)
        .into_iter()
        .find(|b| b.run_id == run)
        .ok_or(StoreError::UnknownBatch(run))?;
    if batch.superseded {
        let latest = latest_runs(&runs)
            .get(&batch.period)
            .copied()
            .unwrap_or(run);
        return Err(StoreError::BatchSuperseded { run, latest });
    }
    Ok(batch)
}

/// Marks every batch that a later run of its period replaced (one that made no vouchers too).
pub(crate) fn with_superseded(
    mut batches: Vec<VoucherBatch>,
    runs: &[RunRecord],
) -> Vec<VoucherBatch> {
    let latest = latest_runs(runs);
    batches.sort_by_key(|b| b.run_id);
    for b in &mut batches {
        b.superseded = latest.get(&b.period).is_some_and(|l| *l > b.run_id);
    }
    batches
}

fn latest_runs(runs: &[RunRecord]) -> BTreeMap<String, i64> {
    let mut latest = BTreeMap::new();
    for r in runs {
        let entry = latest.entry(r.period.clone()).or_insert(r.id);
        *entry = (*entry).max(r.id);
    }
    latest
}
