//! How a [`Label`] is serialized: as its text; inside [`Label::tabled`], as a table built on the
//! way — a label's text the first time it is met, its number after that.
//!
//! A file's records repeat a few hundred labels (shops, statuses, SKUs, titles) millions of
//! times. Kept for runs (`duizhang_import::parsed`), each repeat is then a number of one or two
//! bytes instead of its text: the encoding is several times smaller before compression, and
//! reading it back makes no string and looks nothing up for a label already read. Only a
//! format that is not self-describing and is read back in the order it was written (postcard)
//! may be written so; JSON and the like always get the text.

use std::borrow::Cow;
use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::Label;

thread_local! {
    /// Writing inside [`Label::tabled`]: the number of each label written so far, by the
    /// address of its text (equal labels of one file share it; one that does not is written
    /// again, which costs bytes, never correctness).
    static WRITTEN: RefCell<Option<foldhash::HashMap<usize, u32>>> = const { RefCell::new(None) };
    /// Reading inside [`Label::tabled`]: the labels read so far, by number.
    static READ: RefCell<Option<Vec<Label>>> = const { RefCell::new(None) };
}

/// A label as a table writes it.
#[derive(Serialize, Deserialize)]
enum Wire<'a> {
    /// The first time: its text (numbered in the order of first appearance).
    New(#[serde(borrow)] Cow<'a, str>),
    /// Again: the number of its first appearance.
    Seen(u32),
}

impl Label {
    /// Runs `work` with labels written and read as a table (see the module): the writer and
    /// the reader must both run inside it. Nested calls join the outer table.
    pub fn tabled<R>(work: impl FnOnce() -> R) -> R {
        let outer = READ.with(|r| r.borrow().is_some());
        if outer {
            return work();
        }
        WRITTEN.with(|w| *w.borrow_mut() = Some(foldhash::HashMap::default()));
        READ.with(|r| *r.borrow_mut() = Some(Vec::new()));
        // Cleared even if `work` panics, so a thread reused afterwards writes text again.
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                WRITTEN.with(|w| *w.borrow_mut() = None);
                READ.with(|r| *r.borrow_mut() = None);
            }
        }
        let _reset = Reset;
        work()
    }
}

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let seen = WRITTEN.with(|w| {
            let mut w = w.borrow_mut();
            let table = w.as_mut()?;
            let next = u32::try_from(table.len()).ok()?;
            match table.entry(self.0.as_ptr().addr()) {
                std::collections::hash_map::Entry::Occupied(known) => Some(Some(*known.get())),
                std::collections::hash_map::Entry::Vacant(new) => {
                    new.insert(next);
                    Some(None)
                }
            }
        });
        match seen {
            None => serializer.serialize_str(self),
            Some(None) => Wire::New(Cow::Borrowed(self.as_str())).serialize(serializer),
            Some(Some(number)) => Wire::Seen(number).serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if READ.with(|r| r.borrow().is_none()) {
            return Cow::<'de, str>::deserialize(deserializer).map(Label::from);
        }
        match Wire::deserialize(deserializer)? {
            Wire::New(text) => {
                let label = Label::from(text);
                READ.with(|r| {
                    if let Some(table) = r.borrow_mut().as_mut() {
                        table.push(label.clone());
                    }
                });
                Ok(label)
            }
            Wire::Seen(number) => READ.with(|r| {
                r.borrow()
                    .as_ref()
                    .and_then(|table| table.get(usize::try_from(number).ok()?).cloned())
                    .ok_or_else(|| {
                        serde::de::Error::custom(format!("label number {number} was never read"))
                    })
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_serialize_as_their_text_outside_a_table() {
        let label = Label::from("交易成功");
        let json = serde_json::to_string(&label).unwrap_or_default();
        assert_eq!(json, "\"交易成功\"");
        let back: Label = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, "交易成功");
    }

    #[test]
    fn a_table_writes_each_label_once_and_reads_every_repeat_back() {
        let (paid, closed) = Label::interning(|| {
            (
                Label::from("北欧风实木床头柜 小户型卧室储物柜"),
                Label::from("交易关闭"),
            )
        });
        let labels = vec![paid.clone(), closed.clone(), paid.clone(), paid, closed];
        let plain = postcard::to_stdvec(&labels).unwrap_or_default();
        let tabled = Label::tabled(|| postcard::to_stdvec(&labels)).unwrap_or_default();
        assert!(
            tabled.len() * 2 < plain.len(),
            "{} vs {}",
            tabled.len(),
            plain.len()
        );
        let back: Vec<Label> = Label::tabled(|| postcard::from_bytes(&tabled)).unwrap_or_default();
        assert_eq!(back, labels);
        // Read outside a table, the same bytes are not labels' texts.
        assert!(postcard::from_bytes::<Vec<Label>>(&tabled).map_or(true, |b| b != labels));
    }

    #[test]
    fn a_number_never_written_is_an_error_not_a_label() {
        let forged = postcard::to_stdvec(&vec![Wire::Seen(3)]).unwrap_or_default();
        assert!(Label::tabled(|| postcard::from_bytes::<Vec<Label>>(&forged)).is_err());
    }
}
