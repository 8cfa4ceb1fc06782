//! Reading a run's inputs: files and folders into one `Dataset`, with every problem kept.
//! Shared by the command line and the benchmark tools, so both read inputs the same way.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use duizhang_core::{
    AfterSale, Complaint, Dataset, ErpOrder, FundFlowRow, Order, PaymentRow, Record, ReturnReceipt,
    SettlementRow, Shipment, SourceFile, SourceRef,
};

use crate::container::{file_id, import_bytes_numbered, import_path_numbered};
use crate::{ImportedFile, Importer};

/// Extensions that are data files; anything else inside a folder (notes, outputs) is ignored.
const DATA_EXTENSIONS: &[&str] = &["csv", "txt", "xlsx", "xlsm", "xls", "zip", "json", "jsonl"];

/// Expands folders (recursively, in name order) into data files; files named explicitly are
/// always read.
pub fn expand_inputs(inputs: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    expand_inputs_skipping(inputs, &[])
}

/// [`expand_inputs`], leaving out the folders `skip` (a run's own output folder inside its
/// input folder: its findings and vouchers are not input).
///
/// Inside a folder only regular files are read (a named pipe or a device there is an error:
/// reading it would block or never end), a symbolic link is followed only to a place inside
/// the same input folder (a link out of it is an error naming both), and a folder reached
/// twice through links is read once (a link loop ends).
pub fn expand_inputs_skipping(
    inputs: &[PathBuf],
    skip: &[PathBuf],
) -> std::io::Result<Vec<PathBuf>> {
    let skip: Vec<PathBuf> = skip.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let root = input.canonicalize()?;
            let mut walk = Walk {
                root: &root,
                skip: &skip,
                seen: Vec::new(),
                out: &mut out,
            };
            walk.folder(input)?;
        } else if input.exists() {
            out.push(input.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("找不到文件或文件夹：{}", input.display()),
            ));
        }
    }
    Ok(out)
}

/// One input folder being expanded.
struct Walk<'w> {
    /// The input folder, resolved: links may not lead out of it.
    root: &'w Path,
    skip: &'w [PathBuf],
    /// Folders already read (resolved), so a link loop is read once.
    seen: Vec<PathBuf>,
    out: &'w mut Vec<PathBuf>,
}

impl Walk<'_> {
    fn folder(&mut self, dir: &Path) -> std::io::Result<()> {
        let resolved = dir.canonicalize()?;
        if self.skip.contains(&resolved) || self.seen.contains(&resolved) {
            return Ok(());
        }
        self.seen.push(resolved);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            self.entry(&path)?;
        }
        Ok(())
    }

    fn entry(&mut self, path: &Path) -> std::io::Result<()> {
        let own = std::fs::symlink_metadata(path)?;
        if own.file_type().is_symlink() {
            let Ok(target) = path.canonicalize() else {
                // A dangling link names nothing to read.
                return Ok(());
            };
            // A link to a file that is not data is not read anyway, wherever it points.
            let to_folder = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
            if !to_folder && !is_data_file(path) {
                return Ok(());
            }
            if !target.starts_with(self.root) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!(
                        "{} 是指向输入文件夹以外（{}）的符号链接，不会跟随：请直接在命令行写出该文件",
                        path.display(),
                        target.display()
                    ),
                ));
            }
        }
        let meta = std::fs::metadata(path)?;
        if meta.is_dir() {
            return self.folder(path);
        }
        if !is_data_file(path) {
            return Ok(());
        }
        if !meta.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "{} 不是普通文件（命名管道或设备），不能作为输入读取",
                    path.display()
                ),
            ));
        }
        self.out.push(path.to_path_buf());
        Ok(())
    }
}

fn is_data_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".GZ"))
        .unwrap_or(name);
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DATA_EXTENSIONS.iter().any(|d| d.eq_ignore_ascii_case(e)))
}

/// What [`load`] tells of each file, for a progress display. Two files may be read at once,
/// so a file's start is not the end of the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileStep {
    Started,
    Finished,
}

