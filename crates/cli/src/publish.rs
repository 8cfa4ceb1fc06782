//! Putting a run's results into `--out` so that they are never half-written.
//!
//! A run locks `--out` (`.duizhang.lock`, held until the process ends, even by `kill -9`),
//! writes every result into a staging folder inside it (`.tmp-<pid>`), and when all are
//! written adds `manifest.json` (each file's size and SHA-256, the program version and the
//! period) and renames the staging folder to `.ready`: from that moment the new result is
//! complete and will be installed. Installing takes the old manifest away first, renames the
//! new files into place, removes what the old result had and the new one has not, and puts the
//! new manifest in last. A folder therefore holds a complete result exactly when its
//! `manifest.json` is present; a kill during the (short) install leaves `.ready`, which the
//! next run into the folder finishes before anything else. Readers of results (`--carry-in`,
//! `--journal`) check a file against the manifest of its folder.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::term::note;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MANIFEST: &str = "manifest.json";
const LOCK: &str = ".duizhang.lock";
const READY: &str = ".ready";
const STAGING_PREFIX: &str = ".tmp-";
/// The old manifest, kept inside `.ready` while an install runs (its files are removed at the
/// end unless the new result has them).
const REPLACED: &str = "replaced-manifest.json";
/// What the manifest says it is.
const FORMAT: &str = "duizhang-result";

/// Results written before manifests existed: removed when a new result replaces them.
const KNOWN_OUTPUTS: &[&str] = &[
    "findings.jsonl",
    "findings.xlsx",
    "summary.json",
    "carry.json",
    "vouchers.xlsx",
    "vouchers-sources.csv",
    "vouchers-issues.txt",
    "vouchers.beancount",
    "vouchers-u8.txt",
    "vouchers-chanjet.xlsx",
    "vouchers-kis.xlsx",
    "vouchers-kingdee-cloud.xlsx",
];

/// `manifest.json`: the list of a complete result's files.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: String,
    /// `reconcile` or `vouchers`.
    pub command: String,
    pub period: String,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// `--out`, locked for this run.
pub struct OutDir {
    root: PathBuf,
    /// Held open: the lock lasts as long as the file is open.
    _lock: File,
}

impl OutDir {
    /// Creates and locks `root`, then clears what a killed run left: staging folders are
    /// removed, a complete result whose install was cut short is installed.
    pub fn lock(root: &Path) -> anyhow::Result<OutDir> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("无法创建输出目录 {}", root.display()))?;
        let lock_path = root.join(LOCK);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("无法创建锁文件 {}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "输出目录 {} 正被另一个 duizhang 运行使用，本次未运行。请等它结束后再试，或换一个 --out 目录。",
                root.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("无法锁定输出目录 {}", root.display()));
            }
        }
        let out = OutDir {
            root: root.to_path_buf(),
            _lock: lock,
        };
        out.clear_leftovers()?;
        Ok(out)
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    fn clear_leftovers(&self) -> anyhow::Result<()> {
        let entries = std::fs::read_dir(&self.root)
            .with_context(|| format!("无法读取输出目录 {}", self.root.display()))?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && name.to_string_lossy().starts_with(STAGING_PREFIX) {
                let path = entry.path();
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("无法删除上次中断留下的 {}", path.display()))?;
            }
        }
        if self.root.join(READY).is_dir() {
            note!(
                "注意：{} 中上次的结果写到一半被中断，现已补完。",
                self.root.display()
            );
            install(&self.root)?;
        }
        Ok(())
    }

    /// A fresh staging folder for this run's results.
    pub fn stage(&self) -> anyhow::Result<Staging> {
        let dir = self
            .root
            .join(format!("{STAGING_PREFIX}{}", std::process::id()));
        std::fs::create_dir(&dir).with_context(|| format!("无法创建 {}", dir.display()))?;
        Ok(Staging {
            dir,
            root: self.root.clone(),
            done: false,
        })
    }
}

/// Where a run writes its results before they are complete. Dropped without
/// [`Staging::commit`] (an error on the way), it removes itself and what it holds.
pub struct Staging {
    dir: PathBuf,
    root: PathBuf,
    done: bool,
}

impl Staging {
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Seals the result with its manifest and puts it in place of the earlier one.
    pub fn commit(mut self, command: &str, period: &str) -> anyhow::Result<()> {
        let mut files = Vec::new();
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .with_context(|| format!("无法读取 {}", self.dir.display()))?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let path = self.dir.join(&name);
            // On the disk before the manifest says it is there.
            File::open(&path)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("无法写入 {}", self.root.join(&name).display()))?;
            let (size, sha256) = digest(&path)?;
            files.push(ManifestFile { name, size, sha256 });
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: command.into(),
            period: period.into(),
            files,
        };
        let path = self.dir.join(MANIFEST);
        let mut bytes = serde_json::to_vec_pretty(&manifest)?;
        bytes.push(b'\n');
        write_synced(&path, &bytes)?;
        sync_dir(&self.dir);
        let ready = self.root.join(READY);
        std::fs::rename(&self.dir, &ready)
            .with_context(|| format!("无法写入 {}", ready.display()))?;
        self.done = true;
        sync_dir(&self.root);
        install(&self.root)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Moves the complete result in `.ready` into `root`. Safe to repeat after a kill at any step.
