//! Passwords, hashed with argon2id into PHC strings (salt and parameters inside).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::StoreError;

pub fn hash(password: &str) -> Result<String, StoreError> {
    let hashed: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| StoreError::Database(format!("password hashing failed: {e}")))?;
    Ok(hashed.to_string())
}

pub fn verify(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}