/// Threads that read files by default: the machines this runs on have two cores, and a third
/// reader would only add the memory of a file in flight.
const MAX_WORKERS: usize = 2;

/// The readers [`load`] uses: two, or one on a machine of one core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(MAX_WORKERS)
}

/// One input of a run: a file on disk, or a file's bytes under the name it was given (an
/// upload, a file kept in a store), or what reading those bytes gave ([`read_one`] of them,
/// kept by a store): its reports and records, numbered from file id 0. Its records name it by
/// this name (a path as displayed).
#[derive(Clone, Debug)]
// One per input file: its size does not matter, and a boxed dataset would be one more step.
#[allow(clippy::large_enum_variant)]
pub enum Source {
    Path(PathBuf),
    Bytes {
        name: String,
        bytes: Vec<u8>,
    },
    Read {
        name: String,
        /// The size of the file that was read, for the order files are taken in and progress.
        size: u64,
        files: Vec<ImportedFile>,
        data: Dataset,
    },
}

impl Source {
    /// The name its records and problems carry.
    pub fn name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Bytes { name, .. } | Source::Read { name, .. } => name.clone(),
        }
    }

    /// Its size in bytes (0 when a path cannot be read: the import says why).
    pub fn size(&self) -> u64 {
        match self {
            Source::Path(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            Source::Bytes { bytes, .. } => u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            Source::Read { size, .. } => *size,
        }
    }
}

/// Reads one input alone, as a run reads it (its tables numbered from file id 0, its orders
/// merged), telling `observe` of each record as it is read: what a store keeps of a file so a
/// run can take it as [`Source::Read`]. `observe` sees the records before their orders are
/// merged, one per row.
pub fn read_one(
    source: Source,
    importers: &[Box<dyn Importer>],
    observe: impl FnMut(&Record),
) -> (Vec<ImportedFile>, Dataset) {
    let part = Part::read(source, importers, 0, observe);
    (part.files, part.data)
}

/// Imports every file into one dataset. The dataset's file table has one entry per imported
/// table (a ZIP member or a sheet is its own entry), in the same order as the returned reports.
///
/// Files are read on up to two threads, largest first so that one large file does not finish
/// alone; the result is the same as reading them one after another in the order given: ids,
/// reports, and records of each kind in file order.
pub fn load(
    paths: &[PathBuf],
    importers: &[Box<dyn Importer>],
    on_file: impl Fn(&Path, FileStep) + Sync,
) -> (Dataset, Vec<ImportedFile>) {
    let sources = paths.iter().cloned().map(Source::Path).collect();
    load_sources(sources, importers, default_workers(), |i, step| {
        if let Some(p) = paths.get(i) {
            on_file(p, step);
        }
    })
}

