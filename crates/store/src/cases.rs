//! Runs and cases: a run's findings become cases (opened, refreshed, closed, reopened by the
//! run itself, see `duizhang_workflow::sync`); people move cases by the workflow's rules.

use duizhang_core::Finding;
use duizhang_workflow::due::Sla;
use duizhang_workflow::sync::{CaseKey, Step, plan};
use duizhang_workflow::{Action, Actor, CaseFacts, CaseState, ResolutionReasons, Role, transition};

use crate::backend::{Backend, RunRow, Tx};
use crate::error::StoreError;
use crate::imports::{PREPARERS, require};
use crate::numbering::{self, Claimant};
use crate::records::{
    BatchState, CaseChanges, CaseEvent, CaseFilter, CaseRecord, NewRun, RunPayload, RunRecord,
    VoucherBatch,
};
use crate::workspace::{Workspace, actor_in, audit, company_in};

/// How many cases a run may open, close or reopen before the database's statistics are renewed.
const STATISTICS_AFTER: u64 = 5_000;

impl<B: Backend> Workspace<B> {
    /// Stores a run's results and brings the company's cases in line with its findings, in one
    /// transaction.
    pub fn record_run(
        &mut self,
        company: &str,
        run: &NewRun,
        by: &str,
    ) -> Result<(i64, CaseChanges), StoreError> {
        let at = (self.clock)();
        let reasons = self.reasons.clone();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        require(&actor, PREPARERS, "run")?;
        crate::periods::ensure_open(tx.as_mut(), company.id, &run.period)?;
        let overtaken_by = overtaken_by(tx.as_mut(), company.id, &run.period)?;
        let findings_jsonl = findings_jsonl(&run.findings)?;
        let pending = crate::compression::store_large(run.pending.as_bytes())?;
        let packed = (pending.codec == crate::compression::Codec::Zstd).then_some(&pending.bytes);
        let run_id = tx.insert_run(
            company.id,
            &RunRow {
                period: &run.period,
                at: &at,
                actor: by,
                inputs: &run.inputs,
                settings: &run.settings,
                program_version: &run.program_version,
                summary: &run.summary,
                findings: &findings_jsonl,
                finding_count: i64::try_from(run.findings.len()).unwrap_or(i64::MAX),
                pending: if packed.is_some() { "" } else { &run.pending },
                pending_packed: packed.map(Vec::as_slice),
                metrics: run.metrics.as_deref(),
            },
        )?;
        if let Some(vouchers) = &run.vouchers {
            // The numbers were asked for before the run rendered its files; refused if an
            // adjustment or an approval took one of them since.
            let numbered: i64 = vouchers.numbers.iter().map(|r| r.last - r.first + 1).sum();
            if numbered != vouchers.vouchers {
                return Err(StoreError::BatchNumbersMismatch {
                    vouchers: vouchers.vouchers,
                    numbered,
                });
            }
            let held = numbering::held(tx.as_mut(), company.id, &run.period, Claimant::NewRun)?;
            if let Some((word, number)) = numbering::first_clash(&held, &vouchers.numbers) {
                return Err(StoreError::VoucherNumberHeld {
                    period: run.period.clone(),
                    word,
                    number,
                });
            }
            let batch = VoucherBatch {
                run_id,
                period: run.period.clone(),
                state: BatchState::Prepared,
                vouchers: vouchers.vouchers,
                debit_fen: vouchers.debit_fen,
                prepared_by: by.to_string(),
                prepared_at: at.clone(),
                approved_by: None,
                approved_at: None,
                superseded: false,
                numbers: vouchers.numbers.clone(),
            };
            let files = vouchers
                .files
                .iter()
                .map(|(name, bytes)| Ok((name.clone(), crate::compression::store_large(bytes)?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            tx.insert_voucher_batch(company.id, &batch, &files)?;
            tx.insert_voucher_numbers(company.id, run_id, &vouchers.numbers)?;
        }
        let cases_period = cases_period(&run.period);
        let known = tx.known_cases(company.id, &cases_period)?;
        let steps = match overtaken_by {
            Some(_) => Vec::new(),
            None => plan(&cases_period, &run.findings, &run.ran, &known),
        };
        let mut changes = CaseChanges {
            overtaken_by,
            ..CaseChanges::default()
        };
        let sla = Sla::default();
        let created = duizhang_core::BeijingTime::parse(&at)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        // Opened and refreshed cases, a big month's tens of thousands, are written together.
        let mut opened: Vec<CaseRecord> = Vec::new();
        let mut open_notes: Vec<String> = Vec::new();
        let mut refreshed: Vec<(u64, &Finding)> = Vec::new();
        for step in steps {
            match step {
                Step::Open { finding } => {
                    let finding = &run.findings[finding];
                    let key = CaseKey::of(&cases_period, finding);
                    let record = CaseRecord {
                        id: 0,
                        period: key.period,
                        code: key.code,
                        shop: key.shop,
                        key: key.key,
                        sku: key.sku,
                        severity: finding.severity,
                        owner: finding.owner,
                        facts: CaseFacts::new(Role::working(finding.owner), None),
                        finding: finding.clone(),
                        due_at: sla.due(finding.severity, created).to_string(),
                        created_at: at.clone(),
                        updated_at: at.clone(),
                    };
                    opened.push(record);
                    open_notes.push(format!("对账运行 {run_id} 发现：{}", finding.message));
                    changes.opened += 1;
                }
                Step::Refresh { case, finding } => {
                    refreshed.push((case, &run.findings[finding]));
                    changes.refreshed += 1;
                }
                Step::Close { case } => {
                    let note = format!("对账运行 {run_id} 不再发现此问题，自动关闭");
                    system_move(
                        tx.as_mut(),
                        company.id,
                        case,
                        &Action::RunClose,
                        &at,
                        &note,
                        &reasons,
                    )?;
                    changes.closed += 1;
                }
                Step::Reopen { case, finding } => {
                    let note = format!(
                        "对账运行 {run_id} 再次发现此问题，重新打开：{}",
                        run.findings[finding].message
                    );
                    let mut record = system_move(
                        tx.as_mut(),
                        company.id,
                        case,
                        &Action::RunReopen,
                        &at,
                        &note,
                        &reasons,
                    )?;
                    record.finding = run.findings[finding].clone();
                    tx.update_case(company.id, &record)?;
                    changes.reopened += 1;
                }
            }
        }
        let ids = tx.insert_cases(company.id, &opened)?;
        let events: Vec<(u64, CaseEvent)> = ids
            .into_iter()
            .zip(open_notes)
            .map(|(id, note)| {
                (
                    id,
                    CaseEvent {
                        at: at.clone(),
                        actor: "system".into(),
                        action: "open".into(),
                        from: None,
                        to: CaseState::Open,
                        note,
                    },
                )
            })
            .collect();
        tx.insert_case_events(company.id, &events)?;
        tx.refresh_cases(company.id, &refreshed, &at)?;
        // A change of more than a few thousand cases (a big month's first run) makes the
        // planner's counts wrong enough to choose a sort over the queue indexes.
        if changes.opened + changes.closed + changes.reopened > STATISTICS_AFTER {
            tx.refresh_case_statistics()?;
        }
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "run",
            &format!("run:{run_id}"),
            None,
            Some(
                serde_json::json!({
                    "period": run.period,
                    "inputs": run.inputs,
                    "findings": run.findings.len(),
                    "cases": changes,
                })
                .to_string(),
            ),
        )?;
        tx.commit()?;
        Ok((run_id, changes))
    }

    pub fn runs(&mut self, company: &str) -> Result<Vec<RunRecord>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.runs(company.id)
    }

    /// What the latest run of `period` left pending (its carry, as `carry.json` holds it) and
    /// that run's id; `None` when the period was never run.
    pub fn pending_of(
        &mut self,
        company: &str,
        period: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        let Some(latest) = tx
            .runs(company.id)?
            .into_iter()
            .rev()
            .find(|r| r.period == period)
        else {
            return Ok(None);
        };
        Ok(tx
            .run_payload(company.id, latest.id)?
            .map(|payload| (latest.id, payload.pending)))
    }

    /// The latest run of each period up to `period` (oldest first), with what it stored: the
    /// monthly report of `period` and the change and trend across the earlier ones. Any
    /// member of the company may read them.
    pub fn latest_runs(
        &mut self,
        company: &str,
        period: &str,
        by: &str,
    ) -> Result<Vec<(RunRecord, RunPayload)>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        let mut latest: std::collections::BTreeMap<String, RunRecord> = Default::default();
        for run in tx.runs(company.id)? {
            if run.period.as_str() <= period {
                latest.insert(run.period.clone(), run);
            }
        }
        let mut out = Vec::with_capacity(latest.len());
        for run in latest.into_values() {
            if let Some(payload) = tx.run_payload(company.id, run.id)? {
                out.push((run, payload));
            }
        }
        Ok(out)
    }

