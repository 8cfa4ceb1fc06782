-- Kept files are stored in chunks (1 MiB for files imported from now on; a file kept before
-- stays one chunk). One value may not exceed 1 GB in SQLite, and a month's Alipay bill of a
-- large seller can; and the order lookup reads one record's line from the chunk that holds it
-- instead of the whole file.
CREATE TABLE file_chunks (
    company_id  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    at_byte     INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    PRIMARY KEY (company_id, sha256, at_byte),
    FOREIGN KEY (company_id, sha256) REFERENCES files(company_id, sha256)
);

INSERT INTO file_chunks (company_id, sha256, at_byte, bytes)
    SELECT company_id, sha256, 0, bytes FROM files WHERE length(bytes) > 0;
UPDATE files SET bytes = x'';

-- A record on a line of a plain text file is indexed by where its line lies in the file's
-- bytes (offset and length) instead of a copy of the line; a sheet's or an archive member's
-- row keeps its text.
ALTER TABLE order_index ADD COLUMN at_byte INTEGER;
ALTER TABLE order_index ADD COLUMN byte_len INTEGER;
