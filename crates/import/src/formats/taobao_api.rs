//! Taobao/Tmall trades as the Open Platform (TOP) returns them in JSON (formats.md §3.4):
//! `taobao.trades.sold.get` (and `taobao.trades.sold.increment.get`, whose trades are the same
//! object) and `taobao.trade.fullinfo.get`, in the standard shape
//! (`"trades":{"trade":[…]}`, `"orders":{"order":[…]}`) and the `simplify=true` shape (bare
//! arrays, no `…_response` wrapper). [`crate::json`] finds the file and the responses in it;
//! this module walks each response and turns each trade into an [`Order`].
//!
//! Amounts and ids are read as the exact text of the JSON value ([`RawValue`]): amounts are
//! strings in 元 (`"200.07"`), but a number is read digit for digit too, and ids beyond 2^53
//! (`"tid":4012345678901234567`) never go through `f64`. `tid_str` / `oid_str` are preferred
//! when present.
//!
//! The amounts (checked against real responses: an order's `total_fee` = `price × num +
//! adjust_fee − discount_fee`, `divide_order_fee` = that − `part_mjz_discount`, the trade's
//! `discount_fee` = Σ `part_mjz_discount`, the trade's `payment` = Σ `divide_order_fee` +
//! `post_fee`):
//! - order: goods `total_fee`, postage `post_fee`, paid `payment`; seller discount = Σ lines'
//!   `discount_fee − adjust_fee` (单品优惠 and 手工调价, both the seller's), other discount = the
//!   trade's `discount_fee` (店铺优惠 such as 满减, whose funder the API does not say). Stated
//!   only when every line states its `discount_fee` (and, when the trade's `discount_fee` is
//!   missing, no line states a 店铺优惠 share): half-known discounts would be reported as
//!   calculation errors.
//! - line: goods `price × num`, discount `discount_fee − adjust_fee + part_mjz_discount` (when
//!   the trade has a 店铺优惠, only if the line states its share `part_mjz_discount`), paid
//!   `divide_order_fee`. An order's own `payment` is not a line's allocated amount (it holds
//!   the postage on one-line trades and no 店铺优惠 share on others), so a line without
//!   `divide_order_fee` states no paid amount.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

use duizhang_core::{
    BeijingTime, Fen, Label, Order, OrderLine, OrderStatus, Platform, Record, Text,
};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::lookup_text;
use super::taobao::ORDER_STATUSES;
use crate::problem::{Problem, ProblemCode};
use crate::registry::Output;

/// Stable format id.
pub const ID: &str = "taobao.trades_api";
/// Chinese name.
pub const NAME_ZH: &str = "淘宝/天猫交易接口数据";

/// Response wrappers whose body holds `trades` (the `total_results` of a query).
const LIST_WRAPPERS: &[&str] = &[
    "trades_sold_get_response",
    "trades_sold_increment_get_response",
];
/// The wrapper of `taobao.trade.fullinfo.get`, whose body holds one `trade`.
const FULLINFO_WRAPPER: &str = "trade_fullinfo_get_response";

/// How a response holds its trades.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    /// `"trades":{"trade":[…]}`
    Standard,
    /// `"trades":[…]` (`simplify=true`)
    Simplified,
    /// `"trade":{…}` (`taobao.trade.fullinfo.get`)
    Single,
}

impl Shape {
    fn zh(self) -> &'static str {
        match self {
            Shape::Standard => "标准格式",
            Shape::Simplified => "精简格式（simplify=true）",
            Shape::Single => "单笔交易详情",
        }
    }
}

