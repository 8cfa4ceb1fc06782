-- The order index at import speed. Its six-column primary key was a second copy of every row
-- (SQLite keeps a rowid table and a separate key B-tree), ~170 bytes an entry, written at a
-- random place per row, and every row repeated its file's 64-character SHA-256 and its part
-- name: at a million rows a month that was most of an import. Now:
-- - the (file, part) pairs are numbered once in `order_index_parts`, and a row holds the number;
-- - a lookup needs the rows of one order, so the table keeps one index on (company, order
--   number): one range per lookup, ~35 bytes an entry.
-- Each record is still indexed once: the import writes a file's rows distinct (by order, part,
-- line, kind) and a file (company, SHA-256) is kept once. The reference to companies goes: every
-- row is written with its file, in the same transaction, and the file's row checks the company.

CREATE TABLE order_index_parts (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    sha256      TEXT NOT NULL,
    part        TEXT NOT NULL,
    UNIQUE (company_id, sha256, part)
);
INSERT INTO order_index_parts (company_id, sha256, part)
    SELECT DISTINCT company_id, sha256, part FROM order_index ORDER BY company_id, sha256, part;

CREATE TABLE order_index_v9 (
    company_id  INTEGER NOT NULL,
    order_no    TEXT NOT NULL,
    part_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT
);
INSERT INTO order_index_v9 (company_id, order_no, part_id, line, kind, text)
    SELECT o.company_id, o.order_no, p.id, o.line, o.kind, o.text
    FROM order_index o
    JOIN order_index_parts p
      ON p.company_id = o.company_id AND p.sha256 = o.sha256 AND p.part = o.part
    ORDER BY o.company_id, o.order_no;
DROP TABLE order_index;
ALTER TABLE order_index_v9 RENAME TO order_index;
CREATE INDEX order_index_by_order ON order_index (company_id, order_no);
