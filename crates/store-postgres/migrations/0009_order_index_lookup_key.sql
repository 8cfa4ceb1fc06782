-- The order index at import speed. Its six-column primary key cost ~170 bytes an entry and a
-- B-tree insert per row, and the reference to companies a trigger per row: at a million rows
-- a month they were most of an import. A lookup only needs the rows of one order, so the
-- table keeps an index on (company, order number) alone: one range per lookup. Each record is
-- still indexed once: the import writes a file's rows distinct (by order, part, line, kind)
-- and a file (company, SHA-256) is kept once; every row is written with its file, in the
-- same transaction, and the file's row already checks the company.

ALTER TABLE order_index DROP CONSTRAINT order_index_pkey;
ALTER TABLE order_index DROP CONSTRAINT order_index_company_id_fkey;
CREATE INDEX order_index_by_order ON order_index (company_id, order_no);