/// What reading one JSON file has learnt so far, and where its records go.
pub struct State<'s> {
    pub(crate) out: Output<'s>,
    /// Newlines the parser has read (see [`crate::json`]).
    newlines: &'s Cell<u64>,
    /// A response of the trade API was seen: the file is this format.
    recognised: bool,
    /// The problem that stopped the file, when the walk stopped it (a JSON of another shape).
    fatal: Option<Problem>,
    /// Response objects read, and whether they came in a top-level array.
    responses: u32,
    array: bool,
    shapes: BTreeSet<Shape>,
    /// `total_results` as each response states it.
    totals: Vec<u64>,
    /// Trades read, by order number: the line of the first.
    seen: HashMap<Text, u32>,
    /// Trade objects not read for an error.
    unread: u64,
    /// Pages that are the API's error responses.
    error_pages: u32,
    /// The seller every trade names, while there is one.
    seller: Option<Option<Label>>,
    paging: Paging,
}

impl<'s> State<'s> {
    pub(crate) fn new(out: Output<'s>, newlines: &'s Cell<u64>) -> State<'s> {
        State {
            out,
            newlines,
            recognised: false,
            fatal: None,
            responses: 0,
            array: false,
            shapes: BTreeSet::new(),
            totals: Vec::new(),
            seen: HashMap::new(),
            unread: 0,
            error_pages: 0,
            seller: None,
            paging: Paging::Single,
        }
    }

    /// The line the parser is on: inside `visit_map`, the line of the object's `{`.
    fn line(&self) -> u32 {
        u32::try_from(self.newlines.get().saturating_add(1)).unwrap_or(u32::MAX)
    }

    pub(crate) fn take_fatal(&mut self) -> Option<Problem> {
        self.fatal.take()
    }

    pub(crate) fn recognised(&self) -> bool {
        self.recognised
    }

    /// A JSON value that is no response of the trade API: stops the file.
    fn unknown_shape(&self, line: u32, keys: &[String]) -> Problem {
        let found = if keys.is_empty() {
            "这里的对象没有可识别的键".to_string()
        } else {
            format!("这里的对象含有 {}", keys.join("、"))
        };
        unknown_format(&self.out.name, &found).at_line(line)
    }

    fn api_error(&mut self, line: u32, e: &ApiError) {
        self.error_pages = self.error_pages.saturating_add(1);
        let parts: Vec<String> = [&e.code, &e.msg, &e.sub_code, &e.sub_msg]
            .into_iter()
            .flatten()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        let p = Problem::new(
            ProblemCode::Truncated,
            &self.out.name,
            format!(
                "这一页是接口的出错返回（error_response：{}），其中的交易没有取到：文件不完整，请重新拉取这一页",
                parts.join("，")
            ),
            format!("TOP error_response: {}", parts.join(", ")),
        )
        .at_line(line);
        self.out.problem(p);
    }

    fn total(&mut self, value: &serde_json::Value) {
        let n = match value {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if let Some(n) = n {
            self.totals.push(n);
        }
    }

    /// One trade object (its exact text, from the line of its `{`).
    fn trade(&mut self, text: &str, line: u32) {
        match read_trade(text, line, &mut self.out) {
            Ok(order) => {
                if let Some(&first) = self.seen.get(&order.order_no) {
                    let p = Problem::new(
                        ProblemCode::Duplicate,
                        &self.out.name,
                        format!(
                            "交易 {} 在本文件中出现了两次（先前在第 {first} 行）：分页拉取时相邻两页常有重叠，这一次没有读入",
                            order.order_no
                        ),
                        format!("trade {} repeated (first at line {first})", order.order_no),
                    )
                    .at_line(line)
                    .warning();
                    self.out.problem(p);
                    return;
                }
                self.seen.insert(order.order_no.clone(), line);
                self.seller = match self.seller.take() {
                    None => Some(order.shop.clone()),
                    Some(s) if s == order.shop => Some(s),
                    Some(_) => Some(None),
                };
                self.out.emit(Record::Order(order));
            }
            Err(p) => {
                self.unread += 1;
                self.out.problem(p);
            }
        }
    }

    /// After the last value (`values` top-level JSON values were read): the file's facts, and
    /// whether the pages add up to the total they state.
    pub(crate) fn finish(&mut self, values: u32) {
        self.out.meta.shop = self.seller.clone().flatten().map(|s| s.to_string());
        self.paging = Paging::of(self.responses, self.array, values);
        let Some(&stated) = self.totals.first() else {
            return;
        };
        // One page of several is a legitimate file: the check is for files of all pages, and
        // only when the pages agree (trades created while paging change the total). An error
        // page has already said that the file is incomplete.
        if self.responses < 2 || self.error_pages > 0 || self.totals.iter().any(|&t| t != stated) {
            return;
        }
        let read = u64::try_from(self.seen.len()).unwrap_or(u64::MAX) + self.unread;
        if read != stated {
            let p = Problem::new(
                ProblemCode::ControlTotal,
                &self.out.name,
                format!(
                    "各页都声明共有 {stated} 笔交易（total_results），文件中却有 {read} 笔（重复的只计一次）：可能漏拉了某些页，请核对分页"
                ),
                format!("total_results {stated} on every page, {read} distinct trades in the file"),
            )
            .warning();
            self.out.problem(p);
        }
    }

    /// The format id (when recognised) and its variant: shape and paging form.
    pub(crate) fn format(&self) -> (Option<&'static str>, Option<String>) {
        if !self.recognised {
            return (None, None);
        }
        let shapes: Vec<&str> = self.shapes.iter().map(|s| s.zh()).collect();
        let mut variant = if shapes.is_empty() {
            "无交易".to_string()
        } else {
            shapes.join("+")
        };
        match self.paging {
            Paging::Single => {}
            Paging::Array => variant.push_str(&format!("，{} 页（JSON 数组）", self.responses)),
            Paging::Lines => {
                variant.push_str(&format!("，{} 页（每行一页，JSON Lines）", self.responses));
            }
        }
        (Some(ID), Some(variant))
    }
}

