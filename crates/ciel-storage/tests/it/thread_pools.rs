//! Threads that adopt a share of the pool (the API's workers): their checkouts come from
//! connections of their own, the process never holds more than `max_connections`, and a
//! finished thread's share goes to the next one.

use ciel_storage::{PgPool, PoolSettings, PoolStats, connect_pool};
use ciel_testkit::TestDb;
use diesel::sql_types::Integer;
use diesel_async::RunQueryDsl;
use std::sync::mpsc;
use std::time::Duration;

fn pool(url: &str, max: u32, threads: u32) -> PgPool {
    let settings = PoolSettings {
        max_connections: max,
        thread_pools: threads,
        connect_timeout: Duration::from_millis(500),
        ..PoolSettings::default()
    };
    connect_pool(url, &settings).unwrap()
}

#[derive(diesel::QueryableByName)]
struct Pid {
    #[diesel(sql_type = Integer)]
    pid: i32,
}

/// The backend process id behind a checkout.
async fn backend(conn: &mut diesel_async::AsyncPgConnection) -> i32 {
    diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result::<Pid>(conn)
        .await
        .unwrap()
        .pid
}

/// Runs `work` on a new thread with a single-threaded runtime of its own, as an API worker.
fn on_worker<T: Send + 'static>(
    pool: &PgPool,
    work: impl AsyncFnOnce(PgPool) -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    let pool = pool.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(work(pool))
    })
}

#[tokio::test]
async fn an_adopting_thread_takes_only_its_own_share() {
    let db = TestDb::empty().await;
    let pool = pool(db.url(), 9, 2);
    assert_eq!(
        pool.split(),
        (3, 3),
        "9 connections: 3 per worker, 3 shared"
    );

    let worker = on_worker(&pool, async |pool: PgPool| {
        assert!(pool.adopt_current_thread(), "the first worker adopts");
        assert!(!pool.adopt_current_thread(), "a thread adopts once");
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(pool.get().await.unwrap());
        }
        let mut pids = Vec::new();
        for conn in &mut held {
            pids.push(backend(conn).await);
        }
        let stats = PoolStats::of(&pool, 9);
        // A fourth checkout on this thread waits for its own pool, not the idle shared one.
        let fourth = pool.get().await;
        (pids, stats.in_use, fourth.is_err())
    });
    let (pids, in_use, fourth_timed_out) = tokio::task::spawn_blocking(move || worker.join())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(in_use, 3, "the worker's three connections are counted");
    assert!(fourth_timed_out, "the worker's own pool holds three");
    let mut distinct = pids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "three connections: {pids:?}");

    // This thread adopted nothing: it takes from the shared pool, all three of it.
    let mut shared = Vec::new();
    for _ in 0..3 {
        shared.push(pool.get().await.unwrap());
    }
    assert!(pool.get().await.is_err(), "the shared pool holds three");
    // The worker's pool closed with its thread; its timeout still counts (a counter never
    // goes back).
    assert_eq!(PoolStats::of(&pool, 9).timed_out, 2);
}

#[tokio::test]
async fn the_budget_holds_and_a_finished_threads_share_is_reused() {
    let db = TestDb::empty().await;
    let pool = pool(db.url(), 9, 2);

    // Two workers adopt and keep their connections busy until told to finish.
    let mut stops = Vec::new();
    let mut workers = Vec::new();
    let (ready_tx, ready_rx) = mpsc::channel::<bool>();
    for _ in 0..2 {
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let ready = ready_tx.clone();
        stops.push(stop_tx);
        workers.push(on_worker(&pool, async move |pool: PgPool| {
            let adopted = pool.adopt_current_thread();
            let mut held = Vec::new();
            for _ in 0..3 {
                held.push(pool.get().await.unwrap());
            }
            ready.send(adopted).unwrap();
            stop_rx.recv().unwrap();
        }));
    }
    let adopted: Vec<bool> = (0..2).map(|_| ready_rx.recv().unwrap()).collect();
    assert_eq!(adopted, [true, true]);

    // A third thread finds every place taken and shares.
    let third = on_worker(&pool, async |pool: PgPool| pool.adopt_current_thread());
    assert!(!third.join().unwrap(), "only two threads adopt");

    // Every pool full: the process holds exactly its budget.
    let mut shared = Vec::new();
    for _ in 0..3 {
        shared.push(pool.get().await.unwrap());
    }
    let stats = PoolStats::of(&pool, 9);
    assert_eq!((stats.in_use, stats.idle), (9, 0));
    assert!(pool.get().await.is_err(), "no tenth connection");
    drop(shared);

    // A worker ends: its pool closes and its place goes to the next thread.
    stops.remove(0).send(()).unwrap();
    workers.remove(0).join().unwrap();
    let next = on_worker(&pool, async |pool: PgPool| {
        let adopted = pool.adopt_current_thread();
        let conn = pool.get().await.map(|_| ());
        (adopted, conn.is_ok())
    });
    assert_eq!(next.join().unwrap(), (true, true));
    stops.remove(0).send(()).unwrap();
    workers.remove(0).join().unwrap();
}

#[test]
fn adopting_needs_a_runtime_and_a_budget_worth_splitting() {
    // No database is reached: adopting only builds a pool.
    let url = "postgres://nobody@127.0.0.1:9/none";
    assert!(
        !pool_without_runtime(url).adopt_current_thread(),
        "outside a runtime"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        assert!(
            !pool(url, 5, 2).adopt_current_thread(),
            "5 connections are not split"
        );
        assert_eq!(pool(url, 5, 2).split(), (0, 5));
        assert!(
            !pool(url, 25, 0).adopt_current_thread(),
            "no thread pools configured"
        );
        assert!(pool(url, 25, 2).adopt_current_thread());
    });
}

/// A pool built outside any runtime (bb8 needs one only for its reaper, so none is set).
fn pool_without_runtime(url: &str) -> PgPool {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pool = rt.block_on(async { pool(url, 25, 2) });
    drop(rt);
    pool
}
