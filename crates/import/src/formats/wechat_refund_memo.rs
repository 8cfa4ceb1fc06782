//! The refund a WeChat Pay 资金账单 refund row states in its 备注 (formats.md §2.3):
//! `退款总金额59.00元;含手续费0.35元`. The row's 收支金额 is that total, or the total net of
//! the payment fee WeChat gives back with the refund (which of the two is UNCONFIRMED, so
//! both are read); any other 备注 is free text and states nothing.

use duizhang_core::{Fen, MoneyError};

use crate::limits::check_amount;

const TOTAL: &str = "退款总金额";
const FEE: &str = "含手续费";

/// What a refund row's 备注 states: the refund and the returned fee it contains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefundMemo {
    pub total: Fen,
    /// `Fen::ZERO` when the 备注 names no fee.
    pub fee: Fen,
}

/// Why a 备注 that names a refund total cannot be taken for the refund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemoError {
    /// `退款总金额` or `含手续费` is there, but what follows is not an amount in 元 (or is
    /// negative): the refund is unknown, the row cannot be read.
    BadAmount { label: &'static str, reason: String },
    /// The amounts are readable but the money that moved is neither the total nor the total
    /// less the fee: the bill contradicts itself.
    Disagrees { memo: RefundMemo, outflow: Fen },
}

impl MemoError {
    /// For users in Chinese, and for logs in English.
    pub fn messages(&self) -> (String, String) {
        match self {
            MemoError::BadAmount { label, reason } => (
                format!("备注中的{label}无法读取：{reason}"),
                format!("memo {label}: {reason}"),
            ),
            MemoError::Disagrees { memo, outflow } => (
                format!(
                    "备注称{TOTAL}{}元、{FEE}{}元，与支出金额 {outflow} 元对不上（既不是退款总金额，也不是扣除手续费后的金额）；退款按实际支出计",
                    memo.total, memo.fee
                ),
                format!(
                    "memo states refund {} with fee {}, outflow is {outflow}",
                    memo.total, memo.fee
                ),
            ),
        }
    }
}

impl RefundMemo {
    /// The refund total and fee a 备注 states; `None` for a 备注 that names no refund total.
    pub fn parse(memo: &str) -> Result<Option<RefundMemo>, MemoError> {
        let Some(total) = amount_after(memo, TOTAL)? else {
            return Ok(None);
        };
        let fee = amount_after(memo, FEE)?.unwrap_or(Fen::ZERO);
        Ok(Some(RefundMemo { total, fee }))
    }

    /// The refund, positive, given the row's outflow (positive): the total, when the outflow
    /// is the total or the total net of the fee.
    pub fn refund_for(self, outflow: Fen) -> Result<Fen, MemoError> {
        if outflow == self.total || outflow == self.total - self.fee {
            Ok(self.total)
        } else {
            Err(MemoError::Disagrees {
                memo: self,
                outflow,
            })
        }
    }
}

/// The amount in 元 written after `label` (`退款总金额59.00元` → 59.00), `None` when the label
/// is absent.
fn amount_after(memo: &str, label: &'static str) -> Result<Option<Fen>, MemoError> {
    let Some((_, rest)) = memo.split_once(label) else {
        return Ok(None);
    };
    let bad = |reason: String| MemoError::BadAmount { label, reason };
    let Some((text, _)) = rest.split_once('元') else {
        return Err(bad(format!("“{rest}”后没有“元”")));
    };
    let amount = Fen::parse_yuan(text).map_err(|e: MoneyError| bad(e.zh()))?;
    let amount = check_amount(amount).map_err(|(zh, _)| bad(zh))?;
    if amount.get() < 0 {
        return Err(bad(format!("金额 {amount} 为负数")));
    }
    Ok(Some(amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(yuan: &str) -> Fen {
        Fen::parse_yuan(yuan).expect("a test amount")
    }

    fn refund(memo: &str, outflow: &str) -> Result<Option<Fen>, MemoError> {
        RefundMemo::parse(memo)?
            .map(|m| m.refund_for(fen(outflow)))
            .transpose()
    }

    #[test]
    fn a_memo_stating_a_total_gives_that_total_whether_the_outflow_is_net_of_the_fee_or_not() {
        for (memo, outflow, total) in [
            // Net of the 0.35 fee WeChat gives back (formats.md's example).
            ("退款总金额59.00元;含手续费0.35元", "58.65", "59.00"),
            // The whole refund left the account, the fee named beside it.
            ("退款总金额59.00元;含手续费0.35元", "59.00", "59.00"),
            // The WeChat documentation's own example: a fen refunded, no fee.
            ("退款总金额0.01元;含手续费0.00元", "0.01", "0.01"),
            // Spaces and a full-width semicolon.
            ("退款总金额 128.50 元；含手续费 0.77 元", "127.73", "128.50"),
            // No fee named.
            ("退款总金额12.00元", "12.00", "12.00"),
        ] {
            assert_eq!(refund(memo, outflow), Ok(Some(fen(total))), "{memo}");
        }
    }

    #[test]
    fn free_text_in_the_memo_states_no_refund() {
        for memo in ["", "用户申请退款", "7天无理由退货", "退款"] {
            assert_eq!(refund(memo, "10.00"), Ok(None), "{memo}");
        }
    }

    #[test]
    fn a_total_that_is_not_an_amount_is_an_error_naming_the_label() {
        let err = refund("退款总金额5９.00元;含手续费0.35元", "58.65").expect_err("not a refund");
        assert!(
            matches!(
                err,
                MemoError::BadAmount {
                    label: "退款总金额",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.messages().0.starts_with("备注中的退款总金额无法读取"),
            "{}",
            err.messages().0
        );
        let cut = refund("退款总金额59.00", "59.00").expect_err("not a refund");
        assert!(
            cut.messages().0.contains("没有“元”"),
            "{}",
            cut.messages().0
        );
        let sub_fen =
            refund("退款总金额59.001元;含手续费0.35元", "58.65").expect_err("not a refund");
        assert!(
            matches!(sub_fen, MemoError::BadAmount { .. }),
            "{sub_fen:?}"
        );
    }

    #[test]
    fn a_fee_that_is_not_an_amount_or_is_negative_is_an_error() {
        let bad = refund("退款总金额59.00元;含手续费约0.35元", "58.65").expect_err("not a refund");
        assert!(
            matches!(
                bad,
                MemoError::BadAmount {
                    label: "含手续费",
                    ..
                }
            ),
            "{bad:?}"
        );
        let negative =
            refund("退款总金额59.00元;含手续费-0.35元", "59.35").expect_err("not a refund");
        assert!(
            negative.messages().0.contains("为负数"),
            "{}",
            negative.messages().0
        );
    }

    #[test]
    fn a_memo_that_does_not_add_up_with_the_outflow_says_so_with_the_three_amounts() {
        let err = refund("退款总金额59.00元;含手续费0.35元", "50.00").expect_err("not a refund");
        assert_eq!(
            err,
            MemoError::Disagrees {
                memo: RefundMemo {
                    total: fen("59.00"),
                    fee: fen("0.35")
                },
                outflow: fen("50.00")
            }
        );
        assert!(
            err.messages().0.contains("59.00") && err.messages().0.contains("50.00"),
            "{}",
            err.messages().0
        );
    }
}
