//! S3-compatible object storage (Amazon S3, Garage, MinIO, Ceph, ...) as a [`Storage`],
//! through Apache Arrow's `object_store`. Its client is asynchronous; editio's is not, so one
//! small runtime per storage drives the requests, and each call blocks on its own. Requests
//! are retried with exponential backoff on errors that may pass (a timeout, a 5xx, a refused
//! connection) and not on those that will not (403, 404, 412).

use super::{Created, Entry, S3Settings, Storage};
use crate::error::{Error, Result};
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use object_store::aws::{AmazonS3, AmazonS3Builder, S3ConditionalPut};
use object_store::path::Path as Key;
use object_store::{
    BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
    RetryConfig, WriteMultipart,
};
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

/// Objects larger than this are uploaded in parts of this size (S3 allows parts of 5 MiB to
/// 5 GiB and at most 10,000 of them, so up to 80 GiB with this size).
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts of one object uploaded at once.
const PARTS_AT_ONCE: usize = 4;

/// A bucket and a prefix in it.
pub struct S3Storage {
    store: Arc<AmazonS3>,
    bucket: String,
    prefix: String,
    runtime: tokio::runtime::Runtime,
    /// The server, for messages: the endpoint, or Amazon S3 and its region.
    server: String,
    /// The access key's id, for messages (never the secret).
    key_id: String,
    /// Set once a first request found the bucket there and the key accepted.
    ready: std::sync::OnceLock<()>,
    /// Where claims on this storage are kept (see [`Storage::lock`]), when it is a storage root.
    claims: Option<Arc<dyn Storage>>,
    /// The claim, taken by the first lock and held until this storage is dropped.
    claim: std::sync::Mutex<Option<super::claim::Claim>>,
}

impl std::fmt::Debug for S3Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Storage(s3://{}/{})", self.bucket, self.prefix)
    }
}

impl S3Storage {
    /// Connects lazily: nothing is sent until the first request.
    pub fn new(bucket: &str, prefix: &str, settings: &S3Settings) -> Result<S3Storage> {
        let location = format!("s3://{bucket}/{prefix}");
        let builder = credentials(client(bucket, settings), settings, &location)?;
        let store = builder.build().map_err(|e| Error::Storage {
            location: location.clone(),
            message: e.to_string(),
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(settings.parallel.unwrap_or(4).clamp(1, 64))
            .thread_name("editio-s3")
            .enable_all()
            .build()
            .map_err(|e| Error::Storage {
                location,
                message: format!("cannot start the network runtime: {e}"),
            })?;
        let server = match &settings.endpoint {
            Some(e) => e.clone(),
            None => format!(
                "Amazon S3 ({})",
                settings.region.as_deref().unwrap_or("us-east-1")
            ),
        };
        Ok(S3Storage {
            store: Arc::new(store),
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
            runtime,
            server,
            key_id: settings.access_key_id.clone().unwrap_or_default(),
            ready: std::sync::OnceLock::new(),
            claims: None,
            claim: std::sync::Mutex::new(None),
        })
    }

    /// This storage with its claims kept in `claims` (a prefix beside it, not inside it).
    pub fn with_claims(mut self, claims: Arc<dyn Storage>) -> S3Storage {
        self.claims = Some(claims);
        self
    }

    /// Before the first request: one listing of at most one key under the prefix, which
    /// tells a missing bucket (404) apart from a missing object (a 404 on an object says
    /// nothing of which is missing), and refused credentials or an unreachable server from
    /// everything else, each with its own error.
    fn ensure_ready(&self) -> Result<()> {
        if self.ready.get().is_some() {
            return Ok(());
        }
        use object_store::list::{PaginatedListOptions, PaginatedListStore};
        let store = self.store.clone();
        let prefix = (!self.prefix.is_empty()).then(|| format!("{}/", self.prefix));
        let outcome = self.runtime.block_on(async move {
            store
                .list_paginated(
                    prefix.as_deref(),
                    PaginatedListOptions {
                        max_keys: Some(1),
                        ..Default::default()
                    },
                )
                .await
        });
        match outcome {
            Ok(_) => {
                let _ = self.ready.set(());
                Ok(())
            }
            Err(object_store::Error::NotFound { .. }) => Err(Error::NoBucket {
                location: self.location(""),
                bucket: self.bucket.clone(),
                endpoint: self.server.clone(),
            }),
            Err(e) => Err(self.failed("", e)),
        }
    }

    fn key(&self, key: &str) -> Result<Key> {
        let full = if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}/{key}", self.prefix)
        };
        Key::parse(&full).map_err(|e| Error::Damaged {
            location: self.location(key),
            problem: format!("is not a usable object key: {e}"),
        })
    }

