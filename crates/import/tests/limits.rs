//! What one input may cost and where its errors point: zip bombs, nested archives, long lines
//! and cells, special files and links in input folders, gzip and UTF-16 input, a bad byte
//! reported on its own line, workbooks on the 1904 date system.

use std::io::Write;
use std::path::{Path, PathBuf};

use duizhang_core::Record;
use duizhang_import::inputs::expand_inputs;
use duizhang_import::{
    ImportedFile, Problem, ProblemCode, TextEncoding, builtin_importers, import_bytes, import_path,
};

fn import(name: &str, bytes: Vec<u8>) -> (Vec<ImportedFile>, Vec<Record>) {
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut records = Vec::new();
    import_bytes(name, bytes, &importers, &mut files, &mut |r| {
        records.push(r)
    });
    (files, records)
}

fn import_file(path: &Path) -> (Vec<ImportedFile>, Vec<Record>) {
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut records = Vec::new();
    import_path(path, &importers, &mut files, &mut |r| records.push(r));
    (files, records)
}

fn errors(files: &[ImportedFile]) -> Vec<&Problem> {
    files
        .iter()
        .flat_map(|f| f.problems.iter())
        .filter(|p| p.is_error())
        .collect()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in members {
        writer.start_file(*name, options).expect("member");
        writer.write_all(bytes).expect("write");
    }
    writer.finish().expect("zip").into_inner()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// A temporary folder removed at the end of the test.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("duizhang-limits-{tag}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

const SHIPMENTS: &str =
    "店铺,订单号,子订单号,商家编码,数量,发货时间,物流公司,运单号,发货类型,售后单号\n";

fn shipment_row(i: usize) -> String {
    format!(
        "天猫旗舰店,40123456789{i:08},,TS-WHITE-L,1,2026-10-02 08:00:00,中通快递,73000{i:08},正常,\n"
    )
}

/// formats.md §2.2: the ALL 交易账单 example (one payment, one refund), BOM and CRLF.
const WECHAT_ALL: &str = "\u{FEFF}交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n`2026-10-03 10:00:12,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`SUCCESS,`OTHERS,`CNY,`59.00,`0.00,`0,`0,`0.00,`0.00,`,`,`纯棉T恤,`,`0.35000,`0.60%,`59.00,`0.00,`\r\n`2026-10-03 18:40:11,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300002026202610031234567890,`RF202610030001,`59.00,`0.00,`ORIGINAL,`SUCCESS,`纯棉T恤,`,`-0.35000,`0.60%,`0.00,`59.00,`\r\n总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n`2,`59.00,`59.00,`0.00,`0.00000,`59.00,`59.00\r\n";

/// A bill's header, then 20 MiB of lines of spaces (blank rows, cheap to skip): they deflate
/// a thousand times, far beyond any bill. (A bomb whose first rows are no known format is not
/// even unpacked past its first 64 KiB.)
fn bomb_text() -> Vec<u8> {
    let mut text = SHIPMENTS.as_bytes().to_vec();
    let mut line = vec![b' '; 1023];
    line.push(b'\n');
    for _ in 0..(20 << 10) {
        text.extend_from_slice(&line);
    }
    text
}

#[test]
fn a_zip_bomb_is_stopped_with_the_limit_named() {
    let bomb = zip_of(&[("发货单.csv", &bomb_text())]);
    assert!(bomb.len() < 1 << 20);
    let started = std::time::Instant::now();
    let (files, records) = import("账单.zip", bomb);
    assert!(records.is_empty());
    let errs = errors(&files);
    assert!(
        errs.iter().any(|p| p.code == ProblemCode::Limit
            && p.file == "账单.zip!发货单.csv"
            && p.message.contains("压缩炸弹")),
        "{errs:?}"
    );
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn archives_nested_deeper_than_the_limit_are_refused_and_shallow_ones_read() {
    let bill = format!("{SHIPMENTS}{}", shipment_row(1));
    let mut nested = zip_of(&[("发货单.csv", bill.as_bytes())]);
    for _ in 0..3 {
        nested = zip_of(&[("内层.zip", &nested)]);
    }
    // Four levels: read.
    let (files, records) = import("发货.zip", nested.clone());
    assert!(errors(&files).is_empty(), "{:?}", errors(&files));
    assert_eq!(records.len(), 1);
    assert_eq!(
        files[0].name,
        "发货.zip!内层.zip!内层.zip!内层.zip!发货单.csv"
    );
    // Five and far more: refused, without exhausting the stack.
    for extra in [1, 200] {
        let mut deeper = nested.clone();
        for _ in 0..extra {
            deeper = zip_of(&[("内层.zip", &deeper)]);
        }
        let (files, records) = import("发货.zip", deeper);
        assert!(records.is_empty());
        let errs = errors(&files);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].code, ProblemCode::Limit);
        assert!(errs[0].message.contains("嵌套超过 4 层"), "{}", errs[0]);
    }
}

