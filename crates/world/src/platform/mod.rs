//! One module per platform: its rules for money and files, from formats.md and CHECKS.md.

pub mod douyin;
pub mod jd;
pub mod pdd;
pub mod tmall;
pub mod wechat;

use duizhang_core::Platform;

use crate::world::World;

/// The world of a platform.
pub fn world(platform: Platform) -> Option<World> {
    Some(match platform {
        Platform::Tmall => tmall::WORLD,
        Platform::Taobao => tmall::TAOBAO_WORLD,
        Platform::Pdd => pdd::WORLD,
        Platform::Wechat => wechat::WORLD,
        Platform::Jd => jd::WORLD,
        Platform::Douyin => douyin::WORLD,
        _ => return None,
    })
}

/// Every platform's world, in the order the tests run them.
pub const ALL: [Platform; 6] = [
    Platform::Tmall,
    Platform::Taobao,
    Platform::Pdd,
    Platform::Wechat,
    Platform::Jd,
    Platform::Douyin,
];
