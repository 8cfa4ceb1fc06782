//! What an import writes to the order index: for each record that names an order, where it is
//! (the evidence file, the line, the record's kind) and how the lookup shows its line — the
//! line's place in the kept file's bytes for a plain text file, the line's text for a sheet's
//! row or an archive member's line.

use duizhang_core::{FileId, Record, RecordKind, normalize_order_no};
use duizhang_import::ImportedFile;
use duizhang_import::source_line::{line_spans, source_lines};
use duizhang_store::{ByteSpan, OrderRef};

/// The order a record belongs to, as the platforms write it (the Alipay `T200P` wrapper
/// removed); `None` for a record that names no order.
pub fn order_of(record: &Record) -> Option<&str> {
    let text = match record {
        Record::Order(r) => Some(r.order_no.as_str()),
        Record::AfterSale(r) => Some(r.order_no.as_str()),
        Record::FundFlow(r) => r.order_no.as_deref(),
        Record::Payment(r) => r.out_trade_no.as_deref(),
        Record::Settlement(r) => Some(r.order_no.as_str()),
        Record::ErpOrder(r) => Some(r.order_no.as_str()),
        Record::Shipment(r) => Some(r.order_no.as_str()),
        Record::ReturnReceipt(r) => Some(r.order_no.as_str()),
        Record::Complaint(r) => r.order_no.as_deref(),
    }?;
    Some(normalize_order_no(text)).filter(|no| !no.is_empty())
}

/// One record that names an order, as read: kept small, since a large file has millions.
pub struct Seen {
    order_no: String,
    file: FileId,
    line: u32,
    kind: RecordKind,
}

impl Seen {
    pub fn of(record: &Record) -> Option<Seen> {
        Some(Seen {
            order_no: order_of(record)?.to_string(),
            file: record.source().file,
            line: record.source().line,
            kind: record.kind(),
        })
    }
}

/// The index entries of the file kept as `name` with `bytes`, from the records `seen` in it and
/// the tables `inspected` it held. The file was read under its kept name, so a table's name is
/// the part evidence names: the file, then `!member` or `#sheet`.
pub fn refs_of(
    name: &str,
    bytes: &[u8],
    inspected: &[ImportedFile],
    seen: Vec<Seen>,
) -> Vec<OrderRef> {
    let part_of = |file: FileId| {
        inspected
            .iter()
            .find(|f| f.id == file)
            .map(|table| table.name.clone())
    };
    let mut by_part: Vec<(FileId, Vec<Seen>)> = Vec::new();
    for s in seen {
        match by_part.iter_mut().find(|(file, _)| *file == s.file) {
            Some((_, list)) => list.push(s),
            None => by_part.push((s.file, vec![s])),
        }
    }
    let mut refs = Vec::new();
    for (file, list) in by_part {
        let Some(part) = part_of(file) else { continue };
        let lines: Vec<u32> = list.iter().map(|s| s.line).collect();
        // Each part is read once for all its lines.
        let (spans, texts) = match line_spans(name, bytes, &part, &lines) {
            Some(spans) => (spans, vec![None; lines.len()]),
            None => (
                vec![None; lines.len()],
                source_lines(name, bytes, &part, &lines),
            ),
        };
        for ((s, span), text) in list.into_iter().zip(spans).zip(texts) {
            refs.push(OrderRef {
                order_no: s.order_no,
                part: part.clone(),
                line: i64::from(s.line),
                kind: s.kind.code().to_string(),
                text,
                span: span.and_then(|(at, len)| {
                    Some(ByteSpan {
                        at: i64::try_from(at).ok()?,
                        len: i64::from(len),
                    })
                }),
            });
        }
    }
    refs
}
