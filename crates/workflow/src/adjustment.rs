//! Which correcting voucher a resolution makes. A resolution whose reason changes the books
//! (`adjusts_books`) is booked in the open period by a 补充凭证 (a blue voucher for what was
//! missing) or a 红字冲销 (the wrong entry repeated in red, negative amounts) — vouchers
//! already posted are never edited (会计基础工作规范 第五十一条(五), accounting.md §3.2).
//!
//! Accounts are named by the books' roles (`revenue`, `non_operating_expense`…) and the
//! company's chart turns them into codes; `Fund` is the platform's fund account.

use duizhang_core::{Fen, Finding};
use serde::{Deserialize, Serialize};

/// Blue supplementary voucher or red reversal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// 补充凭证: books what was missing, in positive amounts.
    Supplementary,
    /// 红字冲销: repeats the entry booked in error with negative amounts.
    RedReversal,
}

impl AdjustmentKind {
    pub fn zh(self) -> &'static str {
        match self {
            AdjustmentKind::Supplementary => "补充凭证",
            AdjustmentKind::RedReversal => "红字冲销",
        }
    }
}

/// An account as a rule names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountRef {
    /// A role of the chart (`revenue`, `bank` …).
    Role(&'static str),
    /// The fund account of the finding's platform (支付宝, 拼多多钱包 …).
    Fund,
}

/// One line of a planned voucher: the debit or credit side of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannedLine {
    pub account: AccountRef,
    pub debit: bool,
    /// Negative on a red reversal.
    pub amount: Fen,
}

/// The correcting voucher a resolution makes, before the chart names its accounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdjustmentPlan {
    pub kind: AdjustmentKind,
    pub summary: String,
    pub lines: Vec<PlannedLine>,
}

/// (reason, kind, debit, credit, summary). A new reason that changes the books is a new row.
const RULES: &[(&str, AdjustmentKind, AccountRef, AccountRef, &str)] = &[
    // A refund paid outside the platform: 借 主营业务收入 / 贷 银行存款 (J10 销售折让).
    (
        "refunded_offline",
        AdjustmentKind::Supplementary,
        AccountRef::Role("revenue"),
        AccountRef::Role("bank"),
        "补记线下退款",
    ),
    // A refund paid through the platform that no voucher booked (REFUND_NOT_BOOKED).
    (
        "voucher_added",
        AdjustmentKind::Supplementary,
        AccountRef::Role("revenue"),
        AccountRef::Fund,
        "补记退款",
    ),
    // 运费险 or a carrier paid the seller: income outside operations (J10b).
    (
        "shipping_insurance",
        AdjustmentKind::Supplementary,
        AccountRef::Fund,
        AccountRef::Role("non_operating_income"),
        "运费险赔付入账",
    ),
    (
        "carrier_claim",
        AdjustmentKind::Supplementary,
        AccountRef::Role("carrier_receivable"),
        AccountRef::Role("non_operating_income"),
        "快递理赔挂账",
    ),
    // A receipt booked twice: the second entry (借 资金 / 贷 收入) repeated in red.
    (
        "duplicate_reversed",
        AdjustmentKind::RedReversal,
        AccountRef::Fund,
        AccountRef::Role("revenue"),
        "冲销重复入账",
    ),
    // 核销: the platform's receivable that will never arrive becomes a loss.
    (
        "write_off_loss",
        AdjustmentKind::Supplementary,
        AccountRef::Role("non_operating_expense"),
        AccountRef::Role("sale_receivable"),
        "核销确认损失",
    ),
    (
        "write_off_small_difference",
        AdjustmentKind::Supplementary,
        AccountRef::Role("non_operating_expense"),
        AccountRef::Role("sale_receivable"),
        "核销小额差异",
    ),
];

/// The amount a resolution corrects: the written-off amount, else the finding's difference,
/// else its expected or actual amount. `None` when the finding states no money.
pub fn amount(finding: &Finding, write_off: Option<Fen>) -> Option<Fen> {
    if let Some(amount) = write_off {
        return Some(amount);
    }
    [finding.diff_fen, finding.expected_fen, finding.actual_fen]
        .into_iter()
        .flatten()
        .map(i64::abs)
        .find(|fen| *fen > 0)
        .map(Fen::new)
}

/// The voucher a resolution with `reason` makes for `finding`; `None` when the reason has no
/// rule (it does not change the books).
pub fn plan(reason: &str, finding: &Finding, amount: Fen) -> Option<AdjustmentPlan> {
    let (_, kind, debit, credit, summary) = RULES.iter().find(|row| row.0 == reason)?;
    let signed = match kind {
        AdjustmentKind::Supplementary => amount,
        AdjustmentKind::RedReversal => Fen::new(-amount.get()),
    };
    let subject = finding
        .refund_no
        .as_deref()
        .or(finding.order_no.as_deref())
        .or(finding.txn_no.as_deref())
        .unwrap_or(&finding.shop);
    Some(AdjustmentPlan {
        kind: *kind,
        summary: format!("{summary} {subject}（{}）", finding.code),
        lines: vec![
            PlannedLine {
                account: *debit,
                debit: true,
                amount: signed,
            },
            PlannedLine {
                account: *credit,
                debit: false,
                amount: signed,
            },
        ],
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use duizhang_core::{FindingSeverity, Owner, Platform};

    fn refund_not_booked(refund_fen: i64) -> Finding {
        Finding {
            code: "REFUND_NOT_BOOKED".into(),
            severity: FindingSeverity::High,
            owner: Owner::Finance,
            platform: Platform::Taobao,
            shop: "禾木家居旗舰店".into(),
            order_no: Some("3921847561023".into()),
            refund_no: Some("RF3921847561023".into()),
            txn_no: None,
            sku: None,
            expected_fen: Some(refund_fen),
            actual_fen: None,
            diff_fen: None,
            occurred_at: "2026-10-12T10:00:00".into(),
            message: "退款未入账".into(),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn a_refund_booked_late_reduces_revenue_against_the_platforms_fund_account() {
        let finding = refund_not_booked(12_900);
        let amount = amount(&finding, None).unwrap();
        let plan = plan("voucher_added", &finding, amount).unwrap();
        assert_eq!(plan.kind, AdjustmentKind::Supplementary);
        assert_eq!(plan.lines[0].account, AccountRef::Role("revenue"));
        assert!(plan.lines[0].debit);
        assert_eq!(plan.lines[1].account, AccountRef::Fund);
        assert_eq!(plan.lines[1].amount, Fen::new(12_900));
        assert!(plan.summary.contains("RF3921847561023"));
    }

    #[test]
    fn a_write_off_books_the_written_off_amount_not_the_findings() {
        let finding = refund_not_booked(12_900);
        let amount = amount(&finding, Some(Fen::new(3))).unwrap();
        let plan = plan("write_off_small_difference", &finding, amount).unwrap();
        assert_eq!(
            plan.lines[0].account,
            AccountRef::Role("non_operating_expense")
        );
        assert_eq!(plan.lines[0].amount, Fen::new(3));
    }

    #[test]
    fn a_duplicate_is_reversed_in_red() {
        let finding = refund_not_booked(500);
        let plan = plan("duplicate_reversed", &finding, Fen::new(500)).unwrap();
        assert_eq!(plan.kind, AdjustmentKind::RedReversal);
        assert!(plan.lines.iter().all(|l| l.amount == Fen::new(-500)));
    }

    #[test]
    fn a_reason_that_does_not_change_the_books_makes_no_voucher() {
        let finding = refund_not_booked(500);
        assert!(plan("platform_delay", &finding, Fen::new(500)).is_none());
    }
}
