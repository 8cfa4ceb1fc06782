//! Inputs that must be refused, each with a Chinese error naming the file and, where there is
//! one, the line and column: empty archives, pasted bills of two accounts, impossible
//! quantities, blank amounts, sums past the 64-bit range. The data follows the real shapes of
//! docs/formats.md (formats.md of the research notes), not the importers' code.

use std::io::Write;

use duizhang_core::Record;
use duizhang_import::{ImportedFile, Problem, ProblemCode, builtin_importers, import_bytes};

fn import(name: &str, bytes: Vec<u8>) -> (Vec<ImportedFile>, Vec<Record>) {
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut records = Vec::new();
    import_bytes(name, bytes, &importers, &mut files, &mut |r| {
        records.push(r)
    });
    (files, records)
}

fn errors(files: &[ImportedFile]) -> Vec<&Problem> {
    files
        .iter()
        .flat_map(|f| f.problems.iter())
        .filter(|p| p.is_error())
        .collect()
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

fn zip_of(members: &[(&str, &[u8])], folders: &[&str]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for folder in folders {
        writer.add_directory(*folder, options).expect("folder");
    }
    for (name, bytes) in members {
        writer.start_file(*name, options).expect("member");
        writer.write_all(bytes).expect("write");
    }
    writer.finish().expect("zip").into_inner()
}

/// formats.md §1.4: the classic 12-column 账务明细 of one account, with its footer.
fn alipay_bill(account: &str, first_txn: u32) -> String {
    format!(
        "#支付宝账务明细查询\r\n#账号：[{account}]\r\n#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年10月02日 00:00:00]\r\n#-----------------------------------------账务明细列表----------------------------------------\r\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n{a}\t,20261001200040011100880012345678\t,T200P4012345678901234567\t,纯棉T恤 白色 L\t,2026-10-01 09:12:33,*明(138****0000)\t,59.00,0.00,1059.00,淘宝,交易付款,\r\n{b}\t,20261001200040011100880012345679\t,T200P4012345678901234567\t,纯棉T恤 白色 L\t,2026-10-01 09:12:34,天猫技术有限公司\t,0.00,-2.95,1056.05,淘宝,交易分账,天猫佣金（类目：女装）{{4012345678901234567}}扣款\r\n#----------------------------------------账务明细列表结束-------------------------------------\r\n#支出合计：1笔，共-2.95元\r\n#收入合计：1笔，共59.00元\r\n#导出时间：[2026年10月02日 06:12:40]\r\n",
        a = 202610010000123456u64 + u64::from(first_txn),
        b = 202610010000123457u64 + u64::from(first_txn),
    )
}

#[test]
fn an_empty_zip_is_refused_not_skipped() {
    let (files, records) = import("账单.zip", zip_of(&[], &[]));
    assert!(records.is_empty());
    let errs = errors(&files);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].file, "账单.zip");
    assert!(
        errs[0].message.contains("压缩包里没有任何文件"),
        "{}",
        errs[0]
    );
}

#[test]
fn a_zip_holding_only_folders_is_refused() {
    let (files, _) = import("账单.zip", zip_of(&[], &["十月/", "十月/支付宝/"]));
    let errs = errors(&files);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].zh().contains("只有文件夹"), "{}", errs[0]);
}

#[test]
fn two_alipay_bills_of_two_accounts_pasted_in_one_file_are_refused_at_the_second() {
    let text = alipay_bill("20880000000000000156", 0) + &alipay_bill("20889999999999990156", 10);
    let (files, _) = import("账务明细.csv", gbk(&text));
    let errs = errors(&files);
    assert_eq!(errs.len(), 1, "{errs:?}");
    // The second bill's header is line 16 (11 lines of the first bill, 4 of its preamble).
    assert_eq!(errs[0].line, Some(16));
    assert!(
        errs[0].message.contains("20889999999999990156")
            && errs[0].message.contains("分成两个文件"),
        "{}",
        errs[0]
    );
}

#[test]
fn two_alipay_bills_of_one_account_pasted_in_one_file_are_both_read_with_their_totals() {
    let text = alipay_bill("20880000000000000156", 0) + &alipay_bill("20880000000000000156", 10);
    let (files, records) = import("账务明细.csv", gbk(&text));
    assert!(errors(&files).is_empty(), "{:?}", errors(&files));
    assert_eq!(records.len(), 4);
    // Each bill's footer is checked against its own rows.
    assert_eq!(files[0].control.len(), 4);
    assert!(files[0].control.iter().all(|c| c.holds()));
}

