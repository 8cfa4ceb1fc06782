-- The order index at import speed. Its six-column primary key cost ~170 bytes an entry and a
-- B-tree insert per row, the reference to companies a trigger per row, and every row repeated
-- its file's 64-character SHA-256 and its part name: at a million rows a month that was most
-- of an import. Now:
-- - the (file, part) pairs are numbered once in `order_index_parts`, and a row holds the number;
-- - a lookup needs the rows of one order, so the table keeps one index on (company, order
--   number): one range per lookup.
-- Each record is still indexed once: the import writes a file's rows distinct (by order, part,
-- line, kind) and a file (company, SHA-256) is kept once. No reference is checked per row:
-- every row is written with its file and its part, in the same transaction.

CREATE TABLE order_index_parts (
    id          BIGSERIAL PRIMARY KEY,
    company_id  BIGINT NOT NULL REFERENCES companies(id),
    sha256      TEXT NOT NULL,
    part        TEXT NOT NULL,
    UNIQUE (company_id, sha256, part)
);
INSERT INTO order_index_parts (company_id, sha256, part)
    SELECT DISTINCT company_id, sha256, part FROM order_index ORDER BY company_id, sha256, part;

CREATE TABLE order_index_v9 (
    company_id  BIGINT NOT NULL,
    order_no    TEXT NOT NULL,
    part_id     BIGINT NOT NULL,
    line        BIGINT NOT NULL,
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
