//! A byte trie for prefix (and, fed reversed bytes, suffix) lookups.

/// Index of a trie node.
type NodeId = u32;

/// Edge lists up to this length are scanned linearly; longer ones are binary-searched.
const LINEAR_EDGES: usize = 8;

#[derive(Debug, Default)]
struct Node {
    /// Sorted by byte.
    edges: Vec<(u8, NodeId)>,
    /// Entries whose key ends here.
    hits: Vec<u32>,
}

/// Maps byte strings to entries; a walk reports every entry whose key is a prefix of the input.
#[derive(Debug)]
pub(crate) struct ByteTrie {
    nodes: Vec<Node>,
}

impl Default for ByteTrie {
    fn default() -> Self {
        Self {
            nodes: vec![Node::default()],
        }
    }
}

impl ByteTrie {
    /// Whether nothing was inserted.
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.len() == 1 && self.nodes.first().is_some_and(|root| root.hits.is_empty())
    }

    /// Adds `entry` under `key`.
    pub(crate) fn insert(&mut self, key: impl Iterator<Item = u8>, entry: u32) {
        let mut at = 0usize;
        for byte in key {
            at = match self.step(at, byte) {
                Some(next) => next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(Node::default());
                    if let Some(node) = self.nodes.get_mut(at) {
                        let slot = node.edges.partition_point(|(b, _)| *b < byte);
                        node.edges
                            .insert(slot, (byte, NodeId::try_from(next).unwrap_or(0)));
                    }
                    next
                }
            };
        }
        if let Some(node) = self.nodes.get_mut(at) {
            node.hits.push(entry);
        }
    }

    fn step(&self, at: usize, byte: u8) -> Option<usize> {
        let edges = &self.nodes.get(at)?.edges;
        let found = if edges.len() <= LINEAR_EDGES {
            edges.iter().find(|(b, _)| *b == byte).map(|(_, n)| *n)
        } else {
            edges
                .binary_search_by_key(&byte, |(b, _)| *b)
                .ok()
                .and_then(|i| edges.get(i))
                .map(|(_, n)| *n)
        };
        found.map(|n| n as usize)
    }

    /// Appends to `out` every entry whose key is a prefix of `input`.
    pub(crate) fn walk(&self, input: impl Iterator<Item = u8>, out: &mut Vec<u32>) {
        let mut at = 0usize;
        if let Some(root) = self.nodes.first() {
            out.extend_from_slice(&root.hits);
        }
        for byte in input {
            let Some(next) = self.step(at, byte) else {
                return;
            };
            at = next;
            if let Some(node) = self.nodes.get(at) {
                out.extend_from_slice(&node.hits);
            }
        }
    }

    /// Approximate heap bytes used.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| size_of::<Node>() + n.edges.capacity() * 8 + n.hits.capacity() * 4)
            .sum()
    }
}