#[test]
fn a_line_longer_than_the_limit_is_refused_at_its_line() {
    let mut text = format!("{SHIPMENTS}{}{}", shipment_row(1), shipment_row(2));
    text.push_str(&"天".repeat(1 << 19));
    text.push('\n');
    let (files, _) = import("发货单.csv", text.into_bytes());
    let errs = errors(&files);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].code, errs[0].line), (ProblemCode::Limit, Some(4)));
    assert!(errs[0].message.contains("1 MiB"), "{}", errs[0]);
    // A file with no line break at all is the same error on line 1.
    let (files, _) = import("x.csv", vec![b'a'; 3 << 20]);
    let errs = errors(&files);
    assert_eq!((errs[0].code, errs[0].line), (ProblemCode::Limit, Some(1)));
}

#[test]
fn a_cell_longer_than_the_limit_is_refused_at_its_line_and_column_and_echoed_short() {
    let long = "9".repeat(100_000);
    let text = format!(
        "{SHIPMENTS}{}天猫旗舰店,{long},,TS-WHITE-L,1,2026-10-02 08:00:00,中通快递,7300,正常,\n",
        shipment_row(1)
    );
    let (files, _) = import("发货单.csv", text.into_bytes());
    let errs = errors(&files);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].code, errs[0].line, errs[0].column),
        (ProblemCode::Limit, Some(3), Some(2))
    );
    assert!(errs[0].message.contains("64 KiB"), "{}", errs[0]);
    assert!(errs[0].zh().chars().count() < 300, "{}", errs[0]);
}

#[test]
fn a_bad_cell_under_the_limit_is_echoed_cut_with_its_length() {
    let bad = "元".repeat(5_000);
    let text = format!(
        "{SHIPMENTS}天猫旗舰店,4012345678901,,TS-WHITE-L,{bad},2026-10-02 08:00:00,中通快递,7300,正常,\n"
    );
    let (files, _) = import("发货单.csv", text.into_bytes());
    let errs = errors(&files);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].line, errs[0].column), (Some(2), Some(5)));
    assert!(errs[0].message.contains("（共 5000 字）"), "{}", errs[0]);
    assert!(errs[0].message.chars().count() < 200, "{}", errs[0]);
}

