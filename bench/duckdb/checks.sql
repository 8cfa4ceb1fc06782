-- The reconciliation checks of CHECKS.md as DuckDB SQL over the clean CSVs written by
-- `duizhang-bench export-clean` (one table per CSV, loaded by run.py under the file's name).
--
-- Result: table `findings` (code, shop, order_no, refund_no, txn_no, sku, expected_fen,
-- actual_fen, diff_fen), one row per finding, diff = actual − expected.
--
-- Parameters (DuckDB variables, set by run.py before this script runs):
--   cut_off        TIMESTAMP  first moment after the period (2026-11-01 00:00:00 for 2026-10);
--                             an item whose window ends after it is pending (在途), not a finding
--   tol_fen        BIGINT     money tolerance in 分 (CHECKS.md: ±1 分)
--   w_payment      INTEGER    PAYMENT_MISSING window, days (15)
--   w_refund       INTEGER    REFUND_UNPAID window, days (3)
--   w_return       INTEGER    RETURN_NOT_RECEIVED window, days (7)
--   w_received     INTEGER    RECEIVED_NOT_REFUNDED window, days (2)
--   w_aftersale    INTEGER    AFTERSALE_OVERDUE limit, days (3)
--   w_status       INTEGER    STATUS_MISMATCH grace, days (1)
--
-- Scope: PAYMENT_MISSING, PAYMENT_AMOUNT_MISMATCH, PAYMENT_ORPHAN, REFUND_UNPAID, REFUND_ORPHAN,
-- REFUND_AMOUNT_MISMATCH, REFUND_EXCEEDS_PAID, REFUND_DUPLICATE, FLOW_DUPLICATE, BALANCE_BREAK,
-- DUPLICATE_SHIPMENT, RETURN_NOT_RECEIVED, RECEIVED_NOT_REFUNDED, RETURN_MISMATCH,
-- AFTERSALE_OVERDUE, STATUS_MISMATCH, ORDER_AMOUNT_ERROR. Everything is joined within a shop.
--
-- Nuances of the engine left out here (each is a deliberate simplification an analyst would
-- make; they change results only on the edge cases named):
--   * Refund matching: the engine pairs by order and amount exactly, then again within the
--     tolerance; here only exactly. Its time pairing is a two-pointer walk that skips a claim
--     or an outflow that is out of the window; here the k-th open claim of an order pairs with
--     its k-th open outflow when they are within the window.
--   * Settlement statements only take orders out of the payment checks (any statement row of
--     the order counts as covering it); the engine also asks whether money reached the account
--     for the statement, and runs FEE_MISMATCH / SETTLEMENT_MISMATCH, which are not here.
--   * BALANCE_BREAK covers balances only, not the footer control totals of the files (the clean
--     CSVs have no footers; the engine reports broken file totals under this code too).
--   * Tolerances are absolute (tol_fen); percent tolerances and per-shop settings (severity,
--     switches, windows per shop) are not modelled. No severities, messages or evidence lists.
--   * An after-sale seen in several files is one after-sale for the goods checks (the most
--     advanced record wins, lines from that record's file); the money checks use every record,
--     as the engine does.
--   * DUPLICATE_SHIPMENT spends the order's 换货 allowance over SKUs in SKU order (the engine:
--     in the order the shipments appear). RESHIP_UNLINKED, SHIPPED_AFTER_REFUND,
--     REFUND_ONLY_SHIPPED, EXCHANGE_OPEN, DISCOUNT_* and the books checks are not written.
--   * Pending items (在途) are dropped, not counted; no carry-over between periods.

-- ------------------------------------------------------------------------------------------
-- Money rows: fund-flow rows without overlapping exports (same row id = one row), plus the
-- payment-bill rows of providers for which the shop has no fund flow.

CREATE OR REPLACE TEMP TABLE flow AS
SELECT *
FROM fund_flows
QUALIFY row_number() OVER (
    PARTITION BY shop, provider, coalesce(account, ''), txn_no ORDER BY file, line) = 1;

-- JD wallet: a refund after the settlement is clawed back in the 结算单 (a negative 货款 row)
-- and leaves the wallet under that statement's 商户订单号, in a row naming no order. Once the
-- money has left, the clawback is the refund payment of its order, at the 货款 amount; the
-- wallet row itself is then no refund payment of its own.
CREATE OR REPLACE TEMP TABLE clawback AS
SELECT s.shop, w.provider, w.txn_no, s.amount_fen, s.order_no, s.payment_ref, s.refund_no,
       w.ts, s.file, s.line
FROM settlements s
JOIN (SELECT shop, merchant_ref, min(provider) AS provider, min(txn_no) AS txn_no,
             min(occurred_at) AS ts
      FROM flow
      WHERE order_no IS NULL AND merchant_ref IS NOT NULL AND amount_fen < 0
      GROUP BY shop, merchant_ref) w
  ON w.shop = s.shop AND w.merchant_ref = s.payment_ref
WHERE s.item = '货款' AND s.amount_fen < 0;

CREATE OR REPLACE TEMP TABLE money AS
SELECT row_number() OVER () AS rid, *
FROM (
    SELECT shop, provider, txn_no, kind, amount_fen AS amount,
           coalesce(order_no, merchant_ref) AS order_ref, merchant_ref,
           coalesce(refund_no, CASE WHEN kind = 'refund' THEN merchant_ref END) AS refund_ref,
           occurred_at AS ts, file, line
    FROM flow f
    WHERE NOT (f.order_no IS NULL AND f.amount_fen < 0 AND EXISTS (
        SELECT 1 FROM clawback c WHERE c.shop = f.shop AND c.payment_ref = f.merchant_ref))
    UNION ALL
    SELECT shop, provider, txn_no, 'refund', amount_fen, order_no, payment_ref, refund_no,
           ts, file, line
    FROM clawback
    UNION ALL
    SELECT p.shop, p.provider, p.txn_no,
           CASE p.kind WHEN 'payment' THEN 'income' WHEN 'refund' THEN 'refund' ELSE 'other' END,
           CASE p.kind WHEN 'payment' THEN p.settled_fen WHEN 'refund' THEN -abs(p.refund_fen)
                ELSE 0 END,
           p.out_trade_no, p.out_trade_no, p.out_refund_no,
           coalesce(p.refund_succeeded_at, p.occurred_at), p.file, p.line
    FROM payments p
    WHERE NOT EXISTS (SELECT 1 FROM flow f WHERE f.shop = p.shop AND f.provider = p.provider)
);

-- Orders with money: platform orders, then ERP orders with an amount and no platform order
-- (shops selling through their own payment account).
CREATE OR REPLACE TEMP TABLE om AS
SELECT shop, order_no, payment_no, paid_fen AS paid,
       coalesce(platform_discount_fen, 0) AS subsidy,
       CASE WHEN status = 'finished'
            THEN coalesce(finished_at, shipped_at, paid_at, created_at) END AS due_from,
       platform = 'wechat' AS direct,
       CASE WHEN status = 'finished' THEN finished_at END AS finished_at
FROM orders
QUALIFY row_number() OVER (PARTITION BY shop, order_no ORDER BY file, line) = 1
UNION ALL
SELECT e.shop, e.order_no, e.payment_no, e.paid_fen, 0,
       CASE WHEN e.status <> 'cancelled' THEN e.paid_at END, true, NULL
FROM erp_orders e
WHERE e.paid_fen IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.shop = e.shop AND o.order_no = e.order_no)
QUALIFY row_number() OVER (PARTITION BY e.shop, e.order_no ORDER BY e.file, e.line) = 1;

