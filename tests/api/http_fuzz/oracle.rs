//! What a response may be, whatever was sent.

use serde_json::Value;

pub enum Judgement {
    Fine,
    /// A 5xx with a coded `INTERNAL_SERVER_ERROR`: allowed, but counted.
    CodedInternalError,
    /// A 503 `TIMEOUT`: allowed, but counted.
    Timeout,
    Bad(String),
}

/// Text that only the server's insides could have written.
const LEAKS: &[&str] = &[
    "sqlx",
    "SQLITE",
    "sqlite",
    "postgres",
    "SELECT ",
    "INSERT INTO",
    "DbErr",
    "tantivy",
    "panicked",
    "stack backtrace",
    ".rs:",
    "/tmp/",
    "/work/",
    "/home/",
    "RUST_",
];

/// The codes of a response's errors.
pub fn codes(parsed: Option<&Value>) -> Vec<String> {
    parsed
        .and_then(|p| p["errors"].as_array())
        .into_iter()
        .flatten()
        .map(|e| {
            e["extensions"]["code"]
                .as_str()
                .unwrap_or("(none)")
                .to_owned()
        })
        .collect()
}

pub fn judge(status: u16, parsed: Option<&Value>) -> Judgement {
    let Some(parsed) = parsed else {
        return Judgement::Bad(format!("a {status} response that is not JSON"));
    };
    // A batch is answered with an array; each element is judged.
    let responses: Vec<&Value> = match parsed {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    let mut codes = Vec::new();
    for response in &responses {
        let Some(object) = response.as_object() else {
            return Judgement::Bad("a response that is not an object".into());
        };
        if !object.contains_key("data") && !object.contains_key("errors") {
            return Judgement::Bad("a response with neither data nor errors".into());
        }
        for error in response["errors"].as_array().into_iter().flatten() {
            let Some(code) = error["extensions"]["code"].as_str() else {
                return Judgement::Bad("an error without a code".into());
            };
            codes.push(code.to_owned());
            let text = format!("{} {}", error["message"], error["extensions"]);
            if let Some(leak) = LEAKS.iter().find(|l| text.contains(**l)) {
                return Judgement::Bad(format!("internal text ({leak:?}) in an error"));
            }
        }
        if let Some(errors) = response["errors"].as_array()
            && errors.len() > 21
        {
            return Judgement::Bad(format!("{} errors in one response", errors.len()));
        }
    }
    if status >= 500 {
        return if codes.iter().all(|c| c == "INTERNAL_SERVER_ERROR") && !codes.is_empty() {
            Judgement::CodedInternalError
        } else if status == 503 && codes.iter().any(|c| c == "TIMEOUT") {
            Judgement::Timeout
        } else {
            Judgement::Bad(format!("a {status} that is not a coded error"))
        };
    }
    Judgement::Fine
}
