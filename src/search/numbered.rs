//! Posts that ask several numbered questions and answer them by number
//! ("1) Must I shave? 2) Will it fade?" answered "1. You don't have to…
//! 2. SMP will fade…"). Each numbered answer belongs with its own
//! question: a visitor asking whether it fades wants answer 2, which on
//! its own reads as a late sentence of a long post.

use std::collections::HashMap;

/// The number a list marker opening `sentence` gives it: "3. SMP…",
/// "3) SMP…" and "(3) SMP…" are 3.
pub fn item_number(sentence: &str) -> Option<u32> {
    let body = sentence.strip_prefix('(').unwrap_or(sentence);
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    // Three digits are a year or an amount ("2014. It healed."), not a list.
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = &body[digits..];
    let marked = rest.starts_with(". ") || rest.starts_with(") ");
    marked.then(|| body[..digits].parse().ok()).flatten()
}

/// `sentence` without the list marker that opens it.
pub fn without_marker(sentence: &str) -> &str {
    if item_number(sentence).is_none() {
        return sentence;
    }
    sentence
        .split_once(['.', ')'])
        .map_or(sentence, |(_, rest)| rest.trim_start())
}

/// The numbered items of a text already cut into sentences: for each
/// sentence, the number of the item it belongs to (`None` before the
/// first marker). An item runs until the next marker.
pub fn items_of(sentences: &[String]) -> Vec<Option<u32>> {
    let mut current = None;
    sentences
        .iter()
        .map(|s| {
            if let Some(n) = item_number(s) {
                current = Some(n);
            }
            current
        })
        .collect()
}

/// A post's numbered questions paired with its numbered answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    /// For each answer sentence, its item's number (`None` outside items).
    pub answer_items: Vec<Option<u32>>,
    /// For each number answered, the text of the question with it.
    pub questions: HashMap<u32, String>,
}

impl Pairing {
    /// The pairing of a post whose question holds at least two numbered
    /// questions and whose answer (cut into `answer_sentences`) answers at
    /// least two of those numbers; `None` for any other post.
    pub fn of(question_sentences: &[String], answer_sentences: &[String]) -> Option<Pairing> {
        let mut questions: HashMap<u32, String> = HashMap::new();
        for (sentence, item) in question_sentences.iter().zip(items_of(question_sentences)) {
            if let Some(n) = item {
                let text = questions.entry(n).or_default();
                text.push_str(sentence);
                text.push(' ');
            }
        }
        let answer_items = items_of(answer_sentences);
        let mut answered: Vec<u32> = answer_items.iter().flatten().copied().collect();
        answered.dedup();
        let paired = answered
            .iter()
            .filter(|n| questions.contains_key(n))
            .count();
        (questions.len() >= 2 && paired >= 2).then_some(Pairing {
            answer_items,
            questions,
        })
    }

    /// Where answer sentence `i` sits within its numbered answer (0 for
    /// the sentence carrying the number), or `i` outside any.
    pub fn position_in_item(&self, i: usize) -> usize {
        let Some(item) = self.answer_items[i] else {
            return i;
        };
        let start = (0..=i)
            .rev()
            .take_while(|&j| self.answer_items[j] == Some(item))
            .last()
            .unwrap_or(i);
        i - start
    }

    /// The number of the question answer sentence `i` answers, if any.
    pub fn item_of(&self, i: usize) -> Option<u32> {
        self.answer_items[i].filter(|n| self.questions.contains_key(n))
    }

    /// Whether sentences `i` and `j` belong to the same numbered answer.
    pub fn same_item(&self, i: usize, j: usize) -> bool {
        self.answer_items[i] == self.answer_items[j]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::sentences::split_sentences;

    #[test]
    fn list_markers_number_sentences() {
        assert_eq!(item_number("3. It fades."), Some(3));
        assert_eq!(item_number("12) Yes."), Some(12));
        assert_eq!(item_number("(2) No."), Some(2));
        assert_eq!(item_number("2014. It healed."), None);
        assert_eq!(item_number("3.5 sessions on average."), None);
        assert_eq!(item_number("Three. It fades."), None);
        assert_eq!(without_marker("(3) It fades."), "It fades.");
        assert_eq!(without_marker("3. It fades."), "It fades.");
        assert_eq!(without_marker("In 2014. It healed."), "In 2014. It healed.");
    }

    #[test]
    fn numbered_answers_pair_with_their_questions() {
        let question = split_sentences(
            "We got two questions:\n\n1) Must I shave first? I keep it long.\n\n2) Will the dots fade in the sun?",
        );
        let answer = split_sentences(
            "1. No, longer hair is fine. It only blends better shaved.\n\n2. They fade a little. UV speeds it up.\n\nMore on our FAQ.",
        );
        let pairing = Pairing::of(&question, &answer).expect("two numbered pairs");
        assert_eq!(
            pairing.answer_items,
            [Some(1), Some(1), Some(2), Some(2), Some(2)]
        );
        assert_eq!(
            pairing.item_of(2).map(|n| pairing.questions[&n].as_str()),
            Some("2) Will the dots fade in the sun? ")
        );
        assert_eq!(pairing.position_in_item(3), 1);
        assert_eq!(pairing.position_in_item(2), 0);
        assert!(pairing.same_item(2, 3));
        assert!(!pairing.same_item(1, 2));
    }

    #[test]
    fn a_single_list_is_no_pairing() {
        let question = split_sentences("Does it fade? Does it itch?");
        let answer = split_sentences("1. It fades.\n2. It does not itch.");
        assert_eq!(Pairing::of(&question, &answer), None);
        let question = split_sentences("1) Does it fade?\n2) Does it itch?");
        let answer = split_sentences("It fades a little and never itches.");
        assert_eq!(Pairing::of(&question, &answer), None);
    }
}
