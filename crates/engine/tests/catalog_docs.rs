//! The user docs' check catalog (`docs/checks.md`) is kept true against the code's catalog: a
//! user reads the defaults there, so a changed default or a new check must change the page too.

use duizhang_engine::catalog::{CATALOG, CheckDef};

fn checks_page() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/checks.md");
    std::fs::read_to_string(path).expect("docs/checks.md is part of the repository")
}

/// The overview table's rows: code → the other six cells.
fn table_rows(page: &str) -> Vec<(String, Vec<String>)> {
    page.lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_string())
                .collect();
            (cells[0].trim_matches('`').to_string(), cells[1..].to_vec())
        })
        .collect()
}

fn documented_needs(check: &CheckDef) -> String {
    check
        .needs
        .iter()
        .map(|data| data.zh())
        .collect::<Vec<_>>()
        .join("、")
}

#[test]
fn every_check_of_the_catalog_is_in_the_docs_table_with_its_defaults() {
    let page = checks_page();
    let rows = table_rows(&page);
    for check in CATALOG {
        let Some((_, cells)) = rows.iter().find(|(code, _)| code == check.code) else {
            panic!("{} is missing from docs/checks.md", check.code);
        };
        let expected = vec![
            check.zh.to_string(),
            check.severity.zh().to_string(),
            check.owner.zh().to_string(),
            documented_needs(check),
            check.tolerance_fen.to_string(),
            check.window_days.to_string(),
        ];
        assert_eq!(cells, &expected, "docs/checks.md row of {}", check.code);
    }
}

#[test]
fn the_docs_table_names_no_check_the_catalog_lacks_and_keeps_its_order() {
    let page = checks_page();
    let documented: Vec<String> = table_rows(&page)
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let catalog: Vec<String> = CATALOG.iter().map(|c| c.code.to_string()).collect();
    assert_eq!(documented, catalog);
}

#[test]
fn every_check_has_a_section_that_states_its_rule() {
    let page = checks_page();
    for check in CATALOG {
        let heading = format!("### `{}` ", check.code);
        let Some(start) = page.find(&heading) else {
            panic!("docs/checks.md has no section for {}", check.code);
        };
        let section = &page[start + heading.len()..];
        let section = section.split("\n### ").next().unwrap_or(section);
        assert!(
            section.starts_with(check.zh) && section.contains("**规则**"),
            "the section of {} names it and states its rule",
            check.code
        );
    }
}
