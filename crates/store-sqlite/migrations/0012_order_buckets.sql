-- The order index is kept in buckets: each kept file's entries grouped by a stable hash of the
-- order number (4096 buckets), one row per (file, bucket) holding its entries as one blob, instead
-- of one row per record (11 million rows for a 2,000,000-order month). A lookup reads the rows of
-- one bucket: one per file with entries in it. The rows of `order_index` written before stay and
-- are still read; nothing writes them any more.
CREATE TABLE order_buckets (
    company_id  INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    entries     BLOB NOT NULL,
    PRIMARY KEY (company_id, bucket, sha256),
    FOREIGN KEY (company_id, sha256) REFERENCES files(company_id, sha256)
);
