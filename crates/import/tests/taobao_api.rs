//! Taobao/Tmall trades from the Open Platform's JSON (`taobao.trades.sold.get`,
//! `taobao.trade.fullinfo.get`): both shapes, exact ids and amounts, statuses, the paging forms
//! scripts write, and the errors of broken or foreign JSON.

#![allow(clippy::unwrap_used)]

use duizhang_core::{
    BeijingTime, Dataset, Fen, FileId, Order, OrderLine, OrderStatus, Platform, SourceRef,
};
use duizhang_import::{
    ImportedFile, Problem, ProblemCode, Severity, TextEncoding, builtin_importers, import_bytes,
    import_path,
};

/// A page of `taobao.trades.sold.get`, standard shape, pretty-printed: three trades of one
/// shop (a finished two-line trade with 单品优惠, 手工调价 and 满减 allocated; a one-line trade
/// closed after a full refund; a paid trade waiting to be shipped).
const STANDARD: &str = include_str!("data/trades_sold_get.json");
/// The same trades with `simplify=true`: no response wrapper, bare arrays, one trade a line.
const SIMPLIFIED: &str = include_str!("data/trades_sold_get_simplify.json");

fn import(name: &str, bytes: Vec<u8>) -> (Vec<ImportedFile>, Dataset) {
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut data = Dataset::default();
    import_bytes(name, bytes, &importers, &mut files, &mut |r| data.push(r));
    (files, data)
}

/// Imports one JSON file that must be read as the trade API's format without any problem.
fn import_clean(name: &str, text: &str) -> (ImportedFile, Dataset) {
    let (mut files, data) = import(name, text.as_bytes().to_vec());
    assert_eq!(files.len(), 1, "{files:#?}");
    let file = files.remove(0);
    assert_eq!(
        file.format.as_deref(),
        Some("taobao.trades_api"),
        "{file:#?}"
    );
    assert!(file.problems.is_empty(), "{:#?}", file.problems);
    (file, data)
}

fn only_problem(file: &ImportedFile) -> &Problem {
    assert_eq!(file.problems.len(), 1, "{:#?}", file.problems);
    &file.problems[0]
}

fn t(text: &str) -> BeijingTime {
    BeijingTime::parse(text).unwrap()
}

fn at(line: u32) -> SourceRef {
    SourceRef {
        file: FileId(0),
        line,
    }
}

fn yuan(text: &str) -> Fen {
    Fen::parse_yuan(text).unwrap()
}

/// The first trade of the fixtures, checked by hand against the JSON: goods 69 × 2 + 129 =
/// 267, postage 8, 单品优惠 10 + 手工调价 −5 (a seller discount of 15), 满减 25 split 12.80 /
/// 12.20, paid 267 + 8 − 15 − 25 = 235 = 115.20 + 111.80 + 8.
fn finished_trade(trade: u32, line1: u32, line2: u32) -> Order {
    Order {
        platform: Platform::Taobao,
        shop: Some("棉语旗舰店".into()),
        order_no: "4012345678901234567".into(),
        status: OrderStatus::Finished,
        status_text: "TRADE_FINISHED".into(),
        created_at: Some(t("2026-10-01 09:10:00")),
        paid_at: Some(t("2026-10-01 09:12:30")),
        shipped_at: Some(t("2026-10-02 10:00:00")),
        finished_at: Some(t("2026-10-08 10:00:05")),
        goods: Some(yuan("267.00")),
        postage: Some(yuan("8.00")),
        seller_discount: Some(yuan("15.00")),
        platform_discount: None,
        other_discount: Some(yuan("25.00")),
        paid: Some(yuan("235.00")),
        seller_receivable: Some(yuan("235.00")),
        refunded: None,
        payment_no: Some("2026100122001123450000000001".into()),
        lines: vec![
            OrderLine {
                sub_order_no: Some("4012345678901234568".into()),
                sku: Some("TS-WHITE-L".into()),
                title: Some("纯棉T恤 白色 L".into()),
                quantity: 2,
                unit_price: Some(yuan("69.00")),
                goods: Some(yuan("138.00")),
                discount: Some(yuan("22.80")),
                paid: Some(yuan("115.20")),
                source: at(line1),
            },
            OrderLine {
                sub_order_no: Some("4012345678901234569".into()),
                // No outer_sku_id: the item's 商家编码 outer_iid.
                sku: Some("PANTS-KHAKI".into()),
                title: Some("亚麻长裤 卡其 M".into()),
                quantity: 1,
                unit_price: Some(yuan("129.00")),
                goods: Some(yuan("129.00")),
                discount: Some(yuan("17.20")),
                paid: Some(yuan("111.80")),
                source: at(line2),
            },
        ],
        source: at(trade),
    }
}

