//! The audit log: every change appended with actor, time and what changed (before / after),
//! each entry chained to the one before it by SHA-256, so that an entry edited, deleted,
//! inserted or moved directly in the database breaks the chain where it happened.
//!
//! What the chain cannot show by itself: a tail cut off, or the whole log rewritten with new
//! hashes. Against that, the head of the chain (`ChainHead`) is written outside the database
//! (into each archive's manifest and the close of each period) and `verify` is given it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What is appended: everything but the chain fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAuditEntry {
    /// Beijing time, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub company: String,
    /// A user id, or `system`.
    pub actor: String,
    /// What was done (`case.approve`, `import`, `run`, `settings.update`, ...).
    pub action: String,
    /// What it was done to (`case:123`, `file:<sha256>`, `period:2026-10`).
    pub subject: String,
    /// JSON of the state before and after; `None` where there was none.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// An entry as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1, 2, 3, ... with no gaps.
    pub seq: u64,
    pub entry: NewAuditEntry,
    /// The previous entry's hash (64 hex digits; zeros for the first).
    pub prev_hash: String,
    pub hash: String,
}

/// The last entry of a chain: enough to continue it, and to check later that nothing after
/// this point was cut off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
}

impl ChainHead {
    /// Before the first entry.
    pub fn genesis() -> ChainHead {
        ChainHead {
            seq: 0,
            hash: "0".repeat(64),
        }
    }
}

/// Appends `entry` after `head`.
pub fn chain(head: &ChainHead, entry: NewAuditEntry) -> AuditEntry {
    let seq = head.seq + 1;
    let hash = entry_hash(seq, &head.hash, &entry);
    AuditEntry {
        seq,
        entry,
        prev_hash: head.hash.clone(),
        hash,
    }
}

/// SHA-256 over a canonical encoding: a version tag, then each field length-prefixed, so that
/// no two different entries share their bytes.
fn entry_hash(seq: u64, prev_hash: &str, entry: &NewAuditEntry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"duizhang-audit-v1");
    hasher.update(seq.to_le_bytes());
    let mut field = |bytes: &[u8]| {
        hasher.update(u64::try_from(bytes.len()).unwrap_or(u64::MAX).to_le_bytes());
        hasher.update(bytes);
    };
    field(prev_hash.as_bytes());
    field(entry.at.as_bytes());
    field(entry.company.as_bytes());
    field(entry.actor.as_bytes());
    field(entry.action.as_bytes());
    field(entry.subject.as_bytes());
    for side in [&entry.before, &entry.after] {
        match side {
            None => field(b"\x00none"),
            Some(text) => field(format!("\x01{text}").as_bytes()),
        }
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Where and how the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainBreak {
    /// The position in the log as read (1-based) where the break shows.
    pub position: u64,
    /// The seq of the entry there, if there is one.
    pub seq: Option<u64>,
    pub kind: BreakKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The entry's content no longer gives its hash: edited in place.
    Edited,
    /// Entries are missing before this one (a gap in the numbering).
    Missing,
    /// An entry whose number was already seen, or out of order: inserted or moved.
    InsertedOrMoved,
    /// The entry does not link to the one before it: something before it was removed,
    /// inserted or rewritten.
    Unlinked,
    /// The log ends before the head recorded outside the database: entries were cut off, or
    /// the recorded head is not in this log.
    Truncated,
}

impl ChainBreak {
    /// For the person running `duizhang audit verify`.
    pub fn zh(&self) -> String {
        let at = match self.seq {
            Some(seq) => format!("第 {} 条（序号 {seq}）", self.position),
            None => format!("第 {} 条", self.position),
        };
        let what = match self.kind {
            BreakKind::Edited => "内容被改动过（与其哈希不符）",
            BreakKind::Missing => "之前有记录被删除（序号不连续）",
            BreakKind::InsertedOrMoved => "是插入或移动过的记录（序号重复或倒序）",
            BreakKind::Unlinked => "与前一条记录的哈希链接不上（之前的记录被删除、插入或改写）",
            BreakKind::Truncated => "之后的记录缺失：日志比外部保存的链尾短，或被整体改写",
        };
        format!("审计日志在{at}处断开：{what}")
    }
}

/// Checks a log read in seq order, from `start` (the genesis, or the head before a segment).
/// With `anchor`, also that the log reaches that recorded head unchanged. Returns the head.
pub fn verify(
    entries: &[AuditEntry],
    start: &ChainHead,
    anchor: Option<&ChainHead>,
) -> Result<ChainHead, ChainBreak> {
    let mut head = start.clone();
    let mut anchor_seen = anchor.is_none_or(|a| a.seq <= start.seq && a.hash == start.hash);
    for (index, entry) in entries.iter().enumerate() {
        let position = u64::try_from(index).unwrap_or(u64::MAX) + 1;
        let broken = |kind| ChainBreak {
            position,
            seq: Some(entry.seq),
            kind,
        };
        let expected = head.seq + 1;
        if entry.seq > expected {
            return Err(broken(BreakKind::Missing));
        }
        if entry.seq < expected {
            return Err(broken(BreakKind::InsertedOrMoved));
        }
        if entry_hash(entry.seq, &entry.prev_hash, &entry.entry) != entry.hash {
            return Err(broken(BreakKind::Edited));
        }
        if entry.prev_hash != head.hash {
            return Err(broken(BreakKind::Unlinked));
        }
        head = ChainHead {
            seq: entry.seq,
            hash: entry.hash.clone(),
        };
        if let Some(anchor) = anchor
            && anchor.seq == head.seq
        {
            if anchor.hash != head.hash {
                return Err(broken(BreakKind::Unlinked));
            }
            anchor_seen = true;
        }
    }
    if !anchor_seen {
        return Err(ChainBreak {
            position: u64::try_from(entries.len()).unwrap_or(u64::MAX) + 1,
            seq: None,
            kind: BreakKind::Truncated,
        });
    }
    Ok(head)
}
