-- The order lookup: where each order's records are in the kept files, written when a file is
-- first imported (one row per record that names an order). Looking up one order reads one
-- range of the primary key; the line's text is read back from the kept file.

CREATE TABLE order_index (
    company_id  BIGINT NOT NULL REFERENCES companies(id),
    order_no    TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    part        TEXT NOT NULL,
    line        BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    PRIMARY KEY (company_id, order_no, sha256, part, line, kind)
);
