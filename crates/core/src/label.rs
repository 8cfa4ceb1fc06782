//! [`Label`]: the text of a small vocabulary (shop names, status and type texts, SKUs, product
//! titles, carriers, accounts), shared by every record that carries it.
//!
//! A big month repeats the same few hundred labels tens of millions of times. Each label is
//! one pointer to a reference-counted string; inside [`Label::interning`] (loading a period's
//! inputs reads each file in one) equal labels share one string, so a label costs 8 bytes
//! whatever its length. Identifiers (order numbers, 流水号) stay [`crate::Text`]: they are unique, and an
//! inline string is cheaper for them.

use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;

use arcstr::ArcStr;

#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(pub(crate) ArcStr);

thread_local! {
    /// The labels met so far by the [`Label::interning`] scope running on this thread.
    static SHARED: RefCell<Option<foldhash::HashSet<ArcStr>>> = const { RefCell::new(None) };
}

impl Label {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Runs `work` with label sharing on this thread: every label made from text inside it
    /// shares its string with an equal one made before. The strings are released as usual
    /// once the records holding them are dropped; the scope only keeps its table while it
    /// runs. Nested calls join the outer scope.
    pub fn interning<R>(work: impl FnOnce() -> R) -> R {
        let outer = SHARED.with(|s| s.borrow().is_some());
        if outer {
            return work();
        }
        SHARED.with(|s| *s.borrow_mut() = Some(foldhash::HashSet::default()));
        // Cleared even if `work` panics, so a thread reused afterwards does not keep the table.
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                SHARED.with(|s| *s.borrow_mut() = None);
            }
        }
        let _reset = Reset;
        work()
    }

    fn make(text: &str) -> Label {
        if text.is_empty() {
            return Label(ArcStr::new());
        }
        SHARED.with(|s| match s.borrow_mut().as_mut() {
            Some(table) => {
                if let Some(known) = table.get(text) {
                    return Label(known.clone());
                }
                let new = ArcStr::from(text);
                table.insert(new.clone());
                Label(new)
            }
            None => Label(ArcStr::from(text)),
        })
    }
}

impl Deref for Label {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Label {
    fn from(text: &str) -> Label {
        Label::make(text)
    }
}

impl From<String> for Label {
    fn from(text: String) -> Label {
        Label::make(&text)
    }
}

impl From<std::borrow::Cow<'_, str>> for Label {
    fn from(text: std::borrow::Cow<'_, str>) -> Label {
        Label::make(&text)
    }
}

impl From<crate::Text> for Label {
    fn from(text: crate::Text) -> Label {
        Label::make(&text)
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_one_word() {
        assert_eq!(std::mem::size_of::<Label>(), 8);
        assert_eq!(std::mem::size_of::<Option<Label>>(), 8);
    }

    #[test]
    fn equal_labels_share_their_text_inside_a_scope_only() {
        let title = "北欧风实木床头柜 小户型卧室简约储物柜";
        let (a, b) = Label::interning(|| (Label::from(title), Label::from(title.to_string())));
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        let (c, d) = (Label::from(title), Label::from(title));
        assert!(!std::ptr::eq(c.as_str(), d.as_str()));
        assert_eq!(a, c);
        assert_eq!(a, title);
        assert_eq!(a.to_string(), title);
    }
}
