//! More like this, tuned for short posts: tantivy's defaults (a term must
//! occur twice in the post and in five posts) drop nearly every word of a
//! two-sentence answer.

use std::sync::Arc;

use entity::post;
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};

use super::Search;
use super::analysis::STOP_WORDS;
use super::executor::{Hit, post_ids};
use crate::error::{Error, Result};

/// The text of the post to find relatives of.
pub struct Source<'a> {
    pub id: i64,
    pub title: &'a str,
    pub question: &'a str,
    pub answer: &'a str,
    pub tags: &'a [String],
}

impl Search {
    /// Published posts most like `source`, best first.
    pub async fn related_posts(
        &self,
        source: &Source<'_>,
        limit: usize,
    ) -> Result<Vec<Arc<post::Model>>> {
        let generation = self.generation();
        let hits = self.related(source, limit)?;
        let posts = self.posts_of(generation, &hits).await?;
        Ok(posts.into_iter().map(|(_, p)| p).collect())
    }

    fn related(&self, source: &Source<'_>, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.inner.index.reader.searcher();
        let f = self.inner.index.fields;
        // A word in more than a third of all posts ("smp" on an SMP blog)
        // says nothing about which posts are alike.
        let max_df = (searcher.num_docs() / 3).max(2);
        let text = |s: &str| vec![OwnedValue::Str(s.to_owned())];
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_max_doc_frequency(max_df)
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_query_terms(30)
            .with_stop_words(STOP_WORDS.iter().map(|s| s.to_string()).collect())
            .with_document_fields(vec![
                (f.title, text(source.title)),
                (f.question, text(source.question)),
                (f.answer, text(source.answer)),
                (
                    f.tags,
                    source
                        .tags
                        .iter()
                        .map(|t| OwnedValue::Str(t.clone()))
                        .collect(),
                ),
            ]);
        let itself: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_u64(f.id, source.id as u64),
            IndexRecordOption::Basic,
        ));
        let query = BooleanQuery::new(vec![(Occur::Must, Box::new(mlt)), (Occur::MustNot, itself)]);
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(Error::internal)?;
        post_ids(&searcher, top.into_iter())
    }
}
