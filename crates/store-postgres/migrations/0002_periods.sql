-- Period close (结账): requested by one person, approved by another; a closed period is locked.
-- The audit chain's head at the close is kept with it, so an archive can be checked against it.

CREATE TABLE periods (
    company_id       BIGINT NOT NULL REFERENCES companies(id),
    period           TEXT NOT NULL,
    state            TEXT NOT NULL,
    prepared_by      TEXT NOT NULL,
    prepared_at      TEXT NOT NULL,
    approved_by      TEXT,
    approved_at      TEXT,
    audit_head_seq   BIGINT,
    audit_head_hash  TEXT,
    PRIMARY KEY (company_id, period)
);