/// The records without their source lines, to compare two layouts of the same trades.
fn without_sources(orders: &[Order]) -> Vec<Order> {
    orders
        .iter()
        .map(|o| Order {
            source: at(0),
            lines: o
                .lines
                .iter()
                .map(|l| OrderLine {
                    source: at(0),
                    ..l.clone()
                })
                .collect(),
            ..o.clone()
        })
        .collect()
}

#[test]
fn the_standard_shape_is_read_with_every_amount() {
    let (file, data) = import_clean("trades_202610.json", STANDARD);
    assert_eq!(file.variant.as_deref(), Some("标准格式"));
    assert_eq!(file.encoding, Some(TextEncoding::Utf8));
    assert_eq!(file.meta.shop.as_deref(), Some("棉语旗舰店"));
    assert_eq!(data.orders.len(), 3);
    // 行号: the line of each trade's (and sub-order's) opening brace.
    assert_eq!(data.orders[0], finished_trade(6, 35, 53));

    let closed = &data.orders[1];
    assert_eq!(closed.order_no, "4012345678901239999");
    assert_eq!(closed.status, OrderStatus::Refunded);
    // end_time of a closed trade is when it closed, not a release of money.
    assert_eq!(closed.finished_at, None);
    assert_eq!(closed.seller_receivable, Some(Fen::ZERO));
    assert_eq!(closed.paid, Some(yuan("59.00")));
    assert_eq!(
        (closed.seller_discount, closed.other_discount),
        (Some(yuan("10.00")), Some(Fen::ZERO))
    );
    // The line's own payment is 0.00 after the refund; divide_order_fee keeps what was paid.
    assert_eq!(closed.lines[0].paid, Some(yuan("59.00")));
    assert_eq!(closed.lines[0].discount, Some(yuan("10.00")));
    assert_eq!(closed.lines[0].source, at(90));
    assert_eq!(closed.source, at(73));

    let waiting = &data.orders[2];
    assert_eq!(waiting.status, OrderStatus::Paid);
    // received_payment is not final before the trade is over.
    assert_eq!(waiting.seller_receivable, None);
    assert_eq!(waiting.source, at(109));
    assert_eq!(waiting.lines[0].source, at(125));

    assert_eq!(file.stats.amounts.get("订单/实付"), Some(&yuan("494.07")));
    assert_eq!(file.stats.first, Some(t("2026-10-01 09:12:30")));
}

#[test]
fn the_simplified_shape_gives_the_same_records() {
    let (standard, standard_data) = import_clean("standard.json", STANDARD);
    let (file, data) = import_clean("simplify.json", SIMPLIFIED);
    assert_eq!(file.variant.as_deref(), Some("精简格式（simplify=true）"));
    assert_eq!(
        without_sources(&data.orders),
        without_sources(&standard_data.orders)
    );
    // One trade a line: its orders are on its line.
    assert_eq!(data.orders[0], finished_trade(2, 2, 2));
    assert_eq!(data.orders[2].source, at(4));
    assert_eq!(file.stats, standard.stats);
}

#[test]
fn bare_arrays_inside_the_response_wrapper_are_read_too() {
    let text = SIMPLIFIED
        .replacen(
            "{\"trades\":[",
            "{\"trades_sold_get_response\":{\"trades\":[",
            1,
        )
        .replace(
            "\"request_id\":\"16mz0f7q1pxyz\"}",
            "\"request_id\":\"16mz0f7q1pxyz\"}}",
        );
    let (file, data) = import_clean("mixed.json", &text);
    assert_eq!(file.variant.as_deref(), Some("精简格式（simplify=true）"));
    assert_eq!(data.orders[0], finished_trade(2, 2, 2));
}

