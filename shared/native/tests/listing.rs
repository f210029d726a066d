//! Listings on the native adapter return every key up to the limit, past a runtime's page
//! size (Workers KV and R2 answer 1000 a call; their adapters follow the cursors), sorted.

use medportal_core::ports::{BlobStore, EVERY_KEY, KvStore};
use medportal_core::{Platform, StoreName};
use medportal_native::{NativePlatform, NativeStores};

#[test]
fn kv_and_blob_listings_go_past_a_thousand_keys() {
    let platform = NativePlatform::new(NativeStores::in_memory());
    pollster::block_on(async {
        let kv = platform.open_kv(StoreName::parse("kv_eu").unwrap()).await.unwrap();
        for i in (0..2500).rev() {
            kv.put(&format!("k/{i:05}"), b"v", None).await.unwrap();
        }
        kv.put("other/1", b"v", None).await.unwrap();
        let all = kv.list("k/", EVERY_KEY).await.unwrap();
        assert_eq!(all.len(), 2500);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert_eq!(all.last().map(String::as_str), Some("k/02499"));
        assert_eq!(kv.list("k/", 1001).await.unwrap().len(), 1001);
        assert_eq!(kv.list("", EVERY_KEY).await.unwrap().len(), 2501);
        let blobs = platform.open_blob(StoreName::parse("blob_eu").unwrap()).await.unwrap();
        for i in 0..1200 {
            blobs.put(&format!("evidence/p/{i:05}"), b"x", "text/plain").await.unwrap();
        }
        assert_eq!(blobs.list("evidence/", EVERY_KEY).await.unwrap().len(), 1200);
    });
}
