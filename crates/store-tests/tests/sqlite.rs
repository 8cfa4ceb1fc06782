//! The story on SQLite: a file in a temporary folder, as `duizhang` uses by default.

use duizhang_store_sqlite::SqliteBackend;

#[test]
fn the_workspace_story_holds_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("duizhang-story-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("duizhang.db");
    let _ = std::fs::remove_file(&path);
    duizhang_store_tests::story(SqliteBackend::open(&path).expect("open"));
    std::fs::remove_dir_all(&dir).ok();
}
