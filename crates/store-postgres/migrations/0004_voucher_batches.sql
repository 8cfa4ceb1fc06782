-- A run's vouchers as one batch (凭证批次): prepared by whoever ran it, approved by someone else
-- before it may be exported to the accounting system. The rendered files are kept as they were
-- written, so an export after approval is exactly what was approved.

CREATE TABLE voucher_batches (
    company_id    BIGINT NOT NULL REFERENCES companies(id),
    run_id        BIGINT NOT NULL REFERENCES runs(id),
    period        TEXT NOT NULL,
    state         TEXT NOT NULL,
    vouchers      BIGINT NOT NULL,
    debit_fen     BIGINT NOT NULL,
    prepared_by   TEXT NOT NULL,
    prepared_at   TEXT NOT NULL,
    approved_by   TEXT,
    approved_at   TEXT,
    PRIMARY KEY (company_id, run_id)
);

CREATE TABLE voucher_batch_files (
    company_id  BIGINT NOT NULL REFERENCES companies(id),
    run_id      BIGINT NOT NULL,
    name        TEXT NOT NULL,
    bytes       BYTEA NOT NULL,
    PRIMARY KEY (company_id, run_id, name),
    FOREIGN KEY (company_id, run_id) REFERENCES voucher_batches(company_id, run_id)
);
