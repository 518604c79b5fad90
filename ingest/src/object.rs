//! Inputs in object storage: `s3://bucket/prefix/` (and `file://` URLs) wherever a path goes.
//!
//! A URL names one object, or a prefix whose objects are read in key order, as a folder's
//! files are; an object is read as a file is (`.gz`, `.zst`, JSON Lines), streamed, never
//! held whole. The store is the Apache Arrow project's `object_store`: credentials, region
//! and endpoint come from the standard AWS environment variables, and `--storage-option
//! KEY=VALUE` sets any of its S3 settings (`endpoint`, `region`, `allow_http`, …) for an
//! S3-compatible server. Transient failures (5xx, throttling, timeouts) are retried by the
//! store with exponential backoff, each retry logged; what still fails is that input's
//! error row.

use std::fmt;
use std::io::{self, Read};
use std::sync::Arc;

use futures::stream::{BoxStream, StreamExt};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::multipart::MultipartStore;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::{Error, Fingerprint};

/// Whether an input names object storage rather than a local path.
pub fn is_url(input: &str) -> bool {
    input.starts_with("s3://") || input.starts_with("s3a://") || input.starts_with("file://")
}

/// One store, with the runtime its requests run on: the reader is synchronous and waits on
/// each request, while the objects fetched ahead are fetched on the runtime's two threads.
pub struct Store {
    url: String,
    store: Arc<dyn ObjectStore>,
    /// The same store's multipart requests, where it has them (S3; not `file://`).
    multipart: Option<Arc<dyn MultipartStore>>,
    runtime: tokio::runtime::Runtime,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Store({})", self.url)
    }
}

/// One object to read.
#[derive(Clone, Debug)]
pub struct ObjectInput {
    store: Arc<Store>,
    location: ObjectPath,
    /// Its size as listed (a listing may give no ETag, and so no fingerprint, but always
    /// a size).
    size: u64,
}

impl PartialEq for ObjectInput {
    fn eq(&self, other: &Self) -> bool {
        self.store.url == other.store.url && self.location == other.location
    }
}

impl Eq for ObjectInput {}

/// The objects an input URL names, in key order: `(object, its URL, its fingerprint)`.
/// Keys with a part starting with `.` are skipped, as hidden files in a folder are.
pub(crate) fn list(
    input: &str,
    options: &[(String, String)],
) -> Result<Vec<(ObjectInput, String, Option<Fingerprint>)>, Error> {
    let problem = |detail: String| Error::Object {
        url: input.to_string(),
        detail,
    };
    // Objects are fetched ahead on the runtime's threads while the reader works.
    let (store, prefix) = Store::connect(input, options, Some(2))?;
    let listed: Result<Vec<_>, _> = store.runtime.block_on(async {
        let mut objects = Vec::new();
        let prefix = (!prefix.as_ref().is_empty()).then_some(&prefix);
        let mut stream = store.store.list(prefix);
        while let Some(meta) = stream.next().await {
            objects.push(meta?);
        }
        Ok::<_, object_store::Error>(objects)
    });
    let mut objects = listed.map_err(|e| problem(e.to_string()))?;
    // A URL naming one object lists nothing under it as a prefix (or only deeper keys).
    if objects.is_empty() && !input.ends_with('/') {
        let head = store.runtime.block_on(store.store.head(&prefix));
        match head {
            Ok(meta) => objects.push(meta),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(problem(e.to_string())),
        }
    }
    if objects.is_empty() {
        return Err(problem("no object at or under this URL".to_string()));
    }
    objects.sort_by(|a, b| a.location.cmp(&b.location));
    Ok(objects
        .into_iter()
        .filter(|meta| !meta.location.parts().any(|p| p.as_ref().starts_with('.')))
        .map(|meta| {
            let fingerprint = fingerprint(&meta);
            let name = store.name_of(&meta.location);
            (
                ObjectInput {
                    store: Arc::clone(&store),
                    location: meta.location,
                    size: meta.size,
                },
                name,
                fingerprint,
            )
        })
        .collect())
}

impl Store {
    /// The store `input` names and the key (or prefix) within it, with a runtime of
    /// `threads` worker threads, or one on the calling thread alone for `None`.
    fn connect(
        input: &str,
        options: &[(String, String)],
        threads: Option<usize>,
    ) -> Result<(Arc<Store>, ObjectPath), Error> {
        let problem = |detail: String| Error::Object {
            url: input.to_string(),
            detail,
        };
        let url = url::Url::parse(input).map_err(|e| problem(format!("not a URL: {e}")))?;
        let (store, multipart, prefix) = open_store(&url, options).map_err(problem)?;
        let runtime = match threads {
            Some(n) => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(n)
                .thread_name("newsprint-fetch")
                .enable_all()
                .build(),
            None => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
        }
        .map_err(|e| problem(format!("cannot start the I/O runtime: {e}")))?;
        let root = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
        let store = Store {
            url: root,
            store,
            multipart,
            runtime,
        };
        Ok((Arc::new(store), prefix))
    }

