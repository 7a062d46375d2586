//! A throw-away PostgreSQL database per test, on the server the suite is
//! pointed at.

/// The variable that points the suite at a PostgreSQL server: a URL whose
/// user may create databases, e.g. postgres://postgres@127.0.0.1:5432/test.
pub const POSTGRES_VAR: &str = "KBQL_TEST_POSTGRES_URL";

/// A throw-away PostgreSQL database of one test, dropped (connections and
/// all) when this value is, also when the test fails.
pub struct PostgresDb {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PostgresDb {
    /// A new empty database on the server `admin_url` points at.
    pub async fn create(admin_url: &str) -> PostgresDb {
        use rand::Rng;
        use sea_orm::ConnectionTrait;
        let name = format!("kbql_test_{:016x}", rand::rng().random::<u64>());
        let admin = sea_orm::Database::connect(admin_url)
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        let _ = admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(admin_url);
        PostgresDb {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PostgresDb {
    /// Drop cannot await inside the test's runtime; a thread can run a
    /// runtime of its own.
    fn drop(&mut self) {
        let admin_url = std::mem::take(&mut self.admin_url);
        let name = std::mem::take(&mut self.name);
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                use sea_orm::ConnectionTrait;
                if let Ok(admin) = sea_orm::Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}