/// [`load`] of paths and in-memory files alike, on `workers` threads (at least one); `on_file`
/// is told each source's index. Any number of workers gives the same result.
pub fn load_sources(
    sources: Vec<Source>,
    importers: &[Box<dyn Importer>],
    workers: usize,
    on_file: impl Fn(usize, FileStep) + Sync,
) -> (Dataset, Vec<ImportedFile>) {
    let sizes: Vec<u64> = sources.iter().map(Source::size).collect();
    let count = sources.len();
    // Each source is taken by the worker that reads it, so an upload's bytes are not copied.
    let slots: Vec<std::sync::Mutex<Option<Source>>> = sources
        .into_iter()
        .map(|s| std::sync::Mutex::new(Some(s)))
        .collect();
    let mut queue: Vec<usize> = (0..count).collect();
    queue.sort_by_key(|&i| std::cmp::Reverse(sizes.get(i).copied().unwrap_or(0)));
    let workers = workers.max(1).min(count);
    let next = AtomicUsize::new(0);
    let (done, parts) = mpsc::channel::<(usize, Part)>();
    let work = |done: mpsc::Sender<(usize, Part)>| {
        while let Some(&i) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
            let source = slots.get(i).and_then(|slot| {
                slot.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take()
            });
            let Some(source) = source else { break };
            on_file(i, FileStep::Started);
            // Numbered as if every file before it held one table, which is true of all but
            // archives and workbooks of several; `merge` renumbers the rare other case.
            let part = Part::read(source, importers, i, |_| {});
            on_file(i, FileStep::Finished);
            if done.send((i, part)).is_err() {
                break;
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..workers {
            let done = done.clone();
            s.spawn(|| work(done));
        }
        work(done);
    });
    let mut slots: Vec<Option<Part>> = (0..count).map(|_| None).collect();
    for (i, part) in parts {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(part);
        }
    }
    let (mut data, mut files) = merge(slots.into_iter().flatten());
    let repeats = data.drop_repeated_across_files();
    note_repeats(&mut files, &repeats);
    data.files = files
        .iter()
        .map(|f| SourceFile {
            id: f.id,
            name: f.name.clone(),
            format: f.format.clone().unwrap_or_default(),
        })
        .collect();
    // Once here, so every consumer borrows the one merged copy (`Dataset::merged_orders`).
    data.merge_orders();
    (data, files)
}

/// One warning on each file that repeated records of a file read before it (an overlapping
/// download): how many, which file has them, the first line dropped.
fn note_repeats(files: &mut [ImportedFile], repeats: &[duizhang_core::Repeat]) {
    let mut per_file: std::collections::BTreeMap<u32, (usize, &duizhang_core::Repeat)> =
        std::collections::BTreeMap::new();
    for r in repeats {
        per_file.entry(r.source.file.0).or_insert((0, r)).0 += 1;
    }
    for (file, (count, first)) in per_file {
        let earlier = files
            .get(usize::try_from(first.first.file.0).unwrap_or(usize::MAX))
            .map_or_else(|| "?".to_string(), |f| f.name.clone());
        let Some(f) = files.get_mut(usize::try_from(file).unwrap_or(usize::MAX)) else {
            continue;
        };
        let problem = crate::Problem::new(
            crate::ProblemCode::Duplicate,
            &f.name,
            format!(
                "本文件有 {count} 条记录与先读入的 {earlier} 中的完全相同（如时间范围重叠的重复下载），已按一条计；第一条在第 {} 行，与 {earlier} 第 {} 行相同",
                first.source.line, first.first.line
            ),
            format!(
                "{count} records repeat {earlier} (first at line {}, same as line {}); counted once",
                first.source.line, first.first.line
            ),
        )
        .at_line(first.source.line)
        .warning();
        f.problems.push(problem);
    }
}

/// What one input file gave: its tables' reports and records, numbered from `first_id`.
struct Part {
    first_id: usize,
    files: Vec<ImportedFile>,
    data: Dataset,
}

impl Part {
    fn read(
        source: Source,
        importers: &[Box<dyn Importer>],
        first_id: usize,
        mut observe: impl FnMut(&Record),
    ) -> Part {
        let mut files = Vec::new();
        let mut data = Dataset::default();
        // The labels of one file (shops, statuses, SKUs, titles) share their text: the records
        // are kept. (A caller that only counts them, as `inspect` does, needs no sharing.)
        duizhang_core::Label::interning(|| {
            let sink = &mut |r: Record| {
                observe(&r);
                data.push(r);
            };
            match source {
                Source::Path(path) => {
                    import_path_numbered(&path, importers, first_id, &mut files, sink);
                }
                Source::Bytes { name, bytes } => {
                    import_bytes_numbered(&name, bytes, importers, first_id, &mut files, sink);
                }
                // Read before (numbered from 0, orders merged): taken as it is; `merge` gives
                // it its ids.
                Source::Read { files, data, .. } => {
                    return Some(Part {
                        first_id: 0,
                        files,
                        data,
                    });
                }
            }
            None
        })
        .unwrap_or_else(|| Part::merged(first_id, files, data))
    }

