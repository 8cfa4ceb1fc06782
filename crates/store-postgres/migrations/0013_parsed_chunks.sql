-- What reading each kept file gave (its tables' reports and records, encoded by the program
-- that read them), so that a run takes them instead of reading the file again. Derived data:
-- `reader` names what could read the same bytes differently (the program's version, the
-- encoding's, the mapping profiles); a run uses only what its own key kept, and reads the file
-- otherwise. Stored in 1 MiB chunks, uncompressed, as the files are.
CREATE TABLE parsed_chunks (
    company_id  BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    reader      TEXT NOT NULL,
    at_byte     BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    PRIMARY KEY (company_id, sha256, reader, at_byte),
    FOREIGN KEY (company_id, sha256) REFERENCES files(company_id, sha256)
);
ALTER TABLE parsed_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