#[test]
fn a_gzipped_wechat_bill_reads_like_the_plain_one() {
    let (plain_files, plain) = import("交易账单.csv", WECHAT_ALL.as_bytes().to_vec());
    assert!(errors(&plain_files).is_empty());
    let (files, records) = import("交易账单.csv.gz", gzip(WECHAT_ALL.as_bytes()));
    assert!(errors(&files).is_empty(), "{:?}", errors(&files));
    assert_eq!(files[0].format.as_deref(), Some("wechat.trade_bill"));
    assert_eq!(records, plain);
    // The same inside a ZIP, and as the file on disk a download leaves.
    let (files, zipped) = import(
        "下载.zip",
        zip_of(&[("交易账单.csv.gz", &gzip(WECHAT_ALL.as_bytes()))]),
    );
    assert!(errors(&files).is_empty(), "{:?}", errors(&files));
    assert_eq!(zipped.len(), plain.len());
    let dir = TempDir::new("gz");
    let path = dir.0.join("交易账单.csv.gz");
    std::fs::write(&path, gzip(WECHAT_ALL.as_bytes())).expect("write");
    assert_eq!(
        expand_inputs(std::slice::from_ref(&dir.0)).expect("expand"),
        vec![path.clone()]
    );
    let (_, from_disk) = import_file(&path);
    assert_eq!(from_disk, plain);
}

#[test]
fn a_gzip_bomb_is_stopped_and_a_cut_gzip_is_an_error() {
    let bomb = gzip(&bomb_text());
    let (files, _) = import("账单.csv.gz", bomb);
    let errs = errors(&files);
    assert!(
        errs.iter()
            .any(|p| p.code == ProblemCode::Limit && p.message.contains("压缩炸弹")),
        "{errs:?}"
    );
    let whole = gzip(format!("{SHIPMENTS}{}", shipment_row(1).repeat(2000)).as_bytes());
    let cut = whole[..whole.len() / 2].to_vec();
    let (files, _) = import("发货单.csv.gz", cut);
    assert!(
        !errors(&files).is_empty(),
        "a cut gzip stream is not read as a shorter file"
    );
}

#[test]
fn a_utf8_file_with_one_bad_byte_is_reported_on_that_line() {
    let mut text = SHIPMENTS.to_string();
    for i in 0..30 {
        text.push_str(&shipment_row(i));
    }
    let mut bytes = text.into_bytes();
    // Line 24 is the header plus 22 rows, then this one: damage its 物流公司 cell.
    let line_start = bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(22)
        .map(|(i, _)| i + 1)
        .expect("line 24");
    let carrier = line_start
        + std::str::from_utf8(&bytes[line_start..])
            .expect("utf-8")
            .find("中通")
            .expect("carrier");
    bytes[carrier] = 0xFF;
    let (files, records) = import("发货单.csv", bytes);
    assert_eq!(files[0].encoding, Some(TextEncoding::Utf8));
    let errs = errors(&files);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].code, errs[0].line, errs[0].column),
        (ProblemCode::Encoding, Some(24), Some(7))
    );
    assert!(errs[0].message.contains("UTF-8"), "{}", errs[0]);
    // Met while the format is recognised (the first 40 rows): the file stops there.
    assert!(records.len() < 30);
}

