//! A static centred interval tree: which numeric ranges contain a value, in O(log n + hits).
//!
//! Bounds are treated as inclusive; the tree is a pre-filter and every hit is verified exactly.

/// One range and the rule it belongs to.
type Entry = (f64, f64, u32);

#[derive(Debug)]
struct Node {
    center: f64,
    /// Ranges containing `center`, by lower bound ascending.
    by_low: Vec<(f64, u32)>,
    /// The same ranges, by upper bound descending.
    by_high: Vec<(f64, u32)>,
    left: Option<usize>,
    right: Option<usize>,
}

/// Ranges of one path, queried by value.
#[derive(Debug, Default)]
pub(crate) struct IntervalTree {
    pending: Vec<Entry>,
    nodes: Vec<Node>,
    root: Option<usize>,
}

impl IntervalTree {
    /// Adds `[low, high]` for `rule`; call [`Self::build`] once all are added.
    pub(crate) fn insert(&mut self, low: f64, high: f64, rule: u32) {
        self.pending.push((low, high, rule));
    }

    /// Whether no range was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.root.is_none() && self.pending.is_empty()
    }

    /// Builds the tree from the added ranges.
    pub(crate) fn build(&mut self) {
        let entries = std::mem::take(&mut self.pending);
        self.root = self.build_node(entries);
    }

    fn build_node(&mut self, mut entries: Vec<Entry>) -> Option<usize> {
        if entries.is_empty() {
            return None;
        }
        entries.sort_by(|a, b| a.0.total_cmp(&b.0));
        let center = entries.get(entries.len() / 2).map_or(0.0, |e| e.0);
        let (mut here, mut left, mut right) = (Vec::new(), Vec::new(), Vec::new());
        for entry in entries {
            if entry.1 < center {
                left.push(entry);
            } else if entry.0 > center {
                right.push(entry);
            } else {
                here.push(entry);
            }
        }
        let by_low: Vec<(f64, u32)> = here.iter().map(|(low, _, rule)| (*low, *rule)).collect();
        let mut by_high: Vec<(f64, u32)> =
            here.iter().map(|(_, high, rule)| (*high, *rule)).collect();
        by_high.sort_by(|a, b| b.0.total_cmp(&a.0));
        let left = self.build_node(left);
        let right = self.build_node(right);
        self.nodes.push(Node {
            center,
            by_low,
            by_high,
            left,
            right,
        });
        Some(self.nodes.len() - 1)
    }

    /// Appends the rules whose range contains `value`.
    pub(crate) fn query(&self, value: f64, out: &mut Vec<u32>) {
        let mut at = self.root;
        while let Some(node) = at.and_then(|i| self.nodes.get(i)) {
            if value < node.center {
                out.extend(
                    node.by_low
                        .iter()
                        .take_while(|(low, _)| *low <= value)
                        .map(|(_, r)| *r),
                );
                at = node.left;
            } else if value > node.center {
                out.extend(
                    node.by_high
                        .iter()
                        .take_while(|(high, _)| *high >= value)
                        .map(|(_, r)| *r),
                );
                at = node.right;
            } else {
                out.extend(node.by_low.iter().map(|(_, r)| *r));
                return;
            }
        }
    }

    /// Approximate heap bytes used.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| size_of::<Node>() + (n.by_low.capacity() + n.by_high.capacity()) * 16)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::IntervalTree;

    #[test]
    fn finds_exactly_the_containing_ranges() {
        let mut tree = IntervalTree::default();
        let ranges: Vec<(f64, f64)> = (0..200)
            .map(|i| (f64::from(i * 7 % 113), f64::from(i * 7 % 113 + i % 17)))
            .collect();
        for (rule, (low, high)) in (0u32..).zip(&ranges) {
            tree.insert(*low, *high, rule);
        }
        tree.insert(f64::NEG_INFINITY, 3.0, 200);
        tree.insert(50.0, f64::INFINITY, 201);
        tree.build();
        for probe in [-5.0, 0.0, 3.0, 3.5, 42.0, 50.0, 112.0, 130.0, 1e9] {
            let mut got = Vec::new();
            tree.query(probe, &mut got);
            got.sort_unstable();
            let mut want: Vec<u32> = (0u32..)
                .zip(&ranges)
                .filter(|(_, (low, high))| *low <= probe && probe <= *high)
                .map(|(rule, _)| rule)
                .collect();
            if probe <= 3.0 {
                want.push(200);
            }
            if probe >= 50.0 {
                want.push(201);
            }
            assert_eq!(got, want, "probe {probe}");
        }
    }
}