#[test]
fn a_data_row_after_the_end_marker_is_an_error_not_skipped() {
    let text = alipay_bill("20880000000000000156", 0).replace(
        "#支出合计",
        "202610010000999999\t,1\t,T200P1\t,x\t,2026-10-01 10:00:00,y\t,5.00,0.00,1.00,淘宝,交易付款,\r\n#支出合计",
    );
    let (files, _) = import("账务明细.csv", gbk(&text));
    let errs = errors(&files);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, Some(9));
    assert!(errs[0].message.contains("结束标记之后"), "{}", errs[0]);
}

#[test]
fn a_row_with_both_amount_sides_blank_or_dashed_is_refused_not_read_as_zero() {
    for blank in ["", "-"] {
        let text = alipay_bill("20880000000000000156", 0).replacen(
            ",59.00,0.00,1059.00,",
            &format!(",{blank},{blank},1059.00,"),
            1,
        );
        let (files, records) = import("账务明细.csv", gbk(&text));
        let errs: Vec<_> = errors(&files)
            .into_iter()
            .filter(|p| p.code == ProblemCode::MissingValue)
            .collect();
        assert_eq!(errs.len(), 1, "{blank:?}: {:?}", errors(&files));
        assert_eq!((errs[0].line, errs[0].column), (Some(6), Some(7)));
        assert!(errs[0].message.contains("都为空"), "{}", errs[0]);
        assert_eq!(records.len(), 1);
    }
    // JD 京东钱包 资金表: the same rule.
    let header = "商户号,账户代码,账户名称,日期,商户订单号,账户余额(元),收入金额(元),支出金额(元),交易备注,账单日期\n";
    let text = format!(
        "{header}110000001,A1,京东钱包,2026-10-13 12:01:00,JD100,44.60,-,-,货款,2026-10-13\n"
    );
    let (files, records) = import("资金表.csv", text.into_bytes());
    let errs = errors(&files);
    assert!(records.is_empty());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].code, errs[0].line, errs[0].column),
        (ProblemCode::MissingValue, Some(2), Some(7))
    );
}

const ERP_SHIPMENTS: &str =
    "店铺,订单号,子订单号,商家编码,数量,发货时间,物流公司,运单号,发货类型,售后单号\n";
const ERP_RETURNS: &str = "店铺,订单号,售后单号,商家编码,数量,入库时间,质检结果\n";
const ERP_AFTER_SALES: &str = "店铺,平台,订单号,售后单号,售后类型,状态,申请时间,完成时间,申请金额,退款金额,商家编码,数量,原因\n";

/// The quantity column of each file's second row holds `quantity`; the first row is valid.
fn quantity_files(quantity: &str) -> Vec<(&'static str, String, u32)> {
    let douyin_head = "主订单编号,子订单编号,选购商品,商品规格,商品数量,商家编码,订单应付金额,运费,收件人,收件人手机号,详细地址,订单提交时间,商家备注,订单完成时间,订单状态,售后状态,取消原因,发货时间,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额\n";
    let douyin_row = |order: &str, q: &str| {
        format!(
            "\"\t{order}\",\"\t{order}\",\"\t辣条礼包\",\"\t1袋\",{q},\"\tSKU300400008\",28.90,0.00,##密文,$$密文,##密文,2026-10-02 00:54:10,-,2026-10-04 13:18:29,已完成,-,,2026-10-02 08:53:45,2.00,3.00,0.00\n"
        )
    };
    let pdd_head = "商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,确认收货时间,商品id,商品规格,样式ID,商家编码-规格维度,商家编码-商品维度,商家备注,售后状态,快递单号,快递公司,订单成交时间\n";
    let pdd_row = |order: &str, q: &str| {
        format!(
            "纯棉T恤 白色 L,{order},已收货,69.00,0.00,5.00,2.00,0.20,61.80,66.80,{q},2026-10-03 18:00:00,2026-10-08 10:11:12,6123456789,白色 L,3123456789,TS-WHITE-L,TS,,无售后或售后取消,YT1234567890,圆通快递,2026-10-03 09:12:33\n"
        )
    };
    vec![
        (
            "抖店订单.csv",
            format!(
                "\u{FEFF}{douyin_head}{}{}",
                douyin_row("6900000000000000001", "1"),
                douyin_row("6900000000000000002", quantity)
            ),
            5,
        ),
        (
            "拼多多订单.csv",
            format!(
                "{pdd_head}{}{}",
                pdd_row("261003-123456789012345", "1"),
                pdd_row("261003-123456789012346", quantity)
            ),
            11,
        ),
        (
            "发货单.csv",
            format!(
                "{ERP_SHIPMENTS}天猫旗舰店,4012345678901234567,,TS-WHITE-L,1,2026-10-02 08:00:00,中通快递,7300000000001,正常,\n天猫旗舰店,4012345678901234568,,TS-WHITE-L,{quantity},2026-10-02 09:00:00,中通快递,7300000000002,正常,\n"
            ),
            5,
        ),
        (
            "退货入库单.csv",
            format!(
                "{ERP_RETURNS}天猫旗舰店,4012345678901234567,201234567890123456,TS-WHITE-L,1,2026-10-05 10:00:00,良品\n天猫旗舰店,4012345678901234568,201234567890123457,TS-WHITE-L,{quantity},2026-10-05 11:00:00,良品\n"
            ),
            5,
        ),
        (
            "售后单.csv",
            format!(
                "{ERP_AFTER_SALES}天猫旗舰店,天猫,4012345678901234567,201234567890123456,退货退款,已完成,2026-10-02 08:00:00,2026-10-04 11:20:05,59.00,59.00,TS-WHITE-L,1,尺码偏小\n天猫旗舰店,天猫,4012345678901234568,201234567890123457,退货退款,已完成,2026-10-02 08:00:00,2026-10-04 11:20:05,59.00,59.00,TS-WHITE-L,{quantity},尺码偏小\n"
            ),
            12,
        ),
    ]
}