-- Payment references that name exactly one order (商户订单号 of direct-payment shops, 支付单号).
CREATE OR REPLACE TEMP TABLE om_by_payment AS
SELECT shop, payment_no, min(order_no) AS order_no
FROM om WHERE payment_no IS NOT NULL
GROUP BY ALL;

-- Each money row's order: by order number, else by payment reference.
CREATE OR REPLACE TEMP TABLE money_m AS
SELECT m.*, coalesce(o.order_no, p.order_no) AS order_key
FROM money m
LEFT JOIN om o ON o.shop = m.shop AND o.order_no = m.order_ref
LEFT JOIN om_by_payment p
       ON o.order_no IS NULL AND p.shop = m.shop AND p.payment_no = m.order_ref;

-- After-sales (every record) with their order.
CREATE OR REPLACE TEMP TABLE sale_m AS
SELECT row_number() OVER (ORDER BY a.file, a.line) AS cid, a.*,
       coalesce(o.order_no, p.order_no) AS order_key
FROM after_sales a
LEFT JOIN om o ON o.shop = a.shop AND o.order_no = a.order_no
LEFT JOIN om_by_payment p
       ON o.order_no IS NULL AND p.shop = a.shop AND p.payment_no = a.order_no;

-- Income per order and when the funds were released (earliest positive income row).
CREATE OR REPLACE TEMP TABLE income AS
SELECT shop, order_key, sum(amount) AS actual, min(ts) FILTER (WHERE amount > 0) AS released
FROM money_m
WHERE kind = 'income' AND order_key IS NOT NULL
GROUP BY ALL;

-- Orders a settlement statement covers: their money is the statement's business.
CREATE OR REPLACE TEMP TABLE settled AS
SELECT DISTINCT s.shop, o.order_no
FROM settlements s JOIN om o ON o.shop = s.shop AND o.order_no = s.order_no;