#[test]
fn ids_beyond_2_pow_53_stay_exact_whether_numbers_or_strings() {
    // 4012345678901234567 is not an f64: through a double it would read 4012345678901234688.
    let (_, data) = import_clean("x.json", STANDARD);
    assert_eq!(data.orders[0].order_no, "4012345678901234567");
    assert_eq!(
        data.orders[0].lines[1].sub_order_no.as_deref(),
        Some("4012345678901234569")
    );
    // tid_str is preferred; the ids of some tools are strings only.
    let text = STANDARD.replace(
        "\"tid\": 4012345678901240001,",
        "\"tid\": \"4012345678901240001\",\n          \"tid_str\": \"4012345678901240001\",",
    );
    let (_, data) = import_clean("x.json", &text);
    assert_eq!(data.orders[2].order_no, "4012345678901240001");
}

#[test]
fn a_tid_mangled_by_a_float_loses_to_tid_str_with_a_warning() {
    // A JavaScript script wrote the number through a double; tid_str kept the real id.
    let text = STANDARD.replace(
        "\"tid\": 4012345678901234567,",
        "\"tid\": 4012345678901234700,\n          \"tid_str\": \"4012345678901234567\",",
    );
    let (files, data) = import("x.json", text.into_bytes());
    let p = only_problem(&files[0]);
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(p.line, Some(6));
    assert!(p.message.contains("tid_str"), "{}", p.message);
    assert_eq!(data.orders.len(), 3);
    assert_eq!(data.orders[0].order_no, "4012345678901234567");
}

#[test]
fn an_id_written_as_a_float_is_refused() {
    let text = STANDARD.replace(
        "\"tid\": 4012345678901239999,",
        "\"tid\": 4.012345678901240e18,",
    );
    let (files, data) = import("x.json", text.into_bytes());
    let p = only_problem(&files[0]);
    assert_eq!((p.code, p.line), (ProblemCode::BadValue, Some(73)));
    assert!(p.message.contains("失去精度"), "{}", p.message);
    assert_eq!(data.orders.len(), 2);
}

#[test]
fn a_byte_order_mark_is_allowed() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(STANDARD.as_bytes());
    let (files, data) = import("bom.json", bytes);
    assert_eq!(files[0].format.as_deref(), Some("taobao.trades_api"));
    assert_eq!(files[0].encoding, Some(TextEncoding::Utf8Bom));
    assert!(files[0].problems.is_empty(), "{:#?}", files[0].problems);
    assert_eq!(data.orders[0], finished_trade(6, 35, 53));
}

#[test]
fn amounts_are_exact_to_the_fen() {
    let (_, data) = import_clean("x.json", STANDARD);
    let socks = &data.orders[2];
    assert_eq!(socks.paid, Some(Fen::new(20007)));
    assert_eq!(socks.lines[0].unit_price, Some(Fen::new(6669)));
    assert_eq!(socks.lines[0].goods, Some(Fen::new(20007)));
    // Amounts written as JSON numbers are read from their digits, never through a double
    // (0.1 + 0.2 style noise cannot appear).
    let text = STANDARD.replace("\"payment\": \"200.07\",", "\"payment\": 200.07,");
    let (_, data) = import_clean("x.json", &text);
    assert_eq!(data.orders[2].paid, Some(Fen::new(20007)));
    // Below the fen is an error, not a rounding.
    let text = STANDARD.replace("\"payment\": \"200.07\",", "\"payment\": \"200.071\",");
    let (files, data) = import("x.json", text.into_bytes());
    let p = only_problem(&files[0]);
    assert_eq!((p.code, p.line), (ProblemCode::BadAmount, Some(109)));
    assert!(
        p.message
            .contains("交易 4012345678901240001 的 payment：金额“200.071”精确到分以下"),
        "{}",
        p.message
    );
    assert_eq!(data.orders.len(), 2);
    // An exponent is not an amount.
    let text = STANDARD.replace("\"price\": \"66.69\",", "\"price\": 6.669e1,");
    let (files, _) = import("x.json", text.into_bytes());
    let p = only_problem(&files[0]);
    assert_eq!((p.code, p.line), (ProblemCode::BadAmount, Some(125)));
    assert!(
        p.message.contains("子订单 4012345678901240001 的 price"),
        "{}",
        p.message
    );
}