    fn merged(first_id: usize, files: Vec<ImportedFile>, mut data: Dataset) -> Part {
        // Merged here, on the worker, the file's orders leave one sorted run each for the
        // merge of all files, which is then cheap. The result is the same: the records of one
        // order are combined in source order, files in order, and combining is associative
        // (the first value set wins, lines are concatenated).
        data.merge_orders();
        Part {
            first_id,
            files,
            data,
        }
    }
}

/// Joins the parts, in file order, into one dataset and its reports, numbering the tables in
/// that order.
fn merge(parts: impl Iterator<Item = Part>) -> (Dataset, Vec<ImportedFile>) {
    let mut files: Vec<ImportedFile> = Vec::new();
    let mut kinds = Kinds::default();
    for mut part in parts {
        let first_id = files.len();
        if part.first_id != first_id {
            renumber(&mut part.data, part.first_id, first_id);
            for (k, f) in part.files.iter_mut().enumerate() {
                f.id = file_id(first_id.saturating_add(k));
            }
        }
        files.append(&mut part.files);
        kinds.add(part.data);
    }
    (kinds.join(), files)
}

/// Each kind's records, one vector per file, until they are joined.
#[derive(Default)]
struct Kinds {
    orders: Vec<Vec<Order>>,
    after_sales: Vec<Vec<AfterSale>>,
    fund_flows: Vec<Vec<FundFlowRow>>,
    payments: Vec<Vec<PaymentRow>>,
    settlements: Vec<Vec<SettlementRow>>,
    erp_orders: Vec<Vec<ErpOrder>>,
    shipments: Vec<Vec<Shipment>>,
    return_receipts: Vec<Vec<ReturnReceipt>>,
    complaints: Vec<Vec<Complaint>>,
}

impl Kinds {
    fn add(&mut self, data: Dataset) {
        // Spelled out in full so that a new kind of record cannot be forgotten here.
        let Dataset {
            files: _,
            orders,
            after_sales,
            fund_flows,
            payments,
            settlements,
            erp_orders,
            shipments,
            return_receipts,
            complaints,
        } = data;
        self.orders.push(orders);
        self.after_sales.push(after_sales);
        self.fund_flows.push(fund_flows);
        self.payments.push(payments);
        self.settlements.push(settlements);
        self.erp_orders.push(erp_orders);
        self.shipments.push(shipments);
        self.return_receipts.push(return_receipts);
        self.complaints.push(complaints);
    }

    fn join(self) -> Dataset {
        Dataset {
            files: Vec::new(),
            orders: concat(self.orders),
            after_sales: concat(self.after_sales),
            fund_flows: concat(self.fund_flows),
            payments: concat(self.payments),
            settlements: concat(self.settlements),
            erp_orders: concat(self.erp_orders),
            shipments: concat(self.shipments),
            return_receipts: concat(self.return_receipts),
            complaints: concat(self.complaints),
        }
    }
}

