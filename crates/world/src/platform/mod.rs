//! One module per platform: its rules for money and files, from formats.md and CHECKS.md.

pub mod douyin;
pub mod jd;
pub mod pdd;
pub mod tmall;
pub mod wechat;

use duizhang_core::{Order, OrderStatus, Platform};

use crate::erp::src;
use crate::story::{Clock, Deal};
use crate::world::World;

/// What a platform's order export says of a deal closed, confirmed, shipped, or only paid at
/// the cut-off.
pub struct StatusTexts {
    pub closed: &'static str,
    pub finished: &'static str,
    pub shipped: &'static str,
    pub paid: &'static str,
}

/// A deal's order as every platform's export holds it at the cut-off: status (in the
/// platform's words), times, goods, postage and paid. What only some platforms state — shop,
/// discount split, receivable, refunded, payment number, lines — is left empty for the
/// platform to fill.
pub fn order_of(d: &Deal, clock: &Clock, platform: Platform, texts: &StatusTexts) -> Order {
    let (status, text) = if d.closed_at.is_some() {
        (OrderStatus::Refunded, texts.closed)
    } else if d.confirmed_at.is_some() {
        (OrderStatus::Finished, texts.finished)
    } else if d.shipped_at.is_some() {
        (OrderStatus::Shipped, texts.shipped)
    } else {
        (OrderStatus::Paid, texts.paid)
    };
    Order {
        platform,
        shop: None,
        order_no: d.order_no.as_str().into(),
        status,
        status_text: text.into(),
        created_at: Some(clock.at(d.created_at)),
        paid_at: Some(clock.at(d.paid_at)),
        shipped_at: d.shipped_at.map(|t| clock.at(t)),
        finished_at: d.confirmed_at.map(|t| clock.at(t)),
        goods: Some(d.goods()),
        postage: Some(d.postage),
        seller_discount: None,
        platform_discount: None,
        other_discount: None,
        paid: Some(d.paid()),
        seller_receivable: None,
        refunded: None,
        payment_no: None,
        lines: Vec::new(),
        source: src(),
    }
}

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
