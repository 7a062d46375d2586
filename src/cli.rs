//! The `kbql` command line: operations only; everything a user does to the
//! knowledge base goes through GraphQL.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::{ServeConfig, StorageConfig};
use crate::domain::Role;
use crate::server::Server;

#[derive(Parser, Debug)]
#[command(
    name = "kbql",
    version,
    about = "A search-first question-and-answer knowledge base, served over GraphQL"
)]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageConfig,

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

impl clap::ValueEnum for Role {
    fn value_variants<'a>() -> &'a [Self] {
        &[Role::Staff, Role::Admin]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

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
    }
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
        && let Some(summary) = crate::import::demo::load_if_empty(&store).await?
    {
        tracing::info!(posts = summary.created, "loaded demo posts");
    }
    let server = Server::bind(serve.bind, store).await?;
    tracing::info!("kbql listening on http://{}/graphql", server.local_addr());
    server.run().await?;
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
                    "error: {}: {e}; nothing from this file was imported",
                    path.display()
                );
            }
        }
    }
    if failed > 0 {
        return Err(format!("{failed} of {} files failed to import", files.len()).into());
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
            let (record, secret) = crate::auth::create_token(&store, name.as_str(), role).await?;
            eprintln!(
                "created {} token {} for {:?}; it is shown only once:",
                record.role, record.id, record.name
            );
            write_stdout(&secret)?;
        }
        TokenCommand::List => {
            let mut out = String::from("id\trole\tname\tcreated\tlast used\trevoked\n");
            for t in store.list_tokens().await? {
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
            if !store.revoke_token(id).await? {
                return Err(format!("no live token has id {id}").into());
            }
            write_stdout(&format!("revoked token {id}"))?;
        }
    }
    Ok(())
}
