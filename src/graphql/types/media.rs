use async_graphql::{Object, SimpleObject};
use base64::Engine;
use entity::{post_link, post_media, question_photo};

use crate::domain::MediaKind;
use crate::graphql::mutation::GqlMediaKind;

/// A video or image a post shows.
pub struct Media(pub post_media::Model);

#[Object]
impl Media {
    async fn kind(&self) -> GqlMediaKind {
        MediaKind::from_stored(&self.0.kind).into()
    }

    /// Where it is; null when only its caption is known (a post imported
    /// from a page's text).
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    async fn caption(&self) -> Option<&str> {
        self.0.caption.as_deref()
    }
}

/// A link from a post to another page.
#[derive(SimpleObject)]
pub struct Link {
    pub title: String,
    /// Null when only the title is known (a post imported from text).
    pub url: Option<String>,
}

impl From<post_link::Model> for Link {
    fn from(row: post_link::Model) -> Self {
        Link {
            title: row.title,
            url: row.url,
        }
    }
}

/// A photo a visitor sent with a question.
pub struct Photo(pub question_photo::Model);

#[Object]
impl Photo {
    /// `image/jpeg`, `image/png` or `image/webp`, read from the bytes.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    async fn byte_size(&self) -> i32 {
        self.0.byte_size
    }

    /// The photo as a `data:` URL, for an `<img src>` in a staff tool.
    async fn data_url(&self) -> String {
        format!(
            "data:{};base64,{}",
            self.0.content_type,
            base64::engine::general_purpose::STANDARD.encode(&self.0.bytes)
        )
    }
}