#[test]
fn zero_and_negative_quantities_are_refused_in_orders_shipments_returns_and_after_sales() {
    for quantity in ["0", "-1"] {
        for (name, text, column) in quantity_files(quantity) {
            let (files, records) = import(name, text.into_bytes());
            let errs = errors(&files);
            assert_eq!(errs.len(), 1, "{name} {quantity}: {errs:?}");
            assert!(files[0].format.is_some(), "{name}");
            assert_eq!(
                (errs[0].code, errs[0].line, errs[0].column),
                (ProblemCode::BadValue, Some(3), Some(column)),
                "{name} {quantity}: {}",
                errs[0]
            );
            assert!(errs[0].message.contains("正整数"), "{}", errs[0]);
            assert_eq!(records.len(), 1, "{name}: the valid row is still read");
        }
    }
    // The same files with a real quantity are read whole.
    for (name, text, _) in quantity_files("2") {
        let (files, records) = import(name, text.into_bytes());
        assert!(errors(&files).is_empty(), "{name}: {:?}", errors(&files));
        assert_eq!(records.len(), 2, "{name}");
    }
}

#[test]
fn an_amount_beyond_ten_trillion_yuan_is_refused() {
    let text = format!(
        "{ERP_AFTER_SALES}天猫旗舰店,天猫,4012345678901234567,201234567890123456,仅退款,已完成,2026-10-02 08:00:00,2026-10-04 11:20:05,59.00,10000000000000.01,TS-WHITE-L,1,\n"
    );
    let (files, records) = import("售后单.csv", text.into_bytes());
    let errs = errors(&files);
    assert!(records.is_empty());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].code, errs[0].line, errs[0].column),
        (ProblemCode::BadAmount, Some(2), Some(10))
    );
    assert!(errs[0].message.contains("10 万亿元"), "{}", errs[0]);
}

#[test]
fn sums_past_the_64_bit_range_are_refused_not_wrapped() {
    // 10,000 rows of 9,999,999,999,999.99 元 each (within the per-cell limit) add up to more
    // than an i64 of 分 holds; the footer states a small, wrapped-looking total.
    let mut text = String::from(
        "#支付宝账务明细查询\r\n#账号：[20880000000000000156]\r\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n",
    );
    for i in 0..10_000 {
        text.push_str(&format!(
            "2026100100001{i:05}\t,2026100120004001{i:05}\t,T200P40123456789{i:05}\t,x\t,2026-10-01 09:12:33,y\t,9999999999999.99,0.00,,淘宝,交易付款,\r\n"
        ));
    }
    text.push_str("#收入合计：10000笔，共1.00元\r\n#导出时间：[2026年10月02日 06:12:40]\r\n");
    let (files, _) = import("账务明细.csv", gbk(&text));
    let errs = errors(&files);
    assert!(
        errs.iter()
            .any(|p| p.code == ProblemCode::BadAmount && p.message.contains("超出可表示的范围")),
        "{errs:?}"
    );
    // Not a control total that merely disagrees (that would become a finding, not a refusal).
    assert!(errs.iter().all(|p| p.code != ProblemCode::ControlTotal));
    let stats = &files[0].stats;
    assert!(
        stats.amounts.values().all(|a| a.get() > 0),
        "no wrapped total"
    );
    // A footer that states an impossible total is refused at its line.
    let text = alipay_bill("20880000000000000156", 0).replace(
        "#收入合计：1笔，共59.00元",
        "#收入合计：1笔，共-92233720368547758.00元",
    );
    let (files, _) = import("账务明细.csv", gbk(&text));
    let errs = errors(&files);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].code, errs[0].line),
        (ProblemCode::BadAmount, Some(10))
    );
}

