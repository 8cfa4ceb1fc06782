//! Two consecutive months of one shop (`months::months`): September's orders confirmed,
//! released, settled and refunded in October are in October's fund flow, statements, after-sales
//! and ERP files, and October's order export holds only October's orders. Run in order through
//! the pipeline, October with September's carry.json (as `--carry-in` reads it), a clean pair
//! of months gives no finding; October beside September's order files alone, or with neither,
//! gives exactly what the missing data explains; problems that cross the month's end are found
//! in October with their code. `DUIZHANG_WORLD_MONTHS_ORDERS` sets the orders paid in each month
//! (default 500).

use std::collections::BTreeSet;

use duizhang_core::{Finding, FlowKind, Period, Platform};
use duizhang_engine::CarryIn;
use duizhang_world::month::{Chained, Files, Month, run_carried};
use duizhang_world::months::{months, order_files, plant_among};
use duizhang_world::plant::{plant, release_never_comes};
use duizhang_world::story::{DAY, Deal};
use duizhang_world::world::World;
use duizhang_world::{platform, verdict};

fn orders() -> usize {
    std::env::var("DUIZHANG_WORLD_MONTHS_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

/// `DUIZHANG_WORLD_MONTHS_SEED` moves every seed (other worlds for a long run).
fn seeded(seed: u64) -> u64 {
    seed + std::env::var("DUIZHANG_WORLD_MONTHS_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        * 1000
}

fn period(text: &str) -> Period {
    Period::parse(text).unwrap_or_else(|| panic!("{text}"))
}

/// September and October 2026 of `world`'s shop.
fn pair(world: World, seed: u64) -> (Month, Month) {
    let mut ms = months(world, seeded(seed), period("2026-09"), 2, orders()).into_iter();
    let (Some(september), Some(october)) = (ms.next(), ms.next()) else {
        unreachable!("two months")
    };
    (september, october)
}

/// On a month's clock, the earlier months' stories began before it (September's, on
/// October's clock).
fn of_september(d: &Deal) -> bool {
    d.paid_at < 0
}

fn world_of(p: Platform) -> World {
    platform::world(p).unwrap_or_else(|| panic!("{p:?}"))
}

fn describe(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {:?}: {}\n",
                f.code,
                f.order_no.as_deref().unwrap_or("-"),
                f.refund_no,
                f.message
            )
        })
        .collect()
}

/// September run alone, then October with September's carry.
fn chain(sept: &Month, sept_files: &Files, oct: &Month, oct_files: &Files) -> (Chained, Chained) {
    let first = run_carried(sept, sept_files, sept.period(), &CarryIn::none());
    let second = run_carried(oct, oct_files, oct.period(), &first.carry_out);
    (first, second)
}

fn unexplained<'a>(m: &Month, ran: &'a Chained, p: Platform) -> Vec<&'a Finding> {
    verdict::clean(m, &ran.ran, p)
        .unexplained
        .into_iter()
        .map(|(f, _)| f)
        .collect()
}

