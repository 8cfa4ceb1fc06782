-- The workspace: companies, users and their roles, kept files, imports, runs, cases and their
-- history, and the audit chains. Money in 分 (BIGINT), times as Beijing civil time TEXT
-- 'YYYY-MM-DD HH:MM:SS'. Every row but users carries its company.

CREATE TABLE companies (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE members (
    company_id  BIGINT NOT NULL REFERENCES companies(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    roles       TEXT NOT NULL,
    PRIMARY KEY (company_id, user_id)
);

CREATE TABLE files (
    company_id   BIGINT NOT NULL REFERENCES companies(id),
    sha256       TEXT NOT NULL,
    name         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    inspect      TEXT NOT NULL,
    bytes        BYTEA NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (company_id, sha256)
);

CREATE TABLE imports (
    id          BIGSERIAL PRIMARY KEY,
    company_id  BIGINT NOT NULL REFERENCES companies(id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    period      TEXT NOT NULL,
    files       TEXT NOT NULL
);
CREATE INDEX imports_by_period ON imports (company_id, period);

CREATE TABLE runs (
    id               BIGSERIAL PRIMARY KEY,
    company_id       BIGINT NOT NULL REFERENCES companies(id),
    period           TEXT NOT NULL,
    at               TEXT NOT NULL,
    actor            TEXT NOT NULL,
    inputs           TEXT NOT NULL,
    settings         TEXT NOT NULL,
    program_version  TEXT NOT NULL,
    summary          TEXT NOT NULL,
    findings         TEXT NOT NULL,
    finding_count    BIGINT NOT NULL,
    pending          TEXT NOT NULL
);
CREATE INDEX runs_by_period ON runs (company_id, period);

CREATE TABLE cases (
    id             BIGSERIAL PRIMARY KEY,
    company_id     BIGINT NOT NULL REFERENCES companies(id),
    period         TEXT NOT NULL,
    code           TEXT NOT NULL,
    shop           TEXT NOT NULL,
    key            TEXT NOT NULL,
    sku            TEXT NOT NULL,
    severity       TEXT NOT NULL,
    severity_rank  BIGINT NOT NULL,
    owner          TEXT NOT NULL,
    state          TEXT NOT NULL,
    working_role   TEXT NOT NULL,
    assignee       TEXT,
    prepared_by    TEXT,
    approved_by    TEXT,
    resolution     TEXT,
    closed_by_run  BIGINT NOT NULL,
    expected_fen   BIGINT,
    actual_fen     BIGINT,
    diff_fen       BIGINT,
    finding        TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (company_id, period, code, shop, key, sku)
);
CREATE INDEX cases_by_state ON cases (company_id, state, severity_rank DESC, due_at, id);
CREATE INDEX cases_by_assignee ON cases (company_id, assignee, state);
CREATE INDEX cases_by_code ON cases (company_id, code, state);

CREATE TABLE case_events (
    id          BIGSERIAL PRIMARY KEY,
    company_id  BIGINT NOT NULL REFERENCES companies(id),
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (company_id, case_id, id);

CREATE TABLE audit (
    chain_id    BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    at          TEXT NOT NULL,
    company     TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (chain_id, seq)
);
