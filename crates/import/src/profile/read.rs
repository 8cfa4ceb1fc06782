//! Reading a table through a profile: cells by field name, records built per kind, and the
//! merging of multi-row after-sales.

use std::borrow::Cow;
use std::collections::BTreeMap;

use duizhang_core::{
    AfterSale, AfterSaleKind, AfterSaleLine, AfterSalePhase, AfterSaleStatus, BeijingTime,
    Complaint, ComplaintKind, ErpOrder, ErpOrderStatus, Fen, FlowKind, FundFlowRow, FundProvider,
    Order, OrderLine, OrderStatus, Platform, QualityResult, Record, RecordKind, ReturnReceipt,
    Shipment, ShipmentKind, SourceRef, Text, normalize_order_no,
};

use super::fields::{ORDER_LINE_FIELDS, Target};
use super::{AmountScope, EncodingRule, Profile, ValueMap};
use crate::formats::{SumOverflow, sum_present};
use crate::problem::{Problem, ProblemCode};
use crate::registry::{Detection, Output};
use crate::table::{Cells, Header, Table};
use crate::text::TextEncoding;

pub(super) fn read(
    p: &Profile,
    table: &mut Table,
    detection: &Detection,
    out: &mut Output<'_>,
) -> Result<(), Problem> {
    let file = out.name.clone();
    let (_, header) = table.take_header(detection.header_index)?;
    check_encoding(p, table, &header, &file)?;
    let cols = resolve(p, &header, &file)?;
    let fields = Fields::new(p, &cols);
    if p.record == RecordKind::AfterSale {
        return read_after_sales(p, table, &header, &fields, out);
    }
    while let Some(row) = table.next_row()? {
        if row.is_blank() {
            continue;
        }
        let ctx = RowCtx {
            c: Cells::new(row, &header, &file),
            fields: &fields,
            p,
        };
        let source = out.source(row.line);
        out.row(build(&ctx, source));
    }
    Ok(())
}

/// Holds the file to the profile's `encoding`. A GBK file whose sampled beginning is pure
/// ASCII sniffs as UTF-8; with `encoding = "gbk"` the rest is then decoded as GBK (the rows
/// already read are ASCII, the same in both).
fn check_encoding(
    p: &Profile,
    table: &mut Table,
    header: &Header,
    file: &str,
) -> Result<(), Problem> {
    let mismatch = |zh: &str, en: &str| {
        Err(Problem::new(
            ProblemCode::Encoding,
            file,
            format!("映射配置写明的编码与文件不符：{zh}"),
            en.to_string(),
        ))
    };
    match (p.encoding, table.encoding) {
        (EncodingRule::Utf8, TextEncoding::Gb18030) => mismatch(
            "配置为 utf-8，但文件是 GBK/GB18030 编码（请把配置改为 encoding = \"gbk\" 或 \"auto\"）",
            "profile says utf-8, file is GB18030",
        ),
        (EncodingRule::Gbk, TextEncoding::Utf8Bom) => mismatch(
            "配置为 gbk，但文件带 UTF-8 BOM，是 UTF-8 编码（请改为 encoding = \"utf-8\" 或 \"auto\"）",
            "profile says gbk, file has a UTF-8 BOM",
        ),
        (EncodingRule::Gbk, TextEncoding::Utf8) => {
            // Only a beginning that is the same in both encodings may be re-read as GBK: text
            // already seen that is not ASCII was valid UTF-8, so the file is UTF-8.
            let ascii = header.names.iter().all(|n| n.is_ascii())
                && table
                    .peek(0)?
                    .iter()
                    .all(|row| row.cells().all(|c| c.is_ascii()));
            if ascii {
                table.encoding = TextEncoding::Gb18030;
                Ok(())
            } else {
                mismatch(
                    "配置为 gbk，但文件是 UTF-8 编码（请改为 encoding = \"utf-8\" 或 \"auto\"）",
                    "profile says gbk, file is UTF-8",
                )
            }
        }
        _ => Ok(()),
    }
}

/// Field → column index. A required field without a fixed value whose column is absent is a
/// fatal problem of the file; other absent columns are simply not read.
fn resolve(
    p: &Profile,
    header: &Header,
    file: &str,
) -> Result<BTreeMap<&'static str, usize>, Problem> {
    let mut cols = BTreeMap::new();
    for (field, names) in &p.columns {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let found = if p.is_required(field) && !p.defaults.contains_key(field) {
            Some(header.require(file, &names)?)
        } else {
            header.find(&names)
        };
        if let Some(index) = found {
            cols.insert(*field, index);
        }
    }
    for column in &p.detect {
        header.require(file, &[column.as_str()])?;
    }
    Ok(cols)
}