/// Runs `count` months from `first` in order, each with the carry of the one before:
/// no finding in any; every carried item judged — closed, or still inside its window at the
/// month's end — none found, none left unjudged.
fn assert_months_in_order_with_the_carry_give_no_finding(
    p: Platform,
    seed: u64,
    first: &str,
    count: usize,
) {
    let world = world_of(p);
    let ms = months(world, seeded(seed), period(first), count, orders());
    let mut carry = CarryIn::none();
    for (k, m) in ms.iter().enumerate() {
        let month = m.period();
        let files = (world.files)(m);
        if k > 0 {
            // The month's files hold what the earlier months' orders did in it, and its order
            // export none of them.
            let earlier: BTreeSet<&str> = m
                .deals
                .iter()
                .filter(|d| of_september(d))
                .map(|d| d.order_no.as_str())
                .collect();
            let moved = m
                .flows
                .iter()
                .filter(|f| f.order_no.as_deref().is_some_and(|o| earlier.contains(o)))
                .count();
            assert!(
                moved > 0,
                "{p:?} {month}: no earlier order in its fund flow"
            );
            assert!(
                m.orders
                    .iter()
                    .all(|o| !earlier.contains(o.order_no.as_str())),
                "{p:?} {month}: its order export holds an earlier month's order"
            );
        }
        let ran = run_carried(m, &files, month, &carry);
        let wrong = unexplained(m, &ran, p);
        assert!(
            wrong.is_empty(),
            "{p:?} seed {seed} {month}{}:\n{}",
            if k > 0 {
                " with the carry of the month before"
            } else {
                ""
            },
            describe(&wrong)
        );
        assert!(
            !ran.carry_out.pending.is_empty(),
            "{p:?} {month}: a month ends with items in transit"
        );
        if k > 0 {
            let account = ran
                .carried
                .as_ref()
                .unwrap_or_else(|| panic!("{p:?} {month}: nothing carried"));
            assert_eq!(account.items, carry.pending.len(), "{p:?} {month}");
            assert_eq!(account.found, 0, "{p:?} {month}");
            assert!(
                account.not_judged.is_empty(),
                "{p:?} {month}: {} checks not judged",
                account.not_judged.len()
            );
            assert_eq!(account.closed + account.pending, account.items, "{p:?}");
            assert!(account.closed > 0, "{p:?} {month}: no carried item closed");
        }
        let end = month.end().to_string().replace(' ', "T");
        for item in &ran.ran.outcome.pending {
            assert!(item.due >= end, "{p:?} {month}: {item:?} is due");
        }
        carry = ran.carry_out;
    }
}

#[test]
fn months_run_in_order_with_the_carry_of_the_month_before_give_no_finding() {
    for (k, p) in platform::ALL.into_iter().enumerate() {
        let k = u64::try_from(k).unwrap_or(0);
        assert_months_in_order_with_the_carry_give_no_finding(p, 410 + k, "2026-09", 2);
        // December 2025 to February 2026: across a year's end into a short month, and what
        // January carries on comes from both months before.
        assert_months_in_order_with_the_carry_give_no_finding(p, 420 + k, "2025-12", 3);
    }
}

/// A September story whose money (or part of it) was released in October.
fn released_in_october(d: &Deal) -> bool {
    of_september(d) && d.released_at.is_some_and(|r| (0..31 * DAY).contains(&r))
}

/// September's refunds completed in October while the platform still held the money: paid out
/// of the held money, no outflow (the order must be known to tell).
fn refunded_from_held_money_in_october(d: &Deal, refund: Option<&str>) -> bool {
    of_september(d)
        && d.sales.iter().any(|s| {
            s.is_refund()
                && refund.is_none_or(|r| r == s.refund_no)
                && s.done_at
                    .is_some_and(|t| t >= 0 && d.released_at.is_none_or(|r| t < r) && t < 31 * DAY)
        })
}

/// A September order whose refund was completed in September, before its release in October:
/// the release is net of it, and the refund is in September's files only.
fn refunded_in_september_before_an_october_release(d: &Deal) -> bool {
    released_in_october(d)
        && d.sales
            .iter()
            .any(|s| s.is_refund() && s.done_at.is_some_and(|t| t < 0))
}

/// A refund completed after the release in September's last minutes: its outflow comes on
/// 1 October (within 150 s), its after-sale is in September's files only.
fn refunded_in_september_paid_out_in_october(d: &Deal) -> bool {
    of_september(d)
        && d.sales.iter().any(|s| {
            s.is_refund()
                && s.done_at.is_some_and(|t| {
                    (-DAY..0).contains(&t) && d.released_at.is_some_and(|r| r <= t)
                })
        })
}

/// A return whose goods came back in September and whose refund was completed in October: the
/// receipt is in September's ERP file only.
fn received_in_september_refunded_in_october(d: &Deal, refund: Option<&str>) -> bool {
    of_september(d)
        && d.sales.iter().any(|s| {
            refund.is_none_or(|r| r == s.refund_no)
                && s.received_at.is_some_and(|t| t < 0)
                && s.done_at.is_some_and(|t| t >= 0)
        })
}

fn deal_of<'m>(m: &'m Month, f: &Finding) -> Option<&'m Deal> {
    verdict::deal_of(m, f)
}

