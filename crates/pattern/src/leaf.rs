//! Event leaves: the string, number, boolean and null values found at a path.

use std::borrow::Cow;

use crate::number::Num;

/// One leaf value of an event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Leaf<'a> {
    /// A string (unescaped).
    Str(Cow<'a, str>),
    /// A number.
    Num(Num),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// One array level a leaf sits in: which array (unique per event) and which element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArrayPos {
    /// Distinguishes every array of one event.
    pub(crate) array: u32,
    /// Index of the element the leaf comes from.
    pub(crate) index: u32,
}

/// A leaf together with the arrays it sits in, outermost first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field<'a> {
    /// The value.
    pub(crate) leaf: Leaf<'a>,
    /// The array elements on the way from the root to the leaf.
    pub(crate) trail: Vec<ArrayPos>,
}

/// Whether two leaves can be used together: they never come from different elements of the
/// same array.
pub(crate) fn consistent(a: &[ArrayPos], b: &[ArrayPos]) -> bool {
    for (x, y) in a.iter().zip(b) {
        if x.array != y.array {
            return true;
        }
        if x.index != y.index {
            return false;
        }
    }
    true
}
