//! Text cut into the sentences an answer is made of. Posts arrive typed in
//! a form, pasted from e-mail, or dumped from documentation: a line break
//! may end a list item or only wrap a line, and documentation carries
//! markup (directive lines, index entries) that reads as text but says
//! nothing. A sentence here is what a visitor could be shown.

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "e.g", "i.e", "approx", "no", "etc", "cf",
];

/// The sentences of `text`, in order. Paragraphs (blank-line separated)
/// and list items end sentences; other line breaks are wrapping.
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in logical_lines(text) {
        split_line(&line, &mut out);
    }
    out
}

/// Lines as they were written, before wrapping. A line was wrapped when
/// it fills most of its paragraph's width (the longest line): a shorter
/// one ended where its writer ended it (a line of code, a list without
/// markers). A line ending with a colon introduces what follows, and a
/// list item starts a line of its own. Markup lines are dropped.
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs(text) {
        let width = paragraph
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        let mut open = false;
        for line in paragraph {
            let continues = open && !starts_item(line);
            match lines.last_mut() {
                Some(last) if continues => {
                    // A word broken at a slash or hyphen by wrapping
                    // ("GNU/\nLinux", "https://\nwww") joins without a space.
                    if !last.ends_with(['/', '-']) {
                        last.push(' ');
                    }
                    last.push_str(line);
                }
                _ => lines.push(line.to_owned()),
            }
            let fills = line.chars().count() * 10 >= width * 6;
            open = fills && !line.ends_with(':');
        }
    }
    lines
}

/// Runs of non-blank lines, trimmed, without markup lines.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if out.last().is_some_and(|p| !p.is_empty()) {
                out.push(Vec::new());
            }
        } else if !is_markup(line) {
            out.last_mut().expect("never empty").push(line);
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// A list item: "1.", "2)", "a)", "-", "*" or "•" and a space.
fn starts_item(line: &str) -> bool {
    if let Some(rest) = line.strip_prefix(['-', '*', '•']) {
        return rest.starts_with(' ');
    }
    let marker: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let rest = &line[marker.len()..];
    let numbered = !marker.is_empty()
        && (marker.chars().all(|c| c.is_ascii_digit())
            || (marker.len() == 1 && marker.chars().all(|c| c.is_ascii_lowercase())));
    numbered && (rest.starts_with(". ") || rest.starts_with(") "))
}

/// Documentation markup that is not prose: reStructuredText directives and
/// comments (".. note::"), index entries and field lists ("single: global
/// interpreter lock", ":param x:"), and rules made of punctuation.
fn is_markup(line: &str) -> bool {
    if line.starts_with("..") || line.starts_with(':') {
        return true;
    }
    if !line.chars().any(char::is_alphanumeric) {
        return true;
    }
    // Sphinx index entries: "single: global interpreter lock". Other
    // "label: text" lines ("price: $250") are content.
    const INDEX_ENTRIES: &[&str] = &[
        "single",
        "pair",
        "triple",
        "see",
        "seealso",
        "module",
        "keyword",
        "operator",
        "object",
        "statement",
        "builtin",
    ];
    line.split_once(':').is_some_and(|(label, rest)| {
        INDEX_ENTRIES.contains(&label) && !rest.trim_end().ends_with(['.', '?', '!'])
    })
}

fn split_line(line: &str, out: &mut Vec<String>) {
    let mut start = 0;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let next = chars.get(k + 1).map(|&(_, n)| n);
        if !next.is_none_or(char::is_whitespace) {
            continue;
        }
        let before = &line[start..i];
        let last_word = before
            .rsplit(|ch: char| ch.is_whitespace())
            .next()
            .unwrap_or("");
        let is_abbreviation = ABBREVIATIONS.contains(&last_word.to_ascii_lowercase().as_str());
        // "1." opening a list item is a marker, not a sentence.
        let is_list_marker =
            before.trim().chars().all(|ch| ch.is_ascii_digit()) && !before.trim().is_empty();
        // "Section 5.1." or a lone initial ("J. Smith") does not end one
        // either; a sentence's next word starts with a capital, a digit or
        // an opening mark.
        let next_word = line[i + c.len_utf8()..].trim_start();
        let starts_sentence = next_word.chars().next().is_none_or(|n| !n.is_lowercase());
        if is_abbreviation || is_list_marker || !starts_sentence {
            continue;
        }
        let end = i + c.len_utf8();
        let sentence = line[start..end].trim();
        if !sentence.is_empty() {
            out.push(sentence.to_owned());
        }
        start = end;
    }
    let rest = line[start..].trim();
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_lines_and_list_items() {
        let text = "Dr. Moreau says it fades. UV makes it fade faster!\n\n1. A touch-up costs $250.\n2. Most people never need one";
        assert_eq!(
            split_sentences(text),
            [
                "Dr. Moreau says it fades.",
                "UV makes it fade faster!",
                "1. A touch-up costs $250.",
                "2. Most people never need one"
            ]
        );
    }

    #[test]
    fn wrapped_lines_do_not_end_sentences() {
        let text = "One is performance: knowing that a string is immutable means we can allocate\nspace for it at creation time. The other is safety, which the interpreter\nchecks.";
        assert_eq!(
            split_sentences(text),
            [
                "One is performance: knowing that a string is immutable means we can allocate space for it at creation time.",
                "The other is safety, which the interpreter checks."
            ]
        );
        assert_eq!(
            split_sentences(
                "Please see the pages for the port at https://www.debian.org/ (https://\nwww.debian.org/ports/hurd/) for more about Debian GNU/\nHurd, a kernel."
            ),
            [
                "Please see the pages for the port at https://www.debian.org/ (https://www.debian.org/ports/hurd/) for more about Debian GNU/Hurd, a kernel."
            ]
        );
    }

    #[test]
    fn short_lines_end_where_their_writer_ended_them() {
        let text = "Official images contain symlinks like these ones, for compatibility:\n/dists/frozen -> bullseye/\n/dists/stable -> bullseye/\n\nThey point at one release, which is\nthe one on the disc.";
        assert_eq!(
            split_sentences(text),
            [
                "Official images contain symlinks like these ones, for compatibility:",
                "/dists/frozen -> bullseye/",
                "/dists/stable -> bullseye/",
                "They point at one release, which is the one on the disc."
            ]
        );
    }

    #[test]
    fn a_line_ending_with_a_colon_introduces_what_follows() {
        assert_eq!(
            split_sentences("Bring two things:\nyour ID\nyour booking"),
            ["Bring two things:", "your ID", "your booking"]
        );
    }

    #[test]
    fn markup_is_never_a_sentence() {
        let text = ".. index::\n   single: global interpreter lock\n\nThe lock is held by one thread at a time.\n:param x: the value\n----------";
        assert_eq!(
            split_sentences(text),
            ["The lock is held by one thread at a time."]
        );
        // A label that starts content stays.
        assert_eq!(
            split_sentences("price: $250 a session"),
            ["price: $250 a session"]
        );
    }

    #[test]
    fn decimals_section_numbers_and_initials_do_not_split() {
        assert_eq!(
            split_sentences("It costs $4.50 per graft. Really."),
            ["It costs $4.50 per graft.", "Really."]
        );
        assert_eq!(
            split_sentences("See Section 5.1. for more, e.g. the list."),
            ["See Section 5.1. for more, e.g. the list."]
        );
    }
}
