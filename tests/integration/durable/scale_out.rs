//! Several `cairn serve` processes on one PostgreSQL database: they share the executions, and
//! when one is killed the others take its executions over once its lease has expired.

use std::time::Duration;

use super::crash::{count_running, print_server_log, start_all, verify_all, wait_all_done, write_functions};
use super::server::{free_port, Aws, Server, ServerSpec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_share_the_work_and_take_over_a_killed_one() {
    let _heavy = crate::HEAVY.lock().await;
    let Some(url) = super::postgres_database("scale").await else { return };
    let dir = super::TempDir::new("scale");
    let functions = write_functions(&dir.0);
    let specs: Vec<ServerSpec> = (0..3)
        .map(|k| {
            let workdir = dir.0.join(format!("server{k}"));
            std::fs::create_dir_all(&workdir).expect("server dir");
            ServerSpec {
                port: free_port(),
                db: url.clone(),
                functions: Some(functions.clone()),
                workdir,
                lease_seconds: 2,
            }
        })
        .collect();
    let mut servers = Vec::new();
    for spec in &specs {
        servers.push(Server::start(spec).await);
    }
    let clients: Vec<Aws> = servers.iter().map(|s| Aws::new(&s.endpoint)).collect();
    // Executions are started on all three servers; each server advances those it started.
    let runs = start_all(&clients).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let victim = servers.remove(0);
    victim.kill9();
    let running = count_running(&clients[1], &runs).await;
    assert!(running > 0, "the kill came mid-flight");
    wait_all_done(&clients[1], &runs, Duration::from_secs(90)).await;
    verify_all(&clients[2], &runs).await;
    drop(servers);
    for spec in &specs {
        print_server_log(&spec.workdir);
    }
}
