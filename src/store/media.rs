//! Posts' videos, images and links, and visitors' photos: written in the
//! transaction of the post write they belong to, read in one statement
//! per page of posts.

use std::collections::HashMap;

use entity::{post_link, post_media, question_photo};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::Store;
use crate::domain::{Link, Media, Photo};
use crate::error::Result;

impl Store {
    /// The media of many posts, each list in order.
    pub async fn media_for_posts(
        &self,
        post_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<post_media::Model>>> {
        media_of(&self.db, post_ids).await
    }

    /// The links of many posts, each list in order.
    pub async fn links_for_posts(
        &self,
        post_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<post_link::Model>>> {
        links_of(&self.db, post_ids).await
    }

    /// The photo sent with a question, if any.
    pub async fn photo_of(&self, post_id: i64) -> Result<Option<question_photo::Model>> {
        Ok(question_photo::Entity::find_by_id(post_id)
            .one(&self.db)
            .await?)
    }
}

pub(super) async fn media_of(
    db: &impl ConnectionTrait,
    post_ids: &[i64],
) -> Result<HashMap<i64, Vec<post_media::Model>>> {
    let mut out: HashMap<i64, Vec<post_media::Model>> = HashMap::new();
    for chunk in post_ids.chunks(500) {
        let rows = post_media::Entity::find()
            .filter(post_media::Column::PostId.is_in(chunk.iter().copied()))
            .order_by_asc(post_media::Column::PostId)
            .order_by_asc(post_media::Column::Position)
            .all(db)
            .await?;
        for row in rows {
            out.entry(row.post_id).or_default().push(row);
        }
    }
    Ok(out)
}

pub(super) async fn links_of(
    db: &impl ConnectionTrait,
    post_ids: &[i64],
) -> Result<HashMap<i64, Vec<post_link::Model>>> {
    let mut out: HashMap<i64, Vec<post_link::Model>> = HashMap::new();
    for chunk in post_ids.chunks(500) {
        let rows = post_link::Entity::find()
            .filter(post_link::Column::PostId.is_in(chunk.iter().copied()))
            .order_by_asc(post_link::Column::PostId)
            .order_by_asc(post_link::Column::Position)
            .all(db)
            .await?;
        for row in rows {
            out.entry(row.post_id).or_default().push(row);
        }
    }
    Ok(out)
}

/// What to put in place of a post's media and links; `None` leaves them.
pub(super) type Replacement<'a> = (i64, Option<&'a [Media]>, Option<&'a [Link]>);

/// Replaces the media and links of each post named, in a few statements
/// whatever the number of posts.
pub(super) async fn replace(db: &impl ConnectionTrait, posts: &[Replacement<'_>]) -> Result<()> {
    let media_ids: Vec<i64> = posts
        .iter()
        .filter(|(_, media, _)| media.is_some())
        .map(|(id, _, _)| *id)
        .collect();
    let link_ids: Vec<i64> = posts
        .iter()
        .filter(|(_, _, links)| links.is_some())
        .map(|(id, _, _)| *id)
        .collect();
    for chunk in media_ids.chunks(500) {
        post_media::Entity::delete_many()
            .filter(post_media::Column::PostId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    for chunk in link_ids.chunks(500) {
        post_link::Entity::delete_many()
            .filter(post_link::Column::PostId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let media: Vec<post_media::ActiveModel> = posts
        .iter()
        .flat_map(|(id, media, _)| {
            media
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, m)| post_media::ActiveModel {
                    post_id: Set(*id),
                    position: Set(i as i32),
                    kind: Set(m.kind.as_str().to_owned()),
                    url: Set(m.url.as_ref().map(|u| u.as_str().to_owned())),
                    caption: Set(m.caption.as_ref().map(|c| c.as_str().to_owned())),
                    ..Default::default()
                })
        })
        .collect();
    for chunk in media.chunks(200) {
        post_media::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    let links: Vec<post_link::ActiveModel> = posts
        .iter()
        .flat_map(|(id, _, links)| {
            links
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, l)| post_link::ActiveModel {
                    post_id: Set(*id),
                    position: Set(i as i32),
                    title: Set(l.title.as_str().to_owned()),
                    url: Set(l.url.as_ref().map(|u| u.as_str().to_owned())),
                    ..Default::default()
                })
        })
        .collect();
    for chunk in links.chunks(200) {
        post_link::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Whether the stored rows say what `media` and `links` say.
pub(super) fn same(
    stored_media: &[post_media::Model],
    stored_links: &[post_link::Model],
    media: &[Media],
    links: &[Link],
) -> bool {
    stored_media.len() == media.len()
        && stored_links.len() == links.len()
        && stored_media.iter().zip(media).all(|(s, m)| {
            s.kind == m.kind.as_str()
                && s.url.as_deref() == m.url.as_ref().map(|u| u.as_str())
                && s.caption.as_deref() == m.caption.as_ref().map(|c| c.as_str())
        })
        && stored_links.iter().zip(links).all(|(s, l)| {
            s.title == l.title.as_str() && s.url.as_deref() == l.url.as_ref().map(|u| u.as_str())
        })
}

pub(super) async fn store_photo(
    db: &impl ConnectionTrait,
    post_id: i64,
    photo: Photo,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let content_type = photo.content_type().to_owned();
    let bytes = photo.into_bytes();
    question_photo::ActiveModel {
        post_id: Set(post_id),
        content_type: Set(content_type),
        byte_size: Set(bytes.len() as i32),
        bytes: Set(bytes),
        created_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}