/// The "not this format" problem for a JSON file.
pub(crate) fn unknown_format(file: &str, found: &str) -> Problem {
    Problem::new(
        ProblemCode::UnknownFormat,
        file,
        format!(
            "无法识别文件格式：这个 JSON 文件不是淘宝/天猫交易接口（taobao.trades.sold.get、taobao.trade.fullinfo.get）的返回（{found}；应含 trades_sold_get_response 或 trade_fullinfo_get_response，simplify=true 的精简格式为 trades 或 trade）。支持的 JSON 见 docs/formats.md"
        ),
        format!("JSON of another shape: {found}"),
    )
}

/// How the responses of a file were laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Paging {
    #[default]
    Single,
    Array,
    Lines,
}

impl Paging {
    fn of(responses: u32, array: bool, values: u32) -> Paging {
        if values > 1 {
            Paging::Lines
        } else if array && responses > 0 {
            Paging::Array
        } else {
            Paging::Single
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Walking the responses

/// A top-level JSON value: one response, or an array of responses.
pub struct TopLevel<'a, 's> {
    st: &'a mut State<'s>,
}

impl<'a, 's> TopLevel<'a, 's> {
    pub(crate) fn new(st: &'a mut State<'s>) -> TopLevel<'a, 's> {
        TopLevel { st }
    }
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a response of the Taobao trade API, or an array of them")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        response(self.st, map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.st.array = true;
        while seq
            .next_element_seed(ResponseSeed { st: &mut *self.st })?
            .is_some()
        {}
        Ok(())
    }
}

/// One response object of an array.
struct ResponseSeed<'a, 's> {
    st: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for ResponseSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ResponseSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a response of the Taobao trade API (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        response(self.st, map)
    }
}

/// A response object: `{"trades_sold_get_response":{…}}`, `{"error_response":{…}}`, or the
/// body itself (`simplify=true`). Anything else stops the file.
fn response<'de, A: MapAccess<'de>>(st: &mut State<'_>, mut map: A) -> Result<(), A::Error> {
    let line = st.line();
    st.responses = st.responses.saturating_add(1);
    let mut known = false;
    let mut others: Vec<String> = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        let key = key.as_str();
        if LIST_WRAPPERS.contains(&key) || key == FULLINFO_WRAPPER {
            known = true;
            st.recognised = true;
            map.next_value_seed(Body { st: &mut *st })?;
        } else if key == "error_response" {
            known = true;
            st.recognised = true;
            let e: ApiError = map.next_value()?;
            st.api_error(line, &e);
        } else if body_entry(st, key, &mut map)? {
            known = true;
        } else {
            if others.len() < 8 {
                others.push(key.to_string());
            }
            map.next_value::<IgnoredAny>()?;
        }
    }
    if !known {
        st.fatal = Some(st.unknown_shape(line, &others));
        return Err(de::Error::custom("not a response of the Taobao trade API"));
    }
    Ok(())
}

/// Reads one entry of a response body if the key is one; false when it is not.
fn body_entry<'de, A: MapAccess<'de>>(
    st: &mut State<'_>,
    key: &str,
    map: &mut A,
) -> Result<bool, A::Error> {
    match key {
        "trades" => {
            st.recognised = true;
            map.next_value_seed(Trades { st })?;
        }
        "trade" => {
            st.recognised = true;
            map.next_value_seed(TradeSeed {
                st,
                shape: Shape::Single,
            })?;
        }
        "total_results" => {
            st.recognised = true;
            let v: serde_json::Value = map.next_value()?;
            st.total(&v);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The body inside a `…_response` wrapper.
struct Body<'a, 's> {
    st: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for Body<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Body<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the body of a trade API response (an object)")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if !body_entry(self.st, &key, &mut map)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `trades`: `{"trade":[…]}` or, simplified, `[…]`; `null` when a page is empty.
struct Trades<'a, 's> {
    st: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for Trades<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Trades<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of trades ({\"trade\":[…]} or […])")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        each_trade(self.st, seq, Shape::Simplified)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "trade" {
                map.next_value_seed(TradeList { st: &mut *self.st })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The array inside `{"trade":[…]}`.
struct TradeList<'a, 's> {
    st: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for TradeList<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TradeList<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of trades")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        each_trade(self.st, seq, Shape::Standard)
    }
}

fn each_trade<'de, A: SeqAccess<'de>>(
    st: &mut State<'_>,
    mut seq: A,
    shape: Shape,
) -> Result<(), A::Error> {
    while seq
        .next_element_seed(TradeSeed {
            st: &mut *st,
            shape,
        })?
        .is_some()
    {}
    Ok(())
}

/// One trade object: taken whole as its exact text, then read.
struct TradeSeed<'a, 's> {
    st: &'a mut State<'s>,
    shape: Shape,
}

impl<'de> DeserializeSeed<'de> for TradeSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let raw = <Box<RawValue>>::deserialize(d)?;
        let text = raw.get();
        // The parser has read up to the trade's closing brace and no further: its first line
        // is the lines read so far less the ones inside it.
        let end = self.st.newlines.get();
        let line = end.saturating_sub(newlines_in(text)).saturating_add(1);
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        self.st.shapes.insert(self.shape);
        self.st.trade(text, line);
        Ok(())
    }
}

/// A parse error of an object's own text without its position in that text (the problem
/// carries the position in the file).
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((what, _)) => what.to_string(),
        None => text,
    }
}

fn newlines_in(text: &str) -> u64 {
    u64::try_from(memchr::memchr_iter(b'\n', text.as_bytes()).count()).unwrap_or(u64::MAX)
}

/// `{"error_response":{"code":27,"msg":"Invalid session","sub_code":…,"sub_msg":…}}`
#[derive(Deserialize)]
struct ApiError {
    code: Option<serde_json::Value>,
    msg: Option<serde_json::Value>,
    sub_code: Option<serde_json::Value>,
    sub_msg: Option<serde_json::Value>,
}

// ---------------------------------------------------------------------------------------------
// One trade

/// The trade fields read, each as its exact JSON text (`null` is absent).
#[derive(Deserialize)]
struct TradeFields<'a> {
    #[serde(borrow)]
    tid: Option<&'a RawValue>,
    #[serde(borrow)]
    tid_str: Option<&'a RawValue>,
    #[serde(borrow)]
    status: Option<&'a RawValue>,
    #[serde(borrow)]
    created: Option<&'a RawValue>,
    #[serde(borrow)]
    pay_time: Option<&'a RawValue>,
    #[serde(borrow)]
    consign_time: Option<&'a RawValue>,
    #[serde(borrow)]
    end_time: Option<&'a RawValue>,
    #[serde(borrow)]
    payment: Option<&'a RawValue>,
    #[serde(borrow)]
    total_fee: Option<&'a RawValue>,
    #[serde(borrow)]
    post_fee: Option<&'a RawValue>,
    #[serde(borrow)]
    discount_fee: Option<&'a RawValue>,
    #[serde(borrow)]
    received_payment: Option<&'a RawValue>,
    #[serde(borrow)]
    alipay_no: Option<&'a RawValue>,
    #[serde(borrow)]
    seller_nick: Option<&'a RawValue>,
    #[serde(borrow)]
    orders: Option<&'a RawValue>,
}

/// The sub-order (子订单) fields read.
#[derive(Deserialize)]
struct OrderFields<'a> {
    #[serde(borrow)]
    oid: Option<&'a RawValue>,
    #[serde(borrow)]
    oid_str: Option<&'a RawValue>,
    #[serde(borrow)]
    outer_sku_id: Option<&'a RawValue>,
    #[serde(borrow)]
    outer_iid: Option<&'a RawValue>,
    #[serde(borrow)]
    title: Option<&'a RawValue>,
    #[serde(borrow)]
    num: Option<&'a RawValue>,
    #[serde(borrow)]
    price: Option<&'a RawValue>,
    #[serde(borrow)]
    discount_fee: Option<&'a RawValue>,
    #[serde(borrow)]
    adjust_fee: Option<&'a RawValue>,
    #[serde(borrow)]
    part_mjz_discount: Option<&'a RawValue>,
    #[serde(borrow)]
    divide_order_fee: Option<&'a RawValue>,
}

/// `"orders":{"order":[…]}` (standard shape).
#[derive(Deserialize)]
struct WrappedOrders<'a> {
    #[serde(borrow)]
    order: Option<Vec<&'a RawValue>>,
}

