//! Evidence files on a case (聊天截图, 快递面单, 银行回单 …): kept by the SHA-256 of their
//! bytes like imported files, numbered within the case, returned byte for byte. Adding one is a
//! step of the case's history, permitted by the workflow's rules like any other.

use duizhang_workflow::{Action, transition};

use crate::backend::Backend;
use crate::error::StoreError;
use crate::imports::sha256_hex;
use crate::records::{Attachment, CaseEvent};
use crate::workspace::{Workspace, actor_in, audit, company_in};

/// The largest attachment kept (20 MB): evidence is a screenshot or a PDF, not a data file.
pub const ATTACHMENT_LIMIT: u64 = 20 * 1024 * 1024;

impl<B: Backend> Workspace<B> {
    /// Adds an evidence file to a case and returns it with its number.
    pub fn attach(
        &mut self,
        company: &str,
        case: u64,
        name: &str,
        bytes: &[u8],
        by: &str,
    ) -> Result<Attachment, StoreError> {
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > ATTACHMENT_LIMIT {
            return Err(StoreError::AttachmentTooLarge {
                name: name.to_string(),
                size,
                limit: ATTACHMENT_LIMIT,
            });
        }
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        let record = tx
            .case(company.id, case)?
            .ok_or(StoreError::UnknownCase(case))?;
        crate::periods::ensure_open(tx.as_mut(), company.id, &record.period)?;
        let moved = transition(&record.facts, &Action::Attach, &actor, &self.reasons)?;
        let n = tx.attachments(company.id, case)?.len();
        let attachment = Attachment {
            case_id: case,
            n: i64::try_from(n).unwrap_or(i64::MAX) + 1,
            name: name.to_string(),
            sha256: sha256_hex(bytes),
            size: i64::try_from(size).unwrap_or(i64::MAX),
            added_by: by.to_string(),
            added_at: at.clone(),
        };
        tx.insert_attachment(company.id, &attachment, bytes)?;
        tx.insert_case_event(
            company.id,
            case,
            &CaseEvent {
                at: at.clone(),
                actor: by.to_string(),
                action: "attach".into(),
                from: Some(moved.from),
                to: moved.after.state,
                note: format!("附件 {}：{}", attachment.n, attachment.name),
            },
        )?;
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "case.attach",
            &format!("case:{case}"),
            None,
            Some(serde_json::to_string(&attachment).unwrap_or_default()),
        )?;
        tx.commit()?;
        Ok(attachment)
    }

    /// A case's attachments; any member may look.
    pub fn attachments(
        &mut self,
        company: &str,
        case: u64,
        by: &str,
    ) -> Result<Vec<Attachment>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        tx.case(company.id, case)?
            .ok_or(StoreError::UnknownCase(case))?;
        tx.attachments(company.id, case)
    }

    /// Attachment `n` of a case with its bytes, exactly as added.
    pub fn attachment(
        &mut self,
        company: &str,
        case: u64,
        n: i64,
        by: &str,
    ) -> Result<(Attachment, Vec<u8>), StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        let attachment = tx
            .attachments(company.id, case)?
            .into_iter()
            .find(|a| a.n == n)
            .ok_or(StoreError::UnknownAttachment { case, n })?;
        let bytes = tx
            .attachment_bytes(company.id, &attachment.sha256)?
            .ok_or_else(|| StoreError::UnknownFile(attachment.sha256.clone()))?;
        Ok((attachment, bytes))
    }
}
