-- A run keeps its metrics.json (small JSON), so the monthly report of a later period can
-- show the change on this one and the trend without reading this period's files again.
-- Runs stored before have none.

ALTER TABLE runs ADD COLUMN metrics TEXT;