CREATE OR REPLACE TEMP TABLE order_money AS
SELECT o.shop, o.order_no, o.paid, o.subsidy, o.due_from, o.direct, o.finished_at,
       i.actual, i.released, i.order_key IS NOT NULL AS has_income,
       s.order_no IS NOT NULL AS is_settled,
       coalesce(sum(a.refunded_fen) FILTER (WHERE a.completed_at < o.due_from), 0)
           AS refunded_before_due,
       coalesce(sum(a.refunded_fen) FILTER (WHERE a.completed_at < i.released), 0)
           AS refunded_before_release,
       coalesce(sum(a.refunded_fen), 0) AS refunded_total,
       count(a.cid) AS refunds
FROM om o
LEFT JOIN income i ON i.shop = o.shop AND i.order_key = o.order_no
LEFT JOIN settled s ON s.shop = o.shop AND s.order_no = o.order_no
LEFT JOIN sale_m a ON a.shop = o.shop AND a.order_key = o.order_no AND a.refunded_fen > 0
GROUP BY ALL;

-- ------------------------------------------------------------------------------------------
-- Refund matching: after-sales with a refund (claims) against refund outflows (payouts).

CREATE OR REPLACE TEMP TABLE claim AS
SELECT cid, shop, trim(refund_no) AS refund_no, coalesce(order_key, order_no) AS order_key,
       refunded_fen AS amount, coalesce(completed_at, applied_at) AS ts
FROM sale_m WHERE refunded_fen > 0;

CREATE OR REPLACE TEMP TABLE payout AS
SELECT rid, shop, refund_ref, coalesce(order_key, order_ref) AS order_key, -amount AS amount, ts
FROM money_m WHERE kind = 'refund' AND amount < 0;

-- Pass 1: the outflow names the after-sale's refund number (first record of that number).
CREATE OR REPLACE TEMP TABLE match1 AS
SELECT p.rid, c.cid AS gid
FROM payout p
JOIN (SELECT shop, refund_no, min(cid) AS cid FROM claim GROUP BY ALL) c
  ON c.shop = p.shop AND c.refund_no = p.refund_ref;

-- Pass 2: same order, same amount; the k-th such claim with the k-th such outflow.
CREATE OR REPLACE TEMP TABLE match2 AS
WITH c AS (
    SELECT cid, shop, order_key, amount,
           row_number() OVER (PARTITION BY shop, order_key, amount ORDER BY ts, cid) AS k
    FROM claim WHERE cid NOT IN (SELECT gid FROM match1)),
p AS (
    SELECT rid, shop, order_key, amount,
           row_number() OVER (PARTITION BY shop, order_key, amount ORDER BY ts, rid) AS k
    FROM payout WHERE rid NOT IN (SELECT rid FROM match1) AND order_key IS NOT NULL)
SELECT p.rid, c.cid AS gid FROM c JOIN p USING (shop, order_key, amount, k);

-- Pass 3: what is still open per order: one group when the sums agree (refunds in parts),
-- else claims and outflows paired in time order within the REFUND_UNPAID window.
CREATE OR REPLACE TEMP TABLE open_claim AS
SELECT * FROM claim
WHERE cid NOT IN (SELECT gid FROM match1) AND cid NOT IN (SELECT gid FROM match2);

CREATE OR REPLACE TEMP TABLE open_payout AS
SELECT * FROM payout
WHERE rid NOT IN (SELECT rid FROM match1) AND rid NOT IN (SELECT rid FROM match2)
  AND order_key IS NOT NULL;

CREATE OR REPLACE TEMP TABLE parts AS
SELECT c.shop, c.order_key, c.gid
FROM (SELECT shop, order_key, sum(amount) AS total, min(cid) AS gid
      FROM open_claim GROUP BY ALL) c
JOIN (SELECT shop, order_key, sum(amount) AS total FROM open_payout GROUP BY ALL) p
  USING (shop, order_key)
WHERE abs(c.total - p.total) <= getvariable('tol_fen');

CREATE OR REPLACE TEMP TABLE match3 AS
SELECT p.rid, g.gid, NULL::BIGINT AS cid
FROM open_payout p JOIN parts g USING (shop, order_key)
UNION ALL
SELECT NULL, g.gid, c.cid
FROM open_claim c JOIN parts g USING (shop, order_key)
UNION ALL
SELECT p.rid, c.cid, c.cid
FROM (SELECT *, row_number() OVER (PARTITION BY shop, order_key ORDER BY ts, cid) AS k
      FROM open_claim WHERE (shop, order_key) NOT IN (SELECT (shop, order_key) FROM parts)
        AND ts IS NOT NULL) c
JOIN (SELECT *, row_number() OVER (PARTITION BY shop, order_key ORDER BY ts, rid) AS k
      FROM open_payout WHERE (shop, order_key) NOT IN (SELECT (shop, order_key) FROM parts)) p
  USING (shop, order_key, k)
WHERE abs(epoch(p.ts) - epoch(c.ts)) <= getvariable('w_refund') * 86400;