    /// Lists cases; any member of the company may.
    pub fn cases(
        &mut self,
        company: &str,
        filter: &CaseFilter,
        by: &str,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        tx.list_cases(company.id, filter)
    }

    /// A case with its whole history.
    pub fn case(
        &mut self,
        company: &str,
        id: u64,
        by: &str,
    ) -> Result<(CaseRecord, Vec<CaseEvent>), StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        let record = case_in(tx.as_mut(), company.id, id)?;
        let events = tx.case_events(company.id, id)?;
        Ok((record, events))
    }

    /// A person moves a case (assign, start, comment, submit, approve, reject, reopen, ...).
    /// The workflow's rules decide, with the roles the person holds in this company.
    pub fn act(
        &mut self,
        company: &str,
        id: u64,
        action: &Action,
        note: &str,
        by: &str,
    ) -> Result<CaseRecord, StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        let mut record = case_in(tx.as_mut(), company.id, id)?;
        crate::periods::ensure_open(tx.as_mut(), company.id, &record.period)?;
        let moved = transition(&record.facts, action, &actor, &self.reasons)?;
        let before = serde_json::to_string(&record.facts).unwrap_or_default();
        let proposer = record.facts.prepared_by.clone();
        record.facts = moved.after;
        record.updated_at = at.clone();
        tx.update_case(company.id, &record)?;
        let note = match action {
            Action::Reject { reason } | Action::Reopen { reason } if note.is_empty() => {
                reason.clone()
            }
            Action::Submit { resolution } if note.is_empty() => resolution.note.clone(),
            _ => note.to_string(),
        };
        tx.insert_case_event(
            company.id,
            id,
            &CaseEvent {
                at: at.clone(),
                actor: by.to_string(),
                action: action.name().to_string(),
                from: Some(moved.from),
                to: record.facts.state,
                note: note.clone(),
            },
        )?;
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            &format!("case.{}", action.name().replace(' ', "_")),
            &format!("case:{id}"),
            Some(before),
            Some(
                serde_json::json!({"facts": record.facts, "note": note, "action": action})
                    .to_string(),
            ),
        )?;
        if let (Action::Approve, Some(resolution), Some(proposer)) =
            (action, &record.facts.resolution, &proposer)
        {
            crate::adjustments::make(
                tx.as_mut(),
                company.id,
                &self.reasons,
                &record,
                resolution,
                proposer,
                &at,
            )?;
        }
        tx.commit()?;
        Ok(record)
    }
}

