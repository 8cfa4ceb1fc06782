-- The order index at import speed. Its six-column primary key was a second copy of every row
-- (SQLite keeps a rowid table and a separate key B-tree), ~170 bytes an entry, written at a
-- random place per row: at a million rows a month that was most of an import. A lookup only
-- needs the rows of one order, so the table keeps an index on (company, order number) alone:
-- one range per lookup, ~35 bytes an entry. Each record is still indexed once: the import
-- writes a file's rows distinct (by order, part, line, kind) and a file (company, SHA-256)
-- is kept once. The reference to companies goes too: every row is written with its file,
-- in the same transaction, and the file's row already checks the company.

CREATE TABLE order_index_v9 (
    company_id  INTEGER NOT NULL,
    order_no    TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    part        TEXT NOT NULL,
    line        INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT
);
INSERT INTO order_index_v9 (company_id, order_no, sha256, part, line, kind, text)
    SELECT company_id, order_no, sha256, part, line, kind, text FROM order_index
    ORDER BY company_id, order_no;
DROP TABLE order_index;
ALTER TABLE order_index_v9 RENAME TO order_index;
CREATE INDEX order_index_by_order ON order_index (company_id, order_no);
