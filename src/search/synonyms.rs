//! Synonym groups applied at query time: a query phrase that is a member
//! of a group also matches every other member.

use super::analysis::words;
use crate::store::SynonymGroup;

/// Groups with each term split into folded words, ready for matching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
}

/// A stretch of the query that is a synonym group member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymMatch {
    /// Which group matched: two stretches of one query can name it twice.
    pub group: usize,
    pub start: usize,
    pub len: usize,
    /// Every member of the group, the matched one included, as words.
    pub members: Vec<Vec<String>>,
}

impl Synonyms {
    pub fn new(groups: &[SynonymGroup]) -> Self {
        let groups = groups
            .iter()
            .map(|g| {
                g.terms
                    .iter()
                    .map(|t| words(t))
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|g: &Vec<Vec<String>>| g.len() > 1)
            .collect();
        Synonyms { groups }
    }

    /// The longest member starting at `start` of `query`, if any.
    pub fn match_at(&self, query: &[String], start: usize) -> Option<SynonymMatch> {
        let mut best: Option<SynonymMatch> = None;
        for (index, group) in self.groups.iter().enumerate() {
            for member in group {
                let end = start + member.len();
                let fits = end <= query.len() && query[start..end] == member[..];
                if fits && best.as_ref().is_none_or(|b| member.len() > b.len) {
                    best = Some(SynonymMatch {
                        group: index,
                        start,
                        len: member.len(),
                        members: group.clone(),
                    });
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> Synonyms {
        Synonyms::new(&[
            SynonymGroup {
                id: 1,
                terms: vec!["SMP".into(), "scalp micropigmentation".into()],
            },
            SynonymGroup {
                id: 2,
                terms: vec!["touch-up".into(), "touchup".into()],
            },
        ])
    }

    #[test]
    fn matches_single_and_multi_word_members() {
        let q: Vec<String> = words("cost of a touch up for scalp micropigmentation");
        let m = set().match_at(&q, 3).unwrap();
        assert_eq!((m.start, m.len), (3, 2));
        assert!(m.members.contains(&vec!["touchup".to_owned()]));
        let m = set().match_at(&q, 6).unwrap();
        assert_eq!(m.len, 2);
        assert!(m.members.contains(&vec!["smp".to_owned()]));
        assert_eq!(set().match_at(&q, 0), None);
    }
}