    /// The error of a failed request about `key`: refused credentials and an unreachable
    /// server get their own, everything else names the request's outcome.
    fn failed(&self, key: &str, e: object_store::Error) -> Error {
        // The S3 error code of the answer's body (listings keep only that, not the status).
        let code = between(&describe(&e), "<Code>", "</Code>").unwrap_or_default();
        if code == "NoSuchBucket" {
            return Error::NoBucket {
                location: self.location(key),
                bucket: self.bucket.clone(),
                endpoint: self.server.clone(),
            };
        }
        let refused = matches!(
            code.as_str(),
            "AccessDenied"
                | "InvalidAccessKeyId"
                | "SignatureDoesNotMatch"
                | "InvalidToken"
                | "ExpiredToken"
                | "AllAccessDisabled"
        );
        match &e {
            _ if refused
                || matches!(
                    e,
                    object_store::Error::PermissionDenied { .. }
                        | object_store::Error::Unauthenticated { .. }
                ) =>
            {
                return Error::StorageRefused {
                    location: self.location(key),
                    endpoint: self.server.clone(),
                    bucket: self.bucket.clone(),
                    key_id: self.key_id.clone(),
                    detail: server_says(&e),
                };
            }
            _ => {}
        }
        if let Some(detail) = unreachable(&e) {
            return Error::StorageUnreachable {
                location: self.location(key),
                endpoint: self.server.clone(),
                detail,
            };
        }
        self.error(key, describe(&e))
    }
}

/// The client for `bucket`: its region, conditional writes by ETag, retries with backoff,
/// timeouts, and the server when it is not Amazon's.
fn client(bucket: &str, settings: &S3Settings) -> AmazonS3Builder {
    let builder = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(settings.region.as_deref().unwrap_or("us-east-1"))
        .with_conditional_put(S3ConditionalPut::ETagMatch)
        .with_retry(RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(5),
                base: 2.0,
            },
            max_retries: 5,
            retry_timeout: Duration::from_secs(60),
        })
        .with_client_options(
            ClientOptions::new()
                .with_connect_timeout(Duration::from_secs(10))
                .with_timeout(Duration::from_secs(300))
                .with_allow_http(true),
        );
    match &settings.endpoint {
        // Servers other than Amazon's are addressed by path (http://host/bucket/key).
        Some(endpoint) => builder
            .with_endpoint(endpoint)
            .with_virtual_hosted_style_request(false),
        None => builder,
    }
}

/// The client with the keys of `settings`; refused when none is set, or only one of the pair.
fn credentials(
    mut builder: AmazonS3Builder,
    settings: &S3Settings,
    location: &str,
) -> Result<AmazonS3Builder> {
    match (&settings.access_key_id, &settings.secret_access_key) {
        (Some(id), Some(secret)) => {
            builder = builder
                .with_access_key_id(id)
                .with_secret_access_key(secret);
            if let Some(token) = &settings.session_token {
                builder = builder.with_token(token);
            }
        }
        (None, None) => {
            return Err(Error::Storage {
                location: location.to_string(),
                message: "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \
                          (or AWS_PROFILE naming a profile in ~/.aws/credentials)"
                    .into(),
            });
        }
        _ => {
            return Err(Error::Storage {
                location: location.to_string(),
                message: "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; \
                          set both"
                    .into(),
            });
        }
    }
    Ok(builder)
}

