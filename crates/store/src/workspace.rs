//! The operations of the workspace, each one transaction with its audit entry.

use duizhang_workflow::{
    Actor, ChainBreak, ChainHead, NewAuditEntry, ResolutionReasons, Role, chain, verify,
};

use crate::backend::{Backend, Tx};
use crate::error::StoreError;
use crate::password;
use crate::records::{Company, Member, User};

/// The audit chain of workspace-wide events (users), beside one chain per company.
pub const WORKSPACE_CHAIN: i64 = 0;

/// The workspace over one backend. `clock` gives the Beijing time of each operation
/// (`YYYY-MM-DD HH:MM:SS`); tests give a fixed one.
pub struct Workspace<B: Backend> {
    pub(crate) backend: B,
    pub(crate) clock: Box<dyn Fn() -> String + Send>,
    pub(crate) reasons: ResolutionReasons,
}

impl<B: Backend> Workspace<B> {
    pub fn new(backend: B, clock: Box<dyn Fn() -> String + Send>) -> Workspace<B> {
        Workspace {
            backend,
            clock,
            reasons: ResolutionReasons::default(),
        }
    }

    pub fn reasons(&self) -> &ResolutionReasons {
        &self.reasons
    }

    /// Creates a company; `by` becomes its admin (the first member of a company is its admin).
    pub fn create_company(&mut self, name: &str, by: &str) -> Result<Company, StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let (user, _) = tx
            .user_by_login(by)?
            .ok_or_else(|| StoreError::UnknownUser(by.to_string()))?;
        if tx.company_by_name(name)?.is_some() {
            return Err(StoreError::CompanyExists(name.to_string()));
        }
        let company = tx.insert_company(name, &at)?;
        tx.set_roles(company.id, user.id, &[Role::Admin])?;
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "company.create",
            &format!("company:{}", company.name),
            None,
            Some(format!(r#"{{"name":{},"admin":{}}}"#, json(name), json(by))),
        )?;
        tx.commit()?;
        Ok(company)
    }

    pub fn companies(&mut self) -> Result<Vec<Company>, StoreError> {
        self.backend.begin()?.companies()
    }

    pub fn company(&mut self, name: &str) -> Result<Company, StoreError> {
        self.backend
            .begin()?
            .company_by_name(name)?
            .ok_or_else(|| StoreError::UnknownCompany(name.to_string()))
    }

    /// Adds the first person of an empty workspace (who then creates companies). Refused once
    /// anyone exists: later people are added by an admin.
    pub fn add_first_user(
        &mut self,
        login: &str,
        display_name: &str,
        password: &str,
    ) -> Result<User, StoreError> {
        self.insert_user(login, display_name, password, None, true)
    }

    /// Adds a person who can sign in (`by`: who added them, for the audit log).
    pub fn add_user(
        &mut self,
        login: &str,
        display_name: &str,
        password: &str,
        by: Option<&str>,
    ) -> Result<User, StoreError> {
        self.insert_user(login, display_name, password, by, false)
    }

    fn insert_user(
        &mut self,
        login: &str,
        display_name: &str,
        password: &str,
        by: Option<&str>,
        only_into_empty: bool,
    ) -> Result<User, StoreError> {
        let hash = password::hash(password)?;
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        if only_into_empty && tx.user_count()? > 0 {
            return Err(StoreError::NotFirstUser);
        }
        if tx.user_by_login(login)?.is_some() {
            return Err(StoreError::UserExists(login.to_string()));
        }
        let user = tx.insert_user(login, display_name, &hash, &at)?;
        audit(
            tx.as_mut(),
            WORKSPACE_CHAIN,
            &at,
            by.unwrap_or("system"),
            "user.create",
            &format!("user:{login}"),
            None,
            Some(format!(
                r#"{{"login":{},"display_name":{}}}"#,
                json(login),
                json(display_name)
            )),
        )?;
        tx.commit()?;
        Ok(user)
    }

