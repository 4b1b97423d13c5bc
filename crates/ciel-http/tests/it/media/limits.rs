//! Decoder limits end to end: a valid 20 000 px wide photo (over the 12 000 px side limit) and a
//! valid PNG decompression bomb (a ~100 KB file of 10 050 × 10 050 pixels, over the pixel-count
//! guard) both end `failed`, each job runs once — no retry, nothing dead-lettered, no media row
//! and no derivative stored.

use super::{complete, media_app, metric, poll_until, upload, wait_metric};
use ciel_testkit::photos::{PhotoFormat, photo_file, png_bomb};

#[tokio::test]
async fn an_oversized_photo_and_a_decompression_bomb_fail_once_without_retries() {
    let wide = photo_file(20_000, 16, PhotoFormat::Jpeg);
    let bomb = png_bomb(10_050);
    assert!(
        bomb.len() < 200_000,
        "the bomb is a small file: {} bytes",
        bomb.len()
    );
    let app = media_app().await;
    let ann = app.user("ann").await;
    let wide = upload(&app, &ann, wide, "image/jpeg").await;
    let bomb = upload(&app, &ann, bomb, "image/png").await;
    for id in [&wide, &bomb] {
        assert_eq!(complete(&app, &ann, id).await.status(), 202);
    }
    for id in [&wide, &bomb] {
        let failed = poll_until(&app, &ann, id, "failed").await;
        assert!(failed["processed_media_id"].is_null());
    }
    wait_metric(&app, "media_jobs_total{outcome=\"failed_permanent\"}", 2.0).await;
    // Give a retry storm time to show itself, then count: each job ran exactly once.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for (outcome, want) in [
        ("failed_permanent", 2.0),
        ("retried", 0.0),
        ("dead_lettered", 0.0),
        ("completed", 0.0),
    ] {
        assert_eq!(
            metric(&app, &format!("media_jobs_total{{outcome=\"{outcome}\"}}")).await,
            want,
            "{outcome}"
        );
    }
    let depths = app.media_queue_depths().await;
    assert_eq!((depths.main, depths.retry, depths.dead), (0, 0, 0));
    assert_eq!(app.db.count("SELECT count(*) AS n FROM media").await, 0);
    assert_eq!(
        app.bucket_keys("media/").await,
        Vec::<String>::new(),
        "nothing stored for a failed upload"
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM media_uploads WHERE status = 'failed'")
            .await,
        2
    );
}
