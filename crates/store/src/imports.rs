//! Imports: files kept by the SHA-256 of their bytes, per company. The same file imported
//! again changes nothing; a batch is stored whole or not at all.

use duizhang_workflow::Role;
use sha2::{Digest, Sha256};

use crate::backend::{Backend, Tx};
use crate::error::StoreError;
use crate::kept_chunks::{FILE_CHUNK, StoredChunk};
use crate::records::{FileInfo, ImportOutcome, NewFile, OrderHit, Parsed};
use crate::workspace::{Workspace, actor_in, audit, company_in};

/// Who may import and run: the finance staff.
pub(crate) const PREPARERS: &[Role] = &[Role::Accountant, Role::Admin];

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file made ready for an import batch: hashed, its bytes packed into chunks
/// ([`crate::kept_chunks`]), its order index grouped into buckets. None of it needs the
/// database, so an import prepares each file on the thread that read it and the batch only
/// writes.
#[derive(Clone, Debug)]
pub struct PreparedFile {
    pub sha256: String,
    pub name: String,
    pub size: i64,
    pub inspect: String,
    chunks: Vec<StoredChunk>,
    buckets: Vec<(u32, Vec<u8>)>,
    parsed: Option<Parsed>,
}

impl NewFile {
    pub fn prepare(self) -> Result<PreparedFile, StoreError> {
        Ok(PreparedFile {
            sha256: sha256_hex(&self.bytes),
            size: i64::try_from(self.bytes.len()).unwrap_or(i64::MAX),
            chunks: crate::kept_chunks::pack(&self.bytes)?,
            buckets: crate::order_buckets::encode(&self.orders)?,
            name: self.name,
            inspect: self.inspect,
            parsed: self.parsed,
        })
    }
}

impl<B: Backend> Workspace<B> {
    /// Stores a batch of files for `company`, as inputs of `period`.
    pub fn import(
        &mut self,
        company: &str,
        period: &str,
        files: &[NewFile],
        by: &str,
    ) -> Result<ImportOutcome, StoreError> {
        let mut batch = self.begin_import(company, period, by)?;
        for file in files {
            batch.add(file)?;
        }
        batch.commit()
    }

    /// Opens an import of files for `company`, as inputs of `period`: files are added one by
    /// one as they are read ([`ImportBatch::add`]) and the batch is stored whole by
    /// [`ImportBatch::commit`]; dropped without it, nothing of it is stored.
    pub fn begin_import(
        &mut self,
        company: &str,
        period: &str,
        by: &str,
    ) -> Result<ImportBatch<'_>, StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        require(&actor, PREPARERS, "import")?;
        crate::periods::ensure_open(tx.as_mut(), company.id, period)?;
        Ok(ImportBatch {
            tx,
            company: company.id,
            at,
            by: by.to_string(),
            period: period.to_string(),
            added: Vec::new(),
            known: Vec::new(),
        })
    }

    /// The files imported for a period: a run's inputs.
    pub fn files_for_period(
        &mut self,
        company: &str,
        period: &str,
    ) -> Result<Vec<FileInfo>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        let wanted = tx.files_for_period(company.id, period)?;
        Ok(tx
            .files(company.id)?
            .into_iter()
            .filter(|f| wanted.binary_search(&f.sha256).is_ok())
            .collect())
    }

    /// Every record of one order in every file the company imported, across periods: the
    /// order index written at import (any member may look).
    pub fn order(
        &mut self,
        company: &str,
        order_no: &str,
        by: &str,
    ) -> Result<Vec<OrderHit>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        let mut refs = tx.order_refs(company.id, order_no)?;
        for (sha256, blob) in
            tx.order_bucket(company.id, crate::order_buckets::bucket_of(order_no))?
        {
            refs.extend(
                crate::order_buckets::entries_of(&blob, order_no)?
                    .into_iter()
                    .map(|r| (sha256.clone(), r)),
            );
        }
        refs.sort_by(|(a, x), (b, y)| {
            (a, &x.part, x.line, &x.kind).cmp(&(b, &y.part, y.line, &y.kind))
        });
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let files = tx.files(company.id)?;
        let imports = tx.imported_periods(company.id)?;
        Ok(refs
            .into_iter()
            .map(|(sha256, r)| {
                let mut periods: Vec<String> = imports
                    .iter()
                    .filter(|(_, sha)| *sha == sha256)
                    .map(|(period, _)| period.clone())
                    .collect();
                periods.sort();
                periods.dedup();
                OrderHit {
                    file: files
                        .iter()
                        .find(|f| f.sha256 == sha256)
                        .map(|f| f.name.clone())
                        .unwrap_or_default(),
                    sha256,
                    part: r.part,
                    line: r.line,
                    kind: r.kind,
                    periods,
                    text: r.text,
                    span: r.span,
                }
            })
            .collect())
    }

    pub fn files(&mut self, company: &str) -> Result<Vec<FileInfo>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.files(company.id)
    }

    /// What reading a kept file gave, as the import kept it under the key `reader`; `None`
    /// when nothing is kept under that key (the file is then to be read).
    pub fn parsed(
        &mut self,
        company: &str,
        sha256: &str,
        reader: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.parsed(company.id, sha256, reader)
    }

    /// Forgets what reading a kept file gave (records a run found damaged): the file's next
    /// import keeps them anew. Derived data, so nothing is audited.
    pub fn forget_parsed(&mut self, company: &str, sha256: &str) -> Result<(), StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.delete_parsed(company.id, sha256)?;
        tx.commit()
    }

    /// The bytes of a kept file, as imported.
    pub fn file_bytes(&mut self, company: &str, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        kept_bytes(tx.as_mut(), company.id, sha256)
    }
}

