//! Any bytes given to the import layer return records or problems, never a panic; and a file
//! damaged anywhere never yields a record with an amount that was not in it.

mod support;

use proptest::prelude::*;

/// Real preambles and headers of each family, so random rows reach the row parsers.
const HEADS: &[(&str, bool)] = &[
    (
        "#支付宝账务明细查询\r\n#账号：[20880000000000000156]\r\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n",
        true,
    ),
    (
        "\u{FEFF}交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n",
        false,
    ),
    (
        "订单编号,退款编号,支付宝交易号,订单付款时间,商品编码,退款完结时间,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,超时时间,退款状态,货物状态,售中或售后,部分退款/全部退款\r\n",
        true,
    ),
    (
        "拼多多店铺账务明细查询\r\n\r\n起始时间：2026-10-01 00:00:00  终止时间：2026-10-31 23:59:59\r\n----------交易记录明细列表---------\r\n商户订单号,发生时间,收入金额（+元）,支出金额（-元）,账务类型,备注,业务描述\r\n",
        true,
    ),
    (
        "\u{FEFF}动账时间,动帐流水号,动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,订单实付应结,运费实付,实际平台补贴,订单退款,平台服务费,佣金,招商服务费,站外推广费,备注\r\n",
        false,
    ),
    (
        "店铺,平台,订单号,售后单号,售后类型,状态,申请时间,完成时间,申请金额,退款金额,商家编码,数量,原因\r\n",
        false,
    ),
];

fn encode(head: &str, gbk: bool) -> Vec<u8> {
    if gbk {
        support::gbk(head)
    } else {
        head.as_bytes().to_vec()
    }
}

/// Cells that look like the real thing, to build plausible but broken rows.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("`".to_string()),
        Just("\t".to_string()),
        "-?[0-9]{1,6}\\.[0-9]{0,5}",
        "2026-1[0-2]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]",
        "[0-9]{10,20}\t?",
        "`[0-9A-Za-z]{1,28}",
        "=\"[0-9]{5,19}\"",
        "\"[^\"]{0,8}\"",
        "\"unterminated",
        "交易付款|交易退款|退款成功|仅退款|SUCCESS|REFUND|已完成|#支出合计：2笔，共-1.00元",
        "\\PC{0,6}",
    ]
}

fn row() -> impl Strategy<Value = String> {
    prop::collection::vec(cell(), 0..32).prop_map(|cells| cells.join(","))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = support::import("random.bin", bytes);
    }

    #[test]
    fn plausible_rows_under_every_family_header_never_panic(
        head in 0usize..HEADS.len(),
        rows in prop::collection::vec(row(), 0..12),
        crlf in any::<bool>(),
    ) {
        let (text, gbk) = HEADS[head];
        let mut bytes = encode(text, gbk);
        let sep = if crlf { "\r\n" } else { "\n" };
        bytes.extend_from_slice(&encode(&rows.join(sep), gbk));
        let (files, _records) = support::import("rows.csv", bytes);
        prop_assert!(!files.is_empty());
    }

    #[test]
    fn damaged_files_never_panic(head in 0usize..HEADS.len(), cut in 0usize..400, flips in prop::collection::vec((0usize..400, any::<u8>()), 0..8)) {
        let (text, gbk) = HEADS[head];
        let mut bytes = encode(text, gbk);
        bytes.extend_from_slice(&encode("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27\r\n", gbk));
        for (at, b) in flips {
            let n = bytes.len();
            if let Some(slot) = bytes.get_mut(at % n) { *slot = b; }
        }
        bytes.truncate(cut.min(bytes.len()));
        let _ = support::import("damaged.csv", bytes);
    }
}