/// What the server answered, briefly: its status and the S3 error code and message of the
/// body (`403 Forbidden: AccessDenied: ...`).
fn server_says(e: &object_store::Error) -> String {
    let text = describe(e);
    let code = between(&text, "<Code>", "</Code>");
    let message = between(&text, "<Message>", "</Message>");
    let status = ["403 Forbidden", "401 Unauthorized"]
        .into_iter()
        .find(|s| text.contains(s))
        .unwrap_or("refused");
    match (code, message) {
        (Some(c), Some(m)) => format!("{status}: {c}: {m}"),
        (Some(c), None) => format!("{status}: {c}"),
        _ => status.to_owned(),
    }
}

/// The text between `open` and `close`, if both are there.
fn between(text: &str, open: &str, close: &str) -> Option<String> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(text[start..start + len].trim().to_owned())
}

/// Why no answer came, when the request failed before any did (the connection refused, no
/// such host, a timeout), after the retries.
fn unreachable(e: &object_store::Error) -> Option<String> {
    use object_store::client::{HttpError, HttpErrorKind};
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(h) = s.downcast_ref::<HttpError>() {
            let why = match h.kind() {
                HttpErrorKind::Connect => "the connection failed",
                HttpErrorKind::Timeout => "no answer in time",
                _ => return None,
            };
            // The innermost cause says which (connection refused, dns error).
            let mut inner = std::error::Error::source(h);
            let mut last = None;
            while let Some(i) = inner {
                last = Some(i.to_string());
                inner = i.source();
            }
            return Some(match last {
                Some(l) => format!("{why}: {l}"),
                None => why.to_owned(),
            });
        }
        source = s.source();
    }
    None
}

