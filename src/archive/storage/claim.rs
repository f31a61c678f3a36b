//! The exclusive right to write to a storage root in object storage, which has no locks: a
//! small claim object under a prefix beside the root (`<root>.claims/storage-root.claim`),
//! taken by a process's first commit and removed when it is done. The first writer gets it;
//! the second gets [`Error::Busy`] and writes nothing.
//!
//! The claim is looked for, written with a create-only request (`If-None-Match: *`), left to
//! settle for half a second and read back. Where the server honours `If-None-Match` (Amazon
//! S3, MinIO, Ceph), the create-only request alone decides. Where it does not (Garage 2.5
//! ignores it and replaces the object, see the tests), the look and the read back decide: two
//! releases both proceed only if one's claim lands between the other's look and its write,
//! and the other's read back comes before it, a window of one request's time. A claim left by
//! a killed release on the same machine (its process is gone) or older than [`CLAIM_LEASE`] is
//! broken by the next release.

use super::{Created, Storage};
use crate::archive::digest::sha256_bytes;
use crate::error::{Error, Result};
use std::path::Path;
use std::sync::Arc;

/// The claim's key under the claims prefix.
const CLAIM_KEY: &str = "storage-root.claim";
/// How long a new claim is left to settle before it is read back.
const CLAIM_SETTLE: std::time::Duration = std::time::Duration::from_millis(500);

/// How long a claim on the storage root is honoured when its process cannot be checked (another
/// machine): an hour, far longer than any one commit takes.
pub const CLAIM_LEASE: u64 = 3600;

/// A held claim; dropping it removes it.
#[derive(Debug)]
pub struct Claim {
    storage: Arc<dyn Storage>,
    key: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let _ = self.storage.delete(&self.key);
    }
}

/// Claims the storage root whose claims are kept in `claims` (see the module's notes).
pub fn take(claims: &Arc<dyn Storage>) -> Result<Claim> {
    let key = CLAIM_KEY.to_owned();
    let me = ClaimText::mine();
    for _ in 0..2 {
        // Look first: on a server that ignores If-None-Match, the put below would replace
        // another writer's claim.
        if let Some(held) = claims.get_bytes(&key, 4096)? {
            if ClaimText::parse(&held).is_some_and(|c| c.is_stale()) {
                claims.delete(&key)?;
                continue;
            }
            return Err(busy(claims.as_ref(), &key, &held));
        }
        match claims.put_new(&key, me.text().as_bytes())? {
            Created::Written => {
                // Where the put was not conditional, the last writer wins: wait longer than a
                // request takes, then read back whose claim stands.
                std::thread::sleep(CLAIM_SETTLE);
                let back = claims.get_bytes(&key, 4096)?.unwrap_or_default();
                if back != me.text().as_bytes() {
                    return Err(busy(claims.as_ref(), &key, &back));
                }
                return Ok(Claim {
                    storage: claims.clone(),
                    key,
                });
            }
            Created::Exists => {
                let held = claims.get_bytes(&key, 4096)?.unwrap_or_default();
                return Err(busy(claims.as_ref(), &key, &held));
            }
        }
    }
    Err(busy(claims.as_ref(), &key, b""))
}

fn busy(claims: &dyn Storage, key: &str, held: &[u8]) -> Error {
    let who = ClaimText::parse(held)
        .map(|c| {
            format!(
                " (process {} on {}, since {})",
                c.pid,
                c.host,
                time::OffsetDateTime::from_unix_timestamp(c.since as i64)
                    .ok()
                    .and_then(|t| t
                        .format(&time::format_description::well_known::Rfc3339)
                        .ok())
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    Error::Busy {
        location: claims.location(key),
        message: format!(
            "another release is writing to this storage root now{who}; this one wrote \
             nothing more. Run the release again when it has finished. A claim left by a \
             release that was stopped on another machine lapses after {} minutes, or \
             remove it by hand",
            CLAIM_LEASE / 60
        ),
    }
}

/// What a claim says: who holds it and since when.
struct ClaimText {
    token: String,
    host: String,
    pid: u32,
    since: u64,
}

impl ClaimText {
    fn mine() -> ClaimText {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let pid = std::process::id();
        let token = sha256_bytes(format!("{}-{pid}-{:p}", now.as_nanos(), &now).as_bytes());
        ClaimText {
            token,
            host: host_name(),
            pid,
            since: now.as_secs(),
        }
    }

    fn text(&self) -> String {
        format!(
            "editio release claim\ntoken {}\nhost {}\npid {}\nsince {}\n",
            self.token, self.host, self.pid, self.since
        )
    }

    fn parse(bytes: &[u8]) -> Option<ClaimText> {
        let text = std::str::from_utf8(bytes).ok()?;
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
                .map(str::to_owned)
        };
        Some(ClaimText {
            token: field("token")?,
            host: field("host")?,
            pid: field("pid")?.parse().ok()?,
            since: field("since")?.parse().ok()?,
        })
    }

    /// Whether the claim's release is gone: its process no longer runs on this machine, or it
    /// is older than the lease.
    fn is_stale(&self) -> bool {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        if now.saturating_sub(self.since) > CLAIM_LEASE {
            return true;
        }
        let proc_dir = Path::new("/proc");
        self.host == host_name()
            && proc_dir.join("self").exists()
            && !proc_dir.join(self.pid.to_string()).exists()
    }
}

/// This machine's name (for claims), where the system tells it.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "unknown".into())
}
