//! The audit chain shows every kind of tampering a person with database access could try:
//! an entry edited, deleted, inserted or moved, and the tail cut off.

#![allow(clippy::unwrap_used)]

use duizhang_workflow::audit::BreakKind;
use duizhang_workflow::{AuditEntry, ChainHead, NewAuditEntry, chain, verify};
use proptest::prelude::*;

fn entry(n: u64) -> NewAuditEntry {
    NewAuditEntry {
        at: format!("2026-11-{:02} 10:{:02}:00", 1 + n % 28, n % 60),
        company: "禾木家居".into(),
        actor: if n.is_multiple_of(2) {
            "li.kuaiji"
        } else {
            "wang.zhuguan"
        }
        .into(),
        action: "case.transition".into(),
        subject: format!("case:{n}"),
        before: Some(format!(r#"{{"state":"open","n":{n}}}"#)),
        after: if n.is_multiple_of(3) {
            None
        } else {
            Some(r#"{"state":"in_progress"}"#.into())
        },
    }
}

fn log(n: u64) -> Vec<AuditEntry> {
    let mut head = ChainHead::genesis();
    let mut out = Vec::new();
    for i in 0..n {
        let e = chain(&head, entry(i));
        head = ChainHead {
            seq: e.seq,
            hash: e.hash.clone(),
        };
        out.push(e);
    }
    out
}

fn head_of(entries: &[AuditEntry]) -> ChainHead {
    let last = entries.last().unwrap();
    ChainHead {
        seq: last.seq,
        hash: last.hash.clone(),
    }
}

fn broken(entries: &[AuditEntry], anchor: Option<&ChainHead>) -> (u64, BreakKind) {
    let b = verify(entries, &ChainHead::genesis(), anchor).unwrap_err();
    (b.position, b.kind)
}

#[test]
fn an_untouched_log_verifies_and_gives_its_head() {
    let entries = log(20);
    let head = verify(&entries, &ChainHead::genesis(), None).unwrap();
    assert_eq!(head, head_of(&entries));
    assert_eq!(
        verify(&entries, &ChainHead::genesis(), Some(&head)).unwrap(),
        head
    );
}

#[test]
fn an_entry_edited_in_place_is_found_where_it_was_edited() {
    let mut entries = log(10);
    entries[4].entry.actor = "admin".into();
    assert_eq!(broken(&entries, None), (5, BreakKind::Edited));
}

#[test]
fn an_entry_edited_with_its_hash_recomputed_breaks_the_link_to_the_next() {
    let mut entries = log(10);
    let head = ChainHead {
        seq: 4,
        hash: entries[3].hash.clone(),
    };
    let mut forged = entry(4);
    forged.after = Some(r#"{"state":"closed"}"#.into());
    entries[4] = chain(&head, forged);
    assert_eq!(broken(&entries, None), (6, BreakKind::Unlinked));
}

#[test]
fn a_deleted_entry_is_found_as_a_gap() {
    let mut entries = log(10);
    entries.remove(6);
    assert_eq!(broken(&entries, None), (7, BreakKind::Missing));
}

#[test]
fn a_deleted_entry_with_the_rest_renumbered_is_found_as_unlinked() {
    let mut entries = log(10);
    entries.remove(6);
    for (i, e) in entries.iter_mut().enumerate().skip(6) {
        e.seq = u64::try_from(i).unwrap() + 1;
    }
    // Renumbering changes the hashed seq: the entry no longer gives its hash.
    assert_eq!(broken(&entries, None).0, 7);
}

#[test]
fn an_inserted_entry_is_found() {
    let mut entries = log(10);
    let mut copy = entries[2].clone();
    copy.entry.subject = "case:999".into();
    entries.insert(3, copy);
    assert_eq!(broken(&entries, None), (4, BreakKind::InsertedOrMoved));
}

#[test]
fn two_entries_swapped_are_found() {
    let mut entries = log(10);
    entries.swap(3, 7);
    assert_eq!(broken(&entries, None), (4, BreakKind::Missing));
}

#[test]
fn two_entries_contents_swapped_under_their_numbers_are_found() {
    let mut entries = log(10);
    let (a, b) = (entries[3].entry.clone(), entries[4].entry.clone());
    entries[3].entry = b;
    entries[4].entry = a;
    assert_eq!(broken(&entries, None), (4, BreakKind::Edited));
}

#[test]
fn a_tail_cut_off_is_found_against_the_head_kept_outside() {
    let entries = log(10);
    let recorded = head_of(&entries);
    let cut = &entries[..7];
    assert!(verify(cut, &ChainHead::genesis(), None).is_ok());
    let b = verify(cut, &ChainHead::genesis(), Some(&recorded)).unwrap_err();
    assert_eq!(b.kind, BreakKind::Truncated);
    assert!(b.zh().contains("缺失"), "{}", b.zh());
}

#[test]
fn a_rewritten_log_does_not_reach_the_head_kept_outside() {
    let entries = log(10);
    let recorded = head_of(&entries);
    let mut head = ChainHead::genesis();
    let rewritten: Vec<AuditEntry> = (0..10)
        .map(|i| {
            let mut e = entry(i);
            if i == 2 {
                e.actor = "admin".into();
            }
            let e = chain(&head, e);
            head = head_of(std::slice::from_ref(&e));
            e
        })
        .collect();
    assert!(verify(&rewritten, &ChainHead::genesis(), None).is_ok());
    let b = verify(&rewritten, &ChainHead::genesis(), Some(&recorded)).unwrap_err();
    assert_eq!((b.position, b.kind), (10, BreakKind::Unlinked));
}

#[test]
fn a_segment_verifies_from_the_head_before_it() {
    let entries = log(12);
    let start = head_of(&entries[..5]);
    assert_eq!(
        verify(&entries[5..], &start, None).unwrap(),
        head_of(&entries)
    );
    assert!(verify(&entries[5..], &ChainHead::genesis(), None).is_err());
}

#[derive(Clone, Debug)]
enum Tamper {
    EditField(usize, u8),
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        (0usize..30, 0u8..7).prop_map(|(i, f)| Tamper::EditField(i, f)),
        (0usize..29).prop_map(Tamper::Delete),
        (0usize..30).prop_map(Tamper::Duplicate),
        (0usize..30, 0usize..30)
            .prop_filter("two places", |(a, b)| a != b)
            .prop_map(|(a, b)| Tamper::Swap(a, b)),
    ]
}

proptest! {
    /// Any one change to a 30-entry log is found (deleting the last entry needs the head kept
    /// outside, which is given here as an archive would).
    #[test]
    fn any_single_tampering_is_detected(t in tamper()) {
        let mut entries = log(30);
        let recorded = head_of(&entries);
        match t {
            Tamper::EditField(i, f) => {
                let e = &mut entries[i].entry;
                match f {
                    0 => e.at.push('1'),
                    1 => e.company.push('x'),
                    2 => e.actor = "admin".into(),
                    3 => e.action.push('!'),
                    4 => e.subject.push('9'),
                    5 => e.before = None,
                    _ => e.after = Some("{}".into()),
                }
            }
            Tamper::Delete(i) => { entries.remove(i); }
            Tamper::Duplicate(i) => { let copy = entries[i].clone(); entries.insert(i, copy); }
            Tamper::Swap(a, b) => entries.swap(a, b),
        }
        prop_assert!(verify(&entries, &ChainHead::genesis(), Some(&recorded)).is_err());
    }
}
