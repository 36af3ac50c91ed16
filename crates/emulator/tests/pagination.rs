//! Twilio's paging: PageSize, Page, PA/PB page tokens and the meta URLs.

mod common;

use common::Server;
use serde_json::Value;

fn sids(page: &Value) -> Vec<String> {
    page["services"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["sid"].as_str().expect("sid").to_owned())
        .collect()
}

fn relative(url: &Value, base: &str) -> String {
    url.as_str()
        .expect("url")
        .strip_prefix(base)
        .expect("same base")
        .to_owned()
}

#[tokio::test]
async fn pages_follow_tokens_forward_and_back() {
    let server = Server::start().await;
    let mut all = Vec::new();
    for n in 0..5 {
        all.push(server.service(&format!("paged-{n}")).await);
    }
    let first = server.get("/v1/Services?PageSize=2").await;
    let meta = &first.ok(200)["meta"];
    assert_eq!(sids(&first.body), all[..2]);
    assert_eq!(meta["page"], 0);
    assert_eq!(meta["page_size"], 2);
    assert_eq!(meta["previous_page_url"], Value::Null);
    assert_eq!(
        meta["url"],
        format!("{}/v1/Services?PageSize=2&Page=0", server.base)
    );
    assert_eq!(
        meta["next_page_url"],
        format!(
            "{}/v1/Services?PageSize=2&Page=1&PageToken=PA{}",
            server.base, all[1]
        )
    );

    let second = server
        .get(&relative(&meta["next_page_url"], &server.base))
        .await;
    assert_eq!(sids(&second.body), all[2..4]);
    assert_eq!(second.body["meta"]["page"], 1);
    assert_eq!(
        second.body["meta"]["url"],
        format!(
            "{}/v1/Services?PageSize=2&Page=1&PageToken=PA{}",
            server.base, all[1]
        )
    );
    let third = server
        .get(&relative(
            &second.body["meta"]["next_page_url"],
            &server.base,
        ))
        .await;
    assert_eq!(sids(&third.body), all[4..]);
    assert_eq!(third.body["meta"]["next_page_url"], Value::Null);

    let back = server
        .get(&relative(
            &third.body["meta"]["previous_page_url"],
            &server.base,
        ))
        .await;
    assert_eq!(sids(&back.body), all[2..4]);
    assert_eq!(back.body["meta"]["page"], 1);
    let by_index = server.get("/v1/Services?PageSize=2&Page=2").await;
    assert_eq!(sids(&by_index.body), all[4..]);
}

#[tokio::test]
async fn a_token_outlives_the_item_it_names() {
    let server = Server::start().await;
    let a = server.service("a").await;
    let b = server.service("b").await;
    server.delete(&format!("/v1/Services/{a}")).await.ok(204);
    let page = server
        .get(&format!("/v1/Services?PageSize=1&Page=1&PageToken=PA{a}"))
        .await;
    assert_eq!(sids(&page.body), [b]);
}

#[tokio::test]
async fn bad_paging_parameters_are_refused() {
    let server = Server::start().await;
    for query in [
        "PageSize=0",
        "PageSize=1001",
        "PageSize=ten",
        "Page=-1",
        "PageToken=XX1",
        "PageToken=PAZS0",
    ] {
        server
            .get(&format!("/v1/Services?{query}"))
            .await
            .error(400, 20001);
    }
    server.get("/v1/Services?PageSize=1000").await.ok(200);
}
