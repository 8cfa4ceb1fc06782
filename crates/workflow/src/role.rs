//! People and their roles in one company (账套). A person may hold several roles.

use serde::{Deserialize, Serialize};

/// A role in a company. Roles decide what a person may do; the maker–checker rule decides
/// additionally that nobody approves their own work, whatever their roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员: users, settings, companies; may approve, but never their own work.
    Admin,
    /// 会计: imports, runs, works finance cases, prepares vouchers and write-offs.
    Accountant,
    /// 财务主管: reviews and approves what others prepared.
    Reviewer,
    /// 客服: works after-sales cases.
    Service,
    /// 仓储: works goods cases.
    Warehouse,
    /// 审计: reads everything, changes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Accountant,
        Role::Reviewer,
        Role::Service,
        Role::Warehouse,
        Role::Auditor,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Accountant => "会计",
            Role::Reviewer => "财务主管",
            Role::Service => "客服",
            Role::Warehouse => "仓储",
            Role::Auditor => "审计",
        }
    }

    /// Accepts the English code or the Chinese name (`reviewer`, `财务主管`).
    pub fn parse(text: &str) -> Option<Role> {
        let text = text.trim();
        Role::ALL
            .into_iter()
            .find(|role| role.zh() == text || role.code() == text)
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Accountant => "accountant",
            Role::Reviewer => "reviewer",
            Role::Service => "service",
            Role::Warehouse => "warehouse",
            Role::Auditor => "auditor",
        }
    }

    /// The role that works the cases of a finding's owner (财务 → 会计).
    pub fn working(owner: duizhang_core::Owner) -> Role {
        match owner {
            duizhang_core::Owner::Finance => Role::Accountant,
            duizhang_core::Owner::Service => Role::Service,
            duizhang_core::Owner::Warehouse => Role::Warehouse,
        }
    }
}

/// Who is acting: a user of the company with their roles, or the program itself (a run closing
/// the case of a finding that no longer appears).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    User { id: String, roles: Vec<Role> },
    System,
}

impl Actor {
    pub fn user(id: &str, roles: &[Role]) -> Actor {
        Actor::User {
            id: id.to_string(),
            roles: roles.to_vec(),
        }
    }

    pub fn has(&self, role: Role) -> bool {
        matches!(self, Actor::User { roles, .. } if roles.contains(&role))
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|role| self.has(*role))
    }

    /// The user id, or `system`.
    pub fn id(&self) -> &str {
        match self {
            Actor::User { id, .. } => id,
            Actor::System => "system",
        }
    }

    pub fn is(&self, user: &str) -> bool {
        matches!(self, Actor::User { id, .. } if id == user)
    }

    /// Read-only people (审计 alone) change nothing.
    pub fn may_change_anything(&self) -> bool {
        match self {
            Actor::System => true,
            Actor::User { roles, .. } => roles.iter().any(|role| *role != Role::Auditor),
        }
    }
}
