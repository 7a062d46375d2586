//! Which media type a GraphQL response goes out as (GraphQL over HTTP):
//! `application/graphql-response+json` for clients that ask for it, under
//! which a request that could not run (it did not parse or validate) is a
//! 400; `application/json`, always 200 for such requests, for the rest.

use axum::http::{HeaderMap, HeaderValue, header};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    Json,
    GraphqlResponse,
}

impl ResponseType {
    /// The type the `Accept` header prefers. Without one, or when only
    /// wildcards match, the legacy `application/json`: clients written
    /// before the current spec expect it. Equal preference goes to the
    /// current type.
    pub fn negotiate(headers: &HeaderMap) -> Result<Self, crate::Error> {
        let Some(accept) = headers.get(header::ACCEPT) else {
            return Ok(ResponseType::Json);
        };
        let accept = accept.to_str().unwrap_or("");
        // Ranked by quality, then how specific the match is, then the
        // current type over the legacy one.
        let mut best: Option<((f32, u8, bool), ResponseType)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // (how specific the match is, the type it picks)
            let pick = match media.as_str() {
                GRAPHQL_RESPONSE => (2, ResponseType::GraphqlResponse),
                JSON => (2, ResponseType::Json),
                "application/*" | "*/*" => (1, ResponseType::Json),
                _ => continue,
            };
            if q <= 0.0 {
                continue;
            }
            let rank = (q, pick.0, pick.1 == ResponseType::GraphqlResponse);
            if best.is_none_or(|(b, _)| rank > b) {
                best = Some((rank, pick.1));
            }
        }
        best.map(|(_, t)| t).ok_or(crate::Error::NotAcceptable)
    }

    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            ResponseType::Json => JSON,
            ResponseType::GraphqlResponse => GRAPHQL_RESPONSE,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: Option<&str>) -> Result<ResponseType, crate::Error> {
        let mut h = HeaderMap::new();
        if let Some(v) = value {
            h.insert(header::ACCEPT, v.parse().unwrap());
        }
        ResponseType::negotiate(&h)
    }

    #[test]
    fn picks_what_the_client_prefers() {
        use ResponseType::*;
        for (accept, expect) in [
            (None, Json),
            (Some("application/json"), Json),
            (Some("application/graphql-response+json"), GraphqlResponse),
            (
                Some("application/graphql-response+json, application/json;q=0.9"),
                GraphqlResponse,
            ),
            (
                Some("application/json, application/graphql-response+json;q=0.5"),
                Json,
            ),
            (
                Some("application/json, application/graphql-response+json"),
                GraphqlResponse,
            ),
            (Some("*/*"), Json),
            (Some("text/html, */*;q=0.8"), Json),
            (
                Some("application/graphql-response+json; charset=utf-8"),
                GraphqlResponse,
            ),
        ] {
            assert_eq!(accepting(accept).unwrap(), expect, "{accept:?}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_send() {
        for accept in ["text/html", "application/xml", "application/json;q=0"] {
            assert!(
                matches!(accepting(Some(accept)), Err(crate::Error::NotAcceptable)),
                "{accept}"
            );
        }
    }
}
