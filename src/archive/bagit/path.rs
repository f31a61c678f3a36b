//! Paths inside a bag: the percent-encoding manifests use, the checks that keep a path inside
//! the bag on every platform, and the name keys used to find normalization and case twins.

use unicode_normalization::UnicodeNormalization;

/// Why a bag-relative path is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unsafe {
    Empty,
    Absolute,
    Unc,
    DriveLetter,
    Backslash,
    HomeShortcut,
    EnvironmentVariable,
    ParentDir,
    DotSegment,
    EmptySegment,
    Nul,
    Control,
}

impl Unsafe {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Unsafe::Empty => "the path is empty",
            Unsafe::Absolute => "it is an absolute path",
            Unsafe::Unc => "it is a UNC (network) path",
            Unsafe::DriveLetter => "it starts with a drive letter",
            Unsafe::Backslash => "it contains a backslash; BagIt paths use '/' only",
            Unsafe::HomeShortcut => "it starts with '~', a home-directory shortcut",
            Unsafe::EnvironmentVariable => "it starts with a %VARIABLE% reference",
            Unsafe::ParentDir => "it contains a '..' segment that can leave the bag",
            Unsafe::DotSegment => "it contains a '.' segment",
            Unsafe::EmptySegment => "it contains an empty segment ('//' or a trailing '/')",
            Unsafe::Nul => "it contains a NUL character",
            Unsafe::Control => "it contains a control character",
        }
    }
}

/// Checks a decoded, '/'-separated path relative to the bag root. `allow_control` admits
/// control characters other than NUL (CR and LF are legal in a percent-encoded manifest path).
pub(crate) fn check(path: &str, allow_control: bool) -> Result<(), Unsafe> {
    if path.is_empty() {
        return Err(Unsafe::Empty);
    }
    if path.contains('\0') {
        return Err(Unsafe::Nul);
    }
    if !allow_control && path.chars().any(char::is_control) {
        return Err(Unsafe::Control);
    }
    if path.starts_with("//") || path.starts_with("\\\\") {
        return Err(Unsafe::Unc);
    }
    if path.starts_with('/') {
        return Err(Unsafe::Absolute);
    }
    if let [letter, b':', ..] = path.as_bytes()
        && letter.is_ascii_alphabetic()
    {
        return Err(Unsafe::DriveLetter);
    }
    if path.contains('\\') {
        return Err(Unsafe::Backslash);
    }
    if path.starts_with('~') {
        return Err(Unsafe::HomeShortcut);
    }
    let first = path.split('/').next().unwrap_or_default();
    if first.len() > 2 && first.starts_with('%') && first[1..].contains('%') {
        return Err(Unsafe::EnvironmentVariable);
    }
    for segment in path.split('/') {
        match segment {
            ".." => return Err(Unsafe::ParentDir),
            "." => return Err(Unsafe::DotSegment),
            "" => return Err(Unsafe::EmptySegment),
            _ => {}
        }
    }
    Ok(())
}

/// Decodes the three percent-escapes RFC 8493 §2.1.3 defines (`%0A`, `%0D`, `%25`, either
/// case); every other `%` stays literal, as older bags used `%` freely in names.
pub fn decode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let code = tail.get(1..3).map(str::to_ascii_uppercase);
        match code.as_deref() {
            Some("0A") => out.push('\n'),
            Some("0D") => out.push('\r'),
            Some("25") => out.push('%'),
            _ => {
                out.push('%');
                rest = &tail[1..];
                continue;
            }
        }
        rest = &tail[3..];
    }
    out.push_str(rest);
    out
}

/// Encodes a path for a manifest or `fetch.txt` line: `%`, CR and LF, and only those.
pub(crate) fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            c => out.push(c),
        }
    }
    out
}

/// The key under which names that differ only by Unicode normalization meet.
pub(crate) fn nfc(path: &str) -> String {
    path.nfc().collect()
}

/// The key under which names that differ by normalization or letter case meet.
pub(crate) fn fold(path: &str) -> String {
    path.nfc().flat_map(char::to_lowercase).collect()
}

/// Whether the last segment is a file that operating systems leave behind rather than content
/// anyone meant to deposit.
pub(crate) fn is_system_file(path: &str) -> bool {
    const NAMES: &[&str] = &[
        ".ds_store",
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        ".spotlight-v100",
        ".trashes",
        ".fseventsd",
        ".temporaryitems",
        "__macosx",
    ];
    path.split('/').any(|segment| {
        let lower = segment.to_ascii_lowercase();
        NAMES.contains(&lower.as_str())
    }) || path
        .rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with("._"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_refused() {
        for (p, why) in [
            ("../x", Unsafe::ParentDir),
            ("data/../../x", Unsafe::ParentDir),
            ("/tmp/foo", Unsafe::Absolute),
            ("~/foo", Unsafe::HomeShortcut),
            ("~root/foo", Unsafe::HomeShortcut),
            ("C:\\Windows\\x.exe", Unsafe::DriveLetter),
            ("c:/x", Unsafe::DriveLetter),
            ("\\\\?\\UNC\\server\\x", Unsafe::Unc),
            ("//server/x", Unsafe::Unc),
            ("%HomeDrive%\\x", Unsafe::Backslash),
            ("%HomeDrive%/x", Unsafe::EnvironmentVariable),
            ("\\.\\./x", Unsafe::Backslash),
            ("data//x", Unsafe::EmptySegment),
            ("data/./x", Unsafe::DotSegment),
            ("data/x\0", Unsafe::Nul),
            ("", Unsafe::Empty),
        ] {
            assert_eq!(check(p, true), Err(why), "{p}");
        }
        assert_eq!(check("data/a\nb", false), Err(Unsafe::Control));
        for ok in ["data/~x", "data/%7Ex", "data/a b", "data/a\nb", "bagit.txt"] {
            assert_eq!(check(ok, true), Ok(()), "{ok}");
        }
    }

    #[test]
    fn percent_round_trip() {
        assert_eq!(decode("data/a%0Ab%0dc%25d%7E%te%"), "data/a\nb\rc%d%7E%te%");
        assert_eq!(encode("a\nb\rc%d~"), "a%0Ab%0Dc%25d~");
        for s in ["plain", "100%", "%0A", "a\r\nb", "%25%25"] {
            assert_eq!(decode(&encode(s)), s);
        }
    }

    #[test]
    fn twins_and_system_files() {
        assert_eq!(nfc("Nu\u{301}n\u{303}ez"), nfc("Núñez"));
        assert_eq!(fold("data/HELLO.txt"), fold("data/hello.txt"));
        assert!(is_system_file("data/.DS_Store"));
        assert!(is_system_file("data/sub/Thumbs.db"));
        assert!(is_system_file("data/._photo.jpg"));
        assert!(!is_system_file("data/thumbs.dbx"));
    }
}
