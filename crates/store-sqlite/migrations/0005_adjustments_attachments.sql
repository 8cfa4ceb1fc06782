-- Correcting vouchers (红字冲销 / 补充凭证) made by resolutions, each waiting for a second
-- person's approval; the voucher itself (lines, accounts, amounts) is kept whole as JSON, the
-- columns are what lists and numbering look at. Numbers never repeat within a 凭证字 and period.

CREATE TABLE adjustments (
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    id          INTEGER NOT NULL,
    case_id     INTEGER NOT NULL,
    period      TEXT NOT NULL,
    word        TEXT NOT NULL,
    number      INTEGER NOT NULL,
    state       TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, period, word, number)
);

-- Evidence files on cases: the bytes once per content, the links numbered within the case.
CREATE TABLE attachment_blobs (
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    sha256      TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    PRIMARY KEY (company_id, sha256)
);

CREATE TABLE case_attachments (
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    case_id     INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    name        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (company_id, case_id, n),
    FOREIGN KEY (company_id, sha256) REFERENCES attachment_blobs(company_id, sha256)
);
