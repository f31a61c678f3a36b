//! The BagIt validator against hostile and damaged input: zips built by hand to carry escapes,
//! links, duplicate and twin names, a 1 GiB bomb and truncation; and bags written by editio then
//! changed one file at a time. Each must give its clear finding, never a panic.

use editio::Diagnostic;
use editio::archive::bagit::{
    BagFile, BagSpec, Content, ValidateOptions, validate, write_dir, write_zip,
};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

fn spec() -> BagSpec {
    let bytes = |b: &[u8]| Content::Bytes(b.to_vec());
    BagSpec {
        name: "bag".into(),
        payload: vec![
            BagFile {
                path: "a.txt".into(),
                source: bytes(b"alpha\n"),
            },
            BagFile {
                path: "sub/b.xml".into(),
                source: bytes(b"<b>beta</b>\n"),
            },
            BagFile {
                path: "c.bin".into(),
                source: bytes(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
            },
        ],
        tag_files: vec![BagFile {
            path: "metadata/dc.xml".into(),
            source: bytes(b"<dc/>\n"),
        }],
        info: vec![("Source-Organization".into(), "Editio".into())],
        date: time::macros::datetime!(2026-11-21 12:00 UTC),
    }
}

fn show(findings: &[Diagnostic]) -> String {
    findings.iter().map(|d| format!("\n  {d}")).collect()
}

/// Asserts a finding with `code` whose location or message names `name`.
fn assert_finding(findings: &[Diagnostic], code: &str, name: &str) {
    let hit = findings.iter().any(|d| {
        d.code.id == code
            && (d.location.path.to_string_lossy().contains(name) || d.message.contains(name))
    });
    assert!(
        hit,
        "expected {code} naming {name:?}, got:{}",
        show(findings)
    );
}

// ---- a minimal zip writer, so that tests can write what no well-behaved library would ----

struct Entry {
    name: Vec<u8>,
    mode: u32,
    method: u16,
    crc: u32,
    size: u32,
    data: Data,
}

enum Data {
    Bytes(Vec<u8>),
    /// Raw deflate: `chunk` repeated `times`, then `tail`.
    Repeat {
        chunk: Vec<u8>,
        times: usize,
        tail: Vec<u8>,
    },
}

impl Data {
    fn len(&self) -> u64 {
        match self {
            Data::Bytes(b) => b.len() as u64,
            Data::Repeat { chunk, times, tail } => (chunk.len() * times + tail.len()) as u64,
        }
    }
}

fn stored(name: impl AsRef<[u8]>, bytes: &[u8]) -> Entry {
    Entry {
        name: name.as_ref().to_vec(),
        mode: 0o100644,
        method: 0,
        crc: crc32fast::hash(bytes),
        size: bytes.len() as u32,
        data: Data::Bytes(bytes.to_vec()),
    }
}

fn dir(name: &str) -> Entry {
    Entry {
        name: name.as_bytes().to_vec(),
        mode: 0o040755,
        method: 0,
        crc: 0,
        size: 0,
        data: Data::Bytes(Vec::new()),
    }
}

fn write_raw_zip(path: &Path, entries: &[Entry]) {
    write_raw_zip_aliased(path, entries, &[]);
}

/// [`write_raw_zip`] with extra central directory records, each a new name for the local
/// entry at an index: entries that share their data (an overlapping zip bomb).
fn write_raw_zip_aliased(path: &Path, entries: &[Entry], aliases: &[(&str, usize)]) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    let mut offsets = Vec::new();
    let mut pos: u64 = 0;
    for e in entries {
        offsets.push(pos as u32);
        let csize = e.data.len() as u32;
        let mut h = Vec::new();
        h.extend(0x04034b50u32.to_le_bytes());
        h.extend(20u16.to_le_bytes());
        h.extend(0x0800u16.to_le_bytes()); // UTF-8 names
        h.extend(e.method.to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(0x21u16.to_le_bytes()); // 1980-01-01
        h.extend(e.crc.to_le_bytes());
        h.extend(csize.to_le_bytes());
        h.extend(e.size.to_le_bytes());
        h.extend((e.name.len() as u16).to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(&e.name);
        w.write_all(&h).unwrap();
        match &e.data {
            Data::Bytes(b) => w.write_all(b).unwrap(),
            Data::Repeat { chunk, times, tail } => {
                for _ in 0..*times {
                    w.write_all(chunk).unwrap();
                }
                w.write_all(tail).unwrap();
            }
        }
        pos += h.len() as u64 + e.data.len();
    }
    let cd_start = pos;
    let named: Vec<(Entry, u32)> = aliases
        .iter()
        .map(|(name, i)| {
            let e = &entries[*i];
            let data = match &e.data {
                Data::Bytes(b) => Data::Bytes(b.clone()),
                Data::Repeat { chunk, times, tail } => Data::Repeat {
                    chunk: chunk.clone(),
                    times: *times,
                    tail: tail.clone(),
                },
            };
            (
                Entry {
                    name: name.as_bytes().to_vec(),
                    data,
                    ..*e
                },
                offsets[*i],
            )
        })
        .collect();
    let all: Vec<(&Entry, u32)> = entries
        .iter()
        .zip(offsets.iter().copied())
        .chain(named.iter().map(|(e, o)| (e, *o)))
        .collect();
    for (e, off) in all.iter().copied() {
        let mut h = Vec::new();
        h.extend(0x02014b50u32.to_le_bytes());
        h.extend((3u16 << 8 | 20).to_le_bytes()); // made by Unix
        h.extend(20u16.to_le_bytes());
        h.extend(0x0800u16.to_le_bytes());
        h.extend(e.method.to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(0x21u16.to_le_bytes());
        h.extend(e.crc.to_le_bytes());
        h.extend((e.data.len() as u32).to_le_bytes());
        h.extend(e.size.to_le_bytes());
        h.extend((e.name.len() as u16).to_le_bytes());
        h.extend([0u8; 8]); // extra, comment, disk, internal attributes
        h.extend((e.mode << 16).to_le_bytes());
        h.extend(off.to_le_bytes());
        h.extend(&e.name);
        w.write_all(&h).unwrap();
        pos += h.len() as u64;
    }
    let mut end = Vec::new();
    end.extend(0x06054b50u32.to_le_bytes());
    end.extend([0u8; 4]);
    end.extend((all.len() as u16).to_le_bytes());
    end.extend((all.len() as u16).to_le_bytes());
    end.extend(((pos - cd_start) as u32).to_le_bytes());
    end.extend((cd_start as u32).to_le_bytes());
    end.extend(0u16.to_le_bytes());
    w.write_all(&end).unwrap();
    w.flush().unwrap();
}

/// The entries of a valid bag written by editio, as stored zip entries under `bag/`.
fn bag_entries() -> Vec<Entry> {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("bag");
    write_dir(&spec(), &root).unwrap();
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    files.sort();
    let mut entries = vec![dir("bag/")];
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        entries.push(stored(format!("bag/{rel}"), &std::fs::read(&f).unwrap()));
    }
    entries
}

fn check_zip(entries: &[Entry], opts: &ValidateOptions) -> Vec<Diagnostic> {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("hostile.zip");
    write_raw_zip(&path, entries);
    validate(&path, opts).unwrap()
}

#[test]
fn the_hand_built_zip_of_a_good_bag_is_valid() {
    let findings = check_zip(&bag_entries(), &ValidateOptions::default());
    assert!(findings.is_empty(), "{}", show(&findings));
}

#[test]
fn hostile_entry_names_are_refused() {
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (b"bag/../evil".to_vec(), "BAG061", "bag/../evil"),
        (b"../evil".to_vec(), "BAG061", "../evil"),
        (b"/abs".to_vec(), "BAG061", "/abs"),
        (b"C:\\x".to_vec(), "BAG061", "C:\\x"),
        (b"bag\\data\\x".to_vec(), "BAG061", "bag\\data\\x"),
        (b"//server/share/x".to_vec(), "BAG061", "//server/share/x"),
        (b"bag/data/nul\0x".to_vec(), "BAG061", "bag/data/nul"),
        (b"bag/data/bell\x07".to_vec(), "BAG061", "bag/data/bell"),
        (b"other/x".to_vec(), "BAG066", "hostile.zip"),
        (b"loose.txt".to_vec(), "BAG066", "loose.txt"),
    ];
    for (name, code, shown) in cases {
        let mut entries = bag_entries();
        entries.push(stored(&name, b"evil"));
        let findings = check_zip(&entries, &ValidateOptions::default());
        assert_finding(&findings, code, shown);
    }
}

#[test]
fn symlink_entries_are_refused() {
    let mut entries = bag_entries();
    let mut link = stored("bag/data/passwd", b"/etc/passwd");
    link.mode = 0o120777;
    entries.push(link);
    let findings = check_zip(&entries, &ValidateOptions::default());
    assert_finding(&findings, "BAG062", "bag/data/passwd");
    // The link is not part of the bag: it is not payload to list either.
    assert!(
        !findings.iter().any(|d| d.code.id == "BAG025"),
        "{}",
        show(&findings)
    );
}

#[test]
fn duplicate_and_twin_names_are_refused() {
    let mut entries = bag_entries();
    entries.push(stored("bag/data/a.txt", b"another alpha\n"));
    assert_finding(
        &check_zip(&entries, &ValidateOptions::default()),
        "BAG063",
        "bag/data/a.txt",
    );

    for (x, y) in [("Nu\u{301}n\u{303}ez", "Núñez"), ("README", "Readme")] {
        let mut entries = bag_entries();
        entries.push(stored(format!("bag/data/{x}"), b"1"));
        entries.push(stored(format!("bag/data/{y}"), b"2"));
        let findings = check_zip(&entries, &ValidateOptions::default());
        assert!(
            findings
                .iter()
                .any(|d| d.code.id == "BAG064" && d.message.contains(y)),
            "{x}/{y}:{}",
            show(&findings)
        );
    }
}

/// A deflate stream of `GIB` zero bytes, as blocks that can be repeated: 1 MiB of zeros
/// compressed with a full flush (byte-aligned, no back-references across it), then a final
/// empty block. Returns the entry and how long building it took.
fn zero_bomb(name: &str) -> Entry {
    const MIB: usize = 1 << 20;
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let mut chunk = Vec::with_capacity(MIB);
    c.compress_vec(&vec![0u8; MIB], &mut chunk, flate2::FlushCompress::Full)
        .unwrap();
    let mut tail = Vec::with_capacity(64);
    c.compress_vec(&[], &mut tail, flate2::FlushCompress::Finish)
        .unwrap();
    let mut one = crc32fast::Hasher::new();
    one.update(&vec![0u8; MIB]);
    let mut crc = crc32fast::Hasher::new();
    for _ in 0..1024 {
        crc.combine(&one);
    }
    Entry {
        name: name.as_bytes().to_vec(),
        mode: 0o100644,
        method: 8,
        crc: crc.finalize(),
        size: (1024 * MIB) as u32,
        data: Data::Repeat {
            chunk,
            times: 1024,
            tail,
        },
    }
}

#[test]
fn a_gigabyte_bomb_is_not_inflated() {
    let mut entries = bag_entries();
    entries.push(zero_bomb("bag/data/zeros"));
    let compressed = entries.last().unwrap().data.len();
    assert!(
        compressed < 2 << 20,
        "the bomb is {compressed} bytes compressed"
    );
    // The bag's Payload-Oxum declares a few bytes: the entry is refused from the headers.
    let findings = check_zip(&entries, &ValidateOptions::default());
    assert_finding(&findings, "BAG065", "far more than the bag's Payload-Oxum");
    assert_finding(&findings, "BAG065", "bag/data/zeros (1073741824 bytes)");

    let small = ValidateOptions {
        max_uncompressed: 64 << 20,
        ..Default::default()
    };
    let findings = check_zip(&entries, &small);
    assert_finding(&findings, "BAG065", "more than 67108864 bytes");
}

#[test]
fn overlapping_entries_are_not_inflated() {
    let mut entries = bag_entries();
    entries.push(zero_bomb("bag/data/zeros"));
    let last = entries.len() - 1;
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("overlap.zip");
    let aliases: Vec<(String, usize)> = (0..5)
        .map(|i| (format!("bag/data/copy-{i}"), last))
        .collect();
    let aliases: Vec<(&str, usize)> = aliases.iter().map(|(n, i)| (n.as_str(), *i)).collect();
    write_raw_zip_aliased(&path, &entries, &aliases);
    // Without Payload-Oxum's help (the limit is the only other bound), the overlap decides.
    let findings = validate(&path, &ValidateOptions::default()).unwrap();
    assert_finding(&findings, "BAG065", "overlapping entries");
    assert_finding(&findings, "BAG065", "bag/data/copy-");
}

#[test]
fn an_entry_that_inflates_beyond_its_header_is_stopped() {
    const MIB: usize = 1 << 20;
    // data/a.txt as its header declares it (6 bytes, "alpha\n"), but its stream goes on
    // with a mebibyte of zeros: the sizes and Payload-Oxum agree, the stream lies.
    let mut bytes = b"alpha\n".to_vec();
    bytes.extend(vec![0u8; MIB]);
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let mut data = Vec::with_capacity(MIB);
    c.compress_vec(&bytes, &mut data, flate2::FlushCompress::Finish)
        .unwrap();
    let mut entries = bag_entries();
    let i = entries
        .iter()
        .position(|e| e.name == b"bag/data/a.txt")
        .unwrap();
    entries[i] = Entry {
        name: b"bag/data/a.txt".to_vec(),
        mode: 0o100644,
        method: 8,
        crc: crc32fast::hash(b"alpha\n"),
        size: 6,
        data: Data::Bytes(data),
    };
    let findings = check_zip(&entries, &ValidateOptions::default());
    // The stream is stopped where it passes its declared size (by the zip reader's own
    // check or by the validator's).
    assert_finding(&findings, "BAG060", "declared");
}

/// A 10 MB CSV of repeated rows (about 340:1 deflated), as a payload file.
fn repetitive_csv(scratch: &Path) -> PathBuf {
    let path = scratch.join("table.csv");
    let mut w = BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(w, "id,name,place,year").unwrap();
    let mut written = 0usize;
    while written < 10_000_000 {
        let line = "1936,Moscow,1936,Moscow,1936,Moscow,1936,Moscow\n";
        w.write_all(line.as_bytes()).unwrap();
        written += line.len();
    }
    w.flush().unwrap();
    path
}

#[test]
fn an_honest_bag_that_compresses_very_well_is_intact() {
    let scratch = tempfile::tempdir().unwrap();
    let csv = repetitive_csv(scratch.path());
    let bag = BagSpec {
        name: "tables".into(),
        payload: vec![BagFile {
            path: "table.csv".into(),
            source: Content::File(csv.clone()),
        }],
        tag_files: Vec::new(),
        info: vec![("Source-Organization".into(), "Editio".into())],
        date: time::macros::datetime!(2026-11-21 12:00 UTC),
    };
    // Written as a folder, then zipped at the highest deflate level, as other tools do.
    let folder = scratch.path().join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    write_dir(&bag, &folder.join("tables")).unwrap();
    let zip = scratch.path().join("tables.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (rel, bytes) in super::util::tree(&folder) {
        w.start_file(rel.to_string_lossy(), options).unwrap();
        w.write_all(&bytes).unwrap();
    }
    w.finish().unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let entry = archive.by_name("tables/data/table.csv").unwrap();
    let ratio = entry.size() / entry.compressed_size();
    assert!(ratio > 300, "the payload compresses {ratio}:1");
    drop(entry);
    let out = super::util::editio(scratch.path())
        .args(["verify", zip.to_str().unwrap()])
        .output()
        .unwrap();
    let text = super::util::stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("BAG065"), "{text}");
    // bagit.py agrees on the same bag unzipped.
    if super::util::external("bagit.py") {
        let dir = folder;
        let v = std::process::Command::new("bagit.py")
            .arg("--validate")
            .arg(dir.join("tables"))
            .output()
            .unwrap();
        assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
        let out = super::util::editio(scratch.path())
            .args(["verify", dir.join("tables").to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", super::util::stdout(&out));
    }
}

#[test]
fn bombs_given_to_verify_are_not_intact() {
    let scratch = tempfile::tempdir().unwrap();
    // A gigabyte from about a megabyte, in a bag that declares a few bytes of payload.
    let mut entries = bag_entries();
    entries.push(zero_bomb("bag/data/zeros"));
    let bomb = scratch.path().join("bomb.zip");
    write_raw_zip(&bomb, &entries);
    // The same bomb nested: a zip whose one entry is that zip.
    let nested = scratch.path().join("nested.zip");
    write_raw_zip(
        &nested,
        &[stored("inner/bomb.zip", &std::fs::read(&bomb).unwrap())],
    );
    for (zip, expect) in [(&bomb, "BAG065"), (&nested, "BAG001")] {
        let out = super::util::editio(scratch.path())
            .args(["verify", zip.to_str().unwrap()])
            .output()
            .unwrap();
        let text = super::util::stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains(expect), "{text}");
        assert!(text.contains("NOT intact"), "{text}");
    }
}

#[test]
fn truncated_and_corrupt_zips_are_findings() {
    let scratch = tempfile::tempdir().unwrap();
    let good = scratch.path().join("good.zip");
    write_zip(&spec(), &good).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    for (name, keep) in [
        ("half.zip", bytes.len() / 2),
        ("no-end.zip", bytes.len() - 10),
        ("empty.zip", 0),
    ] {
        let p = scratch.path().join(name);
        std::fs::write(&p, &bytes[..keep]).unwrap();
        let findings = validate(&p, &ValidateOptions::default()).unwrap();
        assert_finding(&findings, "BAG060", name);
    }
    std::fs::write(
        scratch.path().join("noise.zip"),
        b"PK\x05\x06 but not really a zip",
    )
    .unwrap();
    let findings = validate(
        &scratch.path().join("noise.zip"),
        &ValidateOptions::default(),
    )
    .unwrap();
    assert_finding(&findings, "BAG060", "noise.zip");

    // A stored entry whose bytes no longer match its CRC.
    let mut entries = bag_entries();
    let i = entries
        .iter()
        .position(|e| e.name == b"bag/data/a.txt")
        .unwrap();
    entries[i] = Entry {
        crc: crc32fast::hash(b"alpha\n"),
        ..stored("bag/data/a.txt", b"alpHa\n")
    };
    let findings = check_zip(&entries, &ValidateOptions::default());
    assert_finding(&findings, "BAG060", "data/a.txt");
}

fn folder_bag() -> (tempfile::TempDir, PathBuf) {
    let scratch = tempfile::tempdir().unwrap();
    let bag = scratch.path().join("bag");
    write_dir(&spec(), &bag).unwrap();
    (scratch, bag)
}

#[test]
fn undecodable_tag_files_are_reported() {
    let (_s, bag) = folder_bag();
    std::fs::write(
        bag.join("bag-info.txt"),
        b"Source-Organization: Caf\xe9 \xff\n",
    )
    .unwrap();
    let findings = validate(&bag, &ValidateOptions::default()).unwrap();
    assert_finding(&findings, "BAG007", "bag-info.txt");

    let (_s, bag) = folder_bag();
    let mut manifest = std::fs::read(bag.join("manifest-sha256.txt")).unwrap();
    manifest.extend(b"\xc3\x28 data/broken\n");
    std::fs::write(bag.join("manifest-sha256.txt"), manifest).unwrap();
    let findings = validate(&bag, &ValidateOptions::default()).unwrap();
    assert_finding(&findings, "BAG007", "manifest-sha256.txt");
}

#[test]
fn a_ten_megabyte_manifest_line_is_refused() {
    let (_s, bag) = folder_bag();
    let mut manifest = std::fs::read(bag.join("manifest-sha512.txt")).unwrap();
    manifest.extend(vec![b'a'; 10 << 20]);
    manifest.extend(b"  data/a.txt\n");
    std::fs::write(bag.join("manifest-sha512.txt"), manifest).unwrap();
    let findings = validate(&bag, &ValidateOptions::default()).unwrap();
    assert_finding(&findings, "BAG027", "manifest-sha512.txt");
}

#[cfg(unix)]
#[test]
fn links_in_a_folder_bag_are_not_followed() {
    let (_s, bag) = folder_bag();
    std::os::unix::fs::symlink("/etc/passwd", bag.join("data/passwd")).unwrap();
    std::os::unix::fs::symlink("/etc", bag.join("data/etc")).unwrap();
    let findings = validate(&bag, &ValidateOptions::default()).unwrap();
    assert_finding(&findings, "BAG055", "data/passwd");
    assert_finding(&findings, "BAG055", "data/etc");
    assert!(
        !findings.iter().any(|d| d.message.contains("data/etc/")),
        "{}",
        show(&findings)
    );
}

fn files_of(bag: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![bag.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(
                    e.path()
                        .strip_prefix(bag)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

fn copy(from: &Path, to: &Path) {
    for rel in files_of(from) {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), target).unwrap();
    }
}

#[test]
fn every_change_to_a_written_bag_is_found_and_named() {
    let (scratch, bag) = folder_bag();
    let files = files_of(&bag);
    assert!(files.len() >= 10, "{files:?}");
    for (n, rel) in files.iter().enumerate() {
        let copy_dir = scratch.path().join(format!("flip{n}"));
        copy(&bag, &copy_dir);
        let mut bytes = std::fs::read(copy_dir.join(rel)).unwrap();
        bytes[0] ^= 0x01;
        std::fs::write(copy_dir.join(rel), bytes).unwrap();
        let findings = validate(&copy_dir, &ValidateOptions::default()).unwrap();
        let named = findings.iter().any(|d| {
            d.is_error() && (d.location.path == Path::new(rel) || d.message.contains(rel.as_str()))
        });
        assert!(
            named,
            "flipping a byte of {rel} went unnoticed:{}",
            show(&findings)
        );
    }

    let (_s, b) = folder_bag();
    std::fs::remove_file(b.join("data/sub/b.xml")).unwrap();
    assert_finding(
        &validate(&b, &ValidateOptions::default()).unwrap(),
        "BAG024",
        "data/sub/b.xml",
    );

    let (_s, b) = folder_bag();
    std::fs::write(b.join("data/sub/new.txt"), b"new").unwrap();
    assert_finding(
        &validate(&b, &ValidateOptions::default()).unwrap(),
        "BAG025",
        "data/sub/new.txt",
    );

    let (_s, b) = folder_bag();
    std::fs::write(b.join("data/c.bin"), [0u8, 1, 2]).unwrap();
    let findings = validate(&b, &ValidateOptions::default()).unwrap();
    assert_finding(&findings, "BAG026", "data/c.bin");
    assert_finding(&findings, "BAG032", "Payload-Oxum");
}

#[test]
fn fast_mode_checks_sizes_not_contents() {
    let (_s, b) = folder_bag();
    std::fs::write(b.join("data/a.txt"), b"ALPHA\n").unwrap();
    let fast = ValidateOptions {
        fast: true,
        ..Default::default()
    };
    assert!(
        validate(&b, &fast).unwrap().is_empty(),
        "same size passes the fast check"
    );
    assert_finding(
        &validate(&b, &ValidateOptions::default()).unwrap(),
        "BAG026",
        "data/a.txt",
    );
    std::fs::write(b.join("data/a.txt"), b"ALPHA!\n").unwrap();
    assert_finding(&validate(&b, &fast).unwrap(), "BAG032", "Payload-Oxum");
}

#[test]
fn a_missing_path_is_an_error_not_a_finding() {
    let err = validate(
        Path::new("/nonexistent/bag.zip"),
        &ValidateOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/bag.zip"), "{err}");
}

#[test]
fn fetch_txt_is_checked_never_fetched() {
    let (_s, b) = folder_bag();
    for (alg, len) in [("sha256", 64), ("sha512", 128)] {
        let p = b.join(format!("manifest-{alg}.txt"));
        let mut m = std::fs::read_to_string(&p).unwrap();
        m.push_str(&format!("{}  data/remote.bin\n", "0".repeat(len)));
        std::fs::write(&p, m).unwrap();
    }
    std::fs::write(
        b.join("fetch.txt"),
        "http://localhost:1/a.txt 6 data/a.txt\n\
         https://example.org/remote.bin - data/remote.bin\n\
         https://example.org/other - data/unlisted.bin\n\
         https://example.org/decl 10 bagit.txt\n\
         not-a-url - data/x\n\
         http://localhost:1/a.txt 99 data/sub/b.xml\n",
    )
    .unwrap();
    let findings = validate(&b, &ValidateOptions::default()).unwrap();
    assert_finding(&findings, "BAG042", "data/remote.bin");
    assert_finding(&findings, "BAG043", "data/unlisted.bin");
    assert_finding(&findings, "BAG041", "bagit.txt");
    assert_finding(&findings, "BAG040", "not-a-url");
    assert_finding(&findings, "BAG044", "data/sub/b.xml");
    // Absent but to be fetched: reported once as incomplete, not also as missing.
    assert!(
        !findings.iter().any(|d| d.code.id == "BAG024"),
        "{}",
        show(&findings)
    );
    assert!(
        !findings.iter().any(|d| d.message.contains("data/a.txt")),
        "{}",
        show(&findings)
    );
}

#[test]
fn declared_encodings_are_honoured() {
    // A UTF-16 bag-info.txt without a BOM is read as big-endian, with a warning.
    let (_s, b) = folder_bag();
    std::fs::write(
        b.join("bagit.txt"),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-16\n",
    )
    .unwrap();
    let utf16 = |s: &str, bom: bool| {
        let mut v: Vec<u8> = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
        v.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        v
    };
    for name in [
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ] {
        let text = std::fs::read_to_string(b.join(name)).unwrap();
        std::fs::write(b.join(name), utf16(&text, true)).unwrap();
    }
    std::fs::write(
        b.join("bag-info.txt"),
        utf16("Payload-Oxum: 28.3\nBagging-Date: 2026-11-21\n", false),
    )
    .unwrap();
    let findings = validate(&b, &ValidateOptions::default()).unwrap();
    assert_finding(&findings, "BAG009", "bag-info.txt");
    // The tag manifests now disagree with the re-encoded files, which proves they were read.
    assert_finding(&findings, "BAG026", "manifest-sha256.txt");
    assert!(
        !findings
            .iter()
            .any(|d| ["BAG007", "BAG012", "BAG030", "BAG032"].contains(&d.code.id)),
        "{}",
        show(&findings)
    );

    let (_s, b) = folder_bag();
    std::fs::write(
        b.join("bagit.txt"),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: KLINGON\n",
    )
    .unwrap();
    assert_finding(
        &validate(&b, &ValidateOptions::default()).unwrap(),
        "BAG006",
        "KLINGON",
    );
}
