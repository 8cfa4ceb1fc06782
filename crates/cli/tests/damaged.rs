//! A corpus of damaged and wrong inputs, written in the test, run through the binary: each is
//! refused with a non-zero exit, a Chinese message naming the file (and the line where there
//! is one), within a time limit, and never with a panic (exit 101) or a hang.

#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{bin, gbk, s, scratch, text};

/// What a run of the binary gave.
struct Run {
    code: Option<i32>,
    stderr: String,
    stdout: String,
}

/// Runs `duizhang args`, killed after `limit` (a hang is a failure, not a stuck test).
fn run(args: &[&str], limit: Duration) -> Run {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("duizhang {args:?} ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        stderr: text(&out.stderr),
        stdout: text(&out.stdout),
    }
}

fn zip_of(members: &[(&str, &[u8])], folders: &[&str]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for folder in folders {
        writer.add_directory(*folder, options).unwrap();
    }
    for (name, bytes) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

const SHIPMENTS: &str =
    "店铺,订单号,子订单号,商家编码,数量,发货时间,物流公司,运单号,发货类型,售后单号\n";

fn shipments(rows: usize) -> String {
    let mut text = SHIPMENTS.to_string();
    for i in 0..rows {
        text.push_str(&format!(
            "天猫旗舰店,40123456789{i:08},,TS-WHITE-L,1,2026-10-02 08:00:00,中通快递,73000{i:08},正常,\n"
        ));
    }
    text
}

fn alipay_bill(account: &str, first_txn: u64) -> String {
    format!(
        "#支付宝账务明细查询\r\n#账号：[{account}]\r\n#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年10月02日 00:00:00]\r\n#-----------------------------------------账务明细列表----------------------------------------\r\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n{}\t,20261001200040011100880012345678\t,T200P4012345678901234567\t,纯棉T恤 白色 L\t,2026-10-01 09:12:33,*明(138****0000)\t,59.00,0.00,1059.00,淘宝,交易付款,\r\n#----------------------------------------账务明细列表结束-------------------------------------\r\n#支出合计：0笔，共0.00元\r\n#收入合计：1笔，共59.00元\r\n#导出时间：[2026年10月02日 06:12:40]\r\n",
        202610010000123456 + first_txn
    )
}

/// One damaged input: the files to write, and what the refusal must say.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    /// Texts the error output must contain (file name, line, reason).
    says: Vec<String>,
}