-- Groups: each claim's group, each payout's group (pass 4: an outflow left over whose order
-- and amount equal an already paid after-sale of the order is a repeated payment of it).
CREATE OR REPLACE TEMP TABLE claim_g AS
SELECT gid AS cid, gid FROM match1 GROUP BY ALL
UNION SELECT gid, gid FROM match2
UNION SELECT cid, gid FROM match3 WHERE cid IS NOT NULL;

CREATE OR REPLACE TEMP TABLE payout_g0 AS
SELECT rid, gid, false AS repeated FROM match1
UNION ALL SELECT rid, gid, false FROM match2
UNION ALL SELECT rid, gid, false FROM match3 WHERE rid IS NOT NULL;

CREATE OR REPLACE TEMP TABLE payout_g AS
SELECT * FROM payout_g0
UNION ALL
SELECT p.rid, min(c.cid) AS gid, true
FROM payout p
JOIN claim c ON c.shop = p.shop AND c.order_key = p.order_key AND c.amount = p.amount
JOIN claim_g g ON g.cid = c.cid
WHERE p.rid NOT IN (SELECT rid FROM payout_g0)
GROUP BY p.rid;

-- Per group: what the after-sales claim, what was paid out, and whether it was paid twice
-- (for one after-sale: outflows in time order after the one that settles the claim).
CREATE OR REPLACE TEMP TABLE refund_group AS
WITH c AS (
    SELECT g.gid, count(*) AS sales, sum(c.amount) AS claimed, min(c.shop) AS shop,
           arg_min(c.order_key, c.cid) AS order_key, arg_min(c.refund_no, c.cid) AS refund_no
    FROM claim_g g JOIN claim c USING (cid) GROUP BY g.gid),
p AS (
    SELECT g.gid, g.repeated, py.amount, py.ts, py.rid,
           sum(py.amount) OVER (PARTITION BY g.gid ORDER BY py.ts, py.rid) AS running
    FROM payout_g g JOIN payout py USING (rid)),
settle AS (
    SELECT p.gid, min(p.running) FILTER (
               WHERE abs(p.running - c.claimed) <= getvariable('tol_fen')) AS settled_at_sum,
           sum(p.amount) AS paid_out, bool_or(p.repeated) AS any_repeated,
           count(*) AS payouts
    FROM p JOIN c USING (gid) GROUP BY p.gid)
SELECT c.*, coalesce(s.paid_out, 0) AS paid_out, coalesce(s.payouts, 0) AS payouts,
       coalesce(s.any_repeated OR (c.sales = 1 AND s.settled_at_sum IS NOT NULL
                                    AND s.paid_out > s.settled_at_sum), false) AS repeated
FROM c LEFT JOIN settle s USING (gid);

-- ------------------------------------------------------------------------------------------
-- Goods: one view per after-sale (the most advanced record), its lines and its receipts.

CREATE OR REPLACE TEMP TABLE av AS
SELECT *,
       status IN ('pending_review', 'approved', 'waiting_return', 'waiting_receive') AS is_open
FROM after_sales
QUALIFY row_number() OVER (
    PARTITION BY shop, refund_no
    ORDER BY (status NOT IN ('pending_review', 'approved', 'waiting_return', 'waiting_receive'))
             DESC, coalesce(completed_at, applied_at) DESC NULLS LAST, file DESC, line DESC) = 1;

-- Quantities per SKU of each after-sale, when every line states SKU and quantity.
CREATE OR REPLACE TEMP TABLE av_qty AS
SELECT l.shop, l.refund_no, l.sku, sum(l.quantity) AS quantity
FROM after_sale_lines l
JOIN av a ON a.shop = l.shop AND a.refund_no = l.refund_no AND a.file = l.file
WHERE (l.shop, l.refund_no) NOT IN (
    SELECT (shop, refund_no) FROM after_sale_lines WHERE sku IS NULL OR quantity IS NULL)
GROUP BY ALL;

-- Receipts to after-sales: by 售后单号, else the order's only after-sale taking goods back.
CREATE OR REPLACE TEMP TABLE rr AS
SELECT r.*, coalesce(a.refund_no, o.refund_no) AS sale_no
FROM return_receipts r
LEFT JOIN av a ON a.shop = r.shop AND a.refund_no = r.refund_no
LEFT JOIN (SELECT shop, order_no, any_value(refund_no) AS refund_no FROM av
           WHERE kind IN ('return_and_refund', 'exchange') GROUP BY ALL HAVING count(*) = 1) o
       ON a.refund_no IS NULL AND o.shop = r.shop AND o.order_no = r.order_no;

CREATE OR REPLACE TEMP TABLE av_received AS
SELECT shop, sale_no AS refund_no, min(received_at) AS first_received, sum(quantity) AS quantity
FROM rr WHERE sale_no IS NOT NULL GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE erp_latest AS
SELECT * FROM erp_orders
QUALIFY row_number() OVER (PARTITION BY shop, order_no ORDER BY updated_at DESC, file DESC,
                                                                  line DESC) = 1;

