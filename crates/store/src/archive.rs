//! The archive of a closed period (结果归档): the original files, every run's results, the
//! cases with their whole history, the audit log up to the export and the period's close, with
//! a manifest of SHA-256 hashes. `verify_archive` checks an archive against its manifest and
//! its audit log against the chain head recorded at the close — without the database.

use duizhang_workflow::{AuditEntry, ChainBreak, ChainHead, verify};
use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::StoreError;
use crate::imports::{require, sha256_hex};
use crate::periods::ARCHIVE_READERS;
use crate::records::{CaseFilter, PeriodState};
use crate::workspace::{Workspace, actor_in, audit, company_in};

pub const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "duizhang-archive-v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub company: String,
    pub period: String,
    pub exported_at: String,
    pub exported_by: String,
    /// The audit chain's head when the period was closed.
    pub close_head: ChainHead,
    /// The last audit entry in `audit.jsonl`.
    pub audit_head: ChainHead,
    pub members: Vec<ManifestEntry>,
}

/// An archive's members (path, bytes) in order, the manifest last.
pub struct Archive {
    pub members: Vec<(String, Vec<u8>)>,
}

impl<B: Backend> Workspace<B> {
    /// Collects a closed period's archive, in one read of the store.
    pub fn archive(
        &mut self,
        company_name: &str,
        period: &str,
        by: &str,
    ) -> Result<Archive, StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company_name)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        require(&actor, ARCHIVE_READERS, "archive")?;
        let close = match tx.period_close(company.id, period)? {
            Some(close) if close.state == PeriodState::Closed => close,
            _ => return Err(StoreError::PeriodNotClosed(period.to_string())),
        };
        let mut members: Vec<(String, Vec<u8>)> = Vec::new();
        let mut json = |path: String, value: &dyn erased::Json| {
            members.push((path, value.bytes()));
        };
        json("period.json".into(), &close);

        let wanted = tx.files_for_period(company.id, period)?;
        let files: Vec<_> = tx
            .files(company.id)?
            .into_iter()
            .filter(|f| wanted.binary_search(&f.sha256).is_ok())
            .collect();
        json("files.json".into(), &files);
        let mut file_members = Vec::new();
        for (index, file) in files.iter().enumerate() {
            let bytes = crate::imports::kept_bytes(tx.as_mut(), company.id, &file.sha256)?;
            file_members.push((format!("files/{:03}-{}", index + 1, file.name), bytes));
        }

        let runs: Vec<_> = tx
            .runs(company.id)?
            .into_iter()
            .filter(|r| r.period == period)
            .collect();
        json("runs.json".into(), &runs);
        let mut run_members = Vec::new();
        for run in &runs {
            let payload = tx
                .run_payload(company.id, run.id)?
                .ok_or_else(|| StoreError::Database(format!("run {} has no results", run.id)))?;
            let dir = format!("runs/{}", run.id);
            run_members.push((
                format!("{dir}/settings.toml"),
                payload.settings.into_bytes(),
            ));
            run_members.push((format!("{dir}/summary.json"), payload.summary.into_bytes()));
            run_members.push((
                format!("{dir}/findings.jsonl"),
                payload.findings.into_bytes(),
            ));
            run_members.push((format!("{dir}/carry.json"), payload.pending.into_bytes()));
            for (name, bytes) in crate::vouchers::stored_files(tx.as_mut(), company.id, run.id)? {
                run_members.push((format!("{dir}/vouchers/{name}"), bytes));
            }
        }
        let all_runs = tx.runs(company.id)?;
        let batches: Vec<_> =
            crate::vouchers::with_superseded(tx.voucher_batches(company.id)?, &all_runs)
                .into_iter()
                .filter(|b| b.period == period)
                .collect();
        json("voucher_batches.json".into(), &batches);

        let cases = tx.list_cases(
            company.id,
            &CaseFilter {
                period: Some(period.to_string()),
                limit: Some(u32::MAX),
                ..CaseFilter::default()
            },
        )?;
        let mut case_lines = String::new();
        let mut attachment_members = Vec::new();
        for case in &cases {
            let history = tx.case_events(company.id, case.id)?;
            let attachments = tx.attachments(company.id, case.id)?;
            for attachment in &attachments {
                let bytes = tx
                    .attachment_bytes(company.id, &attachment.sha256)?
                    .ok_or_else(|| StoreError::UnknownFile(attachment.sha256.clone()))?;
                attachment_members.push((
                    format!("cases/{}/{}-{}", case.id, attachment.n, attachment.name),
                    bytes,
                ));
            }
            case_lines.push_str(
                &serde_json::to_string(&serde_json::json!({
                    "case": case,
                    "history": history,
                    "attachments": attachments,
                }))
                .unwrap_or_default(),
            );
            case_lines.push('\n');
        }
        let adjustments: Vec<_> = tx
            .adjustments(company.id)?
            .into_iter()
            .filter(|a| a.month() == period)
            .collect();

        let log = tx.audit_log(company.id)?;
        let mut audit_lines = String::new();
        for entry in &log {
            audit_lines.push_str(&serde_json::to_string(entry).unwrap_or_default());
            audit_lines.push('\n');
        }
        let audit_head = log
            .last()
            .map(|e| ChainHead {
                seq: e.seq,
                hash: e.hash.clone(),
            })
            .unwrap_or_else(ChainHead::genesis);

        members.extend(file_members);
        members.extend(run_members);
        members.push((
            "adjustments.json".into(),
            serde_json::to_vec_pretty(&adjustments).unwrap_or_default(),
        ));
        members.push(("cases.jsonl".into(), case_lines.into_bytes()));
        members.extend(attachment_members);
        members.push(("audit.jsonl".into(), audit_lines.into_bytes()));
        let manifest = Manifest {
            format: FORMAT.to_string(),
            company: company.name.clone(),
            period: period.to_string(),
            exported_at: at.clone(),
            exported_by: by.to_string(),
            close_head: close.audit_head.clone().unwrap_or_else(ChainHead::genesis),
            audit_head,
            members: members
                .iter()
                .map(|(path, bytes)| ManifestEntry {
                    path: path.clone(),
                    size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
                    sha256: sha256_hex(bytes),
                })
                .collect(),
        };
        members.push((
            MANIFEST.to_string(),
            serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
        ));
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "archive.export",
            &format!("period:{period}"),
            None,
            Some(
                serde_json::json!({"members": manifest.members.len(), "audit_head": manifest.audit_head})
                    .to_string(),
            ),
        )?;
        tx.commit()?;
        Ok(Archive { members })
    }
}

