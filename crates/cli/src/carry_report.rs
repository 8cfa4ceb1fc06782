//! What became of the items carried in, told on the console.

use std::io::Write;

use duizhang_pipeline::carry::CarryAccount;

/// One line of counts and, for items left unjudged, the checks and the missing data.
pub fn print(account: &CarryAccount) -> std::io::Result<()> {
    let mut o = crate::term::stdout();
    let not_judged: usize = account.not_judged.iter().map(|n| n.items).sum();
    writeln!(
        o,
        "上期（{}）结转在途 {} 项：已了结 {} 项，转为问题 {} 项，仍在途 {} 项，未判断 {} 项。",
        account.from, account.items, account.closed, account.found, account.pending, not_judged
    )?;
    for n in &account.not_judged {
        let zh = duizhang_engine::catalog::lookup(&n.code).map_or("", |d| d.zh);
        writeln!(
            o,
            "  店铺 {} 的 {} 项 {}（{zh}）本期未判断，仍在途：{}（上期的状态不作为本期的结论）。",
            n.shop, n.items, n.code, n.reason
        )?;
    }
    Ok(())
}
