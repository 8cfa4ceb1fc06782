//! What every CLI test needs: the binary, a fresh folder of its own, the binary run as a
//! workspace user, and what a run said.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `duizhang` binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_duizhang"))
}

/// `duizhang ARGS`, waited for.
pub fn duizhang(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// `duizhang ARGS` to run in `dir` as `user` (password `pw-<user>-2026`), with no workspace,
/// user or new password taken from the environment; `None` runs it as nobody (the first
/// user's setup).
pub fn command_as(dir: &Path, user: Option<&str>, args: &[&str]) -> Command {
    let mut command = bin();
    command
        .current_dir(dir)
        .args(args)
        .env_remove("DUIZHANG_DATABASE_URL")
        .env_remove("DUIZHANG_USER")
        .env_remove("DUIZHANG_NEW_PASSWORD");
    if let Some(user) = user {
        command
            .arg("--as")
            .arg(user)
            .env("DUIZHANG_PASSWORD", format!("pw-{user}-2026"));
    }
    command
}

/// [`command_as`], waited for.
pub fn as_user(dir: &Path, user: Option<&str>, args: &[&str]) -> Output {
    command_as(dir, user, args).output().unwrap()
}

/// The company the workspace tests keep.
pub const COMPANY: &str = "禾木家居";

/// The workspace's first user in `dir`, `admin` (管理员, password `pw-admin-2026`), who needs no
/// sign-in.
pub fn first_user(dir: &Path) -> Output {
    command_as(dir, None, &["users", "add", "admin", "--name", "管理员"])
        .env("DUIZHANG_NEW_PASSWORD", "pw-admin-2026")
        .output()
        .unwrap()
}

/// `login` (password `pw-<login>-2026`) added by `admin` to [`COMPANY`] with `role`.
pub fn add_user(dir: &Path, login: &str, name: &str, role: &str) -> Output {
    command_as(
        dir,
        Some("admin"),
        &[
            "users",
            "add",
            login,
            "--name",
            name,
            "--company",
            COMPANY,
            "--role",
            role,
        ],
    )
    .env("DUIZHANG_NEW_PASSWORD", format!("pw-{login}-2026"))
    .output()
    .unwrap()
}

/// Where [`scratch`] puts the folder `name`: named after the test file too, so that test
/// files running at the same time never share one.
pub fn scratch_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}_{name}", env!("CARGO_CRATE_NAME")))
}

/// A fresh, empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = scratch_path(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The run succeeded: its stdout.
pub fn ok(out: Output) -> String {
    succeeded(&out);
    text(&out.stdout)
}

/// The run succeeded: all it printed, stdout then stderr (progress and notes go to stderr).
pub fn ok_all(out: Output) -> String {
    succeeded(&out);
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// The run was refused: its stderr.
pub fn refused(out: Output) -> String {
    assert!(!out.status.success(), "{}", text(&out.stdout));
    text(&out.stderr)
}

/// Text as GBK, the encoding of most Chinese platforms' CSV downloads.
pub fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// `duizhang demo` of `orders` orders from `seed` into `dir`.
pub fn demo(dir: &Path, orders: &str, seed: &str) -> Output {
    duizhang(&["demo", "--out", s(dir), "--orders", orders, "--seed", seed])
}