/// The period a run's cases belong to: its accounting month. A week's or a day's run is
/// month-to-date and its findings are the month's as they stood at its cut-off (the same
/// identities the month's run gives), so they are the month's cases: a day's run and the
/// month's later run update one case, and a finding gone by a later day closes it.
fn cases_period(run_period: &str) -> String {
    duizhang_core::Period::parse(run_period).map_or_else(
        || run_period.to_string(),
        |p| duizhang_core::Period::of(p.start()).to_string(),
    )
}

/// The latest run already recorded of the same accounting month as a week's or a day's
/// `period`, with a later cut-off (a later day, the month itself): the cases stand as of that
/// later moment, and this earlier view of the month must neither close what has come due since
/// nor reopen what was settled since. A month's run always brings the cases in line.
fn overtaken_by(tx: &mut dyn Tx, company: i64, period: &str) -> Result<Option<i64>, StoreError> {
    let Some(span) = duizhang_core::Period::parse(period).filter(|p| !p.is_month()) else {
        return Ok(None);
    };
    let month = cases_period(period);
    Ok(tx
        .runs(company)?
        .into_iter()
        .rev()
        .find(|r| {
            cases_period(&r.period) == month
                && duizhang_core::Period::parse(&r.period).is_some_and(|p| p.end() > span.end())
        })
        .map(|r| r.id))
}

fn case_in(tx: &mut dyn Tx, company: i64, id: u64) -> Result<CaseRecord, StoreError> {
    tx.case(company, id)?.ok_or(StoreError::UnknownCase(id))
}

/// A move the run makes by itself, recorded in the case's history.
fn system_move(
    tx: &mut dyn Tx,
    company: i64,
    id: u64,
    action: &Action,
    at: &str,
    note: &str,
    reasons: &ResolutionReasons,
) -> Result<CaseRecord, StoreError> {
    let mut record = case_in(tx, company, id)?;
    let moved = transition(&record.facts, action, &Actor::System, reasons)?;
    record.facts = moved.after;
    record.updated_at = at.to_string();
    tx.update_case(company, &record)?;
    tx.insert_case_event(
        company,
        id,
        &CaseEvent {
            at: at.to_string(),
            actor: "system".into(),
            action: action.name().to_string(),
            from: Some(moved.from),
            to: record.facts.state,
            note: note.to_string(),
        },
    )?;
    Ok(record)
}

fn findings_jsonl(findings: &[Finding]) -> Result<String, StoreError> {
    let mut out = String::new();
    for finding in findings {
        out.push_str(
            &serde_json::to_string(finding).map_err(|e| StoreError::Database(e.to_string()))?,
        );
        out.push('\n');
    }
    Ok(out)
}