/// Joins vectors in order without a second copy of the largest: it is grown in place (a large
/// allocation is remapped, not copied) and the others are moved in around it, each freed once
/// moved. The result has no spare capacity.
fn concat<T>(mut parts: Vec<Vec<T>>) -> Vec<T> {
    let total: usize = parts.iter().map(Vec::len).sum();
    let largest = parts
        .iter()
        .enumerate()
        .max_by_key(|(i, v)| (v.len(), std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    let after = parts.split_off(largest.saturating_add(1).min(parts.len()));
    let mut out = parts.pop().unwrap_or_default();
    out.reserve_exact(total - out.len());
    for before in parts.into_iter().rev().filter(|v| !v.is_empty()) {
        out.splice(0..0, before);
    }
    for mut v in after {
        out.append(&mut v);
    }
    out.shrink_to_fit();
    out
}

/// Moves a part's records from the ids it was read with (`from` on) to those it ends up with.
fn renumber(data: &mut Dataset, from: usize, to: usize) {
    let shift = |s: &mut SourceRef| {
        let index = usize::try_from(s.file.0).unwrap_or(usize::MAX);
        s.file = file_id(index.saturating_sub(from).saturating_add(to));
    };
    let Dataset {
        files: _,
        orders,
        after_sales,
        fund_flows,
        payments,
        settlements,
        erp_orders,
        shipments,
        return_receipts,
        complaints,
    } = data;
    for r in orders {
        shift(&mut r.source);
        r.lines.iter_mut().for_each(|l| shift(&mut l.source));
    }
    for r in after_sales {
        shift(&mut r.source);
        r.lines.iter_mut().for_each(|l| shift(&mut l.source));
    }
    fund_flows.iter_mut().for_each(|r| shift(&mut r.source));
    payments.iter_mut().for_each(|r| shift(&mut r.source));
    settlements.iter_mut().for_each(|r| shift(&mut r.source));
    erp_orders.iter_mut().for_each(|r| shift(&mut r.source));
    shipments.iter_mut().for_each(|r| shift(&mut r.source));
    return_receipts
        .iter_mut()
        .for_each(|r| shift(&mut r.source));
    complaints.iter_mut().for_each(|r| shift(&mut r.source));
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::{builtin_importers, import_path};

    const SHIPMENTS: &str =
        "店铺,订单号,子订单号,商家编码,数量,发货时间,物流公司,运单号,发货类型,售后单号\n";
    const ORDERS: &str = "店铺,平台,订单号,ERP单号,订单状态,更新时间,付款时间,商品金额,运费,优惠金额,实付金额,支付方式,支付单号\n";

    fn shipments(rows: usize, tag: &str) -> String {
        let mut text = SHIPMENTS.to_string();
        for i in 0..rows {
            text.push_str(&format!(
                "店{tag},O{tag}{i},,SKU{i},1,2026-10-01 08:00:00,中通快递,W{tag}{i},正常,\n"
            ));
        }
        text
    }

    fn erp_orders(rows: usize, tag: &str) -> String {
        let mut text = ORDERS.to_string();
        for i in 0..rows {
            text.push_str(&format!(
                "店{tag},微信,O{tag}{i},X{i},已完成,2026-10-10 08:00:00,2026-10-01 00:00:00,10.00,0.00,0.00,10.00,微信支付,P{i}\n"
            ));
        }
        text
    }

    /// 淘宝宝贝报表 rows: one order per row, merged with the other rows of its number.
    fn items(rows: &[(&str, &str, &str)]) -> String {
        let mut text = "订单编号,标题,价格,购买数量,订单状态,商家编码\n".to_string();
        for (order, status, sku) in rows {
            text.push_str(&format!("{order},宝贝{sku},1.50,2,{status},{sku}\n"));
        }
        text
    }

    fn zip_of(members: &[(&str, String)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in members {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            writer.start_file(*name, options).expect("zip member");
            writer.write_all(text.as_bytes()).expect("zip write");
        }
        writer.finish().expect("zip").into_inner()
    }

    /// Reads the files one after another with the public single-file import: what `load`
    /// must give, whatever the threads do.
    fn one_by_one(paths: &[PathBuf]) -> (Dataset, Vec<ImportedFile>) {
        let importers = builtin_importers();
        let mut data = Dataset::default();
        let mut files = Vec::new();
        for path in paths {
            import_path(path, &importers, &mut files, &mut |r| data.push(r));
        }
        data.files = files
            .iter()
            .map(|f| SourceFile {
                id: f.id,
                name: f.name.clone(),
                format: f.format.clone().unwrap_or_default(),
            })
            .collect();
        data.merge_orders();
        (data, files)
    }

    #[test]
    fn loads_like_one_file_after_another_with_archives_of_several_tables() {
        let dir = std::env::temp_dir().join(format!("duizhang-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).expect("write");
            path
        };
        // Small files first and a large one last, so the largest is read first; an archive of
        // three tables and an empty one move the ids of every file after them.
        let paths = vec![
            write("a.csv", shipments(3, "a").as_bytes()),
            write(
                "b.zip",
                &zip_of(&[
                    ("1.csv", erp_orders(5, "b")),
                    ("2.csv", shipments(4, "b")),
                    ("3.txt", "不是账单\n".to_string()),
                ]),
            ),
            write("c.zip", &zip_of(&[])),
            write("d.csv", erp_orders(2, "d").as_bytes()),
            write("e.csv", b""),
            write("f.csv", shipments(2000, "f").as_bytes()),
            dir.join("missing.csv"),
            // One order's rows in several files and apart within one; closed rows leave the
            // status open for a later row to decide.
            write(
                "g.csv",
                items(&[
                    ("1001", "交易关闭", "A"),
                    ("1002", "交易成功", "B"),
                    ("1001", "", "C"),
                    ("1003", "交易关闭", "D"),
                ])
                .as_bytes(),
            ),
            write(
                "h.csv",
                items(&[
                    ("1003", "交易关闭", "E"),
                    ("1001", "交易成功", "F"),
                    ("1003", "交易成功", "G"),
                ])
                .as_bytes(),
            ),
        ];
        let importers = builtin_importers();
        let steps = std::sync::Mutex::new(Vec::new());
        let (data, files) = load(&paths, &importers, |p, step| {
            steps.lock().expect("steps").push((p.to_path_buf(), step));
        });
        let (want_data, want_files) = one_by_one(&paths);
        std::fs::remove_dir_all(&dir).ok();

        assert_eq!(data, want_data);
        assert_eq!(format!("{files:?}"), format!("{want_files:?}"));
        let ids: Vec<u32> = files.iter().map(|f| f.id.0).collect();
        assert_eq!(ids, (0..11).collect::<Vec<u32>>());
        assert_eq!(data.orders.len(), 3);
        let skus: Vec<&str> = data
            .orders
            .iter()
            .flat_map(|o| o.lines.iter())
            .filter_map(|l| l.sku.as_deref())
            .collect();
        assert_eq!(skus, ["A", "C", "F", "B", "D", "E", "G"]);
        // Every record names the table it came from.
        assert!(data.shipments.iter().all(|s| {
            let name = data.file_name(s.source.file);
            match s.shop.as_str() {
                "店b" => name.ends_with("b.zip!2.csv"),
                shop => name.ends_with(&format!("{}.csv", shop.trim_start_matches('店'))),
            }
        }));
        assert!(
            data.erp_orders
                .iter()
                .all(|o| data
                    .file_name(o.source.file)
                    .ends_with(match o.shop.as_str() {
                        "店b" => "b.zip!1.csv",
                        _ => "d.csv",
                    }))
        );
        assert_eq!(data.shipments.len(), 3 + 4 + 2000);
        assert_eq!(data.shipments.first().map(|s| s.shop.as_str()), Some("店a"));
        assert_eq!(data.shipments.last().map(|s| s.shop.as_str()), Some("店f"));
        // Each file is started once and finished once.
        let steps = steps.into_inner().expect("steps");
        for path in &paths {
            let mine: Vec<FileStep> = steps
                .iter()
                .filter(|(p, _)| p == path)
                .map(|(_, s)| *s)
                .collect();
            assert_eq!(mine, vec![FileStep::Started, FileStep::Finished]);
        }
    }

    #[test]
    fn joins_vectors_in_order_around_the_largest() {
        let parts = vec![
            vec![1],
            vec![],
            vec![2, 3],
            vec![4, 5, 6, 7],
            vec![8],
            vec![],
        ];
        let joined = concat(parts);
        assert_eq!(joined, vec![1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(joined.capacity(), joined.len());
        assert_eq!(concat::<u8>(Vec::new()), Vec::<u8>::new());
        assert_eq!(concat(vec![Vec::<u8>::new(), Vec::new()]), Vec::<u8>::new());
    }
}
