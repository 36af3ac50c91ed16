//! A bounded load on loopback against the real binary (relay and embedded emulator in one
//! process): every request succeeds, and resident memory stays flat.
//!
//! This is not a benchmark (`cargo xtask bench` measures); the bounds are generous on purpose.

mod common;

use common::spawn_relay;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const CLIENTS: usize = 8;
const REQUESTS_PER_CLIENT: usize = 200;
/// How much resident memory may grow between the warm-up and the end of the load.
const RSS_GROWTH_LIMIT_KB: u64 = 24 * 1024;

async fn round(http: &reqwest::Client, base: &str, n: usize) -> Result<(), String> {
    let path = match n % 4 {
        0 => "/api/serverless/v1/Services?PageSize=50".to_owned(),
        1 => "/api/serverless/v1/Services/demo-hotline/Functions".to_owned(),
        2 => "/api/session".to_owned(),
        _ => "/services".to_owned(),
    };
    let response = http
        .get(format!("{base}{path}"))
        .send()
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| format!("{path}: {e}"))?;
    if status != 200 || body.is_empty() {
        return Err(format!("{path}: {status}"));
    }
    Ok(())
}

async fn load(base: &str, clients: usize, per_client: usize) -> Vec<String> {
    let errors = Arc::new(std::sync::Mutex::new(Vec::new()));
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (base, errors, done) = (base.to_owned(), errors.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for n in 0..per_client {
                if let Err(error) = round(&http, &base, n).await {
                    errors.lock().unwrap().push(error);
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for task in tasks {
        task.await.expect("client");
    }
    assert_eq!(done.load(Ordering::Relaxed), clients * per_client);
    Arc::try_unwrap(errors).unwrap().into_inner().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounded_load_has_no_errors_and_flat_memory() {
    let relay = spawn_relay(&["--seed", "demo"], &[("RUST_LOG", "warn")]).await;
    let base = format!("http://{}", relay.address);

    let warm_up = load(&base, CLIENTS, 25).await;
    assert!(warm_up.is_empty(), "{warm_up:?}");
    let before = relay.memory_kb("VmRSS");

    let errors = load(&base, CLIENTS, REQUESTS_PER_CLIENT).await;
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    let after = relay.memory_kb("VmRSS");
    assert!(
        after <= before + RSS_GROWTH_LIMIT_KB,
        "resident memory grew from {before} kB to {after} kB over {} requests",
        CLIENTS * REQUESTS_PER_CLIENT
    );

    // Still answering normally afterwards.
    let health = reqwest::get(format!("{base}/api/health")).await.unwrap();
    assert_eq!(health.status(), 200);
    relay.stop().await;
}
