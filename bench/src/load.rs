//! `load`: a period's inputs read the way `duizhang reconcile` reads them
//! (`duizhang_import::inputs::load`), with wall and CPU time, the records per kind, their
//! inline size and heap, and the heap's peak, from a counting allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use duizhang_core::Dataset;

/// The system allocator, counting live bytes and their peak.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn mib(bytes: usize) -> f64 {
    // Display only.
    bytes.to_string().parse::<f64>().unwrap_or(0.0) / 1_048_576.0
}

/// The peak resident set of this process so far (Linux), in bytes.
fn peak_rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// `load FILES_OR_DIRS...`
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let inputs: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let paths = duizhang_import::inputs::expand_inputs(&inputs)?;
    let importers = duizhang_import::builtin_importers();
    let before = live();
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let cpu_start = crate::cpu_seconds();
    let (data, files) = duizhang_import::inputs::load(&paths, &importers, |_, _| {});
    let wall = start.elapsed().as_secs_f64();
    let cpu = crate::cpu_seconds() - cpu_start;
    let errors: u64 = files.iter().map(|f| f.error_count()).sum();
    println!(
        "load: wall {wall:.3} s, cpu {cpu:.3} s, {} files, {errors} errors; heap {:.1} MiB live, {:.1} MiB peak; peak RSS {:.1} MiB",
        files.len(),
        mib(live() - before),
        mib(PEAK.load(Ordering::Relaxed) - before),
        mib(peak_rss()),
    );
    kinds(data);
    Ok(())
}

/// Per kind: count, inline size and heap per record, measured by dropping each vector.
fn kinds(mut data: Dataset) {
    macro_rules! kind {
        ($field:ident, $ty:ty) => {{
            let n = data.$field.len();
            let cap = data.$field.capacity();
            let before = live();
            drop(std::mem::take(&mut data.$field));
            let total = before - live();
            let inline = std::mem::size_of::<$ty>();
            let heap = total.saturating_sub(cap * inline);
            println!(
                "  {:<16} {n:>9} records, {inline:>3} B inline (capacity {cap}), heap {:>6.1} B/record, total {:>7.1} MiB",
                stringify!($field),
                heap.to_string().parse::<f64>().unwrap_or(0.0) / n.max(1).to_string().parse::<f64>().unwrap_or(1.0),
                mib(total),
            );
        }};
    }
    kind!(orders, duizhang_core::Order);
    kind!(after_sales, duizhang_core::AfterSale);
    kind!(fund_flows, duizhang_core::FundFlowRow);
    kind!(payments, duizhang_core::PaymentRow);
    kind!(settlements, duizhang_core::SettlementRow);
    kind!(erp_orders, duizhang_core::ErpOrder);
    kind!(shipments, duizhang_core::Shipment);
    kind!(return_receipts, duizhang_core::ReturnReceipt);
    kind!(complaints, duizhang_core::Complaint);
    println!(
        "  OrderLine {} B, AfterSaleLine {} B, Text {} B",
        std::mem::size_of::<duizhang_core::OrderLine>(),
        std::mem::size_of::<duizhang_core::AfterSaleLine>(),
        std::mem::size_of::<duizhang_core::Text>()
    );
}
