//! One ranking from two: the words' (BM25 and kbql's re-ranking) and the
//! meaning's (cosine between the question's vector and each post's). The
//! blend takes each post's lexical score relative to the best one, and its
//! cosine on an absolute scale: a cosine says how close a post is whatever
//! else matched, where a lexical score only compares posts within one
//! query. Reciprocal-rank fusion was measured too (README, Relevance); it
//! throws away how far ahead the first post is, which `answer` needs.

/// Cosines at or below this say nothing (unrelated texts score about 0.1
/// with this kind of model); at or above `SURE`, the texts say the same.
const UNRELATED: f32 = 0.15;
const SURE: f32 = 0.75;

/// A candidate's place in the fused ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fused {
    pub post_id: i64,
    pub score: f32,
    pub cosine: f32,
}

/// How much a cosine is worth, from 0 (unrelated) to 1.
pub fn closeness(cosine: f32) -> f32 {
    ((cosine - UNRELATED) / (SURE - UNRELATED)).clamp(0.0, 1.0)
}

/// Fuses `lexical` (post id and score, best first) with `cosines` (every
/// candidate's cosine, lexical or not), the lexical side weighing
/// `lexical_weight` (0 to 1). Best first; ties keep the lexical order.
pub fn fuse(
    lexical: &[(i64, f32)],
    semantic_only: &[i64],
    cosine_of: impl Fn(i64) -> f32,
    lexical_weight: f32,
) -> Vec<Fused> {
    let top = lexical.first().map_or(0.0, |l| l.1).max(f32::MIN_POSITIVE);
    let mut out: Vec<Fused> = lexical
        .iter()
        .map(|&(post_id, score)| (post_id, (score / top).clamp(0.0, 1.0)))
        .chain(semantic_only.iter().map(|&id| (id, 0.0)))
        .map(|(post_id, words)| {
            let cosine = cosine_of(post_id);
            Fused {
                post_id,
                score: lexical_weight * words + (1.0 - lexical_weight) * closeness(cosine),
                cosine,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_close_in_meaning_climbs_past_one_that_only_shares_words() {
        let cosine = |id| match id {
            1 => 0.2,
            2 => 0.8,
            _ => 0.7,
        };
        let fused = fuse(&[(1, 10.0), (2, 8.0)], &[3], cosine, 0.3);
        let order: Vec<i64> = fused.iter().map(|f| f.post_id).collect();
        assert_eq!(order, [2, 3, 1]);
        // All on the words' side, the lexical order stands.
        let fused = fuse(&[(1, 10.0), (2, 8.0)], &[3], cosine, 1.0);
        assert_eq!(fused[0].post_id, 1);
    }

    #[test]
    fn cosines_count_on_an_absolute_scale() {
        assert_eq!(closeness(0.05), 0.0);
        assert_eq!(closeness(0.9), 1.0);
        assert!((closeness(0.45) - 0.5).abs() < 1e-6);
    }
}