    /// The URL of the object at `location`, as a `source` names it.
    /// The object's `source`: its URL, with the key escaped as a file's name is
    /// (`#` as `%23`, `%` as `%25`), so that no key reads as a JSON Lines record's
    /// `feed.jsonl#L1` and two keys never share a source.
    fn name_of(&self, location: &ObjectPath) -> String {
        let key = crate::identity::display_name(std::ffi::OsStr::new(location.as_ref()));
        if self.url.starts_with("file://") {
            format!("file:///{key}")
        } else {
            format!("{}/{key}", self.url)
        }
    }

    /// The object at `location`, whole.
    async fn whole(
        client: Arc<dyn ObjectStore>,
        location: ObjectPath,
    ) -> object_store::Result<bytes::Bytes> {
        client.get(&location).await?.bytes().await
    }
}

/// A folder in object storage read object by object: what `stats` and `report` use to copy
/// a dataset's manifest and parts.
#[derive(Debug)]
pub struct Remote {
    store: Arc<Store>,
    prefix: ObjectPath,
}

impl Remote {
    /// The folder `url` names (`s3://bucket/dataset`, `file:///path`), with the store's
    /// settings as for inputs.
    pub fn open(url: &str, options: &[(String, String)]) -> Result<Self, Error> {
        let (store, prefix) = Store::connect(url, options, None)?;
        Ok(Remote { store, prefix })
    }

    /// The location of `key` (`a/b`) under the folder.
    pub fn location(&self, key: &str) -> ObjectPath {
        key.split('/')
            .filter(|part| !part.is_empty())
            .fold(self.prefix.clone(), |path, part| path.join(part))
    }

    /// The key of `location` under the folder (`a/b`), or `None` if it is not under it.
    pub fn key_of(&self, location: &ObjectPath) -> Option<String> {
        location.prefix_match(&self.prefix).map(|parts| {
            parts
                .map(|p| p.as_ref().to_string())
                .collect::<Vec<_>>()
                .join("/")
        })
    }

    /// The URL of `key` under the folder, for messages.
    pub fn url_of(&self, key: &str) -> String {
        self.store.name_of(&self.location(key))
    }

    /// The store's client, for a writer's requests.
    pub fn client(&self) -> Arc<dyn ObjectStore> {
        Arc::clone(&self.store.store)
    }

    /// The store's multipart requests (S3), by which a writer keeps the id of each upload
    /// it starts, so that one a killed writer left can be aborted; `None` for a store
    /// without them (`file://`).
    pub fn multipart(&self) -> Option<Arc<dyn MultipartStore>> {
        self.store.multipart.clone()
    }

    /// Runs `future` (requests to the store) to completion on the store's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.store.runtime.block_on(future)
    }

    /// The object at `key` under the folder, whole, or `None` when there is none.
    pub fn get_if_present(&self, key: &str) -> Result<Option<bytes::Bytes>, Error> {
        let location = self.location(key);
        let client = Arc::clone(&self.store.store);
        match self
            .store
            .runtime
            .block_on(Store::whole(client, location.clone()))
        {
            Ok(bytes) => Ok(Some(bytes)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::Object {
                url: self.store.name_of(&location),
                detail: e.to_string(),
            }),
        }
    }

    /// Whether any object lies under `key` (a folder's name) under the folder.
    pub fn holds_any_under(&self, key: &str) -> Result<bool, Error> {
        let location = self.location(key);
        let client = Arc::clone(&self.store.store);
        let first = self.store.runtime.block_on(async move {
            let mut listed = client.list(Some(&location));
            listed.next().await.transpose()
        });
        first.map(|f| f.is_some()).map_err(|e| Error::Object {
            url: self.url_of(key),
            detail: e.to_string(),
        })
    }

    /// The object at `key` under the folder, whole.
    pub fn get(&self, key: &str) -> Result<bytes::Bytes, Error> {
        let location = self.location(key);
        let client = Arc::clone(&self.store.store);
        self.store
            .runtime
            .block_on(Store::whole(client, location.clone()))
            .map_err(|e| Error::Object {
                url: self.store.name_of(&location),
                detail: e.to_string(),
            })
    }
}

/// What tells a later run an object unchanged: its size, its last-modified time, and its
/// ETag (hashed into the place a file's inode number takes), which any rewrite changes.
fn fingerprint(meta: &object_store::ObjectMeta) -> Option<Fingerprint> {
    let modified_ns = meta.last_modified.timestamp_nanos_opt()?;
    let e_tag = meta.e_tag.as_deref()?;
    Some(Fingerprint {
        len: meta.size,
        modified_ns,
        changed_ns: modified_ns,
        inode: xxhash_rust::xxh3::xxh3_64(e_tag.as_bytes()),
    })
}

/// The store a URL names and the key (or prefix) within it. S3 settings come from the
/// standard AWS environment, then from `options`, whose keys must be S3 settings
/// `object_store` knows (`endpoint`, `region`, `allow_http`, `access_key_id`, …).
/// The store a URL names, its multipart requests where it has them, and the prefix.
type Opened = (
    Arc<dyn ObjectStore>,
    Option<Arc<dyn MultipartStore>>,
    ObjectPath,
);

