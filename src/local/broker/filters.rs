//! The subscription tree: topic filters split into levels, so a publish visits only the
//! branches its topic can match (exact level, `+`, `#`) instead of every subscription.

use std::collections::HashMap;

/// A connection's number, unique for the broker's life.
pub(super) type ConnId = u64;

/// One subscription: who, and the QoS granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Subscriber {
    pub(super) conn: ConnId,
    pub(super) qos: u8,
}

#[derive(Debug, Default)]
pub(super) struct FilterTree {
    root: Node,
}

#[derive(Debug, Default)]
struct Node {
    children: HashMap<Box<str>, Node>,
    plus: Option<Box<Node>>,
    /// Subscribers to `<path>/#` (or `#` at the root).
    hash: Vec<Subscriber>,
    /// Subscribers to exactly `<path>`.
    here: Vec<Subscriber>,
}

impl Node {
    fn is_empty(&self) -> bool {
        self.children.is_empty()
            && self.plus.is_none()
            && self.hash.is_empty()
            && self.here.is_empty()
    }
}

fn upsert(list: &mut Vec<Subscriber>, sub: Subscriber) {
    match list.iter_mut().find(|s| s.conn == sub.conn) {
        Some(existing) => existing.qos = sub.qos,
        None => list.push(sub),
    }
}

impl FilterTree {
    /// Adds a subscription, or updates its QoS if `conn` already has this filter.
    pub(super) fn insert(&mut self, filter: &str, sub: Subscriber) {
        let mut node = &mut self.root;
        for level in filter.split('/') {
            match level {
                "#" => return upsert(&mut node.hash, sub),
                "+" => node = node.plus.get_or_insert_with(Default::default),
                _ => node = node.children.entry(level.into()).or_default(),
            }
        }
        upsert(&mut node.here, sub);
    }

    /// Removes `conn`'s subscription to `filter`; returns whether there was one.
    pub(super) fn remove(&mut self, filter: &str, conn: ConnId) -> bool {
        let levels: Vec<&str> = filter.split('/').collect();
        remove_at(&mut self.root, &levels, conn)
    }

    /// Calls `found` for every subscription matching `topic` (once per matching filter).
    pub(super) fn for_each_match(&self, topic: &str, mut found: impl FnMut(Subscriber)) {
        // Wildcards at the first level do not match topics starting with `$`.
        let dollar = topic.starts_with('$');
        let mut levels = topic.split('/');
        let first = levels.next().unwrap_or_default();
        let node = &self.root;
        if !dollar {
            node.hash.iter().copied().for_each(&mut found);
        }
        if let Some(child) = node.children.get(first) {
            visit(child, levels.clone(), &mut found);
        }
        if let (false, Some(plus)) = (dollar, node.plus.as_deref()) {
            visit(plus, levels, &mut found);
        }
    }
}

fn visit<'a>(
    node: &Node,
    mut levels: impl Iterator<Item = &'a str> + Clone,
    found: &mut impl FnMut(Subscriber),
) {
    // `a/#` matches `a` too, so `hash` matches whether or not levels remain.
    node.hash.iter().copied().for_each(&mut *found);
    match levels.next() {
        None => node.here.iter().copied().for_each(found),
        Some(level) => {
            if let Some(child) = node.children.get(level) {
                visit(child, levels.clone(), found);
            }
            if let Some(plus) = node.plus.as_deref() {
                visit(plus, levels, found);
            }
        }
    }
}

fn remove_at(node: &mut Node, levels: &[&str], conn: ConnId) -> bool {
    let Some((&level, rest)) = levels.split_first() else {
        return remove_from(&mut node.here, conn);
    };
    match level {
        "#" => remove_from(&mut node.hash, conn),
        "+" => {
            let Some(plus) = node.plus.as_deref_mut() else {
                return false;
            };
            let removed = remove_at(plus, rest, conn);
            if plus.is_empty() {
                node.plus = None;
            }
            removed
        }
        _ => {
            let Some(child) = node.children.get_mut(level) else {
                return false;
            };
            let removed = remove_at(child, rest, conn);
            if child.is_empty() {
                node.children.remove(level);
            }
            removed
        }
    }
}

fn remove_from(list: &mut Vec<Subscriber>, conn: ConnId) -> bool {
    let before = list.len();
    list.retain(|s| s.conn != conn);
    list.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn matches(tree: &FilterTree, topic: &str) -> Vec<ConnId> {
        let mut found = Vec::new();
        tree.for_each_match(topic, |s| found.push(s.conn));
        found.sort_unstable();
        found
    }

    #[test]
    fn levels_and_wildcards() {
        let mut tree = FilterTree::default();
        for (conn, filter) in ["a/b", "a/+", "a/#", "#", "+/b", "$aws/things/+/x", "a/b/c"]
            .iter()
            .enumerate()
        {
            tree.insert(
                filter,
                Subscriber {
                    conn: conn as u64,
                    qos: 1,
                },
            );
        }
        assert_eq!(matches(&tree, "a/b"), vec![0, 1, 2, 3, 4]);
        assert_eq!(matches(&tree, "a"), vec![2, 3]);
        assert_eq!(matches(&tree, "a/b/c"), vec![2, 3, 6]);
        assert_eq!(matches(&tree, "$aws/things/t/x"), vec![5]);
        assert!(tree.remove("a/#", 2));
        assert!(!tree.remove("a/#", 2));
        assert_eq!(matches(&tree, "a"), vec![3]);
        for (conn, filter) in ["a/b", "a/+", "#", "+/b", "$aws/things/+/x", "a/b/c"]
            .iter()
            .zip([0u64, 1, 3, 4, 5, 6])
            .map(|(f, c)| (c, f))
        {
            assert!(tree.remove(filter, conn), "{filter}");
        }
        assert!(tree.root.is_empty());
    }

    fn level() -> impl Strategy<Value = String> {
        prop_oneof![Just(""), Just("a"), Just("b"), Just("$a")].prop_map(str::to_owned)
    }

    fn filter_level() -> impl Strategy<Value = String> {
        prop_oneof![Just(""), Just("a"), Just("+"), Just("$a")].prop_map(str::to_owned)
    }

    proptest! {
        /// The tree agrees with the rules engine's filter matching.
        #[test]
        fn agrees_with_topic_matches(
            filter_levels in prop::collection::vec(filter_level(), 1..4),
            hash in any::<bool>(),
            topic_levels in prop::collection::vec(level(), 1..5),
        ) {
            let mut filter = filter_levels.join("/");
            if hash {
                filter.push_str("/#");
            }
            let topic = topic_levels.join("/");
            let mut tree = FilterTree::default();
            tree.insert(&filter, Subscriber { conn: 1, qos: 0 });
            let hit = !matches(&tree, &topic).is_empty();
            prop_assert_eq!(hit, crate::iotsql::topic_matches(&filter, &topic), "{} {}", filter, topic);
        }
    }
}