#[test]
fn a_month_run_beside_the_previous_months_order_files_finds_only_what_those_files_cannot_tell() {
    // The documented alternative to the carry (docs/checks.md PAYMENT_ORPHAN): the previous
    // month's order files beside this month's. The orders are known, so no release is an
    // orphan and no refund from held money is unpaid; but the order files do not say what was
    // refunded before an October release in September, nor that a return refunded in October
    // came back in September: those two stay (and only on such stories).
    let mut seen: BTreeSet<(Platform, String)> = BTreeSet::new();
    for (k, p) in platform::ALL.into_iter().enumerate() {
        let world = world_of(p);
        let (sept, oct) = pair(world, 51 + u64::try_from(k).unwrap_or(0));
        let sept_files = (world.files)(&sept);
        let mut files = (world.files)(&oct);
        let added = order_files(&sept, &sept_files);
        assert!(!added.is_empty(), "{p:?}: no order file");
        files.extend(added);
        let ran = run_carried(&oct, &files, oct.period(), &CarryIn::none());
        let wrong: Vec<&Finding> = unexplained(&oct, &ran, p)
            .into_iter()
            .filter(|f| {
                let d = deal_of(&oct, f);
                let explained = match f.code.as_str() {
                    "PAYMENT_AMOUNT_MISMATCH" => {
                        d.is_some_and(refunded_in_september_before_an_october_release)
                    }
                    "RETURN_NOT_RECEIVED" => d.is_some_and(|d| {
                        received_in_september_refunded_in_october(d, f.refund_no.as_deref())
                    }),
                    _ => false,
                };
                if explained {
                    seen.insert((p, f.code.clone()));
                }
                !explained
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{p:?}: October beside September's order files:\n{}",
            describe(&wrong)
        );
    }
    eprintln!("explained by the missing September data: {seen:?}");
}

#[test]
fn a_month_run_alone_reports_the_previous_months_orders_it_cannot_see_and_nothing_else() {
    // Neither the carry nor September's orders: each finding is about a September order, and
    // is what docs/checks.md says of an order the run does not know — its October release is
    // an orphan (PAYMENT_ORPHAN, every such order), its refund from held money is taken as
    // paid after the release (REFUND_UNPAID), a second sub-order's commission under the same
    // trade looks repeated (FLOW_DUPLICATE), a return received in September is not received
    // (RETURN_NOT_RECEIVED), a refund completed in September's last minutes whose outflow
    // came on 1 October has no after-sale in October's files (REFUND_ORPHAN).
    for (k, p) in platform::ALL.into_iter().enumerate() {
        let world = world_of(p);
        let (_, oct) = pair(world, 61 + u64::try_from(k).unwrap_or(0));
        let files = (world.files)(&oct);
        let ran = run_carried(&oct, &files, oct.period(), &CarryIn::none());
        let mut orphans: BTreeSet<&str> = BTreeSet::new();
        let codes: BTreeSet<&str> = ran.ran.findings().iter().map(|f| f.code.as_str()).collect();
        // A refund completed while the platform held the money needs no outflow; only the
        // order (or Taobao's 售中 in the 退款报表) tells. Without either it is taken as paid
        // after the release: REFUND_UNPAID on PDD, JD and Douyin, never on Tmall or Taobao.
        let unpaid_expected = matches!(p, Platform::Pdd | Platform::Jd | Platform::Douyin);
        assert_eq!(
            codes.contains("REFUND_UNPAID"),
            unpaid_expected,
            "{p:?}: {codes:?}"
        );
        let mut wrong = Vec::new();
        for f in ran.ran.findings() {
            let Some(d) = deal_of(&oct, f).filter(|d| of_september(d)) else {
                wrong.push(f);
                continue;
            };
            let explained = match f.code.as_str() {
                "PAYMENT_ORPHAN" => {
                    orphans.insert(d.order_no.as_str());
                    released_in_october(d)
                }
                "REFUND_UNPAID" => refunded_from_held_money_in_october(d, f.refund_no.as_deref()),
                "FLOW_DUPLICATE" => {
                    p == Platform::Tmall && d.lines.len() > 1 && released_in_october(d)
                }
                "RETURN_NOT_RECEIVED" => {
                    received_in_september_refunded_in_october(d, f.refund_no.as_deref())
                }
                "REFUND_ORPHAN" => refunded_in_september_paid_out_in_october(d),
                _ => false,
            };
            if !explained {
                wrong.push(f);
            }
        }
        assert!(
            wrong.is_empty(),
            "{p:?}: October alone:\n{}",
            describe(&wrong)
        );
        // Every September order with money released in October is reported, once; none when
        // the money comes at payment (the mini-program).
        let released: BTreeSet<&str> = oct
            .flows
            .iter()
            .filter(|r| r.kind == FlowKind::Income)
            .filter_map(|r| r.order_no.as_deref())
            .filter(|o| {
                oct.deals
                    .iter()
                    .any(|d| d.order_no == *o && released_in_october(d))
            })
            .collect();
        if p == Platform::Wechat {
            assert!(orphans.is_empty() && released.is_empty(), "{p:?}");
        } else {
            assert!(
                !released.is_empty(),
                "{p:?}: no September order released in October"
            );
            assert_eq!(orphans, released, "{p:?}");
        }
    }
}

/// Plants in the pair (September's files, October's) and runs them in order with the carry:
/// October's findings must be exactly `code` about the planted order, September's none.
fn assert_crossing_plant_found(
    p: Platform,
    code: &str,
    seed: u64,
    apply: impl Fn(&mut Month, &mut Month) -> Option<String>,
) -> Result<(), String> {
    let world = world_of(p);
    let (mut sept, mut oct) = pair(world, seed);
    let order = apply(&mut sept, &mut oct).ok_or_else(|| format!("{p:?} {code}: no story"))?;
    let (sept_files, oct_files) = ((world.files)(&sept), (world.files)(&oct));
    let (first, second) = chain(&sept, &sept_files, &oct, &oct_files);
    let early = unexplained(&sept, &first, p);
    let found: Vec<&Finding> = unexplained(&oct, &second, p);
    let right = found
        .iter()
        .filter(|f| f.code == code && f.order_no.as_deref() == Some(order.as_str()))
        .count();
    if !early.is_empty() || right == 0 || right != found.len() {
        return Err(format!(
            "{p:?} {code} on {order}: September found\n{}October found\n{}",
            describe(&early),
            describe(&found)
        ));
    }
    Ok(())
}

#[test]
fn problems_that_cross_the_months_end_are_found_in_the_next_month_with_their_code() {
    let mut failures = Vec::new();
    for (k, p) in platform::ALL.into_iter().enumerate() {
        let seed = 71 + u64::try_from(k).unwrap_or(0);
        // A September order's return refunded after its release, in October, whose money never
        // leaves the account.
        let unpaid = plant("REFUND_UNPAID").unwrap_or_else(|| unreachable!());
        failures.extend(
            assert_crossing_plant_found(p, "REFUND_UNPAID", seed, |_, oct| {
                plant_among(oct, of_september, unpaid.apply)
            })
            .err(),
        );
        if p == Platform::Wechat {
            // The mini-program's money comes at payment: no release crosses the month.
            continue;
        }
        // A September order released in October 5 元 short (its statement saying the same).
        let short = plant("PAYMENT_AMOUNT_MISMATCH").unwrap_or_else(|| unreachable!());
        failures.extend(
            assert_crossing_plant_found(p, "PAYMENT_AMOUNT_MISMATCH", seed, |_, oct| {
                plant_among(oct, released_in_october, short.apply)
            })
            .err(),
        );
        // An order confirmed in September's last days whose release never comes: pending at
        // September's end, found in October once 15 days have passed.
        failures.extend(
            assert_crossing_plant_found(p, "PAYMENT_MISSING", seed, |sept, oct| {
                let end = sept.clock.cut_off;
                let d = sept.deals.iter().find(|d| {
                    // Shipped in those days too: an export with no 确认收货时间 (Taobao's
                    // 订单导出) gives only the shipping time to count the window from.
                    d.shape == duizhang_world::story::Shape::Plain
                        && d.shipped_at.is_some_and(|t| t >= end - 12 * DAY)
                        && d.confirmed_at.is_some_and(|c| c < end - 2 * DAY)
                })?;
                let order = d.order_no.clone();
                let a = release_never_comes(sept, &order);
                let b = release_never_comes(oct, &order);
                (a || b).then_some(order)
            })
            .err(),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