#[test]
fn trade_statuses_map_like_the_order_export() {
    let cases = [
        ("TRADE_FINISHED", OrderStatus::Finished),
        ("TRADE_BUYER_SIGNED", OrderStatus::Shipped),
        ("WAIT_BUYER_CONFIRM_GOODS", OrderStatus::Shipped),
        ("SELLER_CONSIGNED_PART", OrderStatus::Shipped),
        ("WAIT_SELLER_SEND_GOODS", OrderStatus::Paid),
        ("PAID_FORBID_CONSIGN", OrderStatus::Paid),
        ("WAIT_BUYER_PAY", OrderStatus::Unpaid),
        ("TRADE_NO_CREATE_PAY", OrderStatus::Unpaid),
        ("PAY_PENDING", OrderStatus::Unpaid),
        ("WAIT_PRE_AUTH_CONFIRM", OrderStatus::Unpaid),
        ("TRADE_CLOSED", OrderStatus::Refunded),
        ("TRADE_CLOSED_BY_TAOBAO", OrderStatus::Cancelled),
    ];
    for (code, want) in cases {
        let text = STANDARD.replace(
            "\"status\": \"WAIT_SELLER_SEND_GOODS\",\n          \"type\"",
            &format!("\"status\": \"{code}\",\n          \"type\""),
        );
        let (_, data) = import_clean("x.json", &text);
        assert_eq!(data.orders[2].status, want, "{code}");
        assert_eq!(data.orders[2].status_text, code);
    }
    // Only a finished trade has its money released at end_time.
    let (_, data) = import_clean("x.json", STANDARD);
    assert!(data.orders[0].finished_at.is_some() && data.orders[1].finished_at.is_none());
}

#[test]
fn an_unknown_status_is_read_with_a_warning() {
    let text = STANDARD.replace(
        "\"status\": \"WAIT_SELLER_SEND_GOODS\",\n          \"type\"",
        "\"status\": \"TRADE_ON_MARS\",\n          \"type\"",
    );
    let (files, data) = import("x.json", text.into_bytes());
    let p = only_problem(&files[0]);
    assert_eq!(
        (p.code, p.severity, p.line),
        (ProblemCode::BadValue, Severity::Warning, Some(109))
    );
    assert!(p.message.contains("TRADE_ON_MARS"), "{}", p.message);
    assert!(p.message.contains("TRADE_FINISHED"), "{}", p.message);
    assert_eq!(data.orders[2].status, OrderStatus::Unknown);
}

#[test]
fn trade_fullinfo_get_is_one_trade() {
    let trade = SIMPLIFIED.lines().nth(1).unwrap().trim_end_matches(',');
    let text = format!(
        "{{\"trade_fullinfo_get_response\":{{\n\"trade\":{trade},\"request_id\":\"3x9k\"}}}}\n"
    );
    let (file, data) = import_clean("fullinfo.json", &text);
    assert_eq!(file.variant.as_deref(), Some("单笔交易详情"));
    assert_eq!(data.orders, vec![finished_trade(2, 2, 2)]);
}

/// Two pages: trades A and B, then B again (the pages overlapped) and C.
fn pages() -> (String, String) {
    let lines: Vec<&str> = SIMPLIFIED.lines().collect();
    let (a, b, c) = (
        lines[1].trim_end_matches(','),
        lines[2].trim_end_matches(','),
        lines[3].trim_end_matches(','),
    );
    let page1 = format!(
        "{{\"trades_sold_get_response\":{{\"total_results\":3,\"trades\":{{\"trade\":[{a},{b}]}}}}}}"
    );
    let page2 = format!(
        "{{\"trades_sold_get_response\":{{\"total_results\":3,\"trades\":{{\"trade\":[{b},{c}]}}}}}}"
    );
    (page1, page2)
}