fn corpus() -> Vec<Case> {
    let douyin = "\u{FEFF}主订单编号,子订单编号,选购商品,商品规格,商品数量,商家编码,订单应付金额,运费,收件人,收件人手机号,详细地址,订单提交时间,商家备注,订单完成时间,订单状态,售后状态,取消原因,发货时间,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额\n\"\t6900000000000000001\",\"\t6900000000000000001\",\"\t辣条礼包\",\"\t1袋\",0,\"\tSKU300400008\",28.90,0.00,##密文,$$密文,##密文,2026-10-02 00:54:10,-,2026-10-04 13:18:29,已完成,-,,2026-10-02 08:53:45,2.00,3.00,0.00\n";
    let mut bad_byte = shipments(30).into_bytes();
    let line_24 = bad_byte
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(22)
        .map(|(i, _)| i + 1)
        .unwrap();
    bad_byte[line_24 + 3] = 0xFF;
    let mut long_line = shipments(2).into_bytes();
    long_line.extend(std::iter::repeat_n(b'x', 3 << 20));
    let mut nested = zip_of(&[("发货单.csv", shipments(1).as_bytes())], &[]);
    for _ in 0..6 {
        nested = zip_of(&[("内层.zip", &nested)], &[]);
    }
    let gz = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(shipments(3000).as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let cut_gz = gz[..gz.len() / 2].to_vec();
    let wechat_personal = "\u{FEFF}微信支付账单明细,,,,,,,,\r\n微信昵称：[某某],,,,,,,,\r\n----------------------微信支付账单明细列表--------------------,,,,,,,,\r\n交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\r\n2026-10-03 10:00:12,商户消费,某某小店,纯棉T恤,支出,¥28.16,零钱,支付成功,4200002026202610031234567890\t,ORD202610030001\t,/\r\n";
    let huge_cell = format!(
        "{SHIPMENTS}天猫旗舰店,4012345678901,,TS-WHITE-L,{},2026-10-02 08:00:00,中通快递,7300,正常,\n",
        "元".repeat(5000)
    );
    let jd_blank = "商户号,账户代码,账户名称,日期,商户订单号,账户余额(元),收入金额(元),支出金额(元),交易备注,账单日期\n110000001,A1,京东钱包,2026-10-13 12:01:00,JD100,44.60,-,,货款,2026-10-13\n";
    vec![
        Case {
            name: "an empty zip",
            files: vec![("空.zip", zip_of(&[], &[]))],
            says: vec!["空.zip".into(), "压缩包里没有任何文件".into()],
        },
        Case {
            name: "a zip of folders only",
            files: vec![("文件夹.zip", zip_of(&[], &["十月/"]))],
            says: vec!["文件夹.zip".into(), "只有文件夹".into()],
        },
        Case {
            name: "two Alipay accounts in one file",
            files: vec![(
                "账务明细.csv",
                gbk(&(alipay_bill("20880000000000000156", 0)
                    + &alipay_bill("20889999999999990156", 10))),
            )],
            says: vec![
                "账务明细.csv 第 15 行".into(),
                "20889999999999990156".into(),
                "分成两个文件".into(),
            ],
        },
        Case {
            name: "a Douyin order of 0 goods",
            files: vec![("抖店订单.csv", douyin.as_bytes().to_vec())],
            says: vec![
                "抖店订单.csv 第 2 行 第 5 列（商品数量）".into(),
                "正整数".into(),
            ],
        },
        Case {
            name: "a JD wallet row with no amount",
            files: vec![("资金表.csv", jd_blank.as_bytes().to_vec())],
            says: vec!["资金表.csv 第 2 行 第 7 列".into(), "都为空".into()],
        },
        Case {
            name: "a bad byte on line 24 of a UTF-8 file",
            files: vec![("发货单.csv", bad_byte)],
            says: vec!["发货单.csv 第 24 行".into(), "UTF-8".into()],
        },
        Case {
            name: "a line of 3 MiB",
            files: vec![("长行.csv", long_line)],
            says: vec!["长行.csv 第 4 行".into(), "1 MiB".into()],
        },
        Case {
            name: "archives nested seven deep",
            files: vec![("套娃.zip", nested)],
            says: vec!["套娃.zip!内层.zip".into(), "嵌套超过 4 层".into()],
        },
        Case {
            name: "a gzip cut in half",
            files: vec![("发货单.csv.gz", cut_gz)],
            says: vec![
                "发货单.csv.gz 第 ".into(),
                "gzip 压缩的内容已损坏或不完整".into(),
            ],
        },
        Case {
            name: "a personal WeChat bill",
            files: vec![("微信账单.csv", wechat_personal.as_bytes().to_vec())],
            says: vec!["微信账单.csv".into(), "个人账单".into(), "交易账单".into()],
        },
        Case {
            name: "a huge bad cell",
            files: vec![("发货单.csv", huge_cell.into_bytes())],
            says: vec!["发货单.csv 第 2 行 第 5 列".into(), "（共 5000 字）".into()],
        },
    ]
}

#[test]
fn every_damaged_input_is_refused_in_chinese_with_its_place_and_no_panic() {
    let dir = scratch("corpus");
    let mut failures = Vec::new();
    for (i, case) in corpus().into_iter().enumerate() {
        let input = dir.join(format!("case{i}"));
        std::fs::create_dir_all(&input).unwrap();
        for (name, bytes) in &case.files {
            std::fs::write(input.join(name), bytes).unwrap();
        }
        let out = dir.join(format!("out{i}"));
        let r = run(
            &[
                "reconcile",
                s(&input),
                "--period",
                "2026-10",
                "--out",
                s(&out),
            ],
            Duration::from_secs(60),
        );
        let missing: Vec<&String> = case
            .says
            .iter()
            .filter(|t| !r.stderr.contains(*t))
            .collect();
        if r.code != Some(2) || !missing.is_empty() || r.stderr.contains("panicked") {
            failures.push(format!(
                "{}: exit {:?}, missing {missing:?}\n{}",
                case.name, r.code, r.stderr
            ));
        }
        // Nothing that looks like a result is left behind.
        assert!(!out.join("manifest.json").exists(), "{}", case.name);
        // inspect says the same and exits 1 (the file has errors), never 101.
        let files: Vec<String> = case
            .files
            .iter()
            .map(|(n, _)| s(&input.join(n)).to_string())
            .collect();
        let mut args = vec!["inspect"];
        args.extend(files.iter().map(String::as_str));
        let r = run(&args, Duration::from_secs(60));
        if r.code != Some(1) {
            failures.push(format!(
                "inspect {}: exit {:?}\n{}{}",
                case.name, r.code, r.stdout, r.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_empty_or_damaged_journal_is_refused_not_read_as_an_empty_ledger() {
    let dir = scratch("journal");
    let input = dir.join("files");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("发货单.csv"), shipments(2)).unwrap();
    let with_journal = |journal: &Path| {
        run(
            &[
                "reconcile",
                s(&input),
                "--period",
                "2026-10",
                "--out",
                s(&dir.join("out")),
                "--journal",
                s(journal),
            ],
            Duration::from_secs(60),
        )
    };
    let journal = dir.join("账簿.txt");
    std::fs::write(&journal, b"").unwrap();
    let r = with_journal(&journal);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("账簿.txt") && r.stderr.contains("没有任何凭证行"),
        "{}",
        r.stderr
    );
    // A workbook cut short (an interrupted copy).
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("凭证").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let journal = dir.join("账簿.xlsx");
    std::fs::write(&journal, &bytes[..bytes.len() / 2]).unwrap();
    let r = with_journal(&journal);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("账簿.xlsx") && r.stderr.contains("已损坏"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_or_a_link_to_a_device_in_the_input_folder_is_refused_without_waiting() {
    let dir = scratch("special");
    let input = dir.join("files");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("发货单.csv"), shipments(2)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", input.join("零.csv")).unwrap();
    let r = run(
        &[
            "reconcile",
            s(&input),
            "--period",
            "2026-10",
            "--out",
            s(&dir.join("out")),
        ],
        Duration::from_secs(30),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("零.csv") && r.stderr.contains("输入文件夹以外"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(input.join("零.csv")).unwrap();
    let fifo = input.join("管道.csv");
    if Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        let r = run(
            &[
                "reconcile",
                s(&input),
                "--period",
                "2026-10",
                "--out",
                s(&dir.join("out")),
            ],
            Duration::from_secs(30),
        );
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(
            r.stderr.contains("管道.csv") && r.stderr.contains("不是普通文件"),
            "{}",
            r.stderr
        );
        // Named directly, it is refused too (inspect), not opened.
        let r = run(&["inspect", s(&fifo)], Duration::from_secs(30));
        assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("不是普通文件"), "{}", r.stdout);
    }
}
