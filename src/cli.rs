//! The `kbql` command line: operations only; everything a user does to the
//! knowledge base goes through GraphQL.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::{ServeConfig, StorageConfig};
use crate::domain::Role;
use crate::error::{Cause, Explain, OperatorResult};
use crate::search::{Mode, Search, eval};
use crate::server::{Server, Services};

#[derive(Parser, Debug)]
#[command(
    name = "kbql",
    version,
    about = "A search-first question-and-answer knowledge base, served over GraphQL"
)]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageConfig,

    /// How log lines (on stderr) are written: `text`, or `json` for log
    /// collectors.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t,
        env = "KBQL_LOG_FORMAT"
    )]
    pub log_format: crate::telemetry::LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the GraphQL server (GraphiQL at /graphql).
    Serve(ServeConfig),
    /// Import posts from .jsonl or blog-page .txt files (upserts by slug).
    Import {
        /// Files to import; each is imported whole or not at all.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Rebuild the search index from the database (stop `kbql serve` first:
    /// it holds the index).
    Reindex,
    /// Prune now what `kbql serve` prunes every few minutes: outbox rows
    /// every live replica has applied, and search-log and audit-log rows
    /// past their retention. Prints what it removed and each replica's
    /// progress.
    Prune(crate::config::RetentionConfig),
    /// Measure search relevance on a judged query set (MRR@10, P@1,
    /// recall@3) and how well `answer` answers, beside a plain BM25
    /// baseline. Runs on a temporary copy of the corpus; your data
    /// directory is not touched.
    Eval {
        /// JSON Lines of {"query", "relevant": [slugs], "kind", "answer"}
        /// (eval/README.md).
        queries: PathBuf,
        /// Posts to search (.jsonl or .txt); the built-in demo posts if none.
        #[arg(long)]
        corpus: Vec<PathBuf>,
        /// Also list the queries whose best answer is not ranked first.
        #[arg(long)]
        misses: bool,
        /// A sentence-embedding model directory: also measures matching by
        /// meaning (the posts are embedded first).
        #[arg(long, env = "KBQL_MODEL_DIR")]
        model_dir: Option<PathBuf>,
    },
    /// Write a synthetic corpus of N posts as JSON Lines to stdout, for
    /// benchmarks.
    Gen {
        #[arg(long)]
        posts: usize,
        /// The same seed gives the same corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Manage staff API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token; the secret is printed once, alone on the last line.
    Create {
        /// Who holds the token; also the default `answeredBy` of answers.
        #[arg(long)]
        name: String,
        /// staff (answer, edit, publish) or admin (also delete).
        #[arg(long, default_value = "staff")]
        role: Role,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id.
    Revoke { id: i64 },
}

type CliResult = OperatorResult<()>;

pub async fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Schema => {
            write_stdout(&crate::graphql::sdl())?;
            Ok(())
        }
        Command::Migrate => {
            cli.storage.open_store().await?;
            tracing::info!("database is up to date");
            Ok(())
        }
        Command::Serve(serve) => run_serve(&cli.storage, serve).await,
        Command::Import { files } => run_import(&cli.storage, &files).await,
        Command::Token(cmd) => run_token(&cli.storage, cmd).await,
        Command::Reindex => run_reindex(&cli.storage).await,
        Command::Prune(retention) => run_prune(&cli.storage, &retention).await,
        Command::Eval {
            queries,
            corpus,
            misses,
            model_dir,
        } => run_eval(&queries, &corpus, misses, model_dir.as_deref()).await,
        Command::Gen { posts, seed } => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            crate::import::generate::generate(posts, seed, &mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// The answers part of `kbql eval`'s report, kbql beside the baseline.
fn answer_table(ours: &eval::AnswerMetrics, baseline: &eval::AnswerMetrics) -> String {
    let line = |name: &str, f: &dyn Fn(&eval::AnswerMetrics) -> String| {
        format!("{name:<34}{:>14}   {:>14}\n", f(ours), f(baseline))
    };
    let share = |a: usize, b: usize, r: f64| format!("{a}/{b} {r:.3}");
    let mut out = format!(
        "\n{:<34}{:>14}   {:>14}\n",
        "answers (phrase judged)", "kbql", "BM25+overlap"
    );
    out.push_str(&line("answered (of answerable)", &|m| {
        share(m.answered, m.answerable, m.coverage())
    }));
    out.push_str(&line("right (of answered)", &|m| {
        share(m.right, m.answered, m.precision())
    }));
    out.push_str(&line("no-answer precision (of silent)", &|m| {
        share(m.silent_on_unanswerable, m.silent, m.no_answer_precision())
    }));
    out.push_str(&line("no-answer recall (of unanswerable)", &|m| {
        share(
            m.silent_on_unanswerable,
            m.unanswerable,
            m.no_answer_recall(),
        )
    }));
    out
}

/// What `answer` would give at stricter confidence thresholds than the one
/// it ships with: answers given and the share right.
fn confidence_table(m: &eval::AnswerMetrics) -> String {
    let mut out = String::from("\nat confidence >=   answers  right\n");
    for step in 0..=6 {
        let at = crate::search::answer::MIN_CONFIDENCE + 0.05 * step as f32;
        let kept: Vec<bool> = m
            .given
            .iter()
            .filter(|(c, _)| *c >= at)
            .map(|(_, r)| *r)
            .collect();
        let right = kept.iter().filter(|r| **r).count();
        let share = if kept.is_empty() {
            0.0
        } else {
            right as f64 / kept.len() as f64
        };
        out.push_str(&format!("{at:>17.2}   {:>7}  {share:.3}\n", kept.len()));
    }
    out
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()
}

async fn run_serve(storage: &StorageConfig, serve: ServeConfig) -> CliResult {
    let store = storage.open_store().await?;
    if serve.demo
        && let Some(summary) = crate::import::demo::load_if_empty(&store)
            .await
            .explain(|| "cannot load the sample posts".to_owned())?
    {
        tracing::info!(posts = summary.created, "loaded demo posts");
    }
    let semantic = match &serve.model_dir {
        Some(dir) => Some(crate::config::load_model(dir).await?),
        None => None,
    };
    let services = Services::start(
        &store,
        &storage.data_dir,
        serve.result_cache_bytes(),
        semantic,
        serve.retention.retention(),
    )
    .await?;
    let server = match Server::bind(&serve, store, services.search.clone()).await {
        Ok(server) => server,
        Err(e) => {
            // The indexer is catching up meanwhile; stopping it cleanly
            // keeps its progress and says nothing misleading on the way out.
            services.stop().await;
            return Err(e);
        }
    };
    tracing::info!("kbql listening on http://{}/graphql", server.local_addr());
    server.run().await;
    services.stop().await;
    Ok(())
}

async fn run_import(storage: &StorageConfig, files: &[PathBuf]) -> CliResult {
    let store = storage.open_store().await?;
    let mut failed = 0;
    for path in files {
        let bar = progress_bar();
        let result =
            crate::import::import_file(&store, path, |n| bar.set_length(n as u64), &|done| {
                bar.set_position(done)
            })
            .await;
        bar.finish_and_clear();
        match result {
            Ok(s) => {
                write_stdout(&format!(
                    "{}: {} created, {} updated, {} unchanged",
                    path.display(),
                    s.created,
                    s.updated,
                    s.unchanged
                ))?;
            }
            Err(e) => {
                failed += 1;
                eprintln!(
                    "error: {}: {:#}; nothing from this file was imported",
                    path.display(),
                    e.into_cause()
                );
            }
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} files failed to import", files.len());
    }
    Ok(())
}

/// A bar on a terminal; nothing when stderr is a pipe or a log file.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} posts ({per_sec}, {eta})")
    {
        bar.set_style(style);
    }
    bar
}

async fn run_token(storage: &StorageConfig, cmd: TokenCommand) -> CliResult {
    let store = storage.open_store().await?;
    match cmd {
        TokenCommand::Create { name, role } => {
            let name = crate::domain::DisplayName::parse("name", &name)?;
            let (record, secret) = crate::auth::create_token(&store, name.as_str(), role)
                .await
                .explain(|| "cannot store the new token".to_owned())?;
            eprintln!(
                "created {} token {} for {:?}; it is shown only once:",
                record.role, record.id, record.name
            );
            write_stdout(&secret)?;
        }
        TokenCommand::List => {
            let mut out = String::from("id\trole\tname\tcreated\tlast used\trevoked\n");
            let tokens = store
                .list_tokens()
                .await
                .explain(|| "cannot read the tokens".to_owned())?;
            for t in tokens {
                let fmt = |d: Option<chrono::DateTime<chrono::Utc>>| {
                    d.map(|d| d.to_rfc3339()).unwrap_or_else(|| "-".into())
                };
                out.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\n",
                    t.id,
                    t.role,
                    t.name,
                    t.created_at.to_rfc3339(),
                    fmt(t.last_used_at),
                    fmt(t.revoked_at)
                ));
            }
            write_stdout(&out)?;
        }
        TokenCommand::Revoke { id } => {
            let revoked = store
                .revoke_token(id)
                .await
                .explain(|| format!("cannot revoke token {id}"))?;
            if !revoked {
                anyhow::bail!("no live token has id {id}");
            }
            write_stdout(&format!("revoked token {id}"))?;
        }
    }
    Ok(())
}

