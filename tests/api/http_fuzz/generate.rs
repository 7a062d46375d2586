//! Requests to send: documents built from the schema, then made hostile
//! in one of the ways a careless client or an attacker would.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::schema::{Field, Model, Ty};

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    Staff,
    Admin,
}

#[derive(Debug, Clone)]
pub enum Transport {
    Post {
        content_type: Option<&'static str>,
        body: Vec<u8>,
    },
    Get {
        query_string: String,
    },
}

#[derive(Debug, Clone)]
pub struct FuzzRequest {
    /// The kind of hostility, for the report.
    pub kind: &'static str,
    pub caller: Caller,
    pub transport: Transport,
}

/// What earlier responses showed: ids and slugs to aim at.
#[derive(Debug, Default, Clone)]
pub struct Pool {
    pub post_ids: Vec<String>,
    pub slugs: Vec<String>,
    pub cursors: Vec<String>,
}

pub struct Gen<'a> {
    pub rng: StdRng,
    pub model: &'a Model,
    pub pool: Pool,
}

const KINDS: &[(&str, u32)] = &[
    ("valid query", 22),
    ("valid write", 10),
    ("schema mutation", 8),
    ("deep nesting", 8),
    ("huge lists", 5),
    ("repeated fields", 7),
    ("fragments", 9),
    ("directives", 6),
    ("hostile variables", 9),
    ("broken bodies", 9),
    ("byte flips", 7),
];

const WORDS: &[&str] = &[
    "fade",
    "sun",
    "touch-up",
    "cost",
    "smp",
    "scar",
    "hair loss",
    "pigment",
    "redness",
    "swim",
    "price",
    "density",
    "women",
    "tuchup",
    "pigmnt",
    "how much",
];

