//! Companies, users and their roles in each company.

use duizhang_store::codec;
use duizhang_store::{Company, CompanyBooks, Member, StoreError, User};
use duizhang_workflow::Role;
use rusqlite::{OptionalExtension, Transaction, params};

use crate::db;

pub(crate) fn insert_company(
    tx: &Transaction<'_>,
    name: &str,
    at: &str,
) -> Result<Company, StoreError> {
    tx.execute(
        "INSERT INTO companies (name, created_at) VALUES (?1, ?2)",
        params![name, at],
    )
    .map_err(db)?;
    Ok(Company {
        id: tx.last_insert_rowid(),
        name: name.to_string(),
        created_at: at.to_string(),
    })
}

pub(crate) fn company_by_name(
    tx: &Transaction<'_>,
    name: &str,
) -> Result<Option<Company>, StoreError> {
    tx.query_row(
        "SELECT id, name, created_at FROM companies WHERE name = ?1",
        params![name],
        |r| {
            Ok(Company {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
            })
        },
    )
    .optional()
    .map_err(db)
}

pub(crate) fn companies(tx: &Transaction<'_>) -> Result<Vec<Company>, StoreError> {
    let mut stmt = tx
        .prepare("SELECT id, name, created_at FROM companies ORDER BY name")
        .map_err(db)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Company {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
            })
        })
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

pub(crate) fn insert_user(
    tx: &Transaction<'_>,
    login: &str,
    display_name: &str,
    password_hash: &str,
    at: &str,
) -> Result<User, StoreError> {
    tx
        .execute(
            "INSERT INTO users (login, display_name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![login, display_name, password_hash, at],
        )
        .map_err(db)?;
    Ok(User {
        id: tx.last_insert_rowid(),
        login: login.to_string(),
        display_name: display_name.to_string(),
        created_at: at.to_string(),
    })
}

pub(crate) fn user_count(tx: &Transaction<'_>) -> Result<i64, StoreError> {
    tx.query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .map_err(db)
}

pub(crate) fn user_by_login(
    tx: &Transaction<'_>,
    login: &str,
) -> Result<Option<(User, String)>, StoreError> {
    tx.query_row(
        "SELECT id, login, display_name, created_at, password_hash FROM users WHERE login = ?1",
        params![login],
        |r| {
            Ok((
                User {
                    id: r.get(0)?,
                    login: r.get(1)?,
                    display_name: r.get(2)?,
                    created_at: r.get(3)?,
                },
                r.get(4)?,
            ))
        },
    )
    .optional()
    .map_err(db)
}

pub(crate) fn set_roles(
    tx: &Transaction<'_>,
    company: i64,
    user: i64,
    roles: &[Role],
) -> Result<(), StoreError> {
    if roles.is_empty() {
        tx.execute(
            "DELETE FROM members WHERE company_id = ?1 AND user_id = ?2",
            params![company, user],
        )
        .map_err(db)?;
    } else {
        tx.execute(
            "INSERT INTO members (company_id, user_id, roles) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (company_id, user_id) DO UPDATE SET roles = excluded.roles",
            params![company, user, codec::roles_text(roles)],
        )
        .map_err(db)?;
    }
    Ok(())
}

pub(crate) fn roles(
    tx: &Transaction<'_>,
    company: i64,
    user: i64,
) -> Result<Vec<Role>, StoreError> {
    let text: Option<String> = tx
        .query_row(
            "SELECT roles FROM members WHERE company_id = ?1 AND user_id = ?2",
            params![company, user],
            |r| r.get(0),
        )
        .optional()
        .map_err(db)?;
    Ok(text.map(|t| codec::roles_parse(&t)).unwrap_or_default())
}

pub(crate) fn members(tx: &Transaction<'_>, company: i64) -> Result<Vec<Member>, StoreError> {
    let mut stmt = tx
        .prepare(
            "SELECT u.id, u.login, u.display_name, u.created_at, m.roles FROM members m \
             JOIN users u ON u.id = m.user_id WHERE m.company_id = ?1 ORDER BY u.login",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![company], |r| {
            Ok(Member {
                user: User {
                    id: r.get(0)?,
                    login: r.get(1)?,
                    display_name: r.get(2)?,
                    created_at: r.get(3)?,
                },
                roles: codec::roles_parse(&r.get::<_, String>(4)?),
            })
        })
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

pub(crate) fn company_books(
    tx: &Transaction<'_>,
    company: i64,
) -> Result<Option<CompanyBooks>, StoreError> {
    tx.query_row(
        "SELECT toml, set_by, set_at FROM company_books WHERE company_id = ?1",
        params![company],
        |r| {
            Ok(CompanyBooks {
                toml: r.get(0)?,
                set_by: r.get(1)?,
                set_at: r.get(2)?,
            })
        },
    )
    .optional()
    .map_err(db)
}

pub(crate) fn put_company_books(
    tx: &Transaction<'_>,
    company: i64,
    books: &CompanyBooks,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO company_books (company_id, toml, set_by, set_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (company_id) DO UPDATE SET toml = excluded.toml, \
         set_by = excluded.set_by, set_at = excluded.set_at",
        params![company, books.toml, books.set_by, books.set_at],
    )
    .map_err(db)?;
    Ok(())
}