/// An import in progress: one transaction, open until [`ImportBatch::commit`].
pub struct ImportBatch<'w> {
    tx: Box<dyn Tx + 'w>,
    company: i64,
    at: String,
    by: String,
    period: String,
    added: Vec<FileInfo>,
    known: Vec<String>,
}

impl ImportBatch<'_> {
    /// Keeps one file of the batch (a file the company already keeps, or one met earlier in
    /// the batch, is only named by the batch).
    pub fn add(&mut self, file: &NewFile) -> Result<(), StoreError> {
        self.add_prepared(file.clone().prepare()?)
    }

    /// [`ImportBatch::add`] of a file made ready beforehand, on another thread perhaps: what
    /// is left is writing it.
    pub fn add_prepared(&mut self, file: PreparedFile) -> Result<(), StoreError> {
        let seen_in_batch = self.added.iter().any(|f| f.sha256 == file.sha256);
        if seen_in_batch {
            self.known.push(file.sha256);
            return Ok(());
        }
        if self.tx.file_exists(self.company, &file.sha256)? {
            // Kept before, perhaps read by another version: it gets what this reading gave.
            self.keep_parsed(&file.sha256, file.parsed.as_ref())?;
            self.known.push(file.sha256);
            return Ok(());
        }
        let info = FileInfo {
            sha256: file.sha256,
            name: file.name,
            size: file.size,
            inspect: file.inspect,
            imported_at: self.at.clone(),
        };
        self.tx.insert_file(self.company, &info)?;
        for chunk in &file.chunks {
            self.tx
                .insert_file_chunk(self.company, &info.sha256, chunk)?;
        }
        self.tx
            .insert_order_buckets(self.company, &info.sha256, &file.buckets)?;
        self.keep_parsed(&info.sha256, file.parsed.as_ref())?;
        self.added.push(info);
        Ok(())
    }

    /// Keeps what reading the file gave, unless it is kept under the same key already; what
    /// another key kept of it is dropped (no run of this program would read it).
    fn keep_parsed(&mut self, sha256: &str, parsed: Option<&Parsed>) -> Result<(), StoreError> {
        let Some(parsed) = parsed else {
            return Ok(());
        };
        if self
            .tx
            .parsed_exists(self.company, sha256, &parsed.reader)?
        {
            return Ok(());
        }
        self.tx.delete_parsed(self.company, sha256)?;
        for (at, chunk) in (0i64..)
            .step_by(FILE_CHUNK)
            .zip(parsed.bytes.chunks(FILE_CHUNK))
        {
            self.tx
                .insert_parsed_chunk(self.company, sha256, &parsed.reader, at, chunk)?;
        }
        Ok(())
    }

    /// Stores the batch with its audit entry. Files are listed by name (then hash), whatever
    /// order they were added in.
    pub fn commit(mut self) -> Result<ImportOutcome, StoreError> {
        // Every file of the batch was either kept now or known already.
        let mut hashes: Vec<String> = self
            .added
            .iter()
            .map(|f| f.sha256.clone())
            .chain(self.known.iter().cloned())
            .collect();
        hashes.sort();
        hashes.dedup();
        self.added
            .sort_by(|a, b| (&a.name, &a.sha256).cmp(&(&b.name, &b.sha256)));
        self.known.sort();
        let batch =
            self.tx
                .insert_import(self.company, &self.at, &self.by, &self.period, &hashes)?;
        let names: Vec<(&str, &str)> = self
            .added
            .iter()
            .map(|f| (f.name.as_str(), f.sha256.as_str()))
            .collect();
        audit(
            self.tx.as_mut(),
            self.company,
            &self.at,
            &self.by,
            "import",
            &format!("import:{batch}"),
            None,
            Some(
                serde_json::json!({"period": self.period, "added": names, "known": self.known})
                    .to_string(),
            ),
        )?;
        self.tx.commit()?;
        Ok(ImportOutcome {
            batch,
            added: self.added,
            known: self.known,
        })
    }
}

impl<B: Backend> Workspace<B> {
    /// `len` bytes of a kept file from offset `at` (fewer at its end): a record's line.
    pub fn file_range(
        &mut self,
        company: &str,
        sha256: &str,
        at: i64,
        len: i64,
    ) -> Result<Vec<u8>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        let end = at.saturating_add(len.max(0));
        let mut out = Vec::new();
        for chunk in tx.file_chunks_over(company.id, sha256, at, end)? {
            let start = chunk.at;
            let bytes = crate::kept_chunks::unpack(chunk)?;
            let from = usize::try_from(at.saturating_sub(start)).unwrap_or(0);
            let to = usize::try_from(end.saturating_sub(start)).unwrap_or(0);
            out.extend_from_slice(
                bytes
                    .get(from.min(bytes.len())..to.min(bytes.len()))
                    .unwrap_or_default(),
            );
        }
        if out.is_empty() && !tx.file_exists(company.id, sha256)? {
            return Err(StoreError::UnknownFile(sha256.to_string()));
        }
        Ok(out)
    }
}

/// A kept file's bytes, from its chunks.
pub(crate) fn kept_bytes(
    tx: &mut dyn Tx,
    company: i64,
    sha256: &str,
) -> Result<Vec<u8>, StoreError> {
    let (size, chunks) = tx
        .file_chunks(company, sha256)?
        .ok_or_else(|| StoreError::UnknownFile(sha256.to_string()))?;
    crate::kept_chunks::join(chunks, size)
}

pub(crate) fn require(
    actor: &duizhang_workflow::Actor,
    roles: &[Role],
    action: &'static str,
) -> Result<(), StoreError> {
    if actor.has_any(roles) {
        Ok(())
    } else {
        Err(duizhang_workflow::WorkflowError::NotPermitted {
            actor: actor.id().to_string(),
            action,
            needed: roles.to_vec(),
        }
        .into())
    }
}