#[test]
fn personal_bills_are_answered_with_what_to_download_instead() {
    // formats.md §1.6: GB18030, a preamble, the 电子客户回单 line, then the header.
    let alipay = gbk(
        "------------------------------------------------------------------------------------\r\n导出信息：\r\n姓名：张三\r\n支付宝账户：138****0000\r\n起始时间：[2026-10-01 00:00:00]    终止时间：[2026-10-31 23:59:59]\r\n共1笔记录\r\n------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------\r\n交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\r\n2026-10-03 10:15:02,日用百货,某某旗舰店,tm***@taobao.com,纯棉T恤 白色 L,支出,59.00,花呗,交易成功,2026100322001412340500000001\t,T200P4012345678901234567\t,,\r\n",
    );
    // formats.md §2.5: UTF-8 with BOM, 16 preamble lines, amounts like ¥28.16.
    let wechat = "\u{FEFF}微信支付账单明细,,,,,,,,\r\n微信昵称：[某某],,,,,,,,\r\n起始时间：[2026-10-01 00:00:00] 终止时间：[2026-10-31 23:59:59],,,,,,,,\r\n导出类型：[全部],,,,,,,,\r\n导出时间：[2026-11-01 09:00:00],,,,,,,,\r\n,,,,,,,,\r\n共1笔记录,,,,,,,,\r\n收入：0笔 0.00元,,,,,,,,\r\n支出：1笔 28.16元,,,,,,,,\r\n中性交易：0笔 0.00元,,,,,,,,\r\n注：,,,,,,,,\r\n1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易,,,,,,,,\r\n2. 本明细仅展示当前账单中的交易，不包括已删除的记录,,,,,,,,\r\n3. 本明细仅供个人对账使用,,,,,,,,\r\n,,,,,,,,\r\n----------------------微信支付账单明细列表--------------------,,,,,,,,\r\n交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\r\n2026-10-03 10:00:12,商户消费,某某小店,纯棉T恤,支出,¥28.16,零钱,支付成功,4200002026202610031234567890\t,ORD202610030001\t,/\r\n";
    // 京东金融 交易流水 (UNCONFIRMED shape): a preamble, then the header.
    let jd = "\u{FEFF}导出信息：\r\n京东账号名：jd_某某\r\n日期区间：2026-10-01 至 2026-10-31\r\n导出时间：2026-11-01 09:00:00\r\n\r\n交易时间,商户名称,交易说明,金额,收/付款方式,交易状态,收/支,交易分类,交易订单号,商家订单号,备注\r\n2026-10-03 10:15:02\t,京东商城平台商户\t,纯棉T恤\t,59.00\t,京东白条\t,交易成功\t,支出\t,网购\t,300000000001\t,\t,\t\r\n";
    for (name, bytes, provider, instead) in [
        ("支付宝交易明细.csv", alipay, "支付宝", "账务明细"),
        (
            "微信支付账单.csv",
            wechat.as_bytes().to_vec(),
            "微信支付",
            "交易账单",
        ),
        ("京东交易流水.csv", jd.as_bytes().to_vec(), "京东", "资金表"),
    ] {
        let (files, records) = import(name, bytes);
        assert!(records.is_empty());
        let errs = errors(&files);
        assert_eq!(errs.len(), 1, "{name}: {errs:?}");
        assert_eq!(errs[0].code, ProblemCode::WrongDownload, "{name}");
        assert!(
            errs[0]
                .message
                .contains(&format!("这是{provider}的个人账单"))
                && errs[0].message.contains(instead),
            "{name}: {}",
            errs[0]
        );
    }
}

#[test]
fn a_wechat_refund_row_without_its_refund_amount_is_refused() {
    // formats.md §2.2: the ALL bill's refund row, its 退款金额 left blank (a bare backtick).
    let text = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n`2026-10-03 18:40:11,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300002026202610031234567890,`RF202610030001,`,`0.00,`ORIGINAL,`SUCCESS,`纯棉T恤,`,`-0.35000,`0.60%,`0.00,`59.00,`\r\n总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n`1,`0.00,`59.00,`0.00,`-0.35000,`0.00,`59.00\r\n";
    let (files, records) = import("交易账单.csv", text.as_bytes().to_vec());
    assert!(records.is_empty());
    let errs: Vec<_> = errors(&files)
        .into_iter()
        .filter(|p| p.code != ProblemCode::ControlTotal)
        .collect();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].code, errs[0].line, errs[0].column),
        (ProblemCode::MissingValue, Some(2), Some(17))
    );
}
