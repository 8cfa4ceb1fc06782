//! `duizhang import`: files into the workspace, kept by content. A batch is refused whole when
//! any file in it cannot be read cleanly (nothing is stored), so what is kept always runs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use duizhang_import::inputs::Source;
use duizhang_import::{Importer, parsed};
use duizhang_store::{NewFile, Parsed, PreparedFile};
use sha2::Digest;

use super::order_index::{Seen, refs_of};
use super::{Who, print_json, refused, signed_in};

pub fn import(
    company: &str,
    period: &str,
    inputs: &[PathBuf],
    profiles: &[PathBuf],
    threads: usize,
    who: &Who,
) -> anyhow::Result<ExitCode> {
    let period_checked = crate::period::month(period, "导入")?;
    let (mut ws, by) = signed_in(who)?;
    let paths = duizhang_import::inputs::expand_inputs(inputs)?;
    if paths.is_empty() {
        anyhow::bail!("没有找到可导入的文件（支持 .csv .txt .xlsx .xls .zip .json .jsonl .gz）");
    }
    let importers = crate::importers(profiles)?;
    let reader = reader_key(profiles)?;
    // The batch is written while the next files are still being read: a file goes into the
    // open transaction as soon as it is read cleanly. A file with errors stops the writing; the
    // rest are still read so that every error is reported, and the transaction is dropped.
    let mut batch = ws
        .begin_import(company, &period_checked.to_string(), &by)
        .map_err(refused)?;
    let mut problems: Vec<(usize, String)> = Vec::new();
    let mut failure = None;
    read_each(&paths, &importers, &reader, threads, |i, read| match read {
        Ok((Some(file), errors)) if errors.is_empty() => {
            if problems.is_empty()
                && failure.is_none()
                && let Err(e) = batch.add_prepared(file)
            {
                failure = Some(refused(e));
            }
        }
        Ok((_, errors)) => problems.extend(errors.into_iter().map(|e| (i, e))),
        Err(e) => {
            failure.get_or_insert(e);
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    if !problems.is_empty() {
        drop(batch);
        problems.sort_by_key(|(i, _)| *i);
        eprintln!(
            "有 {} 个错误，本批文件一个也没有导入。请修正后重试：",
            problems.len()
        );
        for (_, p) in problems.iter().take(30) {
            eprintln!("  {p}");
        }
        return Ok(ExitCode::from(2));
    }
    let outcome = batch.commit().map_err(refused)?;
    if who.json {
        print_json(&outcome)?;
    } else {
        for f in &outcome.added {
            println!("已导入 {}（{}…）", f.name, &f.sha256[..12]);
        }
        if !outcome.known.is_empty() {
            println!("{} 个文件此前已导入过，未重复保存", outcome.known.len());
        }
        println!(
            "账套“{company}”{period_checked} 期间的导入批次 {}",
            outcome.batch
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// How many threads read files by default: as many as a run reads with. The writer's share is
/// small since the order index is kept in buckets (a 2M-order month took 46 s with two readers
/// on 2 cores against 73 s with one: docs/benchmarks.md).
pub fn default_readers() -> usize {
    duizhang_import::inputs::default_workers()
}

/// A file read and made ready for the store (none when it has errors), with the errors that
/// keep the batch out.
type Read = anyhow::Result<(Option<PreparedFile>, Vec<String>)>;

/// Reads every file on `threads` worker threads (largest first, so one large file does not
/// finish alone) and hands each to `each` on this thread as soon as it is read, with its index
/// in `paths`.
fn read_each(
    paths: &[PathBuf],
    importers: &[Box<dyn Importer>],
    reader: &str,
    threads: usize,
    mut each: impl FnMut(usize, Read),
) {
    let mut queue: Vec<usize> = (0..paths.len()).collect();
    queue.sort_by_key(|&i| std::cmp::Reverse(std::fs::metadata(&paths[i]).map_or(0, |m| m.len())));
    let next = AtomicUsize::new(0);
    let (done, reads) = mpsc::channel::<(usize, Read)>();
    let work = |done: mpsc::Sender<(usize, Read)>| {
        while let Some(&i) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
            if done
                .send((i, read_one(&paths[i], importers, reader)))
                .is_err()
            {
                break;
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, paths.len().max(1)) {
            let done = done.clone();
            s.spawn(|| work(done));
        }
        drop(done);
        for (i, read) in reads {
            each(i, read);
        }
    });
}

/// The key what an import reads of a file is kept under, and what a run looks for: whatever
/// could read the same bytes differently — this program's version, the encoding of what is
/// kept ([`parsed::PARSED_FORMAT`]) and the mapping profiles given (their text, in order).
pub fn reader_key(profiles: &[PathBuf]) -> anyhow::Result<String> {
    let mut hash = sha2::Sha256::new();
    for path in profiles {
        let text = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("无法读取映射配置 {}：{e}", path.display()))?;
        hash.update(u64::try_from(text.len()).unwrap_or(u64::MAX).to_le_bytes());
        hash.update(&text);
    }
    let profiles: String = hash
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!(
        "duizhang {}; records {}; profiles {}",
        env!("CARGO_PKG_VERSION"),
        parsed::PARSED_FORMAT,
        profiles
    ))
}

/// One file made ready for the store: its bytes, what `inspect` says of it, its order index
/// and what reading it gave (kept under `reader` for runs), hashed, compressed and grouped
/// here on the reading thread so the batch's one writer only writes; with the errors (in
/// Chinese) that keep the batch out.
///
/// The file is read from the bytes that are kept, under the name it is kept by, exactly as a
/// run reads it: what is kept of the reading (problems, part names `name!member`) is then what
/// the run would have read.
fn read_one(path: &Path, importers: &[Box<dyn Importer>], reader: &str) -> Read {
    let bytes =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut seen = Vec::new();
    let source = Source::Bytes {
        name: name.clone(),
        bytes: bytes.clone(),
    };
    let (inspected, data) = duizhang_import::inputs::read_one(source, importers, |record| {
        seen.extend(Seen::of(record));
    });
    let errors: Vec<String> = inspected
        .iter()
        .flat_map(|f| f.problems.iter().filter(|p| p.is_error()).map(|p| p.zh()))
        .collect();
    // A batch with errors is not kept: nothing of the file need be made ready.
    if !errors.is_empty() {
        return Ok((None, errors));
    }
    let started = std::time::Instant::now();
    let parsed = match parsed::encode(&inspected, &data) {
        Ok(bytes) => Some(Parsed {
            reader: reader.to_string(),
            bytes,
        }),
        Err(e) => {
            tracing::warn!("{name}: records not kept, runs will read the file: {e}");
            None
        }
    };
    tracing::info!("{name}: records encoded in {:?}", started.elapsed());
    drop(data);
    let orders = refs_of(&name, &bytes, &inspected, seen);
    let file = NewFile {
        inspect: serde_json::to_string(&inspected)?,
        bytes,
        orders,
        name,
        parsed,
    }
    .prepare()
    .map_err(refused)?;
    Ok((Some(file), errors))
}