fn install(root: &Path) -> anyhow::Result<()> {
    let ready = root.join(READY);
    let new_manifest = ready.join(MANIFEST);
    if !new_manifest.is_file() {
        // The new manifest is already in place: only the empty folder was left.
        return std::fs::remove_dir_all(&ready)
            .with_context(|| format!("无法删除 {}", ready.display()));
    }
    let new = read_manifest(&new_manifest)?;
    let old_manifest = root.join(MANIFEST);
    let replaced = ready.join(REPLACED);
    if old_manifest.is_file() {
        // From here the folder does not claim to hold a complete result.
        std::fs::rename(&old_manifest, &replaced)
            .with_context(|| format!("无法替换 {}", old_manifest.display()))?;
        sync_dir(root);
    }
    for f in &new.files {
        let from = ready.join(&f.name);
        if from.is_file() {
            let to = root.join(&f.name);
            std::fs::rename(&from, &to).with_context(|| {
                format!(
                    "无法把新结果换入 {}（若它正在 Excel 等程序中打开，请关闭后再运行一次：完整的新结果在 {}，下次运行会先把它换入）",
                    to.display(),
                    ready.display()
                )
            })?;
        }
    }
    let old_files: Vec<String> = match read_manifest(&replaced) {
        Ok(old) => old.files.into_iter().map(|f| f.name).collect(),
        Err(_) => KNOWN_OUTPUTS.iter().map(|s| (*s).to_string()).collect(),
    };
    for name in old_files {
        if name != MANIFEST && !new.files.iter().any(|f| f.name == name) {
            let stale = root.join(&name);
            if stale.is_file() {
                std::fs::remove_file(&stale)
                    .with_context(|| format!("无法删除上次的 {}", stale.display()))?;
            }
        }
    }
    sync_dir(root);
    std::fs::rename(&new_manifest, &old_manifest)
        .with_context(|| format!("无法写入 {}", old_manifest.display()))?;
    sync_dir(root);
    std::fs::remove_dir_all(&ready).with_context(|| format!("无法删除 {}", ready.display()))
}

fn read_manifest(path: &Path) -> anyhow::Result<Manifest> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let manifest: Manifest = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .with_context(|| format!("{} 不是 duizhang 的结果清单", path.display()))?;
    anyhow::ensure!(
        manifest.format == FORMAT,
        "{} 不是 duizhang 的结果清单",
        path.display()
    );
    Ok(manifest)
}

/// How a reader treats a result file whose bytes differ from its manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edited {
    /// Refused (a carry file is the program's own state).
    Refuse,
    /// Read, with a notice (a journal a person may have edited on purpose).
    Accept,
}

/// Checks that `file`, a result of an earlier run, is whole: its folder's manifest lists it
/// with its size and SHA-256. `Ok(None)` when the folder holds no result of ours at all (a
/// file from elsewhere); the manifest's period otherwise.
pub fn verify(file: &Path, what: &str, edited: Edited) -> anyhow::Result<Option<String>> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let manifest_path = dir.join(MANIFEST);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !manifest_path.is_file() {
        if dir.join(READY).is_dir() || dir.join(LOCK).is_file() {
            anyhow::bail!(
                "{what} {} 所在的结果目录不完整（没有 {MANIFEST}：上次写出被中断或仍在进行）。请重新运行该期，或等它结束。",
                file.display()
            );
        }
        return Ok(None);
    }
    let manifest = read_manifest(&manifest_path)?;
    let listed = manifest
        .files
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{what} {} 不在该目录的结果清单 {MANIFEST} 中（不是该次运行写出的结果）",
                file.display()
            )
        })?;
    let (size, sha256) = digest(file)?;
    if size != listed.size || sha256 != listed.sha256 {
        let why = format!(
            "{what} {} 与结果清单 {MANIFEST} 不符（写出后被改动或损坏）",
            file.display()
        );
        match edited {
            Edited::Refuse => anyhow::bail!(why),
            Edited::Accept => note!("注意：{why}，按现在的内容读取。"),
        }
    }
    Ok(Some(manifest.period))
}

/// The size and SHA-256 (hex) of a file.
fn digest(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = File::open(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("无法读取 {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += u64::try_from(n).unwrap_or(u64::MAX);
    }
    let hex = hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02x}");
            s
        });
    Ok((size, hex))
}

fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = File::create(path).with_context(|| format!("无法写入 {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("无法写入 {}", path.display()))
}

/// Makes renames inside `dir` durable where the system allows opening a folder (Unix).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A run's outputs written into a folder (a staging folder) as they are rendered, each under
/// its name: the large ones stream to disk instead of being held whole in memory.
pub struct Folder<'a>(pub &'a Path);

impl duizhang_pipeline::Sink for Folder<'_> {
    fn put(
        &self,
        name: &str,
        body: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let file = File::create(self.0.join(name))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        body(&mut out)?;
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("duizhang-publish-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn result(out: &OutDir, files: &[(&str, &str)]) {
        let staging = out.stage().unwrap();
        for (name, text) in files {
            std::fs::write(staging.path().join(name), text).unwrap();
        }
        staging.commit("reconcile", "2026-10").unwrap();
    }

    #[test]
    fn a_second_run_into_a_locked_folder_is_refused() {
        let dir = scratch("lock");
        let first = OutDir::lock(&dir).unwrap();
        let second = OutDir::lock(&dir).err().unwrap().to_string();
        assert!(second.contains("正被另一个 duizhang 运行使用"), "{second}");
        drop(first);
        assert!(OutDir::lock(&dir).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_new_result_replaces_the_old_one_whole_and_its_files_verify() {
        let dir = scratch("replace");
        let out = OutDir::lock(&dir).unwrap();
        result(
            &out,
            &[("findings.jsonl", "old\n"), ("vouchers.xlsx", "old")],
        );
        result(&out, &[("findings.jsonl", "new\n"), ("carry.json", "{}")]);
        assert_eq!(
            std::fs::read_to_string(dir.join("findings.jsonl")).unwrap(),
            "new\n"
        );
        assert!(
            !dir.join("vouchers.xlsx").exists(),
            "the old result's file stays"
        );
        assert!(!dir.join(READY).exists());
        assert_eq!(
            verify(&dir.join("carry.json"), "文件", Edited::Refuse)
                .unwrap()
                .as_deref(),
            Some("2026-10")
        );
        std::fs::write(dir.join("carry.json"), "{} ").unwrap();
        assert!(verify(&dir.join("carry.json"), "文件", Edited::Refuse).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_staging_folder_dropped_without_commit_leaves_the_earlier_result() {
        let dir = scratch("drop");
        let out = OutDir::lock(&dir).unwrap();
        result(&out, &[("findings.jsonl", "old\n")]);
        let staging = out.stage().unwrap();
        std::fs::write(staging.path().join("findings.jsonl"), "half").unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(dir.join("findings.jsonl")).unwrap(),
            "old\n"
        );
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            3,
            "lock, manifest, file"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_install_cut_short_is_finished_by_the_next_run() {
        let dir = scratch("resume");
        let out = OutDir::lock(&dir).unwrap();
        result(
            &out,
            &[("findings.jsonl", "old\n"), ("summary.json", "old")],
        );
        // A complete result in `.ready`, its install killed after the first file moved.
        let ready = dir.join(READY);
        std::fs::create_dir(&ready).unwrap();
        std::fs::write(ready.join("summary.json"), "new").unwrap();
        let (size, sha256) = digest(&ready.join("summary.json")).unwrap();
        let manifest = Manifest {
            format: FORMAT.into(),
            version: "0".into(),
            command: "reconcile".into(),
            period: "2026-11".into(),
            files: vec![
                ManifestFile {
                    name: "findings.jsonl".into(),
                    size: 4,
                    sha256: String::new(),
                },
                ManifestFile {
                    name: "summary.json".into(),
                    size,
                    sha256,
                },
            ],
        };
        std::fs::write(ready.join(MANIFEST), serde_json::to_vec(&manifest).unwrap()).unwrap();
        std::fs::rename(dir.join(MANIFEST), ready.join(REPLACED)).unwrap();
        std::fs::write(dir.join("findings.jsonl"), "new\n").unwrap();
        assert!(verify(&dir.join("summary.json"), "文件", Edited::Refuse).is_err());
        drop(out);
        let _again = OutDir::lock(&dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("summary.json")).unwrap(),
            "new"
        );
        assert!(!ready.exists());
        assert_eq!(
            verify(&dir.join("summary.json"), "文件", Edited::Refuse)
                .unwrap()
                .as_deref(),
            Some("2026-11")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `/dev/full` fails every write as a full disk does.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_fails_the_output_instead_of_leaving_it_short() {
        use duizhang_pipeline::Sink;
        let e = super::Folder(Path::new("/dev"))
            .put("full", &mut |w| w.write_all(&[b'x'; 100_000]))
            .err();
        assert_eq!(
            e.map(|e| e.kind()),
            Some(std::io::ErrorKind::StorageFull),
            "a full disk must be an error"
        );
    }
}
