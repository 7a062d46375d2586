use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};

use super::context::{search, store};
use super::guards::{RateLimitGuard, RoleGuard};
use super::ids::record_id;
use super::limits::{self, page_size};
use super::response_cache::Replay;
use super::search_connection::{SearchConnection, decode_cursor};
use super::types::{Answer, Post, QueryStat, SearchHit, SearchStats, SynonymGroup};
use crate::domain::{Label, Limits, PostKind, SearchText};
use crate::error::Error;
use crate::search::{Filters, ResultPage, SearchParams};

/// What a visitor typed, refused past the limit under the argument's name.
fn search_text(argument: &'static str, text: &str) -> Result<SearchText, Error> {
    SearchText::parse(argument, text).map_err(|e| Error::bad_input(e.message))
}

/// The tag filter of `search`: at most as many tags as a post can carry
/// (more can match nothing), each no longer than a tag can be.
fn tag_filter(tags: Option<Vec<String>>) -> Result<Vec<String>, Error> {
    let tags = tags.unwrap_or_default();
    if tags.len() > Limits::TAGS_PER_POST {
        return Err(Error::bad_input(format!(
            "`tags` takes at most {} tags (a post has no more), got {}",
            Limits::TAGS_PER_POST,
            tags.len()
        )));
    }
    tags.iter()
        .map(|t| label_filter("tags", t, Limits::TAG))
        .collect()
}

/// The key of a tag or category named in a filter; a name longer than any
/// stored one is refused rather than looked up.
pub fn label_filter(argument: &str, name: &str, max: usize) -> Result<String, Error> {
    if name.chars().count() > max {
        return Err(Error::bad_input(format!(
            "`{argument}` names are at most {max} characters"
        )));
    }
    Ok(Label::key_of(name))
}

/// Published posts like `text`, questions only: what `similarQuestions`
/// and `askQuestion` show.
pub async fn similar_questions(
    ctx: &Context<'_>,
    text: SearchText,
    limit: usize,
) -> Result<Vec<SearchHit>> {
    let mut params = SearchParams::new(text.into_string(), limit);
    params.filters.kind = Some(PostKind::Question.as_str().to_owned());
    // A visitor writing a question has finished a thought: worth the
    // milliseconds its meaning costs.
    params.by_meaning = true;
    Ok(SearchHit::all(&results(ctx, &params).await?))
}

/// The page `params` asks for; a response that may be kept records the
/// searches it logged, to log them again when it is served again.
async fn results(ctx: &Context<'_>, params: &SearchParams) -> Result<Arc<ResultPage>, Error> {
    let page = search(ctx).results(params).await?;
    if params.log_as.is_some()
        && let Some(replay) = ctx.data_opt::<Replay>()
    {
        replay.logged_search(params, page.total);
    }
    Ok(page)
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Full-text search of published posts: typo-tolerant, the last word
    /// completed as you type, synonym-aware. The query is plain words (at
    /// most 500 characters); punctuation and operators are just text.
    /// `tags` keeps posts carrying all of them; `category` one category.
    /// `semantic: true` also finds posts close in meaning when the server
    /// has a model (about 15 ms more per new query, so meant for a
    /// submitted query rather than every keystroke); ignored without one.
    /// Page with `first` (1 to 100, default 10) and `after`, through the
    /// best 1,000 matches.
    #[graphql(
        guard = "RateLimitGuard::search()",
        complexity = "limits::list_cost(first, Limits::SEARCH_PAGE_SIZE, child_complexity)"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        tags: Option<Vec<String>>,
        category: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default = false)] semantic: bool,
    ) -> Result<SearchConnection> {
        let text = search_text("query", &query)?;
        let limit = page_size(Limits::SEARCH_PAGE_SIZE, "first", first)?;
        let offset = match after.as_deref() {
            Some(cursor) => decode_cursor(cursor)? + 1,
            None => 0,
        };
        let mut params = SearchParams::new(text.into_string(), limit);
        params.offset = offset;
        let tags = tag_filter(tags)?;
        params.filters = Filters {
            // A name folded into another tag by `mergeTags` means that tag.
            tags: store(ctx).resolve_tag_slugs(&tags).await?,
            category: category
                .as_deref()
                .map(|c| label_filter("category", c, Limits::CATEGORY))
                .transpose()?,
            kind: None,
        };
        let wants = ctx.look_ahead();
        params.with_facets = wants.field("facets").exists();
        params.log_as = Some("search");
        params.by_meaning = semantic;
        let page = results(ctx, &params).await?;
        Ok(SearchConnection { offset, page })
    }

    /// The answer to a visitor's question for a chat widget: the best post
    /// and the sentence or two of it that answer, with a confidence; null
    /// when nothing answers it well enough.
    #[graphql(guard = "RateLimitGuard::search()")]
    async fn answer(&self, ctx: &Context<'_>, question: String) -> Result<Option<Answer>> {
        let question = search_text("question", &question)?;
        Ok(search(ctx)
            .answer(question.as_str())
            .await?
            .map(|found| Answer {
                post: Post(found.post),
                sentences: found.sentences,
                confidence: found.confidence,
            }))
    }

    /// Published questions like `text`, for showing answers while a visitor
    /// types a new question (1 to 20, default 5).
    #[graphql(
        guard = "RateLimitGuard::search()",
        complexity = "limits::list_cost(first, Limits::SIMILAR_PAGE_SIZE, child_complexity)"
    )]
    async fn similar_questions(
        &self,
        ctx: &Context<'_>,
        text: String,
        first: Option<i32>,
    ) -> Result<Vec<SearchHit>> {
        let text = search_text("text", &text)?;
        let limit = page_size(Limits::SIMILAR_PAGE_SIZE, "first", first)?;
        similar_questions(ctx, text, limit).await
    }

    /// Staff: what visitors searched for since `since` (default: 30 days
    /// ago), `first` queries per list (1 to 100, default 20).
    #[graphql(guard = "RoleGuard::staff()")]
    async fn search_stats(
        &self,
        ctx: &Context<'_>,
        since: Option<DateTime<Utc>>,
        first: Option<i32>,
    ) -> Result<SearchStats> {
        let limit = page_size(Limits::PAGE_SIZE, "first", first)?;
        let since = since.unwrap_or_else(|| Utc::now() - chrono::Duration::days(30));
        let stats = store(ctx).search_stats(since, limit as u64).await?;
        let convert = |rows: Vec<crate::store::QueryCount>| {
            rows.into_iter()
                .map(|r| QueryStat {
                    query: r.query,
                    searches: r.searches,
                    last_searched_at: r.last_searched_at,
                })
                .collect()
        };
        Ok(SearchStats {
            since,
            total_searches: stats.total_searches as i64,
            zero_result_searches: stats.zero_result_searches as i64,
            top_queries: convert(stats.top_queries),
            zero_result_queries: convert(stats.zero_result_queries),
        })
    }

    /// Staff: the synonym groups search applies.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn synonyms(&self, ctx: &Context<'_>) -> Result<Vec<SynonymGroup>> {
        Ok(store(ctx)
            .synonym_groups()
            .await?
            .into_iter()
            .map(|g| SynonymGroup {
                id: record_id(g.id),
                terms: g.terms,
            })
            .collect())
    }
}
