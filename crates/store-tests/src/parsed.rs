//! What an import read of each file, kept beside it for runs: under the key it was read with,
//! whole with its batch or not at all, replaced when the file is imported again by another
//! reader.

use duizhang_store::{Backend, NewFile, Parsed, Workspace};

use crate::test_clock;

const CO: &str = "禾木家居";

/// Records of a large file: more than two 1 MiB chunks, every byte value in place.
fn records(seed: u8) -> Vec<u8> {
    (0..(5usize << 19) + 17)
        .map(|i| u8::try_from(i % 251).unwrap().wrapping_add(seed))
        .collect()
}

fn bill(parsed: Option<Parsed>) -> NewFile {
    NewFile {
        name: "20880000000000000156_202610_账务明细.csv".into(),
        bytes: "#支付宝账务明细查询\n账务流水号,业务流水号\n"
            .as_bytes()
            .to_vec(),
        inspect: "[]".into(),
        orders: Vec::new(),
        parsed,
    }
}

fn read_by(reader: &str, seed: u8) -> Option<Parsed> {
    Some(Parsed {
        reader: reader.into(),
        bytes: records(seed),
    })
}

pub fn parsed_records<B: Backend>(backend: B) {
    let mut ws = Workspace::new(backend, test_clock());
    ws.add_first_user("admin", "管理员", "s3cret-admin")
        .unwrap();
    ws.create_company(CO, "admin").unwrap();
    ws.create_company("另一家店", "admin").unwrap();
    let (v1, v2) = ("duizhang 0.1.0; records 1", "duizhang 0.2.0; records 1");

    // A batch dropped before its commit keeps neither the file nor what was read of it.
    let mut batch = ws.begin_import(CO, "2026-10", "admin").unwrap();
    batch.add(&bill(read_by(v1, 5))).unwrap();
    drop(batch);
    assert!(ws.files(CO).unwrap().is_empty());

    // Kept with the file, in chunks, and read back whole under its key only.
    let sha = ws
        .import(CO, "2026-10", &[bill(read_by(v1, 0))], "admin")
        .unwrap()
        .added[0]
        .sha256
        .clone();
    assert_eq!(ws.parsed(CO, &sha, v1).unwrap(), Some(records(0)));
    assert_eq!(ws.parsed(CO, &sha, v2).unwrap(), None);
    assert_eq!(ws.parsed("另一家店", &sha, v1).unwrap(), None);

    // The same file imported again by the same reader, or by one that keeps nothing, changes
    // nothing.
    let again = ws
        .import(CO, "2026-11", &[bill(read_by(v1, 9))], "admin")
        .unwrap();
    assert_eq!(again.known, vec![sha.clone()]);
    ws.import(CO, "2026-11", &[bill(None)], "admin").unwrap();
    assert_eq!(ws.parsed(CO, &sha, v1).unwrap(), Some(records(0)));

    // Imported again after an upgrade, the file gets what the new version read; no run of the
    // new version reads the old version's records, so they go.
    ws.import(CO, "2026-11", &[bill(read_by(v2, 3))], "admin")
        .unwrap();
    assert_eq!(ws.parsed(CO, &sha, v2).unwrap(), Some(records(3)));
    assert_eq!(ws.parsed(CO, &sha, v1).unwrap(), None);
    assert_eq!(ws.files(CO).unwrap().len(), 1, "the file is kept once");
}
