//! Functions, Assets, their Versions (multipart creation on the upload path) and Function
//! Version Content.

mod common;

use common::Server;
use reqwest::Method;

#[tokio::test]
async fn functions_can_be_created_listed_fetched_updated_and_deleted() {
    let server = Server::start().await;
    let service = server.service("fns").await;
    let path = format!("/v1/Services/{service}/Functions");
    let created = server.post(&path, &[("FriendlyName", "/hello")]).await;
    let sid = created.str("sid");
    assert!(sid.starts_with("ZH"));
    assert_eq!(
        created.ok(201)["links"]["function_versions"],
        format!("{}{path}/{sid}/Versions", server.base)
    );
    assert_eq!(server.get(&path).await.ok(200)["functions"][0]["sid"], sid);
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["friendly_name"],
        "/hello"
    );
    assert_eq!(
        server
            .post(&format!("{path}/{sid}"), &[("FriendlyName", "/hi")])
            .await
            .ok(200)["friendly_name"],
        "/hi"
    );
    server
        .post(&format!("{path}/{sid}"), &[])
        .await
        .error(400, 20001);
    server
        .post(&path, &[("FriendlyName", &"x".repeat(256))])
        .await
        .error(400, 20001);
    // A function is not an asset, although both are ZH.
    server
        .get(&format!("/v1/Services/{service}/Assets/{sid}"))
        .await
        .error(404, 20404);
    server.delete(&format!("{path}/{sid}")).await.ok(204);
    server.get(&format!("{path}/{sid}")).await.error(404, 20404);
}

#[tokio::test]
async fn assets_can_be_created_listed_fetched_updated_and_deleted() {
    let server = Server::start().await;
    let service = server.service("assets").await;
    let path = format!("/v1/Services/{service}/Assets");
    let created = server.post(&path, &[("FriendlyName", "style.css")]).await;
    let sid = created.str("sid");
    assert_eq!(
        created.ok(201)["links"]["asset_versions"],
        format!("{}{path}/{sid}/Versions", server.base)
    );
    assert_eq!(server.get(&path).await.ok(200)["assets"][0]["sid"], sid);
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["friendly_name"],
        "style.css"
    );
    assert_eq!(
        server
            .post(&format!("{path}/{sid}"), &[("FriendlyName", "main.css")])
            .await
            .ok(200)["friendly_name"],
        "main.css"
    );
    server.post(&path, &[]).await.error(400, 20001);
    server.delete(&format!("{path}/{sid}")).await.ok(204);
    server
        .delete(&format!("{path}/{sid}"))
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn function_versions_keep_their_content() {
    let server = Server::start().await;
    let service = server.service("versions").await;
    let function = server.function(&service, "/hello").await;
    let path = format!("/v1/Services/{service}/Functions/{function}/Versions");
    let source = "exports.handler = (context, event, callback) => callback(null, 'hi');";
    let created = server
        .upload(&path, source.into(), "hello", "protected")
        .await;
    let sid = created.str("sid");
    assert_eq!(created.ok(201)["path"], "/hello");
    assert_eq!(created.body["visibility"], "protected");
    assert_eq!(created.body["function_sid"], function);
    assert_eq!(
        created.body["links"]["function_version_content"],
        format!("{}{path}/{sid}/Content", server.base)
    );
    assert_eq!(
        server.get(&path).await.ok(200)["function_versions"][0]["sid"],
        sid
    );
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["path"],
        "/hello"
    );
    let content = server.get(&format!("{path}/{sid}/Content")).await;
    assert_eq!(content.ok(200)["content"], source);
    assert_eq!(
        content.body["url"],
        format!("{}{path}/{sid}/Content", server.base)
    );
    server
        .get(&format!(
            "{path}/ZN00000000000000000000000000000000/Content"
        ))
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn asset_versions_are_listed_and_fetched() {
    let server = Server::start().await;
    let service = server.service("asset-versions").await;
    let asset = server.asset(&service, "data.json").await;
    let path = format!("/v1/Services/{service}/Assets/{asset}/Versions");
    let created = server
        .upload(&path, b"{\"a\":1}".to_vec(), "/data.json", "private")
        .await;
    let sid = created.str("sid");
    assert_eq!(created.ok(201)["asset_sid"], asset);
    assert_eq!(created.body["visibility"], "private");
    assert_eq!(
        server.get(&path).await.ok(200)["asset_versions"][0]["sid"],
        sid
    );
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["path"],
        "/data.json"
    );
    // There is no content download for assets.
    server
        .get(&format!("{path}/{sid}/Content"))
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn uploads_are_validated() {
    let server = Server::start().await;
    let service = server.service("uploads").await;
    let function = server.function(&service, "/f").await;
    let path = format!("/v1/Services/{service}/Functions/{function}/Versions");
    let long_path = "a".repeat(255);
    for (file_path, visibility) in [
        ("", "public"),
        ("/a b", "public"),
        ("/a;b", "public"),
        (long_path.as_str(), "public"),
        ("/ok", "secret"),
        ("/ok", ""),
    ] {
        server
            .upload(&path, b"x".to_vec(), file_path, visibility)
            .await
            .error(400, 20001);
    }
    let no_content = reqwest::multipart::Form::new()
        .text("Path", "/x")
        .text("Visibility", "public");
    let reply = server
        .send(
            Method::POST,
            &path,
            server.request(Method::POST, &path).multipart(no_content),
        )
        .await;
    assert_eq!(
        reply.error(400, 20001),
        "Missing required parameter Content in the post body"
    );
    let form_encoded = server.request(Method::POST, &path).form(&[("Path", "/x")]);
    server
        .send(Method::POST, &path, form_encoded)
        .await
        .error(400, 20001);
    let missing =
        format!("/v1/Services/{service}/Functions/ZH00000000000000000000000000000000/Versions");
    server
        .upload(&missing, b"x".to_vec(), "/x", "public")
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn uploads_over_the_size_limits_are_refused() {
    let server = Server::start().await;
    let service = server.service("big").await;
    let asset = server.asset(&service, "big.bin").await;
    let path = format!("/v1/Services/{service}/Assets/{asset}/Versions");
    let ten_mb = 10 * 1024 * 1024;
    server
        .upload(&path, vec![0; ten_mb], "/ten.bin", "private")
        .await
        .ok(201);
    let reply = server
        .upload(&path, vec![0; ten_mb + 1], "/private.bin", "private")
        .await;
    assert!(reply.error(400, 20001).contains("10 MB"));
    server
        .upload(&path, vec![0; ten_mb + 1], "/public.bin", "public")
        .await
        .ok(201);
    let reply = server
        .upload(&path, vec![0; 25 * 1024 * 1024 + 1], "/huge.bin", "public")
        .await;
    assert!(reply.error(400, 20001).contains("25 MB"));
}
