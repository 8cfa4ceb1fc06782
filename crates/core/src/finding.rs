//! Findings: the contract of CHECKS.md (`findings.jsonl`, one object a line).

use serde::{Deserialize, Serialize};

use crate::model::{Platform, RecordKind, SourceRef};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl FindingSeverity {
    /// `low` … `critical`, or as people write it in Chinese: 低、中、高、严重.
    pub fn parse(text: &str) -> Option<FindingSeverity> {
        Some(match text.trim() {
            "low" | "低" => FindingSeverity::Low,
            "medium" | "中" => FindingSeverity::Medium,
            "high" | "高" => FindingSeverity::High,
            "critical" | "严重" => FindingSeverity::Critical,
            _ => return None,
        })
    }

    pub fn zh(self) -> &'static str {
        match self {
            FindingSeverity::Low => "低",
            FindingSeverity::Medium => "中",
            FindingSeverity::High => "高",
            FindingSeverity::Critical => "严重",
        }
    }
}

/// Who must act on a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    Finance,
    Service,
    Warehouse,
}

impl Owner {
    /// `finance` / `service` / `warehouse`, or 财务 / 客服 / 仓储.
    pub fn parse(text: &str) -> Option<Owner> {
        Some(match text.trim() {
            "finance" | "财务" => Owner::Finance,
            "service" | "客服" => Owner::Service,
            "warehouse" | "仓储" | "仓库" => Owner::Warehouse,
            _ => return None,
        })
    }

    pub fn zh(self) -> &'static str {
        match self {
            Owner::Finance => "财务",
            Owner::Service => "客服",
            Owner::Warehouse => "仓储",
        }
    }
}

/// One input row a finding rests on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Evidence {
    pub file: String,
    pub line: u32,
    pub kind: RecordKind,
}

/// A finding as written to `findings.jsonl` (field order is the schema's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub severity: FindingSeverity,
    pub owner: Owner,
    pub platform: Platform,
    pub shop: String,
    pub order_no: Option<String>,
    pub refund_no: Option<String>,
    pub txn_no: Option<String>,
    pub sku: Option<String>,
    pub expected_fen: Option<i64>,
    pub actual_fen: Option<i64>,
    pub diff_fen: Option<i64>,
    /// `YYYY-MM-DDTHH:MM:SS`, Beijing time.
    pub occurred_at: String,
    pub message: String,
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// The identity of CHECKS.md: (code, shop, most specific of refund/order/txn no, sku).
    pub fn identity(&self) -> (String, String, String, String) {
        let key = self
            .refund_no
            .clone()
            .or_else(|| self.order_no.clone())
            .or_else(|| self.txn_no.clone())
            .unwrap_or_default();
        (
            self.code.clone(),
            self.shop.clone(),
            key,
            self.sku.clone().unwrap_or_default(),
        )
    }
}

/// Evidence built from a record's source, resolved to a file name by the caller.
pub fn evidence(file_name: &str, source: SourceRef, kind: RecordKind) -> Evidence {
    Evidence {
        file: file_name.to_string(),
        line: source.line,
        kind,
    }
}