/// Where a field is, for problems: the file, the line of the object, and what the object is
/// (`交易 4012… 的`).
struct Cx<'f> {
    file: &'f str,
    line: u32,
    what: String,
}

impl Cx<'_> {
    fn problem(&self, code: ProblemCode, field: &str, zh: &str, en: &str) -> Problem {
        Problem::new(
            code,
            self.file,
            format!("{}{field}：{zh}", self.what),
            format!("{}: {field}: {en}", self.what_en()),
        )
        .at_line(self.line)
    }

    fn what_en(&self) -> &str {
        self.what.trim().trim_end_matches('的').trim()
    }

    fn missing(&self, field: &str) -> Problem {
        self.problem(
            ProblemCode::MissingValue,
            field,
            "缺少该字段（拉取时 fields 参数须包含它）",
            "missing",
        )
    }

    fn required<T>(&self, field: &str, value: Option<T>) -> Result<T, Problem> {
        value.ok_or_else(|| self.missing(field))
    }

    /// A scalar as text: a string's content, or a number / `true` / `false` as written.
    /// Blank strings are absent.
    fn text<'a>(
        &self,
        field: &str,
        raw: Option<&'a RawValue>,
    ) -> Result<Option<Cow<'a, str>>, Problem> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        let json = raw.get();
        let text: Cow<'a, str> = match json.as_bytes().first() {
            Some(b'"') => match serde_json::from_str::<&'a str>(json) {
                Ok(s) => Cow::Borrowed(s),
                // Escapes inside: the content has to be unescaped into a new string.
                Err(_) => Cow::Owned(serde_json::from_str::<String>(json).map_err(|e| {
                    self.problem(
                        ProblemCode::BadValue,
                        field,
                        "字符串无法解析",
                        &e.to_string(),
                    )
                })?),
            },
            Some(b'{' | b'[') => {
                return Err(self.problem(
                    ProblemCode::BadValue,
                    field,
                    "应为文字或数字，却是 JSON 对象或数组",
                    "object or array where a scalar was expected",
                ));
            }
            _ => Cow::Borrowed(json),
        };
        Ok(match text {
            Cow::Borrowed(s) => Some(Cow::Borrowed(s.trim())),
            Cow::Owned(s) => Some(Cow::Owned(s.trim().to_string())),
        }
        .filter(|s| !s.is_empty()))
    }

    fn money(&self, field: &str, raw: Option<&RawValue>) -> Result<Option<Fen>, Problem> {
        let Some(text) = self.text(field, raw)? else {
            return Ok(None);
        };
        Fen::parse_yuan(&text)
            .map(Some)
            .map_err(|e| self.problem(ProblemCode::BadAmount, field, &e.zh(), &e.to_string()))
    }

    fn time(&self, field: &str, raw: Option<&RawValue>) -> Result<Option<BeijingTime>, Problem> {
        let Some(text) = self.text(field, raw)? else {
            return Ok(None);
        };
        BeijingTime::parse(&text)
            .map(Some)
            .map_err(|e| self.problem(ProblemCode::BadTime, field, &e.zh(), &e.to_string()))
    }

    /// A count of goods: a positive integer.
    fn quantity(&self, field: &str, raw: Option<&RawValue>) -> Result<i64, Problem> {
        let text = self.required(field, self.text(field, raw)?)?;
        match text.parse::<i64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(self.problem(
                ProblemCode::BadValue,
                field,
                &format!("“{text}”不是正整数"),
                "not a positive integer",
            )),
        }
    }

    /// An id (`tid`, `oid`): its `…_str` twin when present, else the value itself; digits
    /// only. A twin that differs is a warning (the number lost digits in some tool).
    fn id(
        &self,
        field: &str,
        raw: Option<&RawValue>,
        raw_str: Option<&RawValue>,
        out: &mut Output<'_>,
    ) -> Result<Option<Text>, Problem> {
        let str_field = format!("{field}_str");
        let number = self.text(field, raw)?;
        let string = self.text(&str_field, raw_str)?;
        let (used, text) = match (&string, &number) {
            (Some(s), _) => (str_field.as_str(), s),
            (None, Some(n)) => (field, n),
            (None, None) => return Ok(None),
        };
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.problem(
                ProblemCode::BadValue,
                used,
                &format!(
                    "“{text}”不是编号（应为一串数字；写成小数或科学计数法的数字已经失去精度，请让拉取程序按原样保存数字或使用 {field}_str）"
                ),
                "not an id of digits",
            ));
        }
        if let (Some(s), Some(n)) = (&string, &number)
            && s != n
        {
            out.problem(
                self.problem(
                    ProblemCode::BadValue,
                    field,
                    &format!(
                        "{field}（{n}）与 {str_field}（{s}）不一致：数字可能在某个工具中被当作浮点数而丢了位数，已按 {str_field} 读"
                    ),
                    "id and its _str twin differ; the _str twin is used",
                )
                .warning(),
            );
        }
        Ok(Some(text.as_ref().into()))
    }
}

