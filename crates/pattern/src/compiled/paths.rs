//! The trie of dotted paths some pattern mentions; the flatteners walk it to skip the rest.

use std::collections::HashMap;

use super::hash::FastMap;

/// Index of a trie node.
pub(crate) type NodeId = u32;
/// Index of a path that some condition uses.
pub(crate) type PathId = u32;

/// Child lists up to this length are scanned; longer ones use a hash map.
const LINEAR_CHILDREN: usize = 12;

#[derive(Debug, Default)]
struct Node {
    few: Vec<(Box<str>, NodeId)>,
    many: FastMap<Box<str>, NodeId>,
    path: Option<PathId>,
}

/// Path segments (split on `.`) as a trie; a dotted event key walks several segments.
#[derive(Debug)]
pub(crate) struct PathTrie {
    nodes: Vec<Node>,
    ids: HashMap<String, PathId>,
}

impl PathTrie {
    /// The root node.
    pub(crate) const ROOT: NodeId = 0;

    /// An empty trie.
    pub(crate) fn new() -> Self {
        Self {
            nodes: vec![Node::default()],
            ids: HashMap::new(),
        }
    }

    /// Adds a dotted path and returns its id (the same id for the same path).
    pub(crate) fn insert(&mut self, path: &str) -> PathId {
        let next_id = PathId::try_from(self.ids.len()).unwrap_or(PathId::MAX);
        let id = *self.ids.entry(path.to_owned()).or_insert(next_id);
        let mut node = Self::ROOT;
        for segment in path.split('.') {
            node = match self.child_of_segment(node, segment) {
                Some(child) => child,
                None => self.add_child(node, segment),
            };
        }
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.path = Some(id);
        }
        id
    }

    /// Number of distinct paths.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    fn add_child(&mut self, parent: NodeId, segment: &str) -> NodeId {
        let child = NodeId::try_from(self.nodes.len()).unwrap_or(NodeId::MAX);
        self.nodes.push(Node::default());
        if let Some(node) = self.nodes.get_mut(parent as usize) {
            if node.few.len() < LINEAR_CHILDREN && node.many.is_empty() {
                node.few.push((segment.into(), child));
            } else {
                node.many.extend(node.few.drain(..));
                node.many.insert(segment.into(), child);
            }
        }
        child
    }

    fn child_of_segment(&self, node: NodeId, segment: &str) -> Option<NodeId> {
        let node = self.nodes.get(node as usize)?;
        if node.many.is_empty() {
            node.few
                .iter()
                .find(|(name, _)| name.as_ref() == segment)
                .map(|(_, id)| *id)
        } else {
            node.many.get(segment).copied()
        }
    }

    /// The node reached from `node` through an event key (which may itself contain dots).
    pub(crate) fn child(&self, node: NodeId, key: &str) -> Option<NodeId> {
        if !key.contains('.') {
            return self.child_of_segment(node, key);
        }
        key.split('.')
            .try_fold(node, |at, segment| self.child_of_segment(at, segment))
    }

    /// The path id ending at `node`, if a condition uses exactly that path.
    pub(crate) fn path_at(&self, node: NodeId) -> Option<PathId> {
        self.nodes.get(node as usize).and_then(|n| n.path)
    }

    /// Approximate heap bytes used.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| {
                size_of::<Node>()
                    + n.few.iter().map(|(s, _)| s.len() + 24).sum::<usize>()
                    + n.many.keys().map(|s| s.len() + 32).sum::<usize>()
            })
            .sum::<usize>()
            + self.ids.keys().map(|k| k.len() + 40).sum::<usize>()
    }
}
