//! What reading a file gave, as bytes a store can keep: its tables' reports and its records
//! ([`crate::inputs::read_one`]), so that a later run takes them as [`Source::Read`] instead
//! of reading the file again.
//!
//! The records are written with `postcard` (serde's field order, no names: compact and fast),
//! their labels as a table (`Label::tabled`: each label's text once, then its number);
//! the reports, a few per file, as JSON inside, since they leave fields out when empty. After
//! the version, all of it is one zstd frame at the fastest level: the labels every record
//! repeats (shops, statuses, SKUs, titles) shrink several-fold, and writing and reading back
//! the store costs more than compressing (at 2,000,000 orders, 1.4 GB of records
//! uncompressed). Deflate, which encoding 1 used, took four times zstd's time for a larger
//! result.
//!
//! [`Source::Read`]: crate::inputs::Source::Read

use std::io::Read;

use duizhang_core::{Dataset, Label};

use crate::ImportedFile;

/// The version of this encoding. Bump it whenever a record type or a report changes (a field
/// added, removed, reordered or retyped): records kept under another version are not read.
pub const PARSED_FORMAT: u32 = 3;

/// zstd's level: its fastest ordinary one.
const LEVEL: i32 = 1;

/// Why kept records could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ParsedError {
    #[error("kept records are not readable: {0}")]
    Records(#[from] postcard::Error),
    #[error("kept reports are not readable: {0}")]
    Reports(#[from] serde_json::Error),
    #[error("kept records do not decompress: {0}")]
    Compression(#[from] std::io::Error),
    #[error("kept records are of encoding {found}, this program reads {PARSED_FORMAT}")]
    Format { found: u32 },
    #[error("kept records end with {0} bytes more")]
    Trailing(usize),
}

/// One file's reports and records as bytes: the version, then the compressed reports and
/// records.
pub fn encode(files: &[ImportedFile], data: &Dataset) -> Result<Vec<u8>, ParsedError> {
    let reports = serde_json::to_string(files)?;
    let out = postcard::to_stdvec(&PARSED_FORMAT)?;
    let compress = zstd::stream::write::Encoder::new(out, LEVEL)?;
    // postcard writes a field at a time: buffered, the compressor gets blocks.
    let buffered = std::io::BufWriter::with_capacity(1 << 16, compress);
    let buffered = Label::tabled(|| postcard::to_io(&(reports, data), buffered))?;
    let compress = buffered.into_inner().map_err(|e| e.into_error())?;
    Ok(compress.finish()?)
}

/// The reports and records [`encode`] wrote. Equal labels share one string, as in a file just
/// read (a dataset's memory stays what reading the file would have made it).
pub fn decode(bytes: &[u8]) -> Result<(Vec<ImportedFile>, Dataset), ParsedError> {
    decode_with(bytes, &mut Vec::new())
}

/// [`decode`] into a buffer the caller keeps between files: a thread decoding many files
/// writes into memory it has touched before (fresh pages cost more than the copy itself).
pub fn decode_with(
    bytes: &[u8],
    scratch: &mut Vec<u8>,
) -> Result<(Vec<ImportedFile>, Dataset), ParsedError> {
    // The version first, alone: records of another encoding are not read at all.
    let (found, compressed) = postcard::take_from_bytes::<u32>(bytes)?;
    if found != PARSED_FORMAT {
        return Err(ParsedError::Format { found });
    }
    // One frame, and nothing after it (a second frame, or bytes that are none, is refused).
    let mut frame = zstd::stream::read::Decoder::with_buffer(compressed)?.single_frame();
    scratch.clear();
    let plain = scratch;
    frame.read_to_end(plain)?;
    let after = frame.finish().len();
    if after > 0 {
        return Err(ParsedError::Trailing(after));
    }
    let ((reports, data), rest) = Label::interning(|| {
        Label::tabled(|| postcard::take_from_bytes::<(String, Dataset)>(plain))
    })?;
    if !rest.is_empty() {
        return Err(ParsedError::Trailing(rest.len()));
    }
    Ok((serde_json::from_str(&reports)?, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin_importers;
    use crate::inputs::{Source, read_one};

    /// An ERP's order export (the generic ERP format) and a Taobao 宝贝报表 whose rows of one
    /// order are merged: labels, amounts, times and lines.
    const ERP_ORDERS: &str = "店铺,平台,订单号,ERP单号,订单状态,更新时间,付款时间,商品金额,运费,优惠金额,实付金额,支付方式,支付单号\n\
        旗舰店,微信,O1001,X1,已完成,2026-10-10 08:00:00,2026-10-01 00:00:00,10.00,0.00,0.00,10.00,微信支付,P1\n\
        旗舰店,微信,O1002,X2,已完成,2026-10-11 08:00:00,2026-10-02 12:30:05,25.50,5.00,1.00,29.50,微信支付,P2\n";
    const ITEMS: &str = "订单编号,标题,价格,购买数量,订单状态,商家编码\n\
        1001,北欧风实木床头柜,1.50,2,交易关闭,A\n\
        1002,北欧风实木床头柜,1.50,1,交易成功,B\n\
        1001,床头柜 小户型,3.00,1,交易成功,C\n";

    fn round_trip(name: &str, bytes: &[u8]) -> (Vec<ImportedFile>, Dataset) {
        let importers = builtin_importers();
        let (files, data) = read_one(
            Source::Bytes {
                name: name.to_string(),
                bytes: bytes.to_vec(),
            },
            &importers,
            |_| {},
        );
        let kept = encode(&files, &data).expect("encode");
        let (back_files, back_data) = decode(&kept).expect("decode");
        assert_eq!(back_data, data);
        assert_eq!(format!("{back_files:?}"), format!("{files:?}"));
        (files, data)
    }

    #[test]
    fn files_read_back_are_the_files_as_read() {
        let (files, data) = round_trip("erp.csv", ERP_ORDERS.as_bytes());
        assert_eq!((files.len(), data.erp_orders.len()), (1, 2));
        assert!(files[0].stats.amounts.contains_key("ERP订单/实付"));
        let gbk = encoding_rs::GB18030.encode(ITEMS).0;
        let (_, data) = round_trip("items.csv", &gbk);
        assert_eq!(data.orders.len(), 2);
    }

    #[test]
    fn labels_read_back_share_their_text_as_when_read() {
        let (_, data) = round_trip("erp.csv", ERP_ORDERS.as_bytes());
        let kept = encode(&[], &data).expect("encode");
        let (_, back) = decode(&kept).expect("decode");
        let shops: Vec<&str> = back.erp_orders.iter().map(|o| o.shop.as_str()).collect();
        assert_eq!(shops, ["旗舰店", "旗舰店"]);
        assert!(std::ptr::eq(shops[0], shops[1]));
    }

    #[test]
    fn records_of_another_encoding_or_cut_short_are_refused() {
        let kept = encode(&[], &Dataset::default()).expect("encode");
        let mut other = postcard::to_stdvec(&(PARSED_FORMAT + 1, String::new())).expect("bytes");
        other.extend_from_slice(&kept[1..]);
        assert!(matches!(
            decode(&other),
            Err(ParsedError::Format { found }) if found == PARSED_FORMAT + 1
        ));
        assert!(decode(&kept[..kept.len() - 1]).is_err());
        let mut longer = kept.clone();
        longer.push(0);
        assert!(matches!(decode(&longer), Err(ParsedError::Trailing(1))));
        let mut twice = kept.clone();
        twice.extend_from_slice(&kept[1..]);
        assert!(decode(&twice).is_err());
    }
}