/// A line with the parts of its discount that decide how it is read.
struct Sub {
    line: OrderLine,
    /// `discount_fee − adjust_fee`, when `discount_fee` is stated.
    item_discount: Option<Fen>,
    /// `part_mjz_discount`.
    shop_share: Option<Fen>,
}

/// Reads one trade object into an order; an `Err` is the problem that keeps it out.
fn read_trade(text: &str, line: u32, out: &mut Output<'_>) -> Result<Order, Problem> {
    let file = out.name.clone();
    let cx = Cx {
        file: &file,
        line,
        what: "交易的 ".to_string(),
    };
    let t: TradeFields<'_> = serde_json::from_str(text).map_err(|e| {
        cx.problem(
            ProblemCode::BadValue,
            "结构",
            &format!("不是一个交易对象（{}）", without_position(&e)),
            &e.to_string(),
        )
    })?;
    let order_no = cx.required("tid", cx.id("tid", t.tid, t.tid_str, out)?)?;
    let cx = Cx {
        what: format!("交易 {order_no} 的 "),
        ..cx
    };
    let status_text = cx.required("status", cx.text("status", t.status)?)?;
    let paid = cx.required("payment", cx.money("payment", t.payment)?)?;
    let goods = cx.money("total_fee", t.total_fee)?;
    let postage = cx.money("post_fee", t.post_fee)?;
    let shop_discount = cx.money("discount_fee", t.discount_fee)?;
    let received = cx.money("received_payment", t.received_payment)?;
    let created_at = cx.time("created", t.created)?;
    let paid_at = cx.time("pay_time", t.pay_time)?;
    let shipped_at = cx.time("consign_time", t.consign_time)?;
    let end_time = cx.time("end_time", t.end_time)?;
    let payment_no = cx
        .text("alipay_no", t.alipay_no)?
        .map(|s| Text::from(s.as_ref()));
    let shop = cx
        .text("seller_nick", t.seller_nick)?
        .map(|s| Text::from(s.as_ref()));
    let subs = match t.orders {
        Some(raw) => read_orders(&cx, &order_no, text, raw, out)?,
        None => Vec::new(),
    };

    // 店铺优惠 on the trade: a line's discount is whole only with its share of it.
    let shop_discount_known_zero = shop_discount.is_none_or(Fen::is_zero);
    let mut lines = Vec::with_capacity(subs.len());
    let mut item_discounts: Option<Fen> = (!subs.is_empty()).then_some(Fen::ZERO);
    let mut any_share = false;
    for s in subs {
        item_discounts = match (item_discounts, s.item_discount) {
            (Some(total), Some(d)) => Some(total + d),
            _ => None,
        };
        any_share |= s.shop_share.is_some_and(|f| !f.is_zero());
        let discount = match (s.item_discount, s.shop_share) {
            (Some(d), Some(share)) => Some(d + share),
            (Some(d), None) if shop_discount_known_zero => Some(d),
            _ => None,
        };
        lines.push(OrderLine { discount, ..s.line });
    }
    // The order's discounts, stated only when whole (see the module comment).
    let (seller_discount, other_discount) = match item_discounts {
        Some(items) if shop_discount.is_some() || !any_share => (Some(items), shop_discount),
        _ => (None, None),
    };

    let status = match lookup_text(ORDER_STATUSES, &status_text) {
        Some(s) => s,
        None => {
            let known: Vec<&str> = ORDER_STATUSES
                .iter()
                .map(|(t, _)| *t)
                .filter(|t| t.is_ascii())
                .collect();
            out.problem(
                cx.problem(
                    ProblemCode::BadValue,
                    "status",
                    &format!(
                        "无法识别的取值“{status_text}”（可识别：{}）；订单照常读入，状态记为未知",
                        known.join("、")
                    ),
                    "unknown trade status",
                )
                .warning(),
            );
            OrderStatus::Unknown
        }
    };
    // end_time is when a finished trade released the money, or when a closed one closed.
    let finished_at = if status == OrderStatus::Finished {
        end_time
    } else {
        None
    };
    // received_payment grows as lines are confirmed: final only once the trade is over.
    let seller_receivable = if matches!(status, OrderStatus::Finished | OrderStatus::Refunded) {
        received
    } else {
        None
    };
    Ok(Order {
        platform: Platform::Taobao,
        shop: shop.map(Into::into),
        order_no,
        status,
        status_text: status_text.as_ref().into(),
        created_at,
        paid_at,
        shipped_at,
        finished_at,
        goods,
        postage,
        seller_discount,
        platform_discount: None,
        other_discount,
        paid: Some(paid),
        seller_receivable,
        refunded: None,
        payment_no,
        lines,
        source: out.source(line),
    })
}