-- ------------------------------------------------------------------------------------------
-- Findings.

CREATE OR REPLACE TABLE findings AS
WITH f(code, shop, order_no, refund_no, txn_no, sku, expected_fen, actual_fen) AS (

-- PAYMENT_MISSING: funds due (trade finished / direct payment) and no income row once the
-- window after 确认收货 has passed.
SELECT 'PAYMENT_MISSING', shop, order_no, NULL, NULL, NULL,
       paid - refunded_before_due + subsidy, 0
FROM order_money
WHERE due_from IS NOT NULL AND paid IS NOT NULL AND NOT is_settled AND NOT has_income
  AND paid - refunded_before_due + subsidy > 0
  AND due_from + to_days(getvariable('w_payment')) <= getvariable('cut_off')

-- PAYMENT_AMOUNT_MISMATCH: Σ income ≠ 实付 − refunds before the release + platform subsidy.
UNION ALL
SELECT 'PAYMENT_AMOUNT_MISMATCH', shop, order_no, NULL, NULL, NULL,
       paid - refunded_before_release + subsidy, actual
FROM order_money
WHERE released IS NOT NULL AND paid IS NOT NULL AND NOT is_settled
  AND abs(actual - (paid - refunded_before_release + subsidy)) > getvariable('tol_fen')

-- PAYMENT_ORPHAN: an income row naming an order nobody knows (and paying no statement).
UNION ALL
SELECT 'PAYMENT_ORPHAN', m.shop, m.order_ref, NULL, m.txn_no, NULL, 0, m.amount
FROM money_m m
WHERE m.kind = 'income' AND m.amount > 0 AND m.order_ref IS NOT NULL AND m.order_key IS NULL
  -- Two anti-joins rather than one with OR: an OR condition cannot be a hash join.
  AND NOT EXISTS (SELECT 1 FROM settlements s
                  WHERE s.shop = m.shop AND s.payment_ref = m.merchant_ref)
  AND NOT EXISTS (SELECT 1 FROM settlements s
                  WHERE s.shop = m.shop AND s.order_no = m.order_ref)

-- REFUND_UNPAID: a completed refund with no outflow where one is due (after the release,
-- or any refund of a direct-payment order), once the window has passed.
UNION ALL
SELECT 'REFUND_UNPAID', a.shop, a.order_no, a.refund_no, NULL, NULL, a.refunded_fen, 0
FROM sale_m a
LEFT JOIN order_money o ON o.shop = a.shop AND o.order_no = a.order_key
WHERE a.refunded_fen > 0 AND a.status = 'completed'
  AND a.cid NOT IN (SELECT cid FROM claim_g)
  AND CASE
        WHEN o.direct THEN true
        WHEN a.phase = 'on_sale' THEN false
        WHEN a.phase = 'after_sale' THEN true
        WHEN o.order_no IS NULL THEN true
        WHEN coalesce(o.released, o.finished_at) IS NULL THEN false
        WHEN a.completed_at IS NULL THEN true
        ELSE coalesce(o.released, o.finished_at) <= a.completed_at
      END
  AND coalesce(coalesce(a.completed_at, a.applied_at) + to_days(getvariable('w_refund')),
               getvariable('cut_off')) <= getvariable('cut_off')

-- REFUND_ORPHAN: a refund outflow no after-sale explains.
UNION ALL
SELECT 'REFUND_ORPHAN', p.shop, p.order_key, p.refund_ref, m.txn_no, NULL, 0, p.amount
FROM payout p JOIN money_m m USING (rid)
WHERE p.rid NOT IN (SELECT rid FROM payout_g)

-- REFUND_AMOUNT_MISMATCH / REFUND_DUPLICATE: per matched group.
UNION ALL
SELECT 'REFUND_AMOUNT_MISMATCH', shop, order_key, CASE WHEN sales = 1 THEN refund_no END,
       NULL, NULL, claimed, paid_out
FROM refund_group
WHERE NOT repeated AND payouts > 0 AND abs(paid_out - claimed) > getvariable('tol_fen')
UNION ALL
SELECT 'REFUND_DUPLICATE', shop, order_key, CASE WHEN sales = 1 THEN refund_no END,
       NULL, NULL, claimed, paid_out
FROM refund_group
WHERE repeated

-- REFUND_EXCEEDS_PAID: Σ refunds of the order > 实付; else per order line (子订单 or SKU).
UNION ALL
SELECT 'REFUND_EXCEEDS_PAID', shop, order_no, NULL, NULL, NULL, paid, refunded_total
FROM order_money
WHERE refunds > 0 AND paid IS NOT NULL AND refunded_total - paid > getvariable('tol_fen')
UNION ALL
(WITH line_paid AS (
     SELECT shop, order_no, coalesce(sub_order_no, sku) AS line_key, min(sku) AS sku,
            sum(paid_fen) AS paid
     FROM order_lines WHERE coalesce(sub_order_no, sku) IS NOT NULL AND paid_fen IS NOT NULL
     GROUP BY ALL),
 line_refunded AS (
     SELECT l.shop, a.order_key AS order_no, coalesce(l.sub_order_no, l.sku) AS line_key,
            sum(l.refund_fen) AS refunded
     FROM after_sale_lines l
     JOIN sale_m a ON a.shop = l.shop AND a.refund_no = l.refund_no AND a.file = l.file
     WHERE a.refunded_fen > 0 AND l.refund_fen IS NOT NULL
       AND coalesce(l.sub_order_no, l.sku) IS NOT NULL AND a.order_key IS NOT NULL
     GROUP BY ALL)
 SELECT 'REFUND_EXCEEDS_PAID', p.shop, p.order_no, NULL, NULL, p.sku, p.paid, r.refunded
 FROM line_paid p JOIN line_refunded r USING (shop, order_no, line_key)
 JOIN order_money o ON o.shop = p.shop AND o.order_no = p.order_no
 WHERE r.refunded - p.paid > getvariable('tol_fen')
   AND NOT (o.paid IS NOT NULL AND o.refunded_total - o.paid > getvariable('tol_fen')))

-- FLOW_DUPLICATE: rows with different ids and the same business id, kind and amount beyond
-- what the order's lines (or, for refunds, the after-sales they pay) explain.
UNION ALL
(WITH grp AS (
     SELECT f.shop, f.business_no, f.kind, f.amount_fen, count(*) AS n,
            arg_min(m.order_key, (f.file, f.line)) AS order_key,
            arg_min(coalesce(f.order_no, f.merchant_ref), (f.file, f.line)) AS order_ref,
            list(f.txn_no ORDER BY f.file, f.line) AS txns,
            bool_or(g.rid IS NOT NULL) AS pays_refund
     FROM flow f
     JOIN money_m m ON m.shop = f.shop AND m.txn_no = f.txn_no AND m.file = f.file
                   AND m.line = f.line
     LEFT JOIN payout_g g ON g.rid = m.rid
     WHERE f.business_no IS NOT NULL
     GROUP BY f.shop, f.business_no, f.kind, f.amount_fen
     HAVING count(*) > 1),
 lines AS (SELECT shop, order_no, count(*) AS n FROM order_lines GROUP BY ALL),
 judged AS (
     SELECT g.*, CASE WHEN g.kind = 'refund' THEN 1 ELSE greatest(coalesce(l.n, 0), 1) END
                 AS explained
     FROM grp g LEFT JOIN lines l ON l.shop = g.shop AND l.order_no = g.order_key
     WHERE NOT (g.kind = 'refund' AND g.pays_refund))
 SELECT 'FLOW_DUPLICATE', shop, order_ref, NULL, txns[explained + 1], NULL,
        amount_fen * explained, amount_fen * n
 FROM judged WHERE n > explained)

-- BALANCE_BREAK: a balance ≠ the previous balance + the amounts since (rows without a
-- balance carry it forward), per account in time order.
UNION ALL
(WITH ordered AS (
     SELECT shop, provider, account, txn_no, amount_fen, balance_fen,
            sum(amount_fen) OVER w AS running, row_number() OVER w AS pos
     FROM flow
     WINDOW w AS (PARTITION BY shop, provider, coalesce(account, '')
                  ORDER BY occurred_at, file, line ROWS UNBOUNDED PRECEDING)),
 balanced AS (
     SELECT *, lag(balance_fen) OVER w AS prev_balance, lag(running) OVER w AS prev_running
     FROM ordered WHERE balance_fen IS NOT NULL
     WINDOW w AS (PARTITION BY shop, provider, coalesce(account, '') ORDER BY pos))
 SELECT 'BALANCE_BREAK', shop, NULL, NULL, txn_no, NULL,
        prev_balance + running - prev_running, balance_fen
 FROM balanced
 WHERE prev_balance IS NOT NULL
   AND abs(balance_fen - (prev_balance + running - prev_running)) > 0)

-- DUPLICATE_SHIPMENT: shipped > ordered + approved 补发/换货, per order line (order + SKU);
-- shipments naming an approved 补发/换货 against that after-sale's quantity.
UNION ALL
(WITH extra AS (
     SELECT a.shop, a.order_no, a.refund_no, a.kind,
            EXISTS (SELECT 1 FROM shipments s WHERE s.shop = a.shop
                    AND s.order_no = a.order_no AND s.refund_no = a.refund_no) AS named
     FROM av a
     WHERE a.kind IN ('reship', 'exchange')
       AND a.status NOT IN ('pending_review', 'rejected', 'closed')),
 ordered AS (
     SELECT shop, order_no, sku, sum(quantity) AS quantity FROM order_lines
     WHERE (shop, order_no) NOT IN (SELECT (shop, order_no) FROM order_lines WHERE sku IS NULL)
     GROUP BY ALL),
 allowance AS (
     SELECT e.shop, e.order_no,
            sum(q.quantity) FILTER (WHERE NOT e.named AND e.kind = 'exchange') AS pool,
            bool_or(NOT e.named AND q.refund_no IS NULL) AS unmeasurable
     FROM extra e LEFT JOIN av_qty q ON q.shop = e.shop AND q.refund_no = e.refund_no
     GROUP BY ALL),
 reship AS (
     SELECT e.shop, e.order_no, q.sku, sum(q.quantity) AS quantity
     FROM extra e JOIN av_qty q ON q.shop = e.shop AND q.refund_no = e.refund_no
     WHERE NOT e.named AND e.kind = 'reship' GROUP BY ALL),
 rest AS (
     SELECT s.shop, s.order_no, s.sku, sum(s.quantity) AS shipped
     FROM shipments s
     WHERE (s.shop, s.order_no) IN (SELECT (shop, order_no) FROM ordered)
       AND NOT EXISTS (SELECT 1 FROM extra e WHERE e.shop = s.shop AND e.order_no = s.order_no
                       AND e.refund_no = s.refund_no)
     GROUP BY ALL),
 excess AS (
     SELECT r.shop, r.order_no, r.sku, r.shipped,
            coalesce(o.quantity, 0) + coalesce(x.quantity, 0) AS allowed,
            greatest(r.shipped - coalesce(o.quantity, 0) - coalesce(x.quantity, 0), 0) AS over,
            coalesce(a.pool, 0) AS pool, coalesce(a.unmeasurable, false) AS unmeasurable
     FROM rest r
     LEFT JOIN ordered o USING (shop, order_no, sku)
     LEFT JOIN reship x USING (shop, order_no, sku)
     LEFT JOIN allowance a USING (shop, order_no)),
 spent AS (
     SELECT *, least(over, greatest(pool - coalesce(sum(over) OVER (
                   PARTITION BY shop, order_no ORDER BY sku
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0), 0)) AS from_pool
     FROM excess)
 SELECT 'DUPLICATE_SHIPMENT', shop, order_no, NULL, NULL, sku, NULL, NULL
 FROM spent WHERE over - from_pool > 0 AND NOT unmeasurable
 UNION ALL
 SELECT 'DUPLICATE_SHIPMENT', e.shop, e.order_no, e.refund_no, NULL,
        CASE WHEN count(DISTINCT s.sku) = 1 THEN min(s.sku) END, NULL, NULL
 FROM extra e
 JOIN shipments s ON s.shop = e.shop AND s.order_no = e.order_no AND s.refund_no = e.refund_no
 JOIN (SELECT shop, refund_no, sum(quantity) AS quantity FROM av_qty GROUP BY ALL) q
   ON q.shop = e.shop AND q.refund_no = e.refund_no
 WHERE e.order_no IN (SELECT order_no FROM ordered o WHERE o.shop = e.shop)
 GROUP BY e.shop, e.order_no, e.refund_no, q.quantity
 HAVING sum(s.quantity) > q.quantity)

-- RETURN_NOT_RECEIVED: a refunded 退货退款 without any receipt, window after the refund passed.
UNION ALL
SELECT 'RETURN_NOT_RECEIVED', a.shop, a.order_no, a.refund_no, NULL, NULL, a.refunded_fen, 0
FROM av a
WHERE a.kind = 'return_and_refund' AND a.status = 'completed' AND a.refunded_fen > 0
  AND a.completed_at + to_days(getvariable('w_return')) <= getvariable('cut_off')
  AND NOT EXISTS (SELECT 1 FROM av_received r WHERE r.shop = a.shop
                  AND r.refund_no = a.refund_no)

-- RECEIVED_NOT_REFUNDED: goods back, refund not done, window after the first receipt passed.
UNION ALL
SELECT 'RECEIVED_NOT_REFUNDED', a.shop, a.order_no, a.refund_no, NULL, NULL, NULL, NULL
FROM av a JOIN av_received r ON r.shop = a.shop AND r.refund_no = a.refund_no
WHERE a.kind = 'return_and_refund' AND a.status <> 'completed'
  AND r.first_received + to_days(getvariable('w_received')) <= getvariable('cut_off')

-- RETURN_MISMATCH: received SKU/quantity ≠ the after-sale's lines (short receipts of an
-- after-sale still open are a partial arrival; of a completed one, a mismatch).
UNION ALL
(WITH got AS (
     SELECT shop, sale_no AS refund_no, sku, sum(quantity) AS quantity
     FROM rr WHERE sale_no IS NOT NULL GROUP BY ALL),
 goods_back AS (
     SELECT a.shop, a.order_no, a.refund_no, a.status
     FROM av a
     WHERE a.kind IN ('return_and_refund', 'exchange')
       AND EXISTS (SELECT 1 FROM got g WHERE g.shop = a.shop AND g.refund_no = a.refund_no)
       AND EXISTS (SELECT 1 FROM av_qty q WHERE q.shop = a.shop AND q.refund_no = a.refund_no)),
 wanted AS (SELECT w.* FROM av_qty w JOIN goods_back USING (shop, refund_no)),
 received AS (SELECT g.* FROM got g JOIN goods_back USING (shop, refund_no)),
 per_sku AS (
     SELECT shop, refund_no, sku, w.quantity AS want, coalesce(r.quantity, 0) AS have
     FROM wanted w FULL JOIN received r USING (shop, refund_no, sku))
 SELECT 'RETURN_MISMATCH', b.shop, b.order_no, b.refund_no, NULL, x.sku, NULL, NULL
 FROM per_sku x JOIN goods_back b USING (shop, refund_no)
 WHERE x.want IS NULL OR x.have > x.want OR (x.have < x.want AND b.status = 'completed'))

-- AFTERSALE_OVERDUE: still open at the cut-off, past its limit counted from the application.
UNION ALL
SELECT 'AFTERSALE_OVERDUE', shop, order_no, refund_no, NULL, NULL, requested_fen, NULL
FROM av
WHERE is_open AND applied_at + to_days(getvariable('w_aftersale')) <= getvariable('cut_off')

-- STATUS_MISMATCH: refunded/closed on the platform but shipped in the ERP, or shipped on the
-- platform and not in the ERP; after the grace from the later of the two records.
UNION ALL
SELECT 'STATUS_MISMATCH', o.shop, o.order_no, NULL, NULL, NULL, NULL, NULL
FROM orders o JOIN erp_latest e ON e.shop = o.shop AND e.order_no = o.order_no
WHERE ((o.status IN ('refunded', 'cancelled') AND e.status IN ('shipped', 'completed'))
    OR (o.status IN ('shipped', 'finished')
        AND e.status IN ('pending_review', 'waiting_shipment', 'cancelled')))
  AND greatest(e.updated_at, coalesce(greatest(o.created_at, o.paid_at, o.shipped_at,
                                               o.finished_at), e.updated_at))
      + to_days(getvariable('w_status')) <= getvariable('cut_off')

-- ORDER_AMOUNT_ERROR: goods + postage − discounts ≠ paid, on the order (±1 分 per line) and
-- on each line; ERP orders of direct-payment shops on the order.
UNION ALL
(WITH amounts AS (
     SELECT o.shop, o.order_no, o.goods_fen AS goods, o.postage_fen AS postage,
            CASE WHEN coalesce(o.seller_discount_fen, o.platform_discount_fen,
                               o.other_discount_fen) IS NOT NULL
                 THEN coalesce(o.seller_discount_fen, 0) + coalesce(o.platform_discount_fen, 0)
                      + coalesce(o.other_discount_fen, 0) END AS discount,
            o.paid_fen AS paid, greatest(coalesce(l.n, 0), 1) AS lines
     FROM orders o
     LEFT JOIN (SELECT shop, order_no, count(*) AS n FROM order_lines GROUP BY ALL) l
            USING (shop, order_no)
     WHERE o.status NOT IN ('unpaid', 'cancelled')
     UNION ALL
     SELECT e.shop, e.order_no, e.goods_fen, e.postage_fen, e.discount_fen, e.paid_fen, 1
     FROM erp_latest e
     WHERE e.paid_fen IS NOT NULL AND e.status <> 'cancelled'
       AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.shop = e.shop AND o.order_no = e.order_no))
 SELECT 'ORDER_AMOUNT_ERROR', shop, order_no, NULL, NULL, NULL,
        goods + postage - discount, paid
 FROM amounts
 WHERE abs(paid - (goods + postage - discount)) > getvariable('tol_fen') * lines
 UNION ALL
 SELECT 'ORDER_AMOUNT_ERROR', l.shop, l.order_no, NULL, NULL, l.sku,
        l.goods_fen - l.discount_fen, l.paid_fen
 FROM order_lines l JOIN orders o USING (shop, order_no)
 WHERE o.status NOT IN ('unpaid', 'cancelled')
   AND abs(l.paid_fen - (l.goods_fen - l.discount_fen)) > getvariable('tol_fen'))
)
SELECT code, shop, order_no, refund_no, txn_no, sku, expected_fen, actual_fen,
       actual_fen - expected_fen AS diff_fen
FROM f
ORDER BY code, shop, order_no NULLS FIRST, refund_no NULLS FIRST, txn_no NULLS FIRST,
         sku NULLS FIRST;
