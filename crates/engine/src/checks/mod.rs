//! The checks, one function per catalog code, grouped like CHECKS.md.

pub mod goods;
pub mod money;

use crate::{Ctx, Sink};

/// A check: reads one shop's context, pushes into the sink.
pub type CheckFn = fn(&Ctx<'_>, &mut Sink);

/// The implementation of a catalog code.
pub fn implementation(code: &str) -> Option<CheckFn> {
    money::implementation(code).or_else(|| goods::implementation(code))
}
