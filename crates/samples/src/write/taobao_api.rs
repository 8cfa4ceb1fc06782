//! Taobao trades as the Open Platform returns them in JSON (formats.md §3.4), the way tools
//! that pull them save them: one `taobao.trade.fullinfo.get` response per line (JSON Lines),
//! or the pages of `taobao.trades.sold.get` in a JSON array. Either way each trade (with its
//! sub-orders) sits on one line, so a record's line is its trade's.
//!
//! Amounts are strings in 元 and ids are numbers with their `…_str` twin, as the API writes
//! them. The order's discounts are split back into the API's parts: a line's discount is its
//! 单品优惠 (`discount_fee`) plus its share of the trade's 店铺优惠 (`part_mjz_discount`), and
//! the order's seller discount is Σ 单品优惠 while its other discount is the trade's
//! `discount_fee` (see `duizhang_import::formats::taobao_api`). Where an order has both, each
//! line's 单品优惠 is the seller discount spread over the lines by their discount (the
//! remainder on the last line), the rest of the line's discount its 店铺优惠 share.
//!
//! An order record holds no refund state per line, so every sub-order is written
//! `"refund_status":"NO_REFUND"` (the importer does not read it).

use duizhang_core::{BeijingTime, Fen, Order, OrderLine};
use serde::Serialize;

/// How the responses are laid out in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One `{"trade_fullinfo_get_response":{"trade":{…}}}` per line.
    FullinfoLines,
    /// `[` the pages of `taobao.trades.sold.get` (standard shape, `total_results` on each), one
    /// trade per line, `page_size` trades a page `]`.
    SoldGetPages { page_size: usize },
}

#[derive(Clone, Copy, Debug)]
pub struct TradeOptions {
    pub layout: Layout,
}

impl Default for TradeOptions {
    fn default() -> TradeOptions {
        TradeOptions {
            layout: Layout::FullinfoLines,
        }
    }
}

/// The line of the `n`-th trade (0-based) in a file of this layout.
pub fn trade_line(layout: Layout, n: usize) -> usize {
    match layout {
        Layout::FullinfoLines => n + 1,
        // `[`, then per page a header line, its trades and a closing line.
        Layout::SoldGetPages { page_size } => {
            let size = page_size.max(1);
            3 + n + 2 * (n / size)
        }
    }
}

#[derive(Serialize)]
struct Trade<'a> {
    tid: u64,
    tid_str: &'a str,
    status: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consign_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    payment: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_fee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_fee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    discount_fee: Option<String>,
    adjust_fee: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    received_payment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alipay_no: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seller_nick: Option<&'a str>,
    orders: SubOrders<'a>,
}

#[derive(Serialize)]
struct SubOrders<'a> {
    order: Vec<SubOrder<'a>>,
}

#[derive(Serialize)]
struct SubOrder<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    oid: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    oid_str: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outer_sku_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<String>,
    num: i64,
    /// 应付 = price × num − 单品优惠.
    #[serde(skip_serializing_if = "Option::is_none")]
    total_fee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    discount_fee: Option<String>,
    adjust_fee: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    part_mjz_discount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    divide_order_fee: Option<String>,
    status: &'a str,
    refund_status: &'static str,
}

fn yuan(f: Fen) -> String {
    f.to_string()
}

fn time(t: Option<BeijingTime>) -> Option<String> {
    t.map(|t| t.to_string())
}

/// An id the API writes as a number: only when it is all digits and fits.
fn number(id: &str) -> Option<u64> {
    id.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| id.parse().ok())
        .flatten()
}

