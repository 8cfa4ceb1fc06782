//! What `duizhang` leaves in `--out` and what it accepts as the previous run: results that are
//! whole or absent after a `kill -9` at any moment, a lock against a second run, the same bytes
//! whatever order the files are named in, carry files checked, stray files skipped on request,
//! and a closed pipe that ends nothing badly.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

use proptest::prelude::*;
use support::{bin, demo, duizhang, s, scratch, scratch_path, text};

/// A small demo month (its files, settings and journal), written once for all tests.
fn month() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("month");
        let out = demo(&dir, "200", "5");
        assert!(out.status.success(), "{}", text(&out.stderr));
        dir
    })
}

fn month_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(month().join("files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// `reconcile` of `inputs` with the month's settings and journal into `out`.
fn reconcile_args(inputs: &[PathBuf], out: &Path, extra: &[&str]) -> Vec<String> {
    let dir = month();
    let mut args: Vec<String> = vec!["reconcile".into()];
    args.extend(inputs.iter().map(|p| s(p).to_string()));
    for a in [
        "--period",
        "2026-10",
        "--config",
        s(&dir.join("duizhang.toml")),
        "--journal",
        s(&dir.join("账簿/vouchers.xlsx")),
        "--out",
        s(out),
    ] {
        args.push(a.to_string());
    }
    args.extend(extra.iter().map(|a| (*a).to_string()));
    args
}

fn reconcile(inputs: &[PathBuf], out: &Path, extra: &[&str]) -> Output {
    bin()
        .args(reconcile_args(inputs, out, extra))
        .output()
        .unwrap()
}

/// The visible files of a results folder (not the lock or a staging folder), with their bytes.
fn result_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

fn copy_result(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for (name, bytes) in result_files(from) {
        std::fs::write(to.join(name), bytes).unwrap();
    }
}

#[test]
fn a_killed_run_leaves_the_earlier_result_or_the_new_one_never_a_mix() {
    let dir = scratch("kill");
    let files = month_files();
    // The earlier result: the Alipay bills alone. The new one: the whole month.
    let alipay: Vec<PathBuf> = files
        .iter()
        .filter(|p| s(p).contains("账务明细"))
        .cloned()
        .collect();
    let (earlier, new) = (dir.join("earlier"), dir.join("new"));
    assert!(reconcile(&alipay, &earlier, &[]).status.success());
    let started = Instant::now();
    assert!(reconcile(&files, &new, &[]).status.success());
    let full = started.elapsed();
    let earlier = result_files(&earlier);
    let new = result_files(&new);
    assert_ne!(earlier.get("findings.jsonl"), new.get("findings.jsonl"));
    assert!(new.contains_key("manifest.json") && new.contains_key("vouchers.xlsx"));

    let out = dir.join("out");
    // `DUIZHANG_KILL_TRIALS` raises the number of kills for a long run (20 by default).
    let kills: u32 = std::env::var("DUIZHANG_KILL_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(20);
    let mut seen = BTreeMap::<&str, u32>::new();
    for i in 0..kills {
        copy_result(&dir.join("earlier"), &out);
        let mut child = bin()
            .args(reconcile_args(&files, &out, &[]))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From the start to a little past the end of a whole run.
        std::thread::sleep(full.mul_f64(f64::from(i) / f64::from(kills) * 1.2));
        child.kill().unwrap();
        child.wait().unwrap();
        let left = result_files(&out);
        let state = if left == earlier {
            "earlier"
        } else if left == new {
            "new"
        } else {
            // Only an install cut short may leave something else, and never a manifest: the
            // complete new result waits in `.ready` and the next run into the folder installs
            // it (this one stops at its missing input, after taking the lock).
            assert!(
                !left.contains_key("manifest.json"),
                "kill {i}: a mix: {:?}",
                left.keys()
            );
            assert!(
                out.join(".ready/manifest.json").is_file(),
                "kill {i}: result lost"
            );
            let next = reconcile(&[out.join("nothing-here.csv")], &out, &[]);
            assert_eq!(next.status.code(), Some(2));
            assert_eq!(
                result_files(&out),
                new,
                "kill {i}: not finished by the next run"
            );
            "install finished by the next run"
        };
        *seen.entry(state).or_default() += 1;
    }
    eprintln!("{kills} kills: {seen:?}");
    // A second run over a folder a killed run left behind completes and cleans up.
    assert!(reconcile(&files, &out, &[]).status.success());
    assert_eq!(result_files(&out), new);
    let hidden: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".duizhang.lock")
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn a_second_run_into_a_folder_in_use_is_refused_and_changes_nothing() {
    let dir = scratch("locked");
    let out = dir.join("out");
    assert!(reconcile(&month_files(), &out, &[]).status.success());
    let before = result_files(&out);
    let lock = std::fs::File::options()
        .write(true)
        .open(out.join(".duizhang.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let second = reconcile(&month_files(), &out, &[]);
    assert_eq!(second.status.code(), Some(2));
    let stderr = text(&second.stderr);
    assert!(stderr.contains("正被另一个 duizhang 运行使用"), "{stderr}");
    assert_eq!(result_files(&out), before);
    drop(lock);
    assert!(reconcile(&month_files(), &out, &[]).status.success());
}

/// The month's result with its files named as a folder, for comparison.
fn folder_result() -> &'static BTreeMap<String, Vec<u8>> {
    static RESULT: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    RESULT.get_or_init(|| {
        let out = scratch("order_reference");
        let run = reconcile(&[month().join("files")], &out, &[]);
        assert!(run.status.success(), "{}", text(&run.stderr));
        result_files(&out)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_same_files_in_any_order_give_the_same_bytes(files in Just(month_files()).prop_shuffle()) {
        let out = scratch("order");
        let run = reconcile(&files, &out, &[]);
        prop_assert!(run.status.success(), "{}", text(&run.stderr));
        let got = result_files(&out);
        for (name, bytes) in folder_result() {
            prop_assert!(got.get(name) == Some(bytes), "{name} differs for the order {files:?}");
        }
        prop_assert_eq!(got.len(), folder_result().len());
    }
}

#[test]
fn one_thread_gives_the_same_bytes_as_the_default() {
    let out = scratch("one_thread");
    let run = reconcile(&[month().join("files")], &out, &["--threads", "1"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(&result_files(&out), folder_result());
}

/// October's result folder (with its carry.json), made once.
fn october() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = scratch("october");
        assert!(reconcile(&month_files(), &out, &[]).status.success());
        out
    })
}

/// `reconcile` of the month's files as `period` with `carry` as `--carry-in`, into a folder
/// of the test's own.
fn carried(test: &str, period: &str, carry: &Path, extra: &[&str]) -> Output {
    let out = scratch(&format!("carried_{test}_{period}"));
    let (files, config) = (month().join("files"), month().join("duizhang.toml"));
    let mut args = vec![
        "reconcile",
        s(&files),
        "--period",
        period,
        "--config",
        s(&config),
        "--out",
        s(&out),
        "--carry-in",
        s(carry),
    ];
    args.extend(extra);
    duizhang(&args)
}

#[test]
fn a_carry_in_that_is_not_a_carry_file_is_refused() {
    let dir = scratch("not_carry");
    let empty = dir.join("carry.json");
    std::fs::write(&empty, "[]").unwrap();
    for wrong in [october().join("summary.json"), empty] {
        let run = carried("not_carry", "2026-11", &wrong, &[]);
        assert_eq!(run.status.code(), Some(2), "{wrong:?}");
        let stderr = text(&run.stderr);
        assert!(stderr.contains("不是 duizhang 的结转文件"), "{stderr}");
    }
}

#[test]
fn a_carry_of_the_same_later_or_a_skipped_month_is_refused_unless_the_skip_is_deliberate() {
    let same = carried("months", "2026-10", october(), &[]);
    assert_eq!(same.status.code(), Some(2));
    assert!(text(&same.stderr).contains("不早于本次期间 2026-10"));
    let earlier = carried("months", "2026-09", october(), &[]);
    assert_eq!(earlier.status.code(), Some(2));
    let gap = carried("months", "2026-12", october(), &[]);
    assert_eq!(gap.status.code(), Some(2));
    assert!(text(&gap.stderr).contains("--allow-carry-gap"));
    let allowed = carried("months", "2026-12", october(), &["--allow-carry-gap"]);
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    assert!(text(&allowed.stderr).contains("隔了 2026-11"));
}

#[test]
fn the_next_month_reads_the_carry_and_says_what_became_of_it() {
    // A carry.json passed as a file with a byte-order mark (saved by an editor), outside its
    // results folder.
    let dir = scratch("carry_bom");
    let bom = dir.join("carry.json");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(std::fs::read(october().join("carry.json")).unwrap());
    std::fs::write(&bom, bytes).unwrap();
    let run = carried("bom", "2026-11", &bom, &[]);
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(stdout.contains("上期（2026-10）结转在途"), "{stdout}");
    assert!(
        stdout.contains("已了结") && stdout.contains("未判断"),
        "{stdout}"
    );
    // summary.json accounts for every carried item.
    let out = scratch_path("carried_bom_2026-11");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let october: serde_json::Value =
        serde_json::from_slice(&std::fs::read(october().join("carry.json")).unwrap()).unwrap();
    let carried = &summary["carried"];
    let items = u64::try_from(october["pending"].as_array().unwrap().len()).unwrap();
    assert!(items > 0);
    assert_eq!(carried["from"], "2026-10");
    assert_eq!(carried["items"].as_u64(), Some(items));
    let not_judged: u64 = carried["not_judged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["items"].as_u64().unwrap())
        .sum();
    let accounted: u64 = ["closed", "found", "pending"]
        .iter()
        .map(|k| carried[*k].as_u64().unwrap())
        .sum();
    assert_eq!(accounted + not_judged, items, "{carried}");
}

#[test]
fn a_carry_file_changed_after_it_was_written_is_refused() {
    let dir = scratch("carry_changed");
    copy_result(october(), &dir);
    let carry = dir.join("carry.json");
    let mut text_now = std::fs::read_to_string(&carry).unwrap();
    text_now.push(' ');
    std::fs::write(&carry, text_now).unwrap();
    let run = carried("changed", "2026-11", &dir, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("与结果清单 manifest.json 不符"));
}

#[test]
fn a_stray_file_stops_the_run_unless_skip_unknown_lists_and_skips_it() {
    let dir = scratch("stray");
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    for f in month_files() {
        std::fs::copy(&f, inputs.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(inputs.join("备忘.txt"), "十月对账：记得问仓库退货\n").unwrap();
    let stopped = reconcile(std::slice::from_ref(&inputs), &dir.join("out"), &[]);
    assert_eq!(stopped.status.code(), Some(2));
    let stderr = text(&stopped.stderr);
    assert!(
        stderr.contains("备忘.txt") && stderr.contains("--skip-unknown"),
        "{stderr}"
    );
    assert!(!dir.join("out/findings.jsonl").exists());
    let skipped = reconcile(
        std::slice::from_ref(&inputs),
        &dir.join("out"),
        &["--skip-unknown"],
    );
    assert!(skipped.status.success(), "{}", text(&skipped.stderr));
    let stderr = text(&skipped.stderr);
    assert!(
        stderr.contains("已跳过 1 个无法识别格式或不是商家账单的文件")
            && stderr.contains("备忘.txt"),
        "{stderr}"
    );
    // The same findings as without the stray file (evidence names the folder it was read from).
    let findings = |files: &BTreeMap<String, Vec<u8>>, folder: &Path| {
        text(&files["findings.jsonl"]).replace(s(folder), "FILES")
    };
    assert_eq!(
        findings(&result_files(&dir.join("out")), &inputs),
        findings(folder_result(), &month().join("files"))
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_with_the_results_written() {
    let out = scratch("pipe");
    let mut child = bin()
        .args(reconcile_args(&month_files(), &out, &[]))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before anything is printed (`| head -0`).
    drop(child.stdout.take());
    let done = child.wait_with_output().unwrap();
    let stderr = text(&done.stderr);
    assert_eq!(done.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert!(!stderr.contains("错误"), "{stderr}");
    assert_eq!(result_files(&out), *folder_result());
}

#[test]
fn both_outputs_into_a_closed_pipe_end_quietly_with_the_results_written() {
    let out = scratch("pipe_both");
    // `duizhang … 2>&1 | head -0`: nobody reads either stream.
    let mut child = bin()
        .args(reconcile_args(&month_files(), &out, &[]))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(result_files(&out), *folder_result());
}

#[test]
fn a_period_with_a_sign_or_three_month_digits_is_refused() {
    for period in ["2026-+1", "2026-010"] {
        let run = duizhang(&[
            "reconcile",
            s(&month().join("files")),
            "--period",
            period,
            "--out",
            s(&scratch("bad_period")),
        ]);
        assert_eq!(run.status.code(), Some(2), "{period}");
        assert!(text(&run.stderr).contains("格式不对，应为月份（如 2026-10）"));
    }
}

#[test]
fn a_reader_is_refused_a_folder_whose_install_was_cut_short() {
    // A folder whose install was cut short says so to a reader instead of being read.
    let dir = scratch("half_installed");
    copy_result(october(), &dir);
    std::fs::create_dir_all(dir.join(".ready")).unwrap();
    std::fs::rename(dir.join("manifest.json"), dir.join(".ready/manifest.json")).unwrap();
    std::fs::write(dir.join(".duizhang.lock"), "").unwrap();
    let run = carried("half", "2026-11", &dir, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("结果目录不完整"),
        "{}",
        text(&run.stderr)
    );
}