#[test]
fn utf16_files_are_read() {
    let text = format!("{SHIPMENTS}{}{}", shipment_row(1), shipment_row(2)).replace('\n', "\r\n");
    let (_, plain) = import("发货单.csv", text.clone().into_bytes());
    for big_endian in [false, true] {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        let (files, records) = import("发货单.txt", bytes);
        assert!(errors(&files).is_empty(), "{:?}", errors(&files));
        assert_eq!(
            files[0].encoding,
            Some(if big_endian {
                TextEncoding::Utf16Be
            } else {
                TextEncoding::Utf16Le
            })
        );
        assert_eq!(records, plain);
    }
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_and_links_stay_inside_the_input_folder() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new("links");
    let input = dir.0.join("十月");
    std::fs::create_dir_all(input.join("子")).expect("dirs");
    let bill = format!("{SHIPMENTS}{}", shipment_row(1));
    std::fs::write(input.join("发货单.csv"), &bill).expect("write");
    // A link loop back to the folder itself: read once.
    symlink(&input, input.join("子").join("loop")).expect("link");
    // A link to a file inside the folder: read through the link.
    symlink(
        input.join("发货单.csv"),
        input.join("子").join("同一份.csv"),
    )
    .expect("link");
    let found = expand_inputs(std::slice::from_ref(&input)).expect("expand");
    assert_eq!(
        found,
        vec![
            input.join("发货单.csv"),
            input.join("子").join("同一份.csv")
        ]
    );
    // A link out of the folder: refused, naming it.
    let outside = dir.0.join("别处.csv");
    std::fs::write(&outside, &bill).expect("write");
    symlink(&outside, input.join("外面.csv")).expect("link");
    let err = expand_inputs(std::slice::from_ref(&input)).expect_err("a link out");
    assert!(err.to_string().contains("输入文件夹以外"), "{err}");
    std::fs::remove_file(input.join("外面.csv")).expect("rm");
    // A link to a device, and a named pipe: refused, not read forever or waited on.
    symlink("/dev/zero", input.join("零.csv")).expect("link");
    let err = expand_inputs(std::slice::from_ref(&input)).expect_err("a device");
    assert!(err.to_string().contains("输入文件夹以外"), "{err}");
    std::fs::remove_file(input.join("零.csv")).expect("rm");
    let fifo = input.join("管道.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let err = expand_inputs(std::slice::from_ref(&input)).expect_err("a fifo");
        assert!(err.to_string().contains("不是普通文件"), "{err}");
        // Named on the command line, it is refused before it is opened.
        let (files, _) = import_file(&fifo);
        assert!(errors(&files)[0].message.contains("不是普通文件"));
    }
    let (files, _) = import_file(Path::new("/dev/zero"));
    assert!(errors(&files)[0].message.contains("不是普通文件"));
}

/// Sets `date1904` on a workbook rust_xlsxwriter wrote (it cannot itself): the serial numbers
/// in its cells then count from 1904-01-01, as Excel for Mac's do.
fn as_1904(xlsx: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("xlsx");
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read");
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(bytes).expect("xml");
            assert!(text.contains("<workbookPr "));
            bytes = text
                .replacen("<workbookPr ", "<workbookPr date1904=\"1\" ", 1)
                .into_bytes();
        }
        writer.start_file(name, options).expect("entry");
        writer.write_all(&bytes).expect("write");
    }
    writer.finish().expect("zip").into_inner()
}

#[test]
fn a_workbook_on_the_1904_date_system_is_read_on_its_own_dates() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (col, name) in SHIPMENTS.trim_end().split(',').enumerate() {
        sheet
            .write_string(0, u16::try_from(col).expect("col"), name)
            .expect("cell");
    }
    let row = ["天猫旗舰店", "4012345678901234567", "", "TS-WHITE-L"];
    for (col, text) in row.iter().enumerate() {
        sheet
            .write_string(1, u16::try_from(col).expect("col"), *text)
            .expect("cell");
    }
    sheet.write_number(1, 4, 1).expect("cell");
    // 2026-10-02 08:00:00 is day 44,835 of the 1904 system (46,297 of the 1900 one).
    sheet
        .write_number_with_format(1, 5, 44835.0 + 8.0 / 24.0, &date)
        .expect("cell");
    for (col, text) in [(6, "中通快递"), (7, "7300000000001"), (8, "正常")] {
        sheet.write_string(1, col, text).expect("cell");
    }
    let xlsx = book.save_to_buffer().expect("xlsx");
    let (files, records) = import("发货单.xlsx", as_1904(&xlsx));
    assert!(errors(&files).is_empty(), "{:?}", errors(&files));
    let Some(Record::Shipment(s)) = records.first() else {
        panic!("one shipment: {records:?}");
    };
    assert_eq!(s.shipped_at.to_string(), "2026-10-02 08:00:00");
    // The same cells in a 1900 workbook are four years and a day earlier.
    let (_, records) = import("发货单.xlsx", xlsx);
    let Some(Record::Shipment(s)) = records.first() else {
        panic!("one shipment");
    };
    assert_eq!(s.shipped_at.to_string(), "2022-10-01 08:00:00");
}