/// The sub-orders of a trade (`orders`), each from the line of its own `{`.
fn read_orders(
    cx: &Cx<'_>,
    order_no: &str,
    trade_text: &str,
    raw: &RawValue,
    out: &mut Output<'_>,
) -> Result<Vec<Sub>, Problem> {
    let json = raw.get();
    let shape_problem = |e: &dyn fmt::Display| {
        cx.problem(
            ProblemCode::BadValue,
            "orders",
            &format!("应为子订单列表（{{\"order\":[…]}} 或 […]）：{e}"),
            "orders is not a list of sub-orders",
        )
    };
    let list: Vec<&RawValue> = match json.as_bytes().first() {
        Some(b'[') => {
            serde_json::from_str(json).map_err(|e| shape_problem(&without_position(&e)))?
        }
        Some(b'{') => serde_json::from_str::<WrappedOrders<'_>>(json)
            .map_err(|e| shape_problem(&without_position(&e)))?
            .order
            .unwrap_or_default(),
        _ => return Err(shape_problem(&json)),
    };
    let base = trade_text.as_ptr().addr();
    let mut subs = Vec::with_capacity(list.len());
    for (i, o) in list.into_iter().enumerate() {
        let offset = o.get().as_ptr().addr().saturating_sub(base);
        let inside = trade_text.get(..offset).map_or(0, newlines_in);
        let line = u64::from(cx.line).saturating_add(inside);
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let mut ocx = Cx {
            file: cx.file,
            line,
            what: format!("交易 {order_no} 的第 {} 个子订单的 ", i + 1),
        };
        let f: OrderFields<'_> = serde_json::from_str(o.get()).map_err(|e| {
            ocx.problem(
                ProblemCode::BadValue,
                "结构",
                &format!("不是一个子订单对象（{}）", without_position(&e)),
                &e.to_string(),
            )
        })?;
        let oid = ocx.id("oid", f.oid, f.oid_str, out)?;
        if let Some(oid) = &oid {
            ocx.what = format!("交易 {order_no} 的子订单 {oid} 的 ");
        }
        let quantity = ocx.quantity("num", f.num)?;
        let unit_price = ocx.money("price", f.price)?;
        let goods = match unit_price {
            Some(p) => Some(p.get().checked_mul(quantity).map(Fen::new).ok_or_else(|| {
                ocx.problem(
                    ProblemCode::BadAmount,
                    "price",
                    "单价 × 数量 超出可表示的范围",
                    "price × num overflows",
                )
            })?),
            None => None,
        };
        let discount_fee = ocx.money("discount_fee", f.discount_fee)?;
        let adjust_fee = ocx.money("adjust_fee", f.adjust_fee)?;
        let shop_share = ocx.money("part_mjz_discount", f.part_mjz_discount)?;
        let paid = ocx.money("divide_order_fee", f.divide_order_fee)?;
        let sku = match ocx.text("outer_sku_id", f.outer_sku_id)? {
            Some(s) => Some(s),
            None => ocx.text("outer_iid", f.outer_iid)?,
        };
        let title = ocx.text("title", f.title)?;
        subs.push(Sub {
            line: OrderLine {
                sub_order_no: oid,
                sku: sku.map(|s| Text::from(s.as_ref())).map(Into::into),
                title: title.map(|s| Text::from(s.as_ref())).map(Into::into),
                quantity,
                unit_price,
                goods,
                discount: None,
                paid,
                source: out.source(line),
            },
            item_discount: discount_fee.map(|d| d - adjust_fee.unwrap_or(Fen::ZERO)),
            shop_share,
        });
    }
    Ok(subs)
}
