//! What a post shows besides its text (videos, images, links to other
//! pages) and the photo a visitor may send with a question.

use super::{Caption, FieldError, FieldErrorCode, Limits, LinkTitle};

/// An absolute `http` or `https` URL, at most [`Limits::URL`] bytes: what a
/// browser can open, and nothing it would run (`javascript:`, `data:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl(String);

impl WebUrl {
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.len() > Limits::URL {
            return Err(FieldError::new(
                field,
                FieldErrorCode::TooLong,
                format!("a URL must be at most {} bytes", Limits::URL),
            ));
        }
        let invalid = || {
            FieldError::new(
                field,
                FieldErrorCode::Invalid,
                "must be an absolute http or https URL",
            )
        };
        let url = url::Url::parse(text).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
            return Err(invalid());
        }
        Ok(WebUrl(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Video,
    Image,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Video => "video",
            MediaKind::Image => "image",
        }
    }

    /// Reads what [`MediaKind::as_str`] wrote; anything else reads as an
    /// image, the kind that needs nothing special to show.
    pub fn from_stored(text: &str) -> Self {
        if text == "video" {
            MediaKind::Video
        } else {
            MediaKind::Image
        }
    }

    /// The kind a caption names, for imports that have only captions: a
    /// video says so; a photo, a picture, a before-and-after is an image.
    pub fn named_in(caption: &str) -> Option<Self> {
        let lower = caption.to_lowercase();
        let has = |word: &str| {
            lower
                .split(|c: char| !c.is_alphanumeric() && c != '/')
                .any(|w| w == word)
        };
        if has("video") || has("videos") || has("clip") {
            Some(MediaKind::Video)
        } else if [
            "photo",
            "photos",
            "picture",
            "pictures",
            "image",
            "before/after",
        ]
        .iter()
        .any(|w| has(w))
            || lower.contains("before and after")
        {
            Some(MediaKind::Image)
        } else {
            None
        }
    }
}

/// A video or image: a URL, a caption, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub kind: MediaKind,
    pub url: Option<WebUrl>,
    pub caption: Option<Caption>,
}

impl Media {
    pub fn parse(
        kind: MediaKind,
        url: Option<&str>,
        caption: Option<&str>,
    ) -> Result<Self, FieldError> {
        let url = url
            .filter(|u| !u.trim().is_empty())
            .map(|u| WebUrl::parse("media.url", u))
            .transpose()?;
        let caption = caption
            .filter(|c| !c.trim().is_empty())
            .map(|c| Caption::parse("media.caption", c))
            .transpose()?;
        if url.is_none() && caption.is_none() {
            return Err(FieldError::new(
                "media",
                FieldErrorCode::Blank,
                "a video or image needs a URL, a caption, or both",
            ));
        }
        Ok(Media { kind, url, caption })
    }
}

/// A link to another page: its title, and its URL when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub title: LinkTitle,
    pub url: Option<WebUrl>,
}

impl Link {
    pub fn parse(title: &str, url: Option<&str>) -> Result<Self, FieldError> {
        Ok(Link {
            title: LinkTitle::parse("links.title", title)?,
            url: url
                .filter(|u| !u.trim().is_empty())
                .map(|u| WebUrl::parse("links.url", u))
                .transpose()?,
        })
    }
}

/// Checks the count of a post's media or links against its limit.
pub fn media_count(field: &'static str, count: usize, max: usize) -> Result<(), FieldError> {
    if count > max {
        return Err(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("a post may have at most {max} {field} (got {count})"),
        ));
    }
    Ok(())
}

/// A photo a visitor sent: JPEG, PNG or WebP as its bytes say, whatever
/// the browser claimed, and at most [`Limits::PHOTO_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    content_type: &'static str,
    bytes: Vec<u8>,
}

impl Photo {
    pub fn parse(field: &'static str, bytes: Vec<u8>) -> Result<Self, FieldError> {
        if bytes.is_empty() {
            return Err(FieldError::new(
                field,
                FieldErrorCode::Blank,
                "the photo is empty",
            ));
        }
        if bytes.len() > Limits::PHOTO_BYTES {
            return Err(FieldError::new(
                field,
                FieldErrorCode::TooLong,
                format!(
                    "a photo must be at most {} MiB (got {} bytes)",
                    Limits::PHOTO_BYTES >> 20,
                    bytes.len()
                ),
            ));
        }
        let content_type = match infer::get(&bytes).map(|t| t.mime_type()) {
            Some("image/jpeg") => "image/jpeg",
            Some("image/png") => "image/png",
            Some("image/webp") => "image/webp",
            _ => {
                return Err(FieldError::new(
                    field,
                    FieldErrorCode::Invalid,
                    "send the photo as a JPEG, PNG or WebP image",
                ));
            }
        };
        Ok(Photo {
            content_type,
            bytes,
        })
    }

    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    #[test]
    fn only_web_urls_pass() {
        assert!(WebUrl::parse("url", "https://example.com/smp.mp4").is_ok());
        assert!(WebUrl::parse("url", " http://clinic.example/a?b=1 ").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "/relative",
            "ftp://x.example/f",
            "https://",
            "no url",
        ] {
            assert_eq!(
                WebUrl::parse("url", bad).unwrap_err().code,
                FieldErrorCode::Invalid,
                "{bad}"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(Limits::URL));
        assert_eq!(
            WebUrl::parse("url", &long).unwrap_err().code,
            FieldErrorCode::TooLong
        );
    }

    #[test]
    fn captions_name_their_kind() {
        assert_eq!(
            MediaKind::named_in("SMP scalp scar video"),
            Some(MediaKind::Video)
        );
        assert_eq!(
            MediaKind::named_in("SMP before/after for FUE scars"),
            Some(MediaKind::Image)
        );
        assert_eq!(
            MediaKind::named_in("Photos of the clinic"),
            Some(MediaKind::Image)
        );
        assert_eq!(MediaKind::named_in("Dr. Pak answers"), None);
        assert_eq!(MediaKind::named_in("videography tips"), None);
    }

    #[test]
    fn media_need_a_url_or_a_caption() {
        assert!(Media::parse(MediaKind::Video, None, Some("A video")).is_ok());
        assert!(Media::parse(MediaKind::Image, Some("https://x.example/a.jpg"), None).is_ok());
        assert_eq!(
            Media::parse(MediaKind::Image, Some(" "), None)
                .unwrap_err()
                .code,
            FieldErrorCode::Blank
        );
    }

    #[test]
    fn photos_are_what_their_bytes_say() {
        let photo = Photo::parse("photo", PNG.to_vec()).unwrap();
        assert_eq!(photo.content_type(), "image/png");
        let script = b"<svg onload=alert(1)>".to_vec();
        assert_eq!(
            Photo::parse("photo", script).unwrap_err().code,
            FieldErrorCode::Invalid
        );
        assert_eq!(
            Photo::parse("photo", vec![]).unwrap_err().code,
            FieldErrorCode::Blank
        );
        let mut huge = PNG.to_vec();
        huge.resize(Limits::PHOTO_BYTES + 1, 0);
        assert_eq!(
            Photo::parse("photo", huge).unwrap_err().code,
            FieldErrorCode::TooLong
        );
    }
}