/// What the profile says of one field, gathered once per file so that a cell costs one look-up.
#[derive(Clone, Copy, Default)]
struct Slot<'p> {
    col: Option<usize>,
    required: bool,
    default: Option<&'p str>,
    values: Option<&'p ValueMap>,
}

/// Field → its [`Slot`], for every field the profile names. A short list searched in order:
/// the names asked for are the same static strings as the keys, so most comparisons end at
/// the length or the address.
struct Fields<'p> {
    slots: Vec<(&'static str, Slot<'p>)>,
}

impl<'p> Fields<'p> {
    fn new(p: &'p Profile, cols: &BTreeMap<&'static str, usize>) -> Fields<'p> {
        let mut slots: BTreeMap<&'static str, Slot<'p>> = BTreeMap::new();
        for (&field, &col) in cols {
            slots.entry(field).or_default().col = Some(col);
        }
        for &field in &p.required {
            slots.entry(field).or_default().required = true;
        }
        for (&field, text) in &p.defaults {
            slots.entry(field).or_default().default = Some(text.as_str());
        }
        for (&field, map) in &p.values {
            slots.entry(field).or_default().values = Some(map);
        }
        Fields {
            slots: slots.into_iter().collect(),
        }
    }

    fn get(&self, field: &str) -> Slot<'p> {
        self.slots
            .iter()
            .find(|(name, _)| {
                name.len() == field.len()
                    && (std::ptr::eq(name.as_ptr(), field.as_ptr()) || *name == field)
            })
            .map_or_else(Slot::default, |(_, slot)| *slot)
    }
}

/// One data row seen through the profile.
struct RowCtx<'a> {
    c: Cells<'a>,
    fields: &'a Fields<'a>,
    p: &'a Profile,
}

impl<'a> RowCtx<'a> {
    fn col(&self, field: &str) -> Option<usize> {
        self.fields.get(field).col
    }

    fn missing(&self, field: &str) -> Problem {
        match self.col(field) {
            Some(col) => self.c.problem(
                col,
                ProblemCode::MissingValue,
                "必填的单元格为空",
                format!("required cell ({field}) is empty"),
            ),
            None => Problem::new(
                ProblemCode::MissingValue,
                self.c.file,
                format!("缺少必填字段“{field}”的值"),
                format!("no value for required field {field}"),
            )
            .at_line(self.c.line()),
        }
    }

    /// A blank value of a required field is an error; of an optional one, `None`.
    fn check<T>(&self, field: &str, value: Option<T>) -> Result<Option<T>, Problem> {
        if value.is_none() && self.fields.get(field).required {
            return Err(self.missing(field));
        }
        Ok(value)
    }

    fn req<T>(&self, field: &str, value: Option<T>) -> Result<T, Problem> {
        value.ok_or_else(|| self.missing(field))
    }

