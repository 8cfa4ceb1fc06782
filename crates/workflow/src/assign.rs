//! Who gets a new case: the first matching rule (by shop, by check code, by working role), else
//! the next person of the working role in turn (round robin), else nobody (the team lead
//! assigns it by hand).

use serde::{Deserialize, Serialize};

use crate::role::Role;

/// One assignment rule; an empty condition matches everything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignRule {
    pub shop: Option<String>,
    pub code: Option<String>,
    pub role: Option<Role>,
    pub assignee: String,
}

/// A company's assignment settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignRules {
    pub rules: Vec<AssignRule>,
    /// People who take cases in turn, per working role, in this order.
    pub rotation: Vec<(Role, Vec<String>)>,
}

/// What the rules need to know of a new case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewCase<'a> {
    pub shop: &'a str,
    pub code: &'a str,
    pub role: Role,
}

impl AssignRules {
    /// The assignee of a new case. `turn` counts the cases of that role assigned by rotation
    /// so far (the store keeps it), so that the same history gives the same assignee.
    pub fn assignee(&self, case: NewCase<'_>, turn: u64) -> Option<String> {
        let matches = |rule: &&AssignRule| {
            rule.shop.as_deref().is_none_or(|shop| shop == case.shop)
                && rule.code.as_deref().is_none_or(|code| code == case.code)
                && rule.role.is_none_or(|role| role == case.role)
        };
        if let Some(rule) = self.rules.iter().find(matches) {
            return Some(rule.assignee.clone());
        }
        let (_, people) = self.rotation.iter().find(|(role, _)| *role == case.role)?;
        let count = u64::try_from(people.len()).ok().filter(|n| *n > 0)?;
        let index = usize::try_from(turn % count).ok()?;
        people.get(index).cloned()
    }
}