impl Gen<'_> {
    pub fn next(&mut self) -> FuzzRequest {
        let total: u32 = KINDS.iter().map(|(_, w)| w).sum();
        let mut pick = self.rng.random_range(0..total);
        let kind = KINDS
            .iter()
            .find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .map(|(k, _)| *k)
            .unwrap_or("valid query");
        match kind {
            "valid write" => self.valid_write(),
            "schema mutation" => {
                let doc = self.operation(true, 4);
                let caller = self.caller();
                self.post(kind, caller, doc, json!({}))
            }
            "deep nesting" => {
                let doc = self.deep_document();
                self.send_either(kind, doc)
            }
            "huge lists" => self.huge_list(),
            "repeated fields" => {
                let doc = self.repeated_fields();
                self.send_either(kind, doc)
            }
            "fragments" => {
                let doc = self.fragments();
                self.send_either(kind, doc)
            }
            "directives" => {
                let doc = self.directives();
                self.send_either(kind, doc)
            }
            "hostile variables" => self.hostile_variables(),
            "broken bodies" => self.broken_body(),
            "byte flips" => self.byte_flips(),
            _ => {
                let doc = self.operation(false, 5);
                let caller = self.caller();
                let mut request = self.post(kind, caller, doc.clone(), json!({}));
                if self.rng.random_bool(0.3) {
                    request.transport = Transport::Get {
                        query_string: format!("query={}", crate::helpers::urlencode(&doc)),
                    };
                }
                request
            }
        }
    }

    fn caller(&mut self) -> Caller {
        *[
            Caller::Anonymous,
            Caller::Anonymous,
            Caller::Staff,
            Caller::Admin,
        ]
        .choose(&mut self.rng)
        .unwrap()
    }

    fn post(
        &self,
        kind: &'static str,
        caller: Caller,
        query: String,
        variables: Value,
    ) -> FuzzRequest {
        FuzzRequest {
            kind,
            caller,
            transport: Transport::Post {
                content_type: Some("application/json"),
                body: json!({ "query": query, "variables": variables })
                    .to_string()
                    .into_bytes(),
            },
        }
    }

    /// POST or GET, anonymous or not.
    fn send_either(&mut self, kind: &'static str, doc: String) -> FuzzRequest {
        let caller = self.caller();
        let mut request = self.post(kind, caller, doc.clone(), json!({}));
        if self.rng.random_bool(0.25) && doc.len() < 12_000 {
            request.transport = Transport::Get {
                query_string: format!("query={}", crate::helpers::urlencode(&doc)),
            };
        }
        request
    }

    // ----- documents from the schema -----

    /// A query (or mutation) of the schema, with arguments filled in.
    pub fn operation(&mut self, mutation: bool, depth: usize) -> String {
        let root = if mutation {
            self.model.mutation.clone()
        } else {
            self.model.query.clone()
        };
        let set = self.selection(&root, depth);
        let keyword = if mutation { "mutation" } else { "query" };
        format!("{keyword} {set}")
    }

    fn selection(&mut self, ty: &str, depth: usize) -> String {
        let Some(fields) = self.model.objects.get(ty) else {
            return "{ __typename }".into();
        };
        let fields: Vec<Field> = fields.clone();
        let count = self.rng.random_range(1..=3.min(fields.len()).max(1));
        let mut parts = Vec::new();
        for _ in 0..count {
            let field = fields.choose(&mut self.rng).unwrap().clone();
            parts.push(self.field(&field, depth));
        }
        format!("{{ {} }}", parts.join(" "))
    }

    fn field(&mut self, field: &Field, depth: usize) -> String {
        let mut args = Vec::new();
        for a in &field.args {
            if a.ty.non_null() || self.rng.random_bool(0.5) {
                args.push(format!("{}: {}", a.name, self.value(&a.ty, 0)));
            }
        }
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({})", args.join(", "))
        };
        let child = field.ty.named();
        let set = if self.model.objects.contains_key(child) {
            if depth == 0 {
                " { __typename }".to_owned()
            } else {
                format!(" {}", self.selection(child, depth - 1))
            }
        } else {
            String::new()
        };
        format!("{}{args}{set}", field.name)
    }

    /// A value of `ty`, usually well-typed, sometimes at or past a limit.
    fn value(&mut self, ty: &Ty, level: usize) -> String {
        if !ty.non_null() && self.rng.random_bool(0.05) {
            return "null".into();
        }
        match ty {
            Ty::List(inner, _) => {
                let n = self.rng.random_range(0..4);
                let items: Vec<String> = (0..n).map(|_| self.value(inner, level + 1)).collect();
                format!("[{}]", items.join(", "))
            }
            Ty::Named(name, _) => self.scalar_or_input(name, level),
        }
    }

    fn scalar_or_input(&mut self, name: &str, level: usize) -> String {
        if let Some(values) = self.model.enums.get(name) {
            if self.rng.random_bool(0.1) {
                return "NOT_A_VALUE".into();
            }
            return values.choose(&mut self.rng).unwrap().clone();
        }
        if let Some(fields) = self.model.inputs.get(name).cloned() {
            if level > 3 {
                return "{}".into();
            }
            let mut parts = Vec::new();
            for f in &fields {
                if f.ty.non_null() || self.rng.random_bool(0.5) {
                    parts.push(format!("{}: {}", f.name, self.value(&f.ty, level + 1)));
                }
            }
            return format!("{{{}}}", parts.join(", "));
        }
        match name {
            "Int" => [
                1,
                3,
                5,
                10,
                20,
                100,
                0,
                -1,
                21,
                101,
                1_000,
                i32::MAX,
                i32::MIN,
            ]
            .choose(&mut self.rng)
            .unwrap()
            .to_string(),
            "Float" => "1.5".into(),
            "Boolean" => self.rng.random_bool(0.5).to_string(),
            "ID" => {
                let id = self.id();
                serde_json::to_string(&id).unwrap()
            }
            "DateTime" => {
                let options = [
                    "2026-11-01T00:00:00Z",
                    "1970-01-01T00:00:00Z",
                    "not a date",
                    "9999-12-31T23:59:59Z",
                ];
                serde_json::to_string(options.choose(&mut self.rng).unwrap()).unwrap()
            }
            _ => serde_json::to_string(&self.text()).unwrap(),
        }
    }

    fn id(&mut self) -> String {
        if !self.pool.post_ids.is_empty() && self.rng.random_bool(0.7) {
            return self.pool.post_ids.choose(&mut self.rng).unwrap().clone();
        }
        [
            "1",
            "0",
            "-1",
            "999999999",
            "abc",
            "",
            "AAAAAAAAAAAAAAAAAAAAAA",
            "'; DROP TABLE post; --",
        ]
        .choose(&mut self.rng)
        .unwrap()
        .to_string()
    }

    /// Text for a String argument: words, or something at the edges.
    fn text(&mut self) -> String {
        match self.rng.random_range(0..12) {
            0 => String::new(),
            1 => " \t\n ".into(),
            2 => "x".repeat(
                *[50, 51, 80, 81, 100, 101, 200, 201, 500, 501]
                    .choose(&mut self.rng)
                    .unwrap(),
            ),
            3 => "é".repeat(*[254, 255, 5_000, 5_001].choose(&mut self.rng).unwrap()),
            4 => "\u{0}\u{1}\u{7f}\u{202e}<script>alert(1)</script>&amp;".into(),
            5 => "((((((\"\\[[[[{{{{ AND OR NOT *?~^ field:value".into(),
            6 => self
                .pool
                .slugs
                .choose(&mut self.rng)
                .cloned()
                .unwrap_or_else(|| "touch-up".into()),
            7 => self
                .pool
                .cursors
                .choose(&mut self.rng)
                .cloned()
                .unwrap_or_else(|| "zzz".into()),
            _ => {
                let n = self.rng.random_range(1..5);
                (0..n)
                    .map(|_| *WORDS.choose(&mut self.rng).unwrap())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
    }

    // ----- well-formed writes -----

    fn valid_write(&mut self) -> FuzzRequest {
        let word = *WORDS.choose(&mut self.rng).unwrap();
        let n: u32 = self.rng.random();
        let id = self.pool.post_ids.choose(&mut self.rng).cloned();
        let (query, variables, caller) = match (self.rng.random_range(0..8), id) {
            (0..=2, _) | (_, None) => (
                "mutation($q: String!) { askQuestion(input: {question: $q}) { question { id slug } userErrors { code } } }",
                json!({"q": format!("Does {word} matter after session {n}?")}),
                Caller::Anonymous,
            ),
            (3, _) => (
                "mutation($t: String!, $b: String!) { createArticle(input: {title: $t, body: $b, tags: [\"fuzz\"]}) { post { id slug } userErrors { code } } }",
                json!({"t": format!("Notes on {word} {n}"), "b": format!("About {word}.")}),
                Caller::Staff,
            ),
            (4, Some(id)) => (
                "mutation($id: ID!, $a: String!) { answerQuestion(input: {id: $id, answer: $a}) { post { id } userErrors { code } } }",
                json!({"id": id, "a": format!("Yes, {word} is fine ({n}).")}),
                Caller::Staff,
            ),
            (5, Some(id)) => (
                "mutation($id: ID!, $t: [String!]!) { setPostTags(input: {id: $id, tags: $t}) { post { id } userErrors { code } } }",
                json!({"id": id, "t": [word, "fuzz"]}),
                Caller::Staff,
            ),
            (6, Some(id)) => (
                "mutation($id: ID!) { hidePost(id: $id) { post { id } userErrors { code } } }",
                json!({"id": id}),
                Caller::Staff,
            ),
            (_, Some(id)) => (
                "mutation($id: ID!) { deletePost(id: $id) { deletedPostId userErrors { code } } }",
                json!({"id": id}),
                Caller::Admin,
            ),
        };
        self.post("valid write", caller, query.into(), variables)
    }

    // ----- hostile shapes -----

    fn depth(&mut self) -> usize {
        *[12, 13, 32, 63, 64, 65, 100, 500, 1_500, 5_000]
            .choose(&mut self.rng)
            .unwrap()
    }

    fn deep_document(&mut self) -> String {
        let n = self.depth();
        let lists = format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let objects = format!("{}1{}", "{a:".repeat(n), "}".repeat(n));
        match self.rng.random_range(0..8) {
            0 => format!("{{ search(query: {lists}) {{ totalCount }} }}"),
            1 => format!("{{ search(query: \"x\", tags: {objects}) {{ totalCount }} }}"),
            2 => format!("{{ unknownField(x: {lists}) }}"),
            3 => format!("{{ __typename @include(if: {objects}) }}"),
            4 => format!("query($v: String = {lists}) {{ search(query: $v) {{ totalCount }} }}"),
            5 => format!(
                "query($v: {}String{}) {{ __typename }}",
                "[".repeat(n),
                "]".repeat(n)
            ),
            6 => format!(
                "{}{}",
                "{ posts { nodes ".repeat(n / 2 + 1),
                "}".repeat(n + 2)
            ),
            _ => format!(
                "{{ {} __typename {} }}",
                "... on Query { ".repeat(n),
                "}".repeat(n)
            ),
        }
    }

    fn huge_list(&mut self) -> FuzzRequest {
        let n = *[21, 1_000, 50_000, 200_000].choose(&mut self.rng).unwrap();
        let (query, variables, caller) = match self.rng.random_range(0..4) {
            0 => (
                "query($t: [String!]) { search(query: \"fade\", tags: $t) { totalCount } }",
                json!({"t": vec!["x"; n]}),
                Caller::Anonymous,
            ),
            1 => (
                "mutation($t: [String!]!) { setSynonyms(input: {terms: $t}) { userErrors { code } } }",
                json!({"t": (0..n).map(|i| i.to_string()).collect::<Vec<_>>()}),
                Caller::Admin,
            ),
            2 => (
                "mutation($t: [String!]!) { createArticle(input: {title: \"Tags\", body: \"Body\", tags: $t}) { userErrors { code } } }",
                json!({"t": vec!["tag"; n]}),
                Caller::Staff,
            ),
            _ => {
                let inline: Vec<&str> = vec!["\"x\""; n.min(3_000)];
                let doc = format!(
                    "{{ search(query: \"x\", tags: [{}]) {{ totalCount }} }}",
                    inline.join(",")
                );
                return self.post("huge lists", Caller::Anonymous, doc, json!({}));
            }
        };
        self.post("huge lists", caller, query.into(), variables)
    }

    fn repeated_fields(&mut self) -> String {
        let k = *[2, 30, 31, 650, 2_000].choose(&mut self.rng).unwrap();
        let field = [
            "tags { name }",
            "categories { slug }",
            "posts { totalCount }",
            "__typename",
            "search(query: \"fade\") { totalCount }",
        ]
        .choose(&mut self.rng)
        .unwrap()
        .to_string();
        if self.rng.random_bool(0.5) {
            format!("{{ {} }}", format!("{field} ").repeat(k))
        } else {
            let aliased: String = (0..k).map(|i| format!("a{i}: {field} ")).collect();
            format!("{{ {aliased} }}")
        }
    }

    fn fragments(&mut self) -> String {
        match self.rng.random_range(0..7) {
            0 => {
                let spreads = "...F ".repeat(*[2, 50, 500].choose(&mut self.rng).unwrap());
                let aliases: String = (0..30).map(|i| format!("a{i}: tags {{ name }} ")).collect();
                format!("{{ {spreads} }} fragment F on Query {{ {aliases} }}")
            }
            1 => {
                let fan = self.rng.random_range(2..12);
                let levels = self.rng.random_range(5..25);
                let mut text = String::from("{ ...F0 }");
                for i in 0..levels {
                    text.push_str(&format!(" fragment F{i} on Query {{ {} }}", format!("...F{} ", i + 1).repeat(fan)));
                }
                text.push_str(&format!(" fragment F{levels} on Query {{ tags {{ name }} }}"));
                text
            }
            2 => "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }".into(),
            3 => "{ ...P } fragment P on Post { id }".into(),
            4 => {
                let mut text = String::from("{ ...C0 }");
                let n = self.rng.random_range(10..80);
                for i in 0..n {
                    text.push_str(&format!(" fragment C{i} on Query {{ ...C{} }}", i + 1));
                }
                text.push_str(&format!(" fragment C{n} on Query {{ __typename }}"));
                text
            }
            5 => "{ posts { nodes { ...Q ...Q ... on Post { ...Q title } } } } fragment Q on Post { id title tags { name } }".into(),
            _ => "{ ...Missing } fragment Unused on Query { __typename }".into(),
        }
    }

    fn directives(&mut self) -> String {
        let n = *[5, 20, 21, 100, 800].choose(&mut self.rng).unwrap();
        let directive = [
            "@include(if: true)",
            "@skip(if: false)",
            "@unknown",
            "@deprecated",
        ]
        .choose(&mut self.rng)
        .unwrap();
        let many = format!("{directive} ").repeat(n);
        match self.rng.random_range(0..5) {
            0 => format!("query {many} {{ __typename }}"),
            1 => format!("query($v: Int {many}) {{ __typename }}"),
            2 => format!("{{ __typename {many} }}"),
            3 => format!("{{ ...F {many} }} fragment F on Query {{ __typename }}"),
            _ => format!("{{ ...F }} fragment F on Query {many} {{ __typename }}"),
        }
    }

    fn hostile_variables(&mut self) -> FuzzRequest {
        let query = "query($q: String!, $f: Int, $t: [String!]) { search(query: $q, first: $f, tags: $t) { totalCount } }";
        let depth = self.depth();
        let variables_text = match self.rng.random_range(0..7) {
            0 => format!(r#"{{"q": {}"x"{}}}"#, "[".repeat(depth), "]".repeat(depth)),
            1 => format!(
                r#"{{"q": "fade", "f": {}1{}}}"#,
                "{\"a\":".repeat(depth),
                "}".repeat(depth)
            ),
            2 => r#"{"q": 5, "f": "ten", "t": "notalist"}"#.into(),
            3 => format!(r#"{{"q": "{}"}}"#, "y".repeat(900_000)),
            4 => r#"{"q": null}"#.into(),
            5 => r#"{"q": "fade", "unknown": [1, 2, 3], "f": 1e309}"#.into(),
            _ => r#""not an object""#.into(),
        };
        let body = format!(
            r#"{{"query": {}, "variables": {variables_text}}}"#,
            serde_json::to_string(query).unwrap()
        );
        FuzzRequest {
            kind: "hostile variables",
            caller: Caller::Anonymous,
            transport: Transport::Post {
                content_type: Some("application/json"),
                body: body.into_bytes(),
            },
        }
    }

    fn broken_body(&mut self) -> FuzzRequest {
        let valid = json!({"query": "{ __typename }"}).to_string();
        let (content_type, body): (Option<&'static str>, Vec<u8>) = match self.rng.random_range(0..12) {
            0 => (Some("application/json"), valid.as_bytes()[..valid.len() / 2].to_vec()),
            1 => (Some("application/json"), (0..self.rng.random_range(1..2_000)).map(|_| self.rng.random()).collect()),
            2 => (Some("application/json"), vec![0xff, 0xfe, b'{', 0xc3, 0x28]),
            3 => (Some("application/json"), Vec::new()),
            4 => (Some("text/plain"), valid.into_bytes()),
            5 => (None, valid.into_bytes()),
            6 => (Some("application/xml"), b"<query/>".to_vec()),
            7 => (Some("application/json"), format!("[{valid},{valid}]").into_bytes()),
            8 => (Some("application/json"), format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes()),
            9 => (Some("application/json"), br#"{"query": 5, "variables": [], "operationName": {}}"#.to_vec()),
            10 => (Some("application/json"), format!(r#"{{"query": "{{ __typename }} #{}"}}"#, "x".repeat(1_100_000)).into_bytes()),
            _ => (Some("application/json"), br#"{"query": "{ __typename }", "extensions": {"persistedQuery": {"sha256Hash": "x"}}}"#.to_vec()),
        };
        FuzzRequest {
            kind: "broken bodies",
            caller: Caller::Anonymous,
            transport: Transport::Post { content_type, body },
        }
    }

    fn byte_flips(&mut self) -> FuzzRequest {
        let mutation = self.rng.random_bool(0.2);
        let mut doc = self.operation(mutation, 4).into_bytes();
        let flips = self.rng.random_range(1..6);
        for _ in 0..flips {
            if doc.is_empty() {
                break;
            }
            let at = self.rng.random_range(0..doc.len());
            match self.rng.random_range(0..4) {
                0 => doc[at] = *b"{}[]()\"\\#@$!:.".choose(&mut self.rng).unwrap(),
                1 => {
                    doc.remove(at);
                }
                2 => doc.insert(at, self.rng.random()),
                _ => doc.truncate(at),
            }
        }
        let query = String::from_utf8_lossy(&doc).into_owned();
        let caller = self.caller();
        self.post("byte flips", caller, query, json!({}))
    }
}

/// Keeps what a response shows that later requests can aim at.
pub fn learn(pool: &mut Pool, body: &Value) {
    fn walk(pool: &mut Pool, value: &Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if let Value::String(s) = v {
                        let list = match key.as_str() {
                            "id" if s.len() == 22 => &mut pool.post_ids,
                            "slug" => &mut pool.slugs,
                            "cursor" | "endCursor" => &mut pool.cursors,
                            _ => continue,
                        };
                        if list.len() < 500 && !list.contains(s) {
                            list.push(s.clone());
                        }
                    } else {
                        walk(pool, v);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(pool, v)),
            _ => {}
        }
    }
    walk(pool, &body["data"]);
}

/// The ids a mutation payload created or deleted.
pub fn written_id(field: &str, payload: &Value) -> Option<String> {
    let id = match field {
        "askQuestion" => &payload["question"]["id"],
        "deletePost" => &payload["deletedPostId"],
        _ => &payload["post"]["id"],
    };
    id.as_str().map(str::to_owned)
}

/// A generator seeded for one worker.
pub fn seeded(seed: u64, model: &Model) -> Gen<'_> {
    Gen {
        rng: StdRng::seed_from_u64(seed),
        model,
        pool: Pool::default(),
    }
}
