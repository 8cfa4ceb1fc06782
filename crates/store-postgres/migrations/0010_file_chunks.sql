-- Kept files are stored in chunks (1 MiB for files imported from now on; a file kept before
-- stays one chunk). One bytea value may not exceed 1 GB, and a month's Alipay bill of a large
-- seller can; and the order lookup reads one record's line from the chunk that holds it
-- instead of the whole file. Chunks are stored uncompressed (STORAGE EXTERNAL): compressing
-- every byte of every import costs more time than the disk it saves is worth here.
CREATE TABLE file_chunks (
    company_id  BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    at_byte     BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    PRIMARY KEY (company_id, sha256, at_byte),
    FOREIGN KEY (company_id, sha256) REFERENCES files(company_id, sha256)
);
ALTER TABLE file_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;

INSERT INTO file_chunks (company_id, sha256, at_byte, bytes)
    SELECT company_id, sha256, 0, bytes FROM files WHERE length(bytes) > 0;
UPDATE files SET bytes = '\x'::bytea;

-- A record on a line of a plain text file is indexed by where its line lies in the file's
-- bytes (offset and length) instead of a copy of the line; a sheet's or an archive member's
-- row keeps its text.
ALTER TABLE order_index ADD COLUMN at_byte BIGINT;
ALTER TABLE order_index ADD COLUMN byte_len BIGINT;