#[test]
fn pages_as_a_json_array_or_json_lines_are_read_once_each() {
    let (page1, page2) = pages();
    let array = format!("[\n{page1},\n{page2}\n]\n");
    let lines = format!("{page1}\n{page2}\n");
    for (text, variant, lines_of) in [
        (array, "标准格式，2 页（JSON 数组）", [2, 2, 3]),
        (lines, "标准格式，2 页（每行一页，JSON Lines）", [1, 1, 2]),
    ] {
        let (files, data) = import("pages.json", text.into_bytes());
        let file = &files[0];
        assert_eq!(file.format.as_deref(), Some("taobao.trades_api"));
        assert_eq!(file.variant.as_deref(), Some(variant));
        // The repeated trade is read once; the repeat is a warning naming both lines.
        let p = only_problem(file);
        assert_eq!(
            (p.code, p.severity, p.line),
            (ProblemCode::Duplicate, Severity::Warning, Some(lines_of[2]))
        );
        assert!(
            p.message.contains(&format!(
                "交易 4012345678901239999 在本文件中出现了两次（先前在第 {} 行）",
                lines_of[1]
            )),
            "{}",
            p.message
        );
        let numbers: Vec<&str> = data.orders.iter().map(|o| o.order_no.as_str()).collect();
        assert_eq!(
            numbers,
            [
                "4012345678901234567",
                "4012345678901239999",
                "4012345678901240001"
            ]
        );
        assert_eq!(data.orders[0].source.line, lines_of[0]);
    }
}

#[test]
fn a_missing_page_shows_against_total_results() {
    let (page1, _) = pages();
    // Page 1 twice instead of pages 1 and 2: two distinct trades of the three stated.
    let (files, data) = import("pages.jsonl", format!("{page1}\n{page1}\n").into_bytes());
    assert_eq!(data.orders.len(), 2);
    let missing = files[0]
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::ControlTotal)
        .unwrap();
    assert_eq!(missing.severity, Severity::Warning);
    assert!(
        missing
            .message
            .contains("各页都声明共有 3 笔交易（total_results），文件中却有 2 笔"),
        "{}",
        missing.message
    );
    // One page alone is a legitimate file: no total is checked.
    let (files, _) = import("page1.json", page1.into_bytes());
    assert!(files[0].problems.is_empty(), "{:#?}", files[0].problems);
}

#[test]
fn an_error_page_is_an_error_not_an_empty_page() {
    let (page1, _) = pages();
    let error = r#"{"error_response":{"code":27,"msg":"Invalid session","sub_code":"invalid-sessionkey","request_id":"zt4gydw2w0id"}}"#;
    let (files, data) = import("pages.jsonl", format!("{page1}\n{error}\n").into_bytes());
    assert_eq!(data.orders.len(), 2);
    let p = only_problem(&files[0]);
    assert_eq!(
        (p.code, p.severity, p.line),
        (ProblemCode::Truncated, Severity::Error, Some(2))
    );
    assert!(
        p.message
            .contains("27，Invalid session，invalid-sessionkey"),
        "{}",
        p.message
    );
}

#[test]
fn truncated_json_names_where_it_ends() {
    // Cut inside the second trade's first sub-order (line 94: `"price": "69.00",`).
    let cut = STANDARD
        .find("\"price\": \"69.00\",\n                \"num\": 1")
        .unwrap();
    let text = &STANDARD[..cut + "\"price\": \"6".len()];
    let (files, data) = import("cut.json", text.as_bytes().to_vec());
    let file = &files[0];
    assert_eq!(file.format.as_deref(), Some("taobao.trades_api"));
    let p = only_problem(file);
    assert_eq!(p.code, ProblemCode::Truncated);
    assert_eq!((p.line, p.column), (Some(94), Some(27)));
    assert!(
        p.zh().starts_with("文件 cut.json 第 94 行 第 27 列："),
        "{}",
        p.zh()
    );
    assert!(p.message.contains("意外结束"), "{}", p.message);
    // Trades before the cut are read (the run stops on the error anyway).
    assert_eq!(data.orders.len(), 1);
}

#[test]
fn broken_json_names_line_and_column() {
    // A comma lost at the end of line 12 (`"created": …`).
    let text = STANDARD.replacen(
        "\"created\": \"2026-10-01 09:10:00\",",
        "\"created\": \"2026-10-01 09:10:00\"",
        1,
    );
    let (files, data) = import("broken.json", text.into_bytes());
    let p = only_problem(&files[0]);
    assert_eq!(p.code, ProblemCode::Syntax);
    assert_eq!((p.line, p.column), (Some(13), Some(11)));
    assert!(p.message.contains("JSON 格式错误"), "{}", p.message);
    assert!(data.orders.is_empty());
}

