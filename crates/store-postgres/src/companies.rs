//! Companies, users and their roles in each company.

use duizhang_store::codec;
use duizhang_store::{Company, CompanyBooks, Member, StoreError, User};
use duizhang_workflow::Role;
use postgres::{Row, Transaction};

use crate::db;

fn company_of(row: &Row) -> Company {
    Company {
        id: row.get(0),
        name: row.get(1),
        created_at: row.get(2),
    }
}

fn user_of(row: &Row) -> User {
    User {
        id: row.get(0),
        login: row.get(1),
        display_name: row.get(2),
        created_at: row.get(3),
    }
}

pub(crate) fn insert_company(
    tx: &mut Transaction<'_>,
    name: &str,
    at: &str,
) -> Result<Company, StoreError> {
    let row = tx
        .query_one(
            "INSERT INTO companies (name, created_at) VALUES ($1, $2) RETURNING id, name, created_at",
            &[&name, &at],
        )
        .map_err(db)?;
    Ok(company_of(&row))
}

pub(crate) fn company_by_name(
    tx: &mut Transaction<'_>,
    name: &str,
) -> Result<Option<Company>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT id, name, created_at FROM companies WHERE name = $1",
            &[&name],
        )
        .map_err(db)?;
    Ok(row.as_ref().map(company_of))
}

pub(crate) fn companies(tx: &mut Transaction<'_>) -> Result<Vec<Company>, StoreError> {
    let rows = tx
        .query(
            "SELECT id, name, created_at FROM companies ORDER BY name",
            &[],
        )
        .map_err(db)?;
    Ok(rows.iter().map(company_of).collect())
}

pub(crate) fn insert_user(
    tx: &mut Transaction<'_>,
    login: &str,
    display_name: &str,
    password_hash: &str,
    at: &str,
) -> Result<User, StoreError> {
    let row = tx
        .query_one(
            "INSERT INTO users (login, display_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id, login, display_name, created_at",
            &[&login, &display_name, &password_hash, &at],
        )
        .map_err(db)?;
    Ok(user_of(&row))
}

pub(crate) fn user_count(tx: &mut Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx
        .query_one("SELECT count(*) FROM users", &[])
        .map_err(db)?
        .get(0))
}

pub(crate) fn user_by_login(
    tx: &mut Transaction<'_>,
    login: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT id, login, display_name, created_at, password_hash FROM users WHERE login = $1",
            &[&login],
        )
        .map_err(db)?;
    Ok(row.map(|r| (user_of(&r), r.get(4))))
}

pub(crate) fn set_roles(
    tx: &mut Transaction<'_>,
    company: i64,
    user: i64,
    roles: &[Role],
) -> Result<(), StoreError> {
    if roles.is_empty() {
        tx.execute(
            "DELETE FROM members WHERE company_id = $1 AND user_id = $2",
            &[&company, &user],
        )
        .map_err(db)?;
    } else {
        tx.execute(
            "INSERT INTO members (company_id, user_id, roles) VALUES ($1, $2, $3) \
                 ON CONFLICT (company_id, user_id) DO UPDATE SET roles = excluded.roles",
            &[&company, &user, &codec::roles_text(roles)],
        )
        .map_err(db)?;
    }
    Ok(())
}

pub(crate) fn roles(
    tx: &mut Transaction<'_>,
    company: i64,
    user: i64,
) -> Result<Vec<Role>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT roles FROM members WHERE company_id = $1 AND user_id = $2",
            &[&company, &user],
        )
        .map_err(db)?;
    Ok(row
        .map(|r| codec::roles_parse(&r.get::<_, String>(0)))
        .unwrap_or_default())
}

pub(crate) fn members(tx: &mut Transaction<'_>, company: i64) -> Result<Vec<Member>, StoreError> {
    let rows = tx
        .query(
            "SELECT u.id, u.login, u.display_name, u.created_at, m.roles FROM members m \
             JOIN users u ON u.id = m.user_id WHERE m.company_id = $1 ORDER BY u.login",
            &[&company],
        )
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| Member {
            user: user_of(r),
            roles: codec::roles_parse(&r.get::<_, String>(4)),
        })
        .collect())
}

pub(crate) fn company_books(
    tx: &mut Transaction<'_>,
    company: i64,
) -> Result<Option<CompanyBooks>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT toml, set_by, set_at FROM company_books WHERE company_id = $1",
            &[&company],
        )
        .map_err(db)?;
    Ok(row.map(|r| CompanyBooks {
        toml: r.get(0),
        set_by: r.get(1),
        set_at: r.get(2),
    }))
}

pub(crate) fn put_company_books(
    tx: &mut Transaction<'_>,
    company: i64,
    books: &CompanyBooks,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO company_books (company_id, toml, set_by, set_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (company_id) DO UPDATE SET toml = excluded.toml, \
         set_by = excluded.set_by, set_at = excluded.set_at",
        &[&company, &books.toml, &books.set_by, &books.set_at],
    )
    .map_err(db)?;
    Ok(())
}
