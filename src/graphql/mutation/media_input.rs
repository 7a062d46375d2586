//! The media and links staff attach to posts, parsed into domain values
//! with every problem reported at once.

use async_graphql::{Enum, InputObject};

use super::input::Problems;
use crate::domain::{Limits, Link, Media, MediaKind, media_count};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "MediaKind")]
pub enum GqlMediaKind {
    Video,
    Image,
}

impl From<GqlMediaKind> for MediaKind {
    fn from(kind: GqlMediaKind) -> Self {
        match kind {
            GqlMediaKind::Video => MediaKind::Video,
            GqlMediaKind::Image => MediaKind::Image,
        }
    }
}

impl From<MediaKind> for GqlMediaKind {
    fn from(kind: MediaKind) -> Self {
        match kind {
            MediaKind::Video => GqlMediaKind::Video,
            MediaKind::Image => GqlMediaKind::Image,
        }
    }
}

/// A video or image: its URL, its caption, or both.
#[derive(InputObject)]
pub struct MediaInput {
    pub kind: GqlMediaKind,
    /// An absolute http or https URL, up to 2,000 bytes.
    pub url: Option<String>,
    /// Up to 200 characters ("SMP before/after for FUE scars").
    pub caption: Option<String>,
}

/// A link to another page, e.g. the article a press mention quotes.
#[derive(InputObject)]
pub struct LinkInput {
    pub title: String,
    /// An absolute http or https URL, up to 2,000 bytes.
    pub url: Option<String>,
}

pub fn parse_media(p: &mut Problems, media: &[MediaInput]) -> Vec<Media> {
    if p.check(media_count("media", media.len(), Limits::MEDIA_PER_POST))
        .is_none()
    {
        return vec![];
    }
    media
        .iter()
        .filter_map(|m| {
            p.check(Media::parse(
                m.kind.into(),
                m.url.as_deref(),
                m.caption.as_deref(),
            ))
        })
        .collect()
}

pub fn parse_links(p: &mut Problems, links: &[LinkInput]) -> Vec<Link> {
    if p.check(media_count("links", links.len(), Limits::LINKS_PER_POST))
        .is_none()
    {
        return vec![];
    }
    links
        .iter()
        .filter_map(|l| p.check(Link::parse(&l.title, l.url.as_deref())))
        .collect()
}