/// Each line's 单品优惠: all of its discount when the order has no 店铺优惠, none when it has
/// no 单品优惠, else the seller discount spread over the lines by their discount.
fn item_discounts(o: &Order) -> Vec<Option<Fen>> {
    let seller = o.seller_discount.unwrap_or(Fen::ZERO);
    let shop = o.other_discount.unwrap_or(Fen::ZERO);
    let total: i64 = o.lines.iter().map(|l| l.discount.map_or(0, Fen::get)).sum();
    let mut left = seller;
    let n = o.lines.len();
    o.lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let d = l.discount?;
            let item = if shop.is_zero() {
                d
            } else if seller.is_zero() {
                Fen::ZERO
            } else if i + 1 == n {
                left
            } else {
                Fen::new(
                    i64::try_from(
                        i128::from(seller.get()) * i128::from(d.get()) / i128::from(total.max(1)),
                    )
                    .unwrap_or(0),
                )
            };
            left -= item;
            Some(item)
        })
        .collect()
}

fn sub_order<'a>(o: &'a Order, l: &'a OrderLine, item: Option<Fen>) -> SubOrder<'a> {
    let share = match (l.discount, item) {
        (Some(d), Some(i)) => Some(d - i),
        _ => None,
    };
    SubOrder {
        oid: l.sub_order_no.as_deref().and_then(number),
        oid_str: l.sub_order_no.as_deref(),
        title: l.title.as_deref(),
        outer_sku_id: l.sku.as_deref(),
        price: l.unit_price.map(yuan),
        num: l.quantity,
        total_fee: match (l.goods, item) {
            (Some(g), Some(i)) => Some(yuan(g - i)),
            _ => None,
        },
        discount_fee: item.map(yuan),
        adjust_fee: "0.00",
        part_mjz_discount: share.map(yuan),
        divide_order_fee: l.paid.map(yuan),
        status: &o.status_text,
        refund_status: "NO_REFUND",
    }
}

fn trade(o: &Order) -> Trade<'_> {
    let items = item_discounts(o);
    let modified = [o.finished_at, o.shipped_at, o.paid_at, o.created_at]
        .into_iter()
        .flatten()
        .max();
    Trade {
        tid: number(&o.order_no).unwrap_or(0),
        tid_str: &o.order_no,
        status: &o.status_text,
        kind: "fixed",
        created: time(o.created_at),
        pay_time: time(o.paid_at),
        consign_time: time(o.shipped_at),
        end_time: time(o.finished_at),
        modified: time(modified),
        payment: yuan(o.paid.unwrap_or(Fen::ZERO)),
        total_fee: o.goods.map(yuan),
        post_fee: o.postage.map(yuan),
        discount_fee: o.other_discount.map(yuan),
        adjust_fee: "0.00",
        received_payment: o.seller_receivable.map(yuan),
        alipay_no: o.payment_no.as_deref(),
        seller_nick: o.shop.as_deref(),
        orders: SubOrders {
            order: o
                .lines
                .iter()
                .zip(items)
                .map(|(l, item)| sub_order(o, l, item))
                .collect(),
        },
    }
}

fn json<T: Serialize>(value: &T) -> String {
    // Serialising plain structs of strings and integers cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// The trades of `orders` (one record per trade, lines inside) as a file of `options.layout`.
pub fn trades(orders: &[Order], options: &TradeOptions) -> Vec<u8> {
    let mut out = String::with_capacity(orders.len() * 900 + 64);
    match options.layout {
        Layout::FullinfoLines => {
            for o in orders {
                out.push_str("{\"trade_fullinfo_get_response\":{\"trade\":");
                out.push_str(&json(&trade(o)));
                out.push_str("}}\n");
            }
        }
        Layout::SoldGetPages { page_size } => {
            let size = page_size.max(1);
            out.push_str("[\n");
            let pages = orders.chunks(size).count();
            for (p, page) in orders.chunks(size).enumerate() {
                out.push_str(&format!(
                    "{{\"trades_sold_get_response\":{{\"total_results\":{},\"trades\":{{\"trade\":[\n",
                    orders.len()
                ));
                for (i, o) in page.iter().enumerate() {
                    out.push_str(&json(&trade(o)));
                    out.push_str(if i + 1 < page.len() { ",\n" } else { "\n" });
                }
                out.push_str(if p + 1 < pages { "]}}},\n" } else { "]}}}\n" });
            }
            out.push_str("]\n");
        }
    }
    out.into_bytes()
}