/// An error of the store in a sentence (the crate's own messages nest their causes).
fn describe(e: &object_store::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

impl Storage for S3Storage {
    fn location(&self, key: &str) -> String {
        match (self.prefix.is_empty(), key.is_empty()) {
            (true, _) => format!("s3://{}/{key}", self.bucket),
            (false, true) => format!("s3://{}/{}", self.bucket, self.prefix),
            (false, false) => format!("s3://{}/{}/{key}", self.bucket, self.prefix),
        }
    }

    fn list(&self, prefix: &str) -> Result<Vec<Entry>> {
        self.ensure_ready()?;
        // The store lists by whole path segments; list the folder part, then filter.
        let dir = prefix.rsplit_once('/').map_or("", |(d, _)| d);
        let base = if dir.is_empty() {
            if self.prefix.is_empty() {
                None
            } else {
                Some(self.key_of_prefix()?)
            }
        } else {
            Some(self.key(dir)?)
        };
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let store = self.store.clone();
        let metas = self
            .runtime
            .block_on(async move {
                store
                    .list(base.as_ref())
                    .collect::<Vec<_>>()
                    .await
                    .into_iter()
                    .collect::<std::result::Result<Vec<_>, _>>()
            })
            .map_err(|e| self.failed(prefix, e))?;
        let mut out: Vec<Entry> = metas
            .into_iter()
            .filter_map(|m| {
                let full = m.location.to_string();
                full.strip_prefix(&strip).map(|k| Entry {
                    key: k.to_owned(),
                    size: m.size,
                })
            })
            .filter(|e| e.key.starts_with(prefix))
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn get(&self, key: &str) -> Result<Option<Box<dyn Read + Send>>> {
        self.ensure_ready()?;
        let k = self.key(key)?;
        let store = self.store.clone();
        match self.runtime.block_on(async move { store.get(&k).await }) {
            Ok(result) => Ok(Some(Box::new(StreamReader {
                stream: result.into_stream(),
                buf: Bytes::new(),
                handle: self.runtime.handle().clone(),
                location: self.location(key),
            }))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.failed(key, e)),
        }
    }

    fn put(&self, key: &str, from: &mut dyn Read) -> Result<u64> {
        self.ensure_ready()?;
        let k = self.key(key)?;
        let mut first = vec![0u8; PART_SIZE];
        let n = super::read_full(from, &mut first).map_err(|e| self.error(key, e.to_string()))?;
        first.truncate(n);
        if n < PART_SIZE {
            // Small enough for one request.
            let store = self.store.clone();
            self.runtime
                .block_on(async move { store.put(&k, PutPayload::from(first)).await })
                .map_err(|e| self.failed(key, e))?;
            return Ok(n as u64);
        }
        // In parts: at most PARTS_AT_ONCE parts in memory and in flight at once.
        let store = self.store.clone();
        let upload = self
            .runtime
            .block_on(async move { store.put_multipart(&k).await })
            .map_err(|e| self.failed(key, e))?;
        // The parts are spawned as tasks of the runtime, from this thread.
        let _context = self.runtime.enter();
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        writer.put(Bytes::from(first));
        let mut total = n as u64;
        let outcome: Result<()> = (|| {
            loop {
                self.runtime
                    .block_on(writer.wait_for_capacity(PARTS_AT_ONCE))
                    .map_err(|e| self.failed(key, e))?;
                let mut chunk = vec![0u8; PART_SIZE];
                let n = super::read_full(from, &mut chunk)
                    .map_err(|e| self.error(key, e.to_string()))?;
                if n == 0 {
                    return Ok(());
                }
                chunk.truncate(n);
                total += n as u64;
                writer.put(Bytes::from(chunk));
            }
        })();
        match outcome {
            Ok(()) => {
                self.runtime
                    .block_on(writer.finish())
                    .map_err(|e| self.failed(key, e))?;
                Ok(total)
            }
            Err(e) => {
                let _ = self.runtime.block_on(writer.abort());
                Err(e)
            }
        }
    }

    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<Created> {
        self.ensure_ready()?;
        let k = self.key(key)?;
        let store = self.store.clone();
        let payload = PutPayload::from(bytes.to_vec());
        let opts = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        match self
            .runtime
            .block_on(async move { store.put_opts(&k, payload, opts).await })
        {
            Ok(_) => Ok(Created::Written),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => Ok(Created::Exists),
            Err(e) => Err(self.failed(key, e)),
        }
    }

    fn delete(&self, key: &str) -> Result<()> {
        self.ensure_ready()?;
        let k = self.key(key)?;
        let store = self.store.clone();
        match self.runtime.block_on(async move { store.delete(&k).await }) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failed(key, e)),
        }
    }

    fn lock(&self, _key: &str) -> Result<super::Lock> {
        let Some(claims) = &self.claims else {
            return Err(self.error(
                "",
                "has no place for claims beside it, so nothing may be written to it as a \
                 storage root"
                    .into(),
            ));
        };
        let mut held = self.claim.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none() {
            *held = Some(super::claim::take(claims)?);
        }
        Ok(Box::new(()))
    }

    fn exists(&self, key: &str) -> Result<bool> {
        self.ensure_ready()?;
        let k = self.key(key)?;
        let store = self.store.clone();
        match self.runtime.block_on(async move { store.head(&k).await }) {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.failed(key, e)),
        }
    }
}

impl S3Storage {
    fn key_of_prefix(&self) -> Result<Key> {
        Key::parse(&self.prefix).map_err(|e| Error::StorageUrl {
            url: self.location(""),
            problem: format!("is not a usable prefix: {e}"),
        })
    }
}

/// A blocking reader over an object's byte stream: one network chunk in memory at a time.
struct StreamReader {
    stream: BoxStream<'static, object_store::Result<Bytes>>,
    buf: Bytes,
    handle: tokio::runtime::Handle,
    location: String,
}

impl Read for StreamReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.buf.is_empty() {
            match self.handle.block_on(self.stream.next()) {
                None => return Ok(0),
                Some(Ok(b)) => self.buf = b,
                Some(Err(e)) => {
                    return Err(std::io::Error::other(format!(
                        "{}: {}",
                        self.location,
                        describe(&e)
                    )));
                }
            }
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf[..n]);
        self.buf = self.buf.slice(n..);
        Ok(n)
    }
}
