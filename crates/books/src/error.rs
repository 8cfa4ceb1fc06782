//! Errors of the books: a Chinese message for users, an English detail for logs.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BooksError {
    pub kind: ErrorKind,
    /// For users, in Chinese.
    pub message: String,
    /// For logs, in English.
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The 账套 or rules TOML is wrong.
    Config,
    /// A voucher breaks an invariant (unbalanced, unknown account, missing aux …).
    Voucher,
    /// An imported journal file is malformed.
    Import,
    /// Rendering an export failed.
    Export,
}

impl BooksError {
    pub fn config(message: impl Into<String>, detail: impl Into<String>) -> BooksError {
        BooksError {
            kind: ErrorKind::Config,
            message: message.into(),
            detail: detail.into(),
        }
    }

    pub fn voucher(message: impl Into<String>, detail: impl Into<String>) -> BooksError {
        BooksError {
            kind: ErrorKind::Voucher,
            message: message.into(),
            detail: detail.into(),
        }
    }

    pub fn import(message: impl Into<String>, detail: impl Into<String>) -> BooksError {
        BooksError {
            kind: ErrorKind::Import,
            message: message.into(),
            detail: detail.into(),
        }
    }

    pub fn export(message: impl Into<String>, detail: impl Into<String>) -> BooksError {
        BooksError {
            kind: ErrorKind::Export,
            message: message.into(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for BooksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.detail)
    }
}

impl std::error::Error for BooksError {}