    /// An admin of `company` adds a new person with these roles there, in one transaction.
    pub fn add_member(
        &mut self,
        company: &str,
        login: &str,
        display_name: &str,
        password: &str,
        roles: &[Role],
        by: &str,
    ) -> Result<User, StoreError> {
        let hash = password::hash(password)?;
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        require_admin(tx.as_mut(), &company, by)?;
        if tx.user_by_login(login)?.is_some() {
            return Err(StoreError::UserExists(login.to_string()));
        }
        let user = tx.insert_user(login, display_name, &hash, &at)?;
        tx.set_roles(company.id, user.id, roles)?;
        audit(
            tx.as_mut(),
            WORKSPACE_CHAIN,
            &at,
            by,
            "user.create",
            &format!("user:{login}"),
            None,
            Some(format!(
                r#"{{"login":{},"display_name":{}}}"#,
                json(login),
                json(display_name)
            )),
        )?;
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "member.roles",
            &format!("user:{login}"),
            Some(roles_json(&[])),
            Some(roles_json(roles)),
        )?;
        tx.commit()?;
        Ok(user)
    }

    /// Signs a person in.
    pub fn authenticate(&mut self, login: &str, password: &str) -> Result<User, StoreError> {
        let (user, hash) = self
            .backend
            .begin()?
            .user_by_login(login)?
            .ok_or_else(|| StoreError::UnknownUser(login.to_string()))?;
        if password::verify(password, &hash) {
            Ok(user)
        } else {
            Err(StoreError::WrongPassword(login.to_string()))
        }
    }

    /// Gives `login` these roles in `company` (replacing earlier ones). Only an admin of the
    /// company may.
    pub fn grant(
        &mut self,
        company: &str,
        login: &str,
        roles: &[Role],
        by: &str,
    ) -> Result<(), StoreError> {
        let at = (self.clock)();
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.lock_company(company.id)?;
        require_admin(tx.as_mut(), &company, by)?;
        let (user, _) = tx
            .user_by_login(login)?
            .ok_or_else(|| StoreError::UnknownUser(login.to_string()))?;
        let before = tx.roles(company.id, user.id)?;
        tx.set_roles(company.id, user.id, roles)?;
        audit(
            tx.as_mut(),
            company.id,
            &at,
            by,
            "member.roles",
            &format!("user:{login}"),
            Some(roles_json(&before)),
            Some(roles_json(roles)),
        )?;
        tx.commit()
    }

    pub fn members(&mut self, company: &str) -> Result<Vec<Member>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.members(company.id)
    }

    /// Checks a company's audit chain from its start; with `anchor` (a head recorded outside
    /// the database, e.g. in an archive), also that the log still reaches it unchanged.
    pub fn verify_audit(
        &mut self,
        company: &str,
        anchor: Option<&ChainHead>,
    ) -> Result<Result<ChainHead, ChainBreak>, StoreError> {
        let mut tx = self.backend.begin()?;
        let id = if company.is_empty() {
            WORKSPACE_CHAIN
        } else {
            company_in(tx.as_mut(), company)?.id
        };
        let log = tx.audit_log(id)?;
        Ok(verify(&log, &ChainHead::genesis(), anchor))
    }

    pub fn audit_log(
        &mut self,
        company: &str,
    ) -> Result<Vec<duizhang_workflow::AuditEntry>, StoreError> {
        let mut tx = self.backend.begin()?;
        let company = company_in(tx.as_mut(), company)?;
        tx.audit_log(company.id)
    }
}

pub(crate) fn company_in(tx: &mut dyn Tx, name: &str) -> Result<Company, StoreError> {
    tx.company_by_name(name)?
        .ok_or_else(|| StoreError::UnknownCompany(name.to_string()))
}

/// `login` acting in `company`, with their roles there.
pub(crate) fn actor_in(
    tx: &mut dyn Tx,
    company: &Company,
    login: &str,
) -> Result<Actor, StoreError> {
    let (user, _) = tx
        .user_by_login(login)?
        .ok_or_else(|| StoreError::UnknownUser(login.to_string()))?;
    let roles = tx.roles(company.id, user.id)?;
    if roles.is_empty() {
        return Err(StoreError::NotMember {
            login: login.to_string(),
            company: company.name.clone(),
        });
    }
    Ok(Actor::User {
        id: login.to_string(),
        roles,
    })
}

fn require_admin(tx: &mut dyn Tx, company: &Company, login: &str) -> Result<(), StoreError> {
    let actor = actor_in(tx, company, login)?;
    if actor.has(Role::Admin) {
        Ok(())
    } else {
        Err(duizhang_workflow::WorkflowError::NotPermitted {
            actor: login.to_string(),
            action: "grant",
            needed: vec![Role::Admin],
        }
        .into())
    }
}

/// Appends one entry to a chain, inside the operation's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit(
    tx: &mut dyn Tx,
    chain_id: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), StoreError> {
    let head = tx.audit_head(chain_id)?;
    let entry = chain(
        &head,
        NewAuditEntry {
            at: at.to_string(),
            company: chain_id.to_string(),
            actor: actor.to_string(),
            action: action.to_string(),
            subject: subject.to_string(),
            before,
            after,
        },
    );
    tx.insert_audit(chain_id, &entry)
}

pub(crate) fn json(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn roles_json(roles: &[Role]) -> String {
    serde_json::to_string(roles).unwrap_or_default()
}
