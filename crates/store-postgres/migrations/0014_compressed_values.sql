-- How large values are stored (duizhang_store::compression): 0 as they are, 1 compressed
-- with zstd. Each chunk of a kept file and each file of a voucher batch says which; values
-- written before are plain. Compressed already, a batch's files are not compressed again by
-- the server (its own compression of a several-hundred-MB value took seconds).
ALTER TABLE file_chunks ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;
ALTER TABLE voucher_batch_files ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;
ALTER TABLE voucher_batch_files ALTER COLUMN bytes SET STORAGE EXTERNAL;
-- A run's carry.json (what the next month takes: pending items, and the orders still awaiting
-- their money) is hundreds of MB of text at a large seller: stored compressed here, `pending`
-- then empty.
ALTER TABLE runs ADD COLUMN pending_packed BYTEA;
ALTER TABLE runs ALTER COLUMN pending_packed SET STORAGE EXTERNAL;
