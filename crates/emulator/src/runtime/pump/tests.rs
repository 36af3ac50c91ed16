use super::*;

#[tokio::test]
async fn lines_survive_a_cancelled_read_and_drop_what_is_too_long() {
    let long = vec![b'x'; LINE_LIMIT + 1];
    let mut input = b"first\nsec".to_vec();
    input.extend_from_slice(b"ond\n");
    input.extend_from_slice(&long);
    input.extend_from_slice(b"\nlast\n");
    let (mut writer, reader) = tokio::io::duplex(64);
    let mut lines = Lines::new(reader);
    let feed = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt as _;
        for piece in input.chunks(5) {
            writer.write_all(piece).await.unwrap();
            tokio::task::yield_now().await;
        }
    });
    let mut got = Vec::new();
    while got.len() < 4 {
        // Cancelled now and then, as `select!` cancels it when the process exits.
        let next = tokio::time::timeout(Duration::from_micros(50), lines.next()).await;
        if let Ok(line) = next {
            got.push(line.unwrap().unwrap());
        }
    }
    feed.await.unwrap();
    assert_eq!(got[0], b"first");
    assert_eq!(got[1], b"second");
    assert!(got[2].is_empty(), "a line over the limit is no record");
    assert_eq!(got[3], b"last");
}