#[test]
fn json_of_another_shape_is_an_error_naming_the_file() {
    let foreign = [
        (
            r#"{"jingdong_pop_order_search_responce":{"searchorderinfo_result":{"orderInfoList":[]}}}"#,
            "jingdong_pop_order_search_responce",
        ),
        (
            "{\n  \"code\": 0,\n  \"data\": {\"list\": [{\"order_sn\": \"260101-123\"}]}\n}",
            "code、data",
        ),
        ("[[1, 2, 3]]", "最外层不是 JSON 对象"),
        ("[]", "没有任何对象"),
        ("[\n{\"订单号\": \"1\"}\n]", "订单号"),
    ];
    for (text, named) in foreign {
        let (files, data) = import("抖店订单.json", text.as_bytes().to_vec());
        let file = &files[0];
        assert_eq!(file.format, None, "{file:#?}");
        let p = only_problem(file);
        assert_eq!(
            (p.code, p.severity),
            (ProblemCode::UnknownFormat, Severity::Error)
        );
        let zh = p.zh();
        assert!(zh.starts_with("文件 抖店订单.json"), "{zh}");
        assert!(zh.contains("不是淘宝/天猫交易接口"), "{zh}");
        assert!(zh.contains(named), "{zh}");
        assert!(data.orders.is_empty());
    }
}

#[test]
fn a_trade_without_its_fields_is_refused_alone() {
    let text = STANDARD.replace("\"payment\": \"59.00\",\n", "");
    let (files, data) = import("x.json", text.into_bytes());
    let p = only_problem(&files[0]);
    assert_eq!((p.code, p.line), (ProblemCode::MissingValue, Some(73)));
    assert!(
        p.message
            .contains("交易 4012345678901239999 的 payment：缺少该字段"),
        "{}",
        p.message
    );
    assert_eq!(data.orders.len(), 2);
}

#[test]
fn discounts_are_stated_only_when_whole() {
    // Without part_mjz_discount the lines' share of the 满减 is unknown: no line discount
    // rather than a half that would read as an error; the order's discounts are whole.
    let text = STANDARD
        .replace("\"part_mjz_discount\": \"12.80\",\n", "")
        .replace("\"part_mjz_discount\": \"12.20\",\n", "");
    let (_, data) = import_clean("x.json", &text);
    let o = &data.orders[0];
    assert_eq!(
        (o.seller_discount, o.other_discount),
        (Some(yuan("15.00")), Some(yuan("25.00")))
    );
    assert_eq!((o.lines[0].discount, o.lines[1].discount), (None, None));
    // Without the trade's discount_fee, a line's 满减 share has no order total to add up to.
    let text = STANDARD.replacen("\"discount_fee\": \"25.00\",\n", "", 1);
    let (_, data) = import_clean("x.json", &text);
    let o = &data.orders[0];
    assert_eq!((o.seller_discount, o.other_discount), (None, None));
    assert_eq!(o.lines[0].discount, Some(yuan("22.80")));
    // Without a line's discount_fee neither that line's nor the order's discount is known.
    let text = STANDARD.replace("\"discount_fee\": \"10.00\",\n                \"adjust_fee\": \"0.00\",\n                \"part_mjz_discount\": \"12.80\"", "\"adjust_fee\": \"0.00\",\n                \"part_mjz_discount\": \"12.80\"");
    let (_, data) = import_clean("x.json", &text);
    let o = &data.orders[0];
    assert_eq!((o.seller_discount, o.other_discount), (None, None));
    assert_eq!(o.lines[0].discount, None);
    assert_eq!(o.lines[1].discount, Some(yuan("17.20")));
    // A trade without 满减 needs no share.
    let text = STANDARD.replace("\"part_mjz_discount\": \"0.00\",\n", "");
    let (_, data) = import_clean("x.json", &text);
    assert_eq!(data.orders[1].lines[0].discount, Some(yuan("10.00")));
    // A line without divide_order_fee states no paid amount: its own payment is not the
    // allocated one.
    let text = STANDARD.replace("\"divide_order_fee\": \"115.20\",\n", "");
    let (_, data) = import_clean("x.json", &text);
    assert_eq!(data.orders[0].lines[0].paid, None);
    assert_eq!(data.orders[0].lines[1].paid, Some(yuan("111.80")));
}

