-- The case queue: the open cases (待处理 / 处理中 / 待审核) in queue order, alone, by check, by shop,
-- by assignee, and by shop and check together. Partial indexes: the list query names the open
-- states with these same literals, so a filtered page is read in order from one index instead
-- of sorting every open case.

CREATE INDEX cases_open_queue ON cases (company_id, severity_rank DESC, due_at, id)
    WHERE state IN ('open', 'in_progress', 'pending_review');
CREATE INDEX cases_open_by_code ON cases (company_id, code, severity_rank DESC, due_at, id)
    WHERE state IN ('open', 'in_progress', 'pending_review');
CREATE INDEX cases_open_by_shop ON cases (company_id, shop, severity_rank DESC, due_at, id)
    WHERE state IN ('open', 'in_progress', 'pending_review');
CREATE INDEX cases_open_by_assignee ON cases (company_id, assignee, severity_rank DESC, due_at, id)
    WHERE state IN ('open', 'in_progress', 'pending_review');
CREATE INDEX cases_open_by_shop_code ON cases (company_id, shop, code, severity_rank DESC, due_at, id)
    WHERE state IN ('open', 'in_progress', 'pending_review');
