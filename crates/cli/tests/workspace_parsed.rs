//! A run takes what its import read of each kept file instead of reading the file again: the
//! demo month run from those records and from the files' bytes gives the same findings,
//! summary, pending items, metrics and vouchers; records read by another program version or
//! with other mapping profiles are not used; records that cannot be read are read around.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::Output;

use support::{COMPANY, add_user, as_user, command_as, first_user, ok, scratch, text};

/// A mapping profile for an ERP's tickets whose columns no demo file has: it changes no file's
/// reading, only the key what is read is kept under.
const TICKETS: &str = r#"name = "某ERP工单导出"
id = "acme.tickets"
record = "complaint"

[columns]
shop = "门店名称"
ticket_no = "工单编号"
kind = "工单类型"
created_at = "建单时间"

[values.kind]
"投诉" = "complaint"
"#;

/// Statements run under the store, as someone editing its file would: the foreign keys that
/// tie the kept bytes to their file do not stop them.
fn sql(dir: &Path, statements: &str) {
    rusqlite::Connection::open(dir.join("duizhang.db"))
        .unwrap()
        .execute_batch(&format!("PRAGMA foreign_keys = OFF; {statements}"))
        .unwrap();
}

fn count(dir: &Path, query: &str) -> i64 {
    rusqlite::Connection::open(dir.join("duizhang.db"))
        .unwrap()
        .query_row(query, [], |r| r.get(0))
        .unwrap()
}

/// What a stored run keeps: findings, summary, pending items and metrics; its voucher files.
type Stored = (Vec<Option<String>>, Vec<(String, Vec<u8>)>);

fn stored(dir: &Path, run: i64) -> Stored {
    let conn = rusqlite::Connection::open(dir.join("duizhang.db")).unwrap();
    let texts = conn
        .query_row(
            "SELECT findings, summary, pending, metrics FROM runs WHERE id = ?1",
            [run],
            |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .unwrap();
    let mut stmt = conn
        .prepare("SELECT name, bytes FROM voucher_batch_files WHERE run_id = ?1 ORDER BY name")
        .unwrap();
    let files = stmt
        .query_map([run], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (texts, files)
}

fn run(dir: &Path, profile: Option<&str>) -> Output {
    let mut args = vec![
        "run",
        "--company",
        COMPANY,
        "--period",
        "2026-10",
        "--config",
        "demo/duizhang.toml",
    ];
    if let Some(p) = profile {
        args.extend(["--profile", p]);
    }
    command_as(dir, Some("li"), &args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn import(dir: &Path, profile: Option<&str>) -> String {
    let mut args = vec![
        "import",
        "--company",
        COMPANY,
        "--period",
        "2026-10",
        "demo/files",
    ];
    if let Some(p) = profile {
        args.extend(["--profile", p]);
    }
    ok(as_user(dir, Some("li"), &args))
}

fn said(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stderr)
}

#[test]
fn a_month_run_from_the_records_its_import_kept_is_the_month_read_from_its_files() {
    let dir = scratch("parsed-same-month");
    let demo = as_user(
        &dir,
        None,
        &["demo", "--out", "demo", "--orders", "150", "--seed", "11"],
    );
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    std::fs::write(dir.join("tickets.toml"), TICKETS).unwrap();
    ok(first_user(&dir));
    ok(as_user(&dir, Some("admin"), &["companies", "add", COMPANY]));
    ok(add_user(&dir, "li", "李会计", "会计"));
    import(&dir, None);
    let files = count(&dir, "SELECT count(*) FROM files");
    assert!(files > 5, "{files} files");
    assert_eq!(
        count(&dir, "SELECT count(DISTINCT sha256) FROM parsed_chunks"),
        files,
        "every file's records are kept"
    );
    let all_read = format!("{files} 个文件取用导入时读出的记录");

    // From the kept records, the run needs no byte of the files: they are out of its reach.
    sql(&dir, "UPDATE file_chunks SET sha256 = 'away-' || sha256");
    let from_records = said(&run(&dir, None));
    assert!(from_records.contains(&all_read), "{from_records}");
    sql(&dir, "UPDATE file_chunks SET sha256 = substr(sha256, 6)");
    let first = stored(&dir, 1);
    assert!(first.0[0].as_deref().is_some_and(|f| f.len() > 100));
    assert!(!first.1.is_empty(), "the month makes vouchers");

    // With other mapping profiles the same bytes could read differently: the files are read.
    let profiled = said(&run(&dir, Some("tickets.toml")));
    assert!(
        profiled.contains("0 个文件取用导入时读出的记录"),
        "{profiled}"
    );
    assert_eq!(stored(&dir, 2), first);

    // Records another program version read are not used either.
    sql(
        &dir,
        "UPDATE parsed_chunks SET reader = replace(reader, 'duizhang ', 'duizhang 0.0.1-')",
    );
    let other_version = said(&run(&dir, None));
    assert!(
        other_version.contains("0 个文件取用导入时读出的记录"),
        "{other_version}"
    );
    assert_eq!(stored(&dir, 3), first);

    // Importing the files again (nothing is kept twice) keeps this version's records, here
    // read with the profile: runs with it take them.
    let again = import(&dir, Some("tickets.toml"));
    assert!(again.contains("此前已导入过"), "{again}");
    assert_eq!(count(&dir, "SELECT count(*) FROM files"), files);
    let profiled = said(&run(&dir, Some("tickets.toml")));
    assert!(profiled.contains(&all_read), "{profiled}");
    assert_eq!(stored(&dir, 4), first);

    // Records damaged in the store are not trusted: the file is read, with a warning.
    sql(
        &dir,
        "UPDATE parsed_chunks SET bytes = zeroblob(length(bytes)) \
         WHERE at_byte = 0 AND sha256 = (SELECT min(sha256) FROM parsed_chunks)",
    );
    let damaged = said(&run(&dir, Some("tickets.toml")));
    assert!(
        damaged.contains(&format!("{} 个文件取用导入时读出的记录", files - 1))
            && damaged.contains("kept records not used"),
        "{damaged}"
    );
    assert_eq!(stored(&dir, 5), first);

    // The damaged records were dropped, not left to warn at every run: importing the files
    // again keeps them anew, and runs take every file's records again.
    import(&dir, Some("tickets.toml"));
    let repaired = said(&run(&dir, Some("tickets.toml")));
    assert!(repaired.contains(&all_read), "{repaired}");
    assert_eq!(stored(&dir, 6), first);
}
