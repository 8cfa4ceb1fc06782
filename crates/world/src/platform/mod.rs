//! One module per platform: its rules for money and files, from formats.md and CHECKS.md.

pub mod douyin;
pub mod jd;
pub mod pdd;
pub mod tmall;
pub mod wechat;