fn open_store(url: &url::Url, options: &[(String, String)]) -> Result<Opened, String> {
    let key = url.path().trim_start_matches('/');
    let prefix = ObjectPath::parse(key).map_err(|e| e.to_string())?;
    match url.scheme() {
        "file" => {
            if !options.is_empty() {
                return Err("--storage-option applies to s3:// URLs only".to_string());
            }
            Ok((
                Arc::new(object_store::local::LocalFileSystem::new()),
                None,
                prefix,
            ))
        }
        "s3" | "s3a" => {
            let mut builder = AmazonS3Builder::from_env().with_url(url.as_str());
            for (k, v) in options {
                let config: AmazonS3ConfigKey = k
                    .to_ascii_lowercase()
                    .parse()
                    .map_err(|_| format!("--storage-option {k}: not an S3 setting"))?;
                builder = builder.with_config(config, v);
            }
            let store = Arc::new(builder.build().map_err(|e| e.to_string())?);
            Ok((store.clone(), Some(store), prefix))
        }
        other => Err(format!(
            "{other}:// is not a store newsprint reads (s3://, file://)"
        )),
    }
}

/// Objects fetched ahead of the reader at most: requests in flight together.
pub(crate) const FETCH_AHEAD: usize = 128;
/// Bytes of objects fetched ahead at most, together; a larger object is streamed when its
/// turn comes instead.
pub(crate) const FETCH_AHEAD_BYTES: u64 = 32 << 20;

/// An object being fetched whole, ahead of its turn.
pub(crate) struct Fetch {
    store: Arc<Store>,
    task: tokio::task::JoinHandle<object_store::Result<bytes::Bytes>>,
    /// The object's size, counted against [`FETCH_AHEAD_BYTES`].
    pub(crate) size: u64,
}

impl Fetch {
    /// The object's bytes, waiting for them if they are still on their way.
    pub(crate) fn wait(self) -> io::Result<Box<dyn Read + Send>> {
        let bytes = self
            .store
            .runtime
            .block_on(self.task)
            .map_err(io::Error::other)?
            .map_err(io::Error::other)?;
        Ok(Box::new(io::Cursor::new(bytes)))
    }
}

impl ObjectInput {
    /// The object's size, as listed.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Starts fetching the whole object on the store's threads: the network's latency is
    /// paid while the reader reads the objects before it. Only the store's client goes into
    /// the task, never the runtime itself.
    pub(crate) fn fetch(&self) -> Fetch {
        let client = Arc::clone(&self.store.store);
        let task = self
            .store
            .runtime
            .spawn(Store::whole(client, self.location.clone()));
        Fetch {
            store: Arc::clone(&self.store),
            task,
            size: self.size,
        }
    }

    /// The object's bytes as a stream read on demand: memory holds a chunk at a time.
    pub(crate) fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let store = Arc::clone(&self.store);
        let got = store
            .runtime
            .block_on(store.store.get(&self.location))
            .map_err(io::Error::other)?;
        Ok(Box::new(ObjectReader {
            store,
            stream: Some(got.into_stream()),
            chunk: bytes::Bytes::new(),
            at: 0,
        }))
    }
}

/// An object's byte stream as [`Read`].
struct ObjectReader {
    store: Arc<Store>,
    stream: Option<BoxStream<'static, object_store::Result<bytes::Bytes>>>,
    chunk: bytes::Bytes,
    at: usize,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            let Some(stream) = &mut self.stream else {
                return Ok(0);
            };
            match self.store.runtime.block_on(stream.next()) {
                Some(Ok(bytes)) => {
                    self.chunk = bytes;
                    self.at = 0;
                }
                Some(Err(e)) => {
                    self.stream = None;
                    return Err(io::Error::other(e));
                }
                None => {
                    self.stream = None;
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_escaped_as_file_names_so_no_two_objects_share_a_source() {
        // (Not `.tmp…`: a key with a hidden part is skipped.)
        let dir = tempfile::Builder::new()
            .prefix("keys")
            .tempdir()
            .expect("tempdir");
        std::fs::create_dir_all(dir.path().join("col2")).expect("mkdir");
        for name in ["feed.jsonl", "feed.jsonl#L1", "50%.txt"] {
            std::fs::write(dir.path().join("col2").join(name), b"x").expect("write");
        }
        let url = format!("file://{}/col2/", dir.path().display());
        let names: Vec<String> = list(&url, &[])
            .expect("list")
            .into_iter()
            .map(|(_, name, _)| name)
            .collect();
        let tails: Vec<&str> = names
            .iter()
            .map(|n| n.rsplit('/').next().unwrap_or_default())
            .collect();
        assert_eq!(
            tails,
            ["50%25.txt", "feed.jsonl", "feed.jsonl%23L1"],
            "{names:?}"
        );
    }
}
