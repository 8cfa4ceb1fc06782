-- The voucher numbers each run's batch carries, per 凭证字, as ranges: the store allocates
-- every number of a period (batches and correcting vouchers) from them, so none is given twice.
-- Batches stored before have no rows and were numbered 记-1..N.
CREATE TABLE voucher_numbers (
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    run_id      INTEGER NOT NULL,
    word        TEXT NOT NULL,
    first_no    INTEGER NOT NULL,
    last_no     INTEGER NOT NULL,
    PRIMARY KEY (company_id, run_id, word, first_no),
    FOREIGN KEY (company_id, run_id) REFERENCES voucher_batches(company_id, run_id)
);

-- A company's 账套 file (TOML), whose chart every correcting voucher of the company uses.
CREATE TABLE company_books (
    company_id  INTEGER PRIMARY KEY REFERENCES companies(id),
    toml        TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at      TEXT NOT NULL
);