    /// The cell text, else the profile's fixed value.
    fn raw(&self, slot: Slot<'a>) -> Option<Cow<'a, str>> {
        slot.col
            .and_then(|c| self.c.opt(Some(c)))
            .or_else(|| slot.default.map(Cow::Borrowed))
    }

    fn text(&self, field: &str) -> Result<Option<Text>, Problem> {
        let value = self.raw(self.fields.get(field));
        self.check(field, value.map(|t| Text::from(t.as_ref())))
    }

    fn req_text(&self, field: &str) -> Result<Text, Problem> {
        let v = self.text(field)?;
        self.req(field, v)
    }

    fn money(&self, field: &str) -> Result<Option<Fen>, Problem> {
        let v = self.c.fen(self.col(field))?;
        self.check(field, v)
    }

    fn req_money(&self, field: &str) -> Result<Fen, Problem> {
        let v = self.money(field)?;
        self.req(field, v)
    }

    fn time(&self, field: &str) -> Result<Option<BeijingTime>, Problem> {
        let v = self.c.time(self.col(field))?;
        self.check(field, v)
    }

    fn req_time(&self, field: &str) -> Result<BeijingTime, Problem> {
        let v = self.time(field)?;
        self.req(field, v)
    }

    fn int(&self, field: &str) -> Result<Option<i64>, Problem> {
        let v = self.c.int(self.col(field))?;
        self.check(field, v)
    }

    /// A count of goods: when present, a positive integer (0 or −1 goods is no shipment,
    /// return or line, and would hide a real one from the checks).
    fn quantity(&self, field: &str) -> Result<Option<i64>, Problem> {
        let v = self.int(field)?;
        match (v, self.col(field)) {
            (Some(n), Some(col)) if n <= 0 => {
                Err(self.c.bad_value(col, &n.to_string(), &["正整数"]))
            }
            _ => Ok(v),
        }
    }

    fn req_quantity(&self, field: &str) -> Result<i64, Problem> {
        let v = self.quantity(field)?;
        self.req(field, v)
    }

    /// An enum cell: the profile's `[values.<field>]` first, then the standard texts.
    fn choice<T: Target>(&self, field: &str) -> Result<Option<(T, Text)>, Problem> {
        let slot = self.fields.get(field);
        let Some(text) = self.raw(slot) else {
            return self.check(field, None);
        };
        let mapped = slot
            .values
            .and_then(|m| m.code(&text))
            .and_then(|code| T::from_code(code));
        if let Some(v) = mapped.or_else(|| T::parse_std(text.trim())) {
            return Ok(Some((v, Text::from(text.as_ref()))));
        }
        let mut known: Vec<&str> = self
            .p
            .values
            .get(field)
            .map(|m| m.texts.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for zh in T::ALL.iter().map(|v| v.zh()) {
            if !known.contains(&zh) {
                known.push(zh);
            }
        }
        Err(match self.col(field) {
            Some(col) => self.c.bad_value(col, &text, &known),
            None => Problem::new(
                ProblemCode::BadValue,
                self.c.file,
                format!(
                    "字段“{field}”的取值“{text}”无法识别（可识别：{}）",
                    known.join("、")
                ),
                format!("unknown value {text:?} for {field}"),
            )
            .at_line(self.c.line()),
        })
    }

    fn req_choice<T: Target>(&self, field: &str) -> Result<(T, Text), Problem> {
        let v = self.choice::<T>(field)?;
        self.req(field, v)
    }

    fn order_no(&self, field: &str) -> Result<Option<Text>, Problem> {
        let value = self.raw(self.fields.get(field));
        self.check(field, value.map(|t| Text::from(normalize_order_no(&t))))
    }

    fn req_order_no(&self, field: &str) -> Result<Text, Problem> {
        let v = self.order_no(field)?;
        self.req(field, v)
    }
}

fn build(ctx: &RowCtx<'_>, source: SourceRef) -> Result<Record, Problem> {
    ctx.c.require_complete()?;
    Ok(match ctx.p.record {
        RecordKind::Order => Record::Order(order(ctx, source)?),
        RecordKind::AfterSale => {
            // Single rows; files are read through `read_after_sales`, which merges them.
            let scope = ctx.p.amount_scope.unwrap_or(AmountScope::PerRow);
            Record::AfterSale(after_sale_row(ctx, source, scope)?)
        }
        RecordKind::ErpOrder => Record::ErpOrder(erp_order(ctx, source)?),
        RecordKind::Shipment => Record::Shipment(shipment(ctx, source)?),
        RecordKind::ReturnReceipt => Record::ReturnReceipt(return_receipt(ctx, source)?),
        RecordKind::Complaint => Record::Complaint(complaint(ctx, source)?),
        RecordKind::FundFlow => Record::FundFlow(fund_flow(ctx, source)?),
        RecordKind::Payment | RecordKind::Settlement => {
            return Err(Problem::new(
                ProblemCode::Profile,
                ctx.c.file,
                "映射配置不能生成这种记录",
                "record kind not supported by profiles",
            ));
        }
    })
}

fn order(r: &RowCtx<'_>, source: SourceRef) -> Result<Order, Problem> {
    let (status, status_text) = r.req_choice::<OrderStatus>("status")?;
    let has_line = ORDER_LINE_FIELDS.iter().any(|f| r.col(f).is_some());
    let lines = if has_line {
        vec![OrderLine {
            sub_order_no: r.text("sub_order_no")?,
            sku: r.text("sku")?.map(Into::into),
            title: r.text("title")?.map(Into::into),
            quantity: r.req_quantity("quantity")?,
            unit_price: r.money("unit_price")?,
            goods: r.money("line_goods")?,
            discount: r.money("line_discount")?,
            paid: r.money("line_paid")?,
            source,
        }]
    } else {
        Vec::new()
    };
    Ok(Order {
        platform: r.req_choice::<Platform>("platform")?.0,
        shop: r.text("shop")?.map(Into::into),
        order_no: r.req_order_no("order_no")?,
        status,
        status_text: status_text.into(),
        created_at: r.time("created_at")?,
        paid_at: r.time("paid_at")?,
        shipped_at: r.time("shipped_at")?,
        finished_at: r.time("finished_at")?,
        goods: r.money("goods")?,
        postage: r.money("postage")?,
        seller_discount: r.money("seller_discount")?,
        platform_discount: r.money("platform_discount")?,
        other_discount: r.money("other_discount")?,
        paid: r.money("paid")?,
        seller_receivable: r.money("seller_receivable")?,
        refunded: r.money("refunded")?,
        payment_no: r.text("payment_no")?,
        lines,
        source,
    })
}

fn erp_order(r: &RowCtx<'_>, source: SourceRef) -> Result<ErpOrder, Problem> {
    Ok(ErpOrder {
        shop: r.req_text("shop")?.into(),
        platform: r.req_choice::<Platform>("platform")?.0,
        order_no: r.req_order_no("order_no")?,
        erp_no: r.text("erp_no")?,
        status: r.req_choice::<ErpOrderStatus>("status")?.0,
        updated_at: r.req_time("updated_at")?,
        paid_at: r.time("paid_at")?,
        goods: r.money("goods")?,
        postage: r.money("postage")?,
        discount: r.money("discount")?,
        paid: r.money("paid")?,
        payment_method: r.text("payment_method")?.map(Into::into),
        payment_no: r.text("payment_no")?,
        source,
    })
}

fn shipment(r: &RowCtx<'_>, source: SourceRef) -> Result<Shipment, Problem> {
    Ok(Shipment {
        shop: r.req_text("shop")?.into(),
        order_no: r.req_order_no("order_no")?,
        sub_order_no: r.text("sub_order_no")?,
        sku: r.req_text("sku")?.into(),
        quantity: r.req_quantity("quantity")?,
        shipped_at: r.req_time("shipped_at")?,
        carrier: r.text("carrier")?.map(Into::into),
        waybill: r.text("waybill")?,
        kind: r.req_choice::<ShipmentKind>("kind")?.0,
        refund_no: r.text("refund_no")?,
        source,
    })
}

fn return_receipt(r: &RowCtx<'_>, source: SourceRef) -> Result<ReturnReceipt, Problem> {
    Ok(ReturnReceipt {
        shop: r.req_text("shop")?.into(),
        order_no: r.req_order_no("order_no")?,
        refund_no: r.req_text("refund_no")?,
        sku: r.req_text("sku")?.into(),
        quantity: r.req_quantity("quantity")?,
        received_at: r.req_time("received_at")?,
        quality: r.choice::<QualityResult>("quality")?.map(|q| q.0),
        source,
    })
}

fn complaint(r: &RowCtx<'_>, source: SourceRef) -> Result<Complaint, Problem> {
    Ok(Complaint {
        shop: r.req_text("shop")?.into(),
        order_no: r.order_no("order_no")?,
        ticket_no: r.req_text("ticket_no")?,
        kind: r.req_choice::<ComplaintKind>("kind")?.0,
        created_at: r.req_time("created_at")?,
        reason: r.text("reason")?.map(Into::into),
        source,
    })
}

fn fund_flow(r: &RowCtx<'_>, source: SourceRef) -> Result<FundFlowRow, Problem> {
    let amount = if r.col("amount").is_some() {
        r.req_money("amount")?
    } else if r.col("income").is_some() && r.col("expense").is_some() {
        let (income, expense) = match (r.money("income")?, r.money("expense")?) {
            (None, None) => return Err(r.missing("income")),
            (income, expense) => (income.unwrap_or(Fen::ZERO), expense.unwrap_or(Fen::ZERO)),
        };
        if !income.is_zero() && !expense.is_zero() {
            let col = r.col("expense").unwrap_or(0);
            return Err(r.c.problem(
                col,
                ProblemCode::BadAmount,
                format!("同一行收入（{income}）与支出（{expense}）都不为零"),
                "both income and expense set",
            ));
        }
        // An outflow is negative whether the export writes it signed or not.
        if expense.is_zero() {
            income
        } else {
            -expense.abs()
        }
    } else {
        return Err(r.missing("amount"));
    };
    let (kind, kind_text) = r.req_choice::<FlowKind>("kind")?;
    Ok(FundFlowRow {
        provider: r.req_choice::<FundProvider>("provider")?.0,
        account: r.text("account")?.map(Into::into),
        txn_no: r.req_text("txn_no")?,
        business_no: r.text("business_no")?,
        order_no: r.order_no("order_no")?,
        merchant_ref: r.text("merchant_ref")?,
        refund_no: r.text("refund_no")?,
        // The mapped type says what kind of money it is, the amount which way it went.
        kind: kind.as_moved(amount),
        kind_text: kind_text.into(),
        amount,
        balance: r.money("balance")?,
        occurred_at: r.req_time("occurred_at")?,
        counterparty: r.text("counterparty")?,
        memo: r.text("memo")?,
        refund_total: None,
        source,
    })
}

/// One row of an after-sales export: an after-sale with at most one goods line.
fn after_sale_row(
    r: &RowCtx<'_>,
    source: SourceRef,
    scope: AmountScope,
) -> Result<AfterSale, Problem> {
    let (status, status_text) = r.req_choice::<AfterSaleStatus>("status")?;
    let refunded = r.req_money("refunded")?;
    let sku = r.text("sku")?;
    let sub_order_no = r.text("sub_order_no")?;
    let quantity = r.quantity("quantity")?;
    let lines = if sku.is_some() || sub_order_no.is_some() || quantity.is_some() {
        vec![AfterSaleLine {
            sku: sku.map(Into::into),
            sub_order_no,
            quantity,
            refund: (scope == AmountScope::PerRow).then_some(refunded),
            source,
        }]
    } else {
        Vec::new()
    };
    Ok(AfterSale {
        platform: r.req_choice::<Platform>("platform")?.0,
        shop: r.text("shop")?.map(Into::into),
        order_no: r.req_order_no("order_no")?,
        refund_no: r.req_text("refund_no")?,
        kind: r.req_choice::<AfterSaleKind>("kind")?.0,
        phase: r.choice::<AfterSalePhase>("phase")?.map(|p| p.0),
        status,
        status_text: status_text.into(),
        paid: r.money("paid")?,
        requested: r.money("requested")?,
        refunded,
        applied_at: r.time("applied_at")?,
        completed_at: r.time("completed_at")?,
        reason: r.text("reason")?.map(Into::into),
        payment_no: r.text("payment_no")?,
        lines,
        source,
    })
}

/// The rows read so far of one after-sale number.
struct Group {
    /// `None` when its first row was bad.
    sale: Option<AfterSale>,
    /// A row of it was bad: the after-sale is incomplete and is not emitted.
    bad: bool,
}

/// Reads every row, merging rows with the same after-sale number wherever they are in the
/// file, and emits the after-sales in order of first appearance at the end.
fn read_after_sales(
    p: &Profile,
    table: &mut Table,
    header: &Header,
    fields: &Fields<'_>,
    out: &mut Output<'_>,
) -> Result<(), Problem> {
    let scope = p.amount_scope.unwrap_or(AmountScope::PerRow);
    let file = out.name.clone();
    let mut groups: Vec<Group> = Vec::new();
    let mut index: foldhash::HashMap<Text, usize> = foldhash::HashMap::default();
    while let Some(row) = table.next_row()? {
        if row.is_blank() {
            continue;
        }
        let ctx = RowCtx {
            c: Cells::new(row, header, &file),
            fields,
            p,
        };
        let source = out.source(row.line);
        let parsed = ctx
            .c
            .require_complete()
            .and_then(|()| after_sale_row(&ctx, source, scope));
        match parsed {
            Ok(sale) => match index.get(&sale.refund_no).copied() {
                None => {
                    index.insert(sale.refund_no.clone(), groups.len());
                    groups.push(Group {
                        sale: Some(sale),
                        bad: false,
                    });
                }
                Some(i) => {
                    let Some(group) = groups.get_mut(i) else {
                        continue;
                    };
                    if group.bad {
                        continue;
                    }
                    if let Some(first) = group.sale.as_mut()
                        && let Err(problem) = merge(first, sale, &ctx, scope)
                    {
                        out.problem(problem);
                        group.bad = true;
                    }
                }
            },
            Err(problem) => {
                out.problem(problem);
                let refund_no = ctx
                    .col("refund_no")
                    .and_then(|c| ctx.c.opt(Some(c)))
                    .map(|s| Text::from(s.as_ref()));
                if let Some(no) = refund_no {
                    match index.get(&no).copied().and_then(|i| groups.get_mut(i)) {
                        Some(group) => group.bad = true,
                        None => {
                            index.insert(no, groups.len());
                            groups.push(Group {
                                sale: None,
                                bad: true,
                            });
                        }
                    }
                }
            }
        }
    }
    for group in groups {
        match (group.sale, group.bad) {
            (Some(sale), false) => out.emit(Record::AfterSale(sale)),
            (Some(sale), true) => out.problem(
                Problem::new(
                    ProblemCode::BadValue,
                    &file,
                    format!(
                        "售后单“{}”有行出错（见本文件的其他问题），整张售后单未读入，以免金额不全",
                        sale.refund_no
                    ),
                    format!(
                        "after-sale {} dropped: one of its rows is bad",
                        sale.refund_no
                    ),
                )
                .at_line(sale.source.line),
            ),
            (None, _) => {}
        }
    }
    Ok(())
}

/// Adds a later row of the same after-sale to it. Amounts follow the profile's scope: per-row
/// amounts are summed; a repeated total must be the same on every row and is taken once.
fn merge(
    sale: &mut AfterSale,
    row: AfterSale,
    r: &RowCtx<'_>,
    scope: AmountScope,
) -> Result<(), Problem> {
    let first = sale.source.line;
    let no = sale.refund_no.clone();
    let differ = |field: &str, zh: &str, a: &str, b: &str| {
        let col = r.col(field).unwrap_or(0);
        r.c.problem(
            col,
            ProblemCode::BadValue,
            format!("同一售后单“{no}”的各行{zh}不一致：第 {first} 行为“{a}”，本行为“{b}”"),
            format!("after-sale {no}: {field} differs from line {first}"),
        )
    };
    if sale.order_no != row.order_no {
        return Err(differ("order_no", "订单号", &sale.order_no, &row.order_no));
    }
    if sale.kind != row.kind {
        return Err(differ("kind", "售后类型", sale.kind.zh(), row.kind.zh()));
    }
    if sale.status != row.status {
        return Err(differ(
            "status",
            "售后状态",
            &sale.status_text,
            &row.status_text,
        ));
    }
    match scope {
        AmountScope::PerRow => {
            let overflow = |o: SumOverflow| o.at(&r.c);
            sale.refunded = sale
                .refunded
                .checked_add(row.refunded)
                .ok_or(SumOverflow)
                .map_err(overflow)?;
            sale.requested = sum_present(sale.requested, row.requested).map_err(overflow)?;
            sale.paid = sum_present(sale.paid, row.paid).map_err(overflow)?;
        }
        AmountScope::RepeatedTotal => {
            for (field, zh, a, b) in [
                (
                    "refunded",
                    "退款金额",
                    Some(sale.refunded),
                    Some(row.refunded),
                ),
                ("requested", "申请金额", sale.requested, row.requested),
                ("paid", "实付金额", sale.paid, row.paid),
            ] {
                if let (Some(a), Some(b)) = (a, b)
                    && a != b
                {
                    let col = r.col(field).unwrap_or(0);
                    return Err(r.c.problem(
                            col,
                            ProblemCode::BadAmount,
                            format!(
                                "同一售后单“{no}”的各行{zh}不一致：第 {first} 行为 {a}，本行为 {b}（配置 amount_scope = \"repeated_total\" 表示每行重复的是售后单总额）"
                            ),
                            format!("after-sale {no}: repeated {field} differs from line {first}"),
                        ));
                }
            }
            sale.requested = sale.requested.or(row.requested);
            sale.paid = sale.paid.or(row.paid);
        }
    }
    sale.applied_at = earliest(sale.applied_at, row.applied_at);
    sale.completed_at = latest(sale.completed_at, row.completed_at);
    sale.shop = sale.shop.take().or(row.shop);
    sale.phase = sale.phase.or(row.phase);
    sale.reason = sale.reason.take().or(row.reason);
    sale.payment_no = sale.payment_no.take().or(row.payment_no);
    sale.lines.extend(row.lines);
    Ok(())
}

fn earliest(a: Option<BeijingTime>, b: Option<BeijingTime>) -> Option<BeijingTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn latest(a: Option<BeijingTime>, b: Option<BeijingTime>) -> Option<BeijingTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
