//! The staff playground: GraphiQL at `GET /graphql`, with every file it
//! loads served from the binary itself (`/playground/…`), so it works on a
//! network with no internet. `build.rs` installs the pinned GraphiQL build
//! from npm; the page, its script and its style are kbql's own, here.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The page may load and call only its own origin: nothing the playground
/// needs lives elsewhere, and a browser refusing anything else proves it.
/// GraphiQL's editors set inline styles, hence the one relaxation.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

#[cfg(kbql_playground_assets)]
macro_rules! built {
    ($file:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/playground-assets/", $file))
    };
}

#[cfg(kbql_playground_assets)]
const ASSETS: &[Asset] = &[
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: built!("graphiql.min.js"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        body: built!("graphiql.min.css"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: built!("react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: built!("react-dom.production.min.js"),
    },
    Asset {
        name: "kbql.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("kbql.js"),
    },
    Asset {
        name: "kbql.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("kbql.css"),
    },
];

#[cfg(not(kbql_playground_assets))]
const ASSETS: &[Asset] = &[];

#[cfg(kbql_playground_assets)]
const PAGE: &str = include_str!("index.html");

#[cfg(not(kbql_playground_assets))]
const PAGE: &str = include_str!("missing.html");

/// The playground's page.
pub fn page() -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        PAGE,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `GET /playground/{file}`: one of the page's scripts or styles. They
/// change only with the binary, so browsers may keep them for a day.
pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == file) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            asset.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
