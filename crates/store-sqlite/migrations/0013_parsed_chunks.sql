-- What reading each kept file gave (its tables' reports and records, encoded by the program
-- that read them), so that a run takes them instead of reading the file again. Derived data:
-- `reader` names what could read the same bytes differently (the program's version, the
-- encoding's, the mapping profiles); a run uses only what its own key kept, and reads the file
-- otherwise. Stored in 1 MiB chunks, as the files are.
CREATE TABLE parsed_chunks (
    company_id  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    reader      TEXT NOT NULL,
    at_byte     INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    PRIMARY KEY (company_id, sha256, reader, at_byte),
    FOREIGN KEY (company_id, sha256) REFERENCES files(company_id, sha256)
);
