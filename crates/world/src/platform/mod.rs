//! One module per platform: its rules for money and files, from formats.md and CHECKS.md.

pub mod douyin;
pub mod jd;
pub mod pdd;
pub mod tmall;
pub mod wechat;

use duizhang_core::{
    BeijingTime, Fen, FlowKind, FundFlowRow, FundProvider, Order, OrderLine, OrderStatus, Platform,
};
use duizhang_samples::build;
use duizhang_samples::write::erp::ErpOptions;

use crate::erp::src;
use crate::month::{Files, Month, Shop};
use crate::rng::Rng;
use crate::story::{self, Clock, Deal, Line, Rules};
use crate::world::World;

/// How a platform numbers its orders and refunds. `seq` counts them from 1 within the month,
/// offset by the seed so that months of different seeds do not share numbers; an order number
/// may also say when it was paid.
pub struct Numbers {
    pub order: fn(seq: u64, paid: BeijingTime) -> String,
    pub refund: fn(seq: u64) -> String,
}

/// How a platform's month begins: its rules for the stories, its numbers, and the fund
/// account's opening balance.
pub struct Start {
    pub rules: &'static Rules,
    pub numbers: Numbers,
    pub opening: Fen,
}

/// A month of `n` deals of `shop` under its platform's [`Start`], with no records yet, and
/// the generator that drew them (for platforms that draw more).
pub fn start(seed: u64, clock: Clock, n: usize, shop: Shop, how: &Start) -> (Month, Rng) {
    let mut rng = Rng::new(seed);
    let base = (seed % 1000) * 1_000_000;
    let (mut orders, mut refunds) = (0u64, 0u64);
    let deals = story::deals(
        &mut rng,
        &clock,
        how.rules,
        n,
        &mut |_, paid_at| {
            orders += 1;
            (how.numbers.order)(base + orders, clock.at(paid_at))
        },
        &mut |_| {
            refunds += 1;
            (how.numbers.refund)(base + refunds)
        },
    );
    (Month::new(clock, shop, deals, how.opening), rng)
}

/// A line as every order export names it: SKU, title, quantity. Numbers and amounts, which
/// platforms state differently, are left empty for the platform to fill.
pub fn line_of(l: &Line) -> OrderLine {
    OrderLine {
        sub_order_no: None,
        sku: Some(l.sku.into()),
        title: Some(l.title.into()),
        quantity: l.qty,
        unit_price: None,
        goods: None,
        discount: None,
        paid: None,
        source: src(),
    }
}

/// A fund-flow row with what every provider's file says: its id, kind, type text, amount and
/// time. References, counterparty and memo are the platform's to fill.
pub fn flow_row(
    provider: FundProvider,
    account: Option<&str>,
    txn_no: String,
    kind: FlowKind,
    text: &str,
    amount: Fen,
    at: BeijingTime,
) -> FundFlowRow {
    FundFlowRow {
        account: account.map(Into::into),
        kind_text: text.into(),
        source: src(),
        ..build::flow_at(provider, &txn_no, kind, amount, at)
    }
}

/// The platform's own files followed by the ERP's, which every shop keeps.
pub fn with_erp_files(m: &Month, mut own: Files) -> Files {
    own.extend(crate::erp_files::files(m, &ErpOptions::default()));
    own
}

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
