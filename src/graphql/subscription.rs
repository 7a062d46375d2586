//! Subscriptions (over WebSocket, see `server::live`): staff hear of new
//! questions, everyone of newly published posts, from whichever replica
//! the write happened on (`store::live`).

use std::sync::Arc;

use async_graphql::{Context, Result, Subscription};
use futures_util::{Stream, StreamExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast};

use super::context::store;
use super::guards::RoleGuard;
use super::types::Post;
use crate::domain::PostStatus;
use crate::error::Error;
use crate::limits::Limits;
use crate::store::{LiveEvent, PostRef, Store};

#[derive(Default)]
pub struct SubscriptionRoot;

/// How many subscriptions one connection may hold at once
/// ([`Limits::SUBSCRIPTIONS_PER_CONNECTION`]); a subscription holds one
/// permit for as long as it runs.
#[derive(Clone)]
pub struct SubscriptionSlots(Arc<Semaphore>);

impl Default for SubscriptionSlots {
    fn default() -> Self {
        SubscriptionSlots(Arc::new(Semaphore::new(
            Limits::SUBSCRIPTIONS_PER_CONNECTION,
        )))
    }
}

fn take_slot(ctx: &Context<'_>) -> Result<Option<OwnedSemaphorePermit>> {
    let Some(slots) = ctx.data_opt::<SubscriptionSlots>() else {
        return Ok(None);
    };
    match slots.0.clone().try_acquire_owned() {
        Ok(permit) => Ok(Some(permit)),
        Err(_) => Err(Error::bad_input(format!(
            "a connection may hold at most {} subscriptions at once: stop one first",
            Limits::SUBSCRIPTIONS_PER_CONNECTION
        ))
        .into()),
    }
}

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Staff: each visitor's question as it arrives (status PENDING).
    /// Send the token in `connection_init`'s payload as
    /// `{"authorization": "Bearer <token>"}`.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn question_asked(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = Post>> {
        let slot = take_slot(ctx)?;
        Ok(posts_of(store(ctx), slot, |event| match event {
            LiveEvent::QuestionAsked(id) => Some(id),
            _ => None,
        }))
    }

    /// Each post as it is published (or published again after being
    /// hidden), with the fields any visitor may see.
    async fn post_published(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = Post>> {
        let slot = take_slot(ctx)?;
        Ok(posts_of(store(ctx), slot, |event| match event {
            LiveEvent::PostPublished(id) => Some(id),
            _ => None,
        }))
    }
}

/// The posts `pick` names, read from the database as each event comes
/// (an event says only which post), skipping any that changed again
/// before it was read: a question answered meanwhile is no longer news to
/// staff, a post hidden again is not public.
fn posts_of(
    store: &Store,
    slot: Option<OwnedSemaphorePermit>,
    pick: fn(LiveEvent) -> Option<i64>,
) -> impl Stream<Item = Post> + use<> {
    let store = store.clone();
    let events = store.live_events();
    futures_util::stream::unfold(events, move |mut events| async move {
        loop {
            match events.recv().await {
                Ok(event) => return Some((event, events)),
                // A subscriber that fell behind skips what it missed.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .filter_map(move |event| {
        let store = store.clone();
        async move {
            let id = pick(event)?;
            let wanted = match event {
                LiveEvent::QuestionAsked(_) => PostStatus::Pending,
                LiveEvent::PostPublished(_) => PostStatus::Published,
            };
            match store.find_post(&PostRef::Id(id)).await {
                Ok(Some(post)) if post.status == wanted => Some(Post::from(post)),
                Ok(_) => None,
                Err(e) => {
                    tracing::warn!(error = %e, post = id, "could not read a post for subscribers");
                    None
                }
            }
        }
    })
    // The permit goes when the subscription does.
    .map(move |post| {
        let _held = &slot;
        post
    })
}
