//! Flattening an already parsed event (`serde_json::Value`) into the leaves some pattern needs.

use std::borrow::Cow;

use serde_json::Value;

use crate::leaf::{ArrayPos, Field, Leaf};
use crate::number::Num;

use super::paths::{NodeId, PathId, PathTrie};

/// Leaves of `event` at paths of `trie`, each with its path id.
pub(crate) fn flatten<'v>(event: &'v Value, trie: &PathTrie) -> Vec<(PathId, Field<'v>)> {
    let mut walker = Walker {
        trie,
        trail: Vec::new(),
        arrays: 0,
        out: Vec::new(),
    };
    walker.visit(event, PathTrie::ROOT);
    walker.out
}

struct Walker<'v, 't> {
    trie: &'t PathTrie,
    trail: Vec<ArrayPos>,
    arrays: u32,
    out: Vec<(PathId, Field<'v>)>,
}

impl<'v> Walker<'v, '_> {
    fn visit(&mut self, value: &'v Value, node: NodeId) {
        let leaf = match value {
            Value::Object(object) => {
                for (key, inner) in object {
                    if let Some(child) = self.trie.child(node, key) {
                        self.visit(inner, child);
                    }
                }
                return;
            }
            Value::Array(elements) => {
                let array = self.arrays;
                self.arrays += 1;
                for (index, element) in (0u32..).zip(elements) {
                    self.trail.push(ArrayPos { array, index });
                    self.visit(element, node);
                    self.trail.pop();
                }
                return;
            }
            Value::String(text) => Leaf::Str(Cow::Borrowed(text.as_str())),
            Value::Number(number) => match Num::from_serde(number) {
                Some(n) => Leaf::Num(n),
                None => return,
            },
            Value::Bool(b) => Leaf::Bool(*b),
            Value::Null => Leaf::Null,
        };
        if let Some(path) = self.trie.path_at(node) {
            self.out.push((
                path,
                Field {
                    leaf,
                    trail: self.trail.clone(),
                },
            ));
        }
    }
}
