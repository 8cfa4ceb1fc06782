//! A month run through the library as the command line, a worker and the web call it: from
//! paths or from uploads, on one thread or two, and with a damaged upload.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use duizhang_pipeline::{Blocking, Error, Options, RunResult, Source};
use duizhang_samples::demo::generate;
use support::{assert_same_outputs, month, run_month};

/// Every data file of the folder as an upload, named as its path would name it.
fn uploads(dir: &Path) -> Vec<Source> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.push(Source::Bytes {
            name: path.display().to_string(),
            bytes: std::fs::read(&path).unwrap(),
        });
    }
    // Given in another order than the folder's: the run puts them in its own order.
    out.reverse();
    out
}

#[test]
fn a_month_uploaded_as_bytes_gives_the_same_findings_and_outputs_as_read_from_its_folder() {
    let (scenario, dir) = month("paths_and_uploads", 300, 11);
    let importers = duizhang_import::builtin_importers();
    let from_paths = run_month(
        &scenario,
        vec![Source::Path(dir.clone())],
        &importers,
        Options::default(),
    )
    .unwrap();
    let from_uploads = run_month(&scenario, uploads(&dir), &importers, Options::default()).unwrap();
    assert_same_outputs(&from_paths, &from_uploads);
}

#[test]
fn a_damaged_upload_is_refused_naming_the_upload_its_line_and_column() {
    // A 抖店 资金流水 export as the seller downloads it, whose second row's 动账金额 was
    // damaged (two decimal points) when the file was edited by hand.
    let csv = "\u{feff}动账时间,动帐流水号,动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,订单实付应结,运费实付,实际平台补贴,订单退款,平台服务费,佣金,招商服务费,站外推广费,备注,售后编号\n\
2026-10-05 19:45:53,2026100530000000060,入账,236.00,聚合账户,货款结算入账,小店自卖,6900035648000008181,6900035648000008181,236.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,-,-\n\
2026-10-06 23:46:12,2026100630000000003,入账,125.1.0,聚合账户,货款结算入账,小店自卖,6900035648000000303,6900035648000000303,125.10,0.00,0.00,0.00,0.00,0.00,0.00,0.00,-,-\n";
    let upload = "十月/抖店资金流水.csv";
    let importers = duizhang_import::builtin_importers();
    let scenario = generate(50, 3);
    let result = run_month(
        &scenario,
        vec![Source::Bytes {
            name: upload.into(),
            bytes: csv.as_bytes().to_vec(),
        }],
        &importers,
        Options::default(),
    );
    let Err(Error::Import(blocked)) = result else {
        panic!("a damaged amount must stop the run");
    };
    let [Blocking::Problem(problem)] = blocked.errors.as_slice() else {
        panic!("one error expected: {blocked:?}");
    };
    assert_eq!(problem.file, upload);
    assert_eq!(problem.line, Some(3));
    assert_eq!(problem.column, Some(4));
    let message = problem.zh();
    assert!(
        message.starts_with("文件 十月/抖店资金流水.csv 第 3 行 第 4 列（动账金额）"),
        "{message}"
    );
    assert!(
        blocked.to_string().contains("导入时发现 1 个错误"),
        "{blocked}"
    );
}

#[test]
fn one_thread_and_two_threads_give_byte_identical_outputs() {
    let (scenario, dir) = month("threads", 300, 11);
    let importers = duizhang_import::builtin_importers();
    let on = |threads| {
        let options = Options {
            threads,
            report: true,
            ..Options::default()
        };
        run_month(
            &scenario,
            vec![Source::Path(dir.clone())],
            &importers,
            options,
        )
        .unwrap()
    };
    let (one, two) = (on(1), on(2));
    let names =
        |r: &RunResult| -> Vec<String> { r.outputs.iter().map(|(n, _)| n.to_string()).collect() };
    assert_eq!(names(&one), names(&two));
    assert!(names(&one).contains(&"report.html".to_string()));
    for (name, bytes) in one.outputs.iter() {
        assert_eq!(Some(bytes), two.outputs.get(name), "{name} differs");
    }
}
