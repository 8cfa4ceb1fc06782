//! Which database the workspace commands use: `--db` (or `DUIZHANG_DATABASE_URL`), an SQLite
//! file path by default (`./duizhang.db`), PostgreSQL when it is a `postgres://` URL or a
//! `host=...` connection string.

use duizhang_store::backend::{Backend, Tx};
use duizhang_store::{StoreError, Workspace};
use duizhang_store_postgres::PostgresBackend;
use duizhang_store_sqlite::SqliteBackend;

pub enum AnyBackend {
    Sqlite(SqliteBackend),
    Postgres(PostgresBackend),
}

impl Backend for AnyBackend {
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, StoreError> {
        match self {
            AnyBackend::Sqlite(b) => b.begin(),
            AnyBackend::Postgres(b) => b.begin(),
        }
    }
}

pub fn is_postgres(target: &str) -> bool {
    target.starts_with("postgres://")
        || target.starts_with("postgresql://")
        || target.contains("host=")
}

/// Opens the workspace; the error names the database in Chinese.
pub fn open(target: &str) -> anyhow::Result<Workspace<AnyBackend>> {
    let backend = if is_postgres(target) {
        PostgresBackend::connect(target).map(AnyBackend::Postgres)
    } else {
        SqliteBackend::open(std::path::Path::new(target)).map(AnyBackend::Sqlite)
    }
    .map_err(|e| anyhow::anyhow!("无法打开工作区数据库 {}：{}", shown(target), e.zh()))?;
    Ok(Workspace::new(backend, Box::new(beijing_now)))
}

/// The database named without its password.
fn shown(target: &str) -> String {
    if is_postgres(target) {
        match (target.find("://"), target.find('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                format!("{}://…@{}", &target[..scheme], &target[at + 1..])
            }
            _ => target
                .split_whitespace()
                .filter(|part| !part.starts_with("password="))
                .collect::<Vec<_>>()
                .join(" "),
        }
    } else {
        target.to_string()
    }
}

/// The Beijing time now, `YYYY-MM-DD HH:MM:SS`: when an action is recorded.
pub fn beijing_now() -> String {
    // China keeps UTC+8 all year (no daylight saving since 1991).
    let now =
        jiff::ZonedDateTime::now().with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    now.datetime().strftime("%Y-%m-%d %H:%M:%S").to_string()
}