/// What a sound archive holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArchiveCheck {
    pub company: String,
    pub period: String,
    pub members: usize,
    pub audit_entries: u64,
}

/// Why an archive does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveProblem {
    #[error("no manifest.json")]
    NoManifest,
    #[error("manifest unreadable: {0}")]
    BadManifest(String),
    #[error("{0} is listed but missing")]
    Missing(String),
    #[error("{0} differs from the manifest")]
    Changed(String),
    #[error("{0} is not listed in the manifest")]
    Unlisted(String),
    #[error("audit log: {0:?}")]
    Audit(ChainBreak),
}

impl ArchiveProblem {
    pub fn zh(&self) -> String {
        match self {
            ArchiveProblem::NoManifest => "归档中没有 manifest.json，无法校验".to_string(),
            ArchiveProblem::BadManifest(e) => format!("manifest.json 无法读取：{e}"),
            ArchiveProblem::Missing(path) => format!("清单中的 {path} 在归档里不见了"),
            ArchiveProblem::Changed(path) => {
                format!("{path} 的内容与清单记录的哈希不符（被改动过）")
            }
            ArchiveProblem::Unlisted(path) => format!("{path} 不在清单中（被加入过）"),
            ArchiveProblem::Audit(b) => b.zh(),
        }
    }
}

/// Checks an archive's members against its manifest, and its audit log from the start of the
/// chain through the head recorded at the close to the last entry.
pub fn verify_archive(members: &[(String, Vec<u8>)]) -> Result<ArchiveCheck, ArchiveProblem> {
    let manifest_bytes = members
        .iter()
        .find(|(path, _)| path == MANIFEST)
        .map(|(_, bytes)| bytes)
        .ok_or(ArchiveProblem::NoManifest)?;
    let manifest: Manifest = serde_json::from_slice(manifest_bytes)
        .map_err(|e| ArchiveProblem::BadManifest(e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(ArchiveProblem::BadManifest(format!(
            "format {:?}",
            manifest.format
        )));
    }
    for entry in &manifest.members {
        let bytes = members
            .iter()
            .find(|(path, _)| *path == entry.path)
            .map(|(_, bytes)| bytes)
            .ok_or_else(|| ArchiveProblem::Missing(entry.path.clone()))?;
        if sha256_hex(bytes) != entry.sha256
            || u64::try_from(bytes.len()).unwrap_or(u64::MAX) != entry.size
        {
            return Err(ArchiveProblem::Changed(entry.path.clone()));
        }
    }
    for (path, _) in members {
        if path != MANIFEST && !manifest.members.iter().any(|e| e.path == *path) {
            return Err(ArchiveProblem::Unlisted(path.clone()));
        }
    }
    let audit_text = members
        .iter()
        .find(|(path, _)| path == "audit.jsonl")
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .ok_or_else(|| ArchiveProblem::Missing("audit.jsonl".into()))?;
    let log: Vec<AuditEntry> = audit_text
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|_| ArchiveProblem::Changed("audit.jsonl".into()))?;
    verify(&log, &ChainHead::genesis(), Some(&manifest.close_head))
        .map_err(ArchiveProblem::Audit)?;
    verify(&log, &ChainHead::genesis(), Some(&manifest.audit_head))
        .map_err(ArchiveProblem::Audit)?;
    Ok(ArchiveCheck {
        company: manifest.company,
        period: manifest.period,
        members: manifest.members.len(),
        audit_entries: manifest.audit_head.seq,
    })
}

/// Serialising records of different types through one closure.
mod erased {
    pub trait Json {
        fn bytes(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize> Json for T {
        fn bytes(&self) -> Vec<u8> {
            serde_json::to_vec_pretty(self).unwrap_or_default()
        }
    }
}
