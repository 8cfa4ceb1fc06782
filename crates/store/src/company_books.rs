//! A company's 账套 (chart of accounts and voucher settings), kept in the workspace so every
//! correcting voucher of the company uses the same chart whoever approves it. Set by an admin
//! or 会计; each change is audit-logged with the file before and after. A company without one
//! books with the preset chart (小企业会计准则, general VAT taxpayer), as `run` does.

use duizhang_books::{BooksConfig, Chart};

use crate::backend::{Backend, Tx};
use crate::error::StoreError;
use crate::imports::{PREPARERS, require};
use crate::records::CompanyBooks;
use crate::workspace::{Workspace, actor_in, audit, company_in};

impl<B: Backend> Workspace<B> {
    /// Keeps `toml` as the company's 账套, refused unless its chart builds.
    pub fn set_company_books(
        &mut self,
        company: &str,
        toml: &str,
        by: &str,
    ) -> Result<CompanyBooks, StoreError> {
        chart_from(toml)?;
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        let actor = actor_in(tx.as_mut(), &company, by)?;
        require(&actor, PREPARERS, "set the books")?;
        let before = tx.company_books(company.id)?;
        let books = CompanyBooks {
            toml: toml.to_string(),
            set_by: by.to_string(),
            set_at: at.clone(),
        };
        tx.put_company_books(company.id, &books)?;
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "company.books",
            &format!("company:{}", company.name),
            before.map(|b| serde_json::to_string(&b).unwrap_or_default()),
            Some(serde_json::to_string(&books).unwrap_or_default()),
        )?;
        tx.commit()?;
        Ok(books)
    }

    /// The company's 账套, when one was set; any member may look.
    pub fn company_books(
        &mut self,
        company: &str,
        by: &str,
    ) -> Result<Option<CompanyBooks>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        actor_in(tx.as_mut(), &company, by)?;
        tx.company_books(company.id)
    }
}

/// The chart the company's vouchers use: its 账套's, else the preset.
pub(crate) fn chart_of(tx: &mut dyn Tx, company: i64) -> Result<Chart, StoreError> {
    match tx.company_books(company)? {
        Some(books) => chart_from(&books.toml),
        None => Ok(preset_chart()),
    }
}

fn chart_from(toml: &str) -> Result<Chart, StoreError> {
    BooksConfig::from_toml(toml)
        .and_then(|config| Chart::build(config.standard, config.vat.taxpayer, &config.chart))
        .map_err(|e| StoreError::BooksInvalid {
            message: e.message,
            detail: e.detail,
        })
}

/// 小企业会计准则, general VAT taxpayer: what a company that set no 账套 books with.
fn preset_chart() -> Chart {
    Chart::build(
        duizhang_books::Standard::Small,
        duizhang_books::Taxpayer::General,
        &duizhang_books::ChartConfig::default(),
    )
    .unwrap_or_else(|e| panic!("the preset chart builds: {e}"))
}