#[test]
fn a_large_file_on_disk_streams_past_the_sample() {
    // Far beyond the 64 KB sample: the file is read through the sample and the rest.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("taobao_api_large");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let trade = SIMPLIFIED.lines().nth(3).unwrap().trim_end_matches(',');
    let mut text = String::from("{\"trades\":[\n");
    let n = 600u64;
    for i in 0..n {
        let tid = 4012345678901240001 + i;
        let t = trade.replace("4012345678901240001", &tid.to_string());
        text.push_str(&t);
        text.push_str(if i + 1 < n { ",\n" } else { "\n" });
    }
    text.push_str("],\"total_results\":600}\n");
    assert!(text.len() > 256 * 1024);
    let path = dir.join("trades.json");
    std::fs::write(&path, &text).unwrap();
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut data = Dataset::default();
    import_path(&path, &importers, &mut files, &mut |r| data.push(r));
    assert!(files[0].problems.is_empty(), "{:#?}", files[0].problems);
    assert_eq!(data.orders.len(), 600);
    assert_eq!(data.orders[599].order_no, "4012345678901240600");
    assert_eq!(data.orders[599].source.line, 601);
    assert_eq!(
        files[0].stats.amounts.get("订单/实付"),
        Some(&Fen::new(20007 * 600))
    );
    // A folder's .json files are inputs.
    let found = duizhang_import::inputs::expand_inputs(&[dir]).unwrap();
    assert_eq!(found, vec![path]);
}

#[test]
fn a_file_cut_anywhere_is_never_read_as_complete() {
    // Every strict prefix of a response lacks at least its closing brace: each must be an
    // error (truncation with a position, or not recognised at all), never a quiet short read.
    let importers = builtin_importers();
    let full = STANDARD.trim_end();
    let mut boundaries: Vec<usize> = (0..full.len())
        .filter(|&i| full.is_char_boundary(i))
        .collect();
    // Cuts inside a character too: the bytes are then not UTF-8.
    boundaries.extend([
        full.find("棉语").unwrap() + 1,
        full.find("卡其").unwrap() + 2,
    ]);
    for cut in boundaries {
        let mut files = Vec::new();
        let bytes = full.as_bytes()[..cut].to_vec();
        import_bytes("cut.json", bytes, &importers, &mut files, &mut |_| {});
        assert_eq!(files.len(), 1);
        assert!(
            files[0].has_errors(),
            "cut at {cut} read as complete: {:#?}",
            files[0]
        );
        // Once read as JSON, the error says where the text stops.
        if files[0].format.is_some() {
            let p = files[0].problems.iter().find(|p| p.is_error()).unwrap();
            assert!(p.line.is_some() && p.column.is_some(), "{p:#?}");
        }
    }
}

mod damaged {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(192))]

        /// A response with bytes overwritten anywhere returns records or problems, never a
        /// panic; what is read is still well-formed, and a JSON error has a position.
        #[test]
        fn damaged_responses_never_panic(
            edits in proptest::collection::vec((0usize..5000, any::<u8>()), 1..6),
        ) {
            let mut bytes = STANDARD.as_bytes().to_vec();
            for (at, b) in edits {
                let i = at % bytes.len();
                bytes[i] = b;
            }
            let (files, data) = import("damaged.json", bytes);
            prop_assert_eq!(files.len(), 1);
            prop_assert!(data.orders.len() <= 3);
            for o in &data.orders {
                prop_assert!(!o.order_no.is_empty());
                prop_assert!(o.order_no.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(o.paid.is_some());
                prop_assert!(o.lines.iter().all(|l| l.quantity > 0));
            }
            for p in &files[0].problems {
                if matches!(p.code, ProblemCode::Syntax) {
                    prop_assert!(p.line.is_some() && p.column.is_some());
                }
            }
        }
    }
}