async fn run_prune(
    storage: &StorageConfig,
    retention: &crate::config::RetentionConfig,
) -> CliResult {
    let store = storage.open_store().await?;
    let pruned = store
        .prune(&retention.retention())
        .await
        .explain(|| "cannot prune the database".to_owned())?;
    let mut report = format!(
        "pruned {} outbox rows, {} search-log rows, {} audit-log rows, {} departed replicas\n",
        pruned.outbox, pruned.search_log, pruned.audit_log, pruned.replicas
    );
    let now = crate::store::now();
    for r in store
        .replicas()
        .await
        .explain(|| "cannot read the replicas".to_owned())?
    {
        let seconds = (now - r.heartbeat_at).num_seconds().max(0);
        let state = if r.stopped { "stopped" } else { "running" };
        report.push_str(&format!(
            "replica {}: {state}, applied outbox sequence {}, heard from {seconds} s ago\n",
            r.id, r.applied_seq
        ));
    }
    write_stdout(&report)?;
    Ok(())
}

async fn run_reindex(storage: &StorageConfig) -> CliResult {
    let store = storage.open_store().await?;
    let index = storage.data_dir.join("index");
    let opened = Search::open(&storage.data_dir, store, 0, None)
        .await
        .explain(|| {
            format!(
                "cannot open the search index in {} (is kbql serve running?)",
                index.display()
            )
        })?;
    let mut indexer = opened.indexer;
    let bar = progress_bar();
    indexer
        .rebuild(&|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await
        .explain(|| format!("cannot rebuild the search index in {}", index.display()))?;
    indexer.catch_up().await.explain(|| {
        format!(
            "cannot bring the search index in {} up to date",
            index.display()
        )
    })?;
    indexer.compact().await;
    bar.finish_and_clear();
    write_stdout(&format!(
        "search index rebuilt up to outbox sequence {}",
        indexer.applied()
    ))?;
    Ok(())
}

async fn run_eval(
    queries: &Path,
    corpus: &[PathBuf],
    misses: bool,
    model_dir: Option<&Path>,
) -> CliResult {
    let text = std::fs::read_to_string(queries)
        .with_context(|| format!("cannot read {}", queries.display()))?;
    let judged = eval::parse_queries(&text).explain(|| format!("in {}", queries.display()))?;
    let dir = tempfile::tempdir().context("cannot make a scratch directory")?;
    let storage = StorageConfig {
        data_dir: dir.path().to_owned(),
        database_url: None,
    };
    let store = storage.open_store().await?;
    if corpus.is_empty() {
        crate::import::demo::load_if_empty(&store)
            .await
            .explain(|| "cannot load the sample posts".to_owned())?;
    }
    for file in corpus {
        crate::import::import_file(&store, file, |_| {}, &|_| {})
            .await
            .explain(|| format!("cannot import {}", file.display()))?;
    }
    let semantic = match model_dir {
        Some(dir) => {
            let semantic = crate::config::load_model(dir).await?;
            let (_, running) = tokio::sync::watch::channel(false);
            crate::search::semantic::embed_missing(&semantic, &store, &running)
                .await
                .explain(|| "cannot embed the corpus".to_owned())?;
            Some(semantic)
        }
        None => None,
    };
    let opened = Search::open(dir.path(), store.clone(), 0, semantic)
        .await
        .explain(|| "cannot open a scratch search index".to_owned())?;
    let mut indexer = opened.indexer;
    Search::catch_up(&mut indexer, &|_, _| {})
        .await
        .explain(|| "cannot index the corpus".to_owned())?;
    let search = opened.search;

    let ours = eval::evaluate(&search, &store, &judged, Mode::Full, false)
        .await
        .explain(|| "cannot run the judged queries".to_owned())?;
    let baseline = eval::evaluate(&search, &store, &judged, Mode::Baseline, false)
        .await
        .explain(|| "cannot run the judged queries".to_owned())?;
    let hybrid = match search.semantic() {
        Some(_) => Some(
            eval::evaluate(&search, &store, &judged, Mode::Full, true)
                .await
                .explain(|| "cannot run the judged queries".to_owned())?,
        ),
        None => None,
    };
    let corpus_name = if corpus.is_empty() {
        "the built-in demo posts".to_owned()
    } else {
        corpus
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let group = |name: &str| format!("   {name:<22}");
    let mut out = format!(
        "{} judged queries from {} over {} ({} posts)\n\n{:<17}{}{}{}\n",
        judged.len(),
        queries.display(),
        corpus_name,
        store.count_all_published().await?,
        "",
        group("kbql (words)"),
        group("BM25"),
        if hybrid.is_some() {
            group("kbql (words + meaning)")
        } else {
            String::new()
        },
    );
    let columns = |n: usize| "   MRR@10    P@1    R@3".repeat(n);
    out.push_str(&format!(
        "{:<12}{:>5}{}\n",
        "kind",
        "n",
        columns(2 + usize::from(hybrid.is_some()))
    ));
    let figures = |m: &eval::Metrics| {
        format!(
            "   {:>6.3} {:>6.3} {:>6.3}",
            m.mrr_at_10, m.precision_at_1, m.recall_at_3
        )
    };
    let none = eval::Metrics::default();
    let row = |name: &str, pick: &dyn Fn(&eval::Report) -> Option<eval::Metrics>| {
        let a = pick(&ours).unwrap_or(none);
        let mut line = format!(
            "{:<12}{:>5}{}{}",
            name,
            a.queries,
            figures(&a),
            figures(&pick(&baseline).unwrap_or(none))
        );
        if let Some(h) = &hybrid {
            line.push_str(&figures(&pick(h).unwrap_or(none)));
        }
        line.push('\n');
        line
    };
    for kind in ours.by_kind.keys() {
        out.push_str(&row(kind, &|r| r.by_kind.get(kind).copied()));
    }
    out.push_str(&row("all", &|r| Some(r.overall)));

    let answers = eval::evaluate_answers(&judged, |q| eval::kbql_answer(&search, q))
        .await
        .explain(|| "cannot run the judged questions".to_owned())?;
    let plain_answers =
        eval::evaluate_answers(&judged, |q| eval::baseline_answer(&search, &store, q))
            .await
            .explain(|| "cannot run the judged questions".to_owned())?;
    out.push_str(&answer_table(&answers, &plain_answers));
    out.push_str(&confidence_table(&answers));
    if misses {
        out.push_str("\nkbql: answers wrong or missing (query -> what was said):\n");
        for (q, said) in &answers.misses {
            match said {
                Some((text, confidence)) => {
                    out.push_str(&format!("  {q:?} -> ({confidence:.2}) {text}\n"))
                }
                None => out.push_str(&format!("  {q:?} -> (no answer)\n")),
            }
        }
    }
    if misses {
        for (name, report) in [("kbql", &ours), ("BM25", &baseline)] {
            out.push_str(&format!(
                "\n{name}: best answer not first (query -> what came first):\n"
            ));
            for (q, first) in &report.misses {
                out.push_str(&format!(
                    "  {q:?} -> {}\n",
                    first.as_deref().unwrap_or("(nothing)")
                ));
            }
        }
    }
    write_stdout(&out)?;
    Ok(())
}
