//! "Did you mean …": a corrected query for a search that found little.

use tantivy::Searcher;
use tantivy::schema::Field;

use super::planner::Plan;
use super::vocabulary::{self, TypoUse, doc_freq, typo_budget};

/// A corrected query drawn from the index's vocabulary: each word the index
/// has never seen is replaced by its nearest frequent neighbour.
pub fn did_you_mean(searcher: &Searcher, field: Field, plan: &Plan, text: &str) -> Option<String> {
    let typing = text.chars().last().is_some_and(char::is_alphanumeric);
    let mut changed = false;
    let corrected: Vec<String> = plan
        .words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let last = i + 1 == plan.words.len();
            let budget = typo_budget(w, TypoUse::Suggesting);
            if budget == 0 || doc_freq(searcher, field, w) > 0 {
                return w.clone();
            }
            if typing && last && !vocabulary::completions(searcher, field, w, 1, 100).is_empty() {
                return w.clone();
            }
            match vocabulary::fuzzy(searcher, field, w, budget, 1)
                .into_iter()
                .next()
            {
                Some(c) => {
                    changed = true;
                    c.word
                }
                None => w.clone(),
            }
        })
        .collect();
    changed.then(|| corrected.join(" "))
}
