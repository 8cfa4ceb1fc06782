//! A lifecycle with no planted problem gives no finding: many months of random orders per
//! platform, written into the platforms' real files and run through import and the engine.
//! Findings a known gap explains (`gaps::KNOWN_GAPS`, that code on that story shape only)
//! are set aside. `DUIZHANG_WORLD_LIFECYCLES` raises the count for a long run.

use duizhang_core::Platform;
use duizhang_world::platform::{douyin, jd, pdd, tmall, wechat};
use duizhang_world::world::{World, lifecycles, run_clean};

fn assert_clean(world: World, seed: u64) {
    assert_clean_share(world, seed, 1);
}

/// Runs `lifecycles() / divisor` lifecycles (a slower file shape runs a share of the count).
fn assert_clean_share(world: World, seed: u64, divisor: usize) {
    let total = lifecycles() / divisor;
    let (run, wrong) = run_clean(world, seed, total);
    eprintln!("{:?}: {run} lifecycles", world.platform);
    assert!(run >= total);
    assert!(
        wrong.is_empty(),
        "findings on clean lifecycles:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn tmall_orders_with_escrow_refunds_returns_and_exchanges_give_no_finding() {
    assert_clean(
        World {
            platform: Platform::Tmall,
            month: tmall::month,
            render: tmall::render,
            files: tmall::files,
        },
        11,
    );
}

#[test]
fn pdd_orders_settled_at_confirmation_with_deductions_and_after_sale_refunds_give_no_finding() {
    assert_clean(pdd::WORLD, 12);
}

#[test]
fn wechat_mini_program_orders_paid_directly_with_refunds_at_any_time_give_no_finding() {
    assert_clean(wechat::WORLD, 13);
}

#[test]
fn jd_orders_settled_after_completion_with_clawbacks_give_no_finding() {
    assert_clean(jd::WORLD, 14);
}

#[test]
fn douyin_sub_orders_settled_net_after_confirmation_give_no_finding() {
    assert_clean(douyin::WORLD, 15);
}

#[test]
fn taobao_orders_from_todays_sub_order_export_give_no_finding() {
    // The same escrow rules as Tmall (run in full above); the workbook export is slower to
    // write and read, so a fifth of the count.
    assert_clean_share(tmall::TAOBAO_WORLD, 16, 5);
}
