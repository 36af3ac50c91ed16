//! A bounded HTTP load: `total` requests shared by `concurrency` workers, each latency recorded.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct Stats {
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
    pub errors: usize,
    pub first_error: Option<String>,
}

impl Stats {
    /// The `q` quantile (0..=1) of the latencies, in milliseconds.
    pub fn ms(&self, q: f64) -> f64 {
        percentile(&self.latencies, q)
    }

    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

pub fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

pub type MakeRequest =
    Arc<dyn Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Send + Sync>;

pub async fn run(
    client: &reqwest::Client,
    total: usize,
    concurrency: usize,
    make: MakeRequest,
) -> Stats {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, next, make) = (client.clone(), next.clone(), make.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let sent = Instant::now();
                match make(&client, n).send().await {
                    Ok(response) if response.status().is_success() => {
                        let body = response.bytes().await;
                        latencies.push(sent.elapsed());
                        if let Err(error) = body {
                            errors.push(error.to_string());
                        }
                    }
                    Ok(response) => errors.push(format!("status {}", response.status())),
                    Err(error) => errors.push(error.to_string()),
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut errors = Vec::new();
    for worker in workers {
        if let Ok((l, e)) = worker.await {
            latencies.extend(l);
            errors.extend(e);
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Stats {
        latencies,
        elapsed,
        errors: errors.len(),
        first_error: errors.into_iter().next(),
    }
}
