-- The order lookup shows each record's line as the file has it. Keeping that text in the index
-- at import lets the lookup read only the index rows instead of loading and decoding every kept
-- file that holds a record. Rows written before this column existed have no text: the lookup
-- reads those lines back from the kept file.

ALTER TABLE order_index ADD COLUMN text TEXT;
