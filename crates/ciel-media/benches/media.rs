//! The image pipeline against `vipsthumbnail`, measured in the same run (`cargo xtask bench
//! media` installs vips and runs this in the release profile).
//!
//! For a 12 MP JPEG, a large PNG and a large (lossy) WebP, on 1 and on 2 threads: uploads per
//! second making both derivatives (ours, and ours including the clean original) against
//! `vipsthumbnail` making the same two sizes from the same file (one process per thread and
//! size with `--vips-concurrency=1`, every iteration's file on one command line so process
//! start-up is amortised, each under its own name so vips's operation cache cannot hand back
//! an earlier decode). Then the peak memory of one in-flight job (a counting global
//! allocator for Rust's heap, and the resident high-water mark of a fresh process for what the
//! C codecs allocate too) and the share of the pipeline spent in JPEG encoding.
//!
//! Arguments (after `--`): `--seconds N` per measurement (default 3).

// A bench prints its report; the counting allocator must be an `unsafe impl GlobalAlloc`.
#![allow(clippy::print_stdout, unsafe_code)]

use ciel_domain::ports::{ImageFormat, ImageLimits, ImageProcessor};
use ciel_media::ImagePipeline;
use ciel_media::pipeline::{decode_for_derivatives, encode};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, Rgb, RgbImage};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ---- peak memory: a counting allocator over the whole process ----

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn add(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        add(new_size);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes allocated at the peak of `work`, above what was allocated before it (the input is
/// already in memory, as it is in the worker after the download).
fn peak_of<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = work();
    (out, PEAK.load(Ordering::Relaxed) - base)
}

// ---- inputs ----

/// Photo-like pixels: smooth gradients, soft waves, a few hard-edged shapes and sensor noise.
fn photo(width: u32, height: u32) -> RgbImage {
    let mut seed = 0x1234_5678_u32;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 13) as f32 - 6.0;
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let wave = ((fx * 17.0).sin() * (fy * 11.0).cos()) * 40.0;
        let inside = ((fx - 0.6).powi(2) + (fy - 0.4).powi(2)) < 0.04;
        let stripe = ((x / 97 + y / 61) % 5 == 0) as u8 as f32 * 25.0;
        let base = [
            70.0 + 120.0 * fx + wave,
            60.0 + 100.0 * fy - wave * 0.5 + stripe,
            110.0 + 60.0 * (1.0 - fx) + if inside { 70.0 } else { 0.0 },
        ];
        Rgb(base.map(|v| (v + noise).clamp(0.0, 255.0) as u8))
    })
}

struct Input {
    label: &'static str,
    format: ImageFormat,
    path: PathBuf,
    bytes: Vec<u8>,
    /// vips output suffix: same format, metadata stripped, comparable settings.
    vips_out: &'static str,
    target: f64,
    target_text: &'static str,
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("writing a bench input");
    path
}

fn inputs(dir: &Path) -> Vec<Input> {
    eprintln!("bench: generating inputs …");
    let big = DynamicImage::ImageRgb8(photo(4000, 3000));
    let mut jpeg = Vec::new();
    big.write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, 90))
        .expect("encoding the JPEG input");
    let jpeg_path = write(dir, "photo.jpg", &jpeg);

    let mid = DynamicImage::ImageRgb8(photo(2400, 1600));
    let mut png = Vec::new();
    mid.write_with_encoder(PngEncoder::new(&mut png))
        .expect("encoding the PNG input");
    let png_path = write(dir, "photo.png", &png);

    // A lossy WebP, as phones and browsers produce (`image` only writes lossless WebP).
    let webp_path = dir.join("photo.webp");
    let ok = Command::new("vips")
        .arg("copy")
        .arg(&jpeg_path)
        .arg(format!("{}[Q=85,strip]", webp_path.display()))
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "vips could not write the WebP input");
    let webp = std::fs::read(&webp_path).expect("reading the WebP input");

    vec![
        Input {
            label: "JPEG 4000x3000 q90",
            format: ImageFormat::Jpeg,
            path: jpeg_path,
            bytes: jpeg,
            vips_out: "jpg[Q=82,strip]",
            target: 1.5,
            target_text: ">= 1.5x (goal 2x)",
        },
        Input {
            label: "PNG 2400x1600 RGB",
            format: ImageFormat::Png,
            path: png_path,
            bytes: png,
            vips_out: "png[compression=1,strip]",
            target: 1.5,
            target_text: ">= 1.5x",
        },
        Input {
            label: "WebP 4000x3000 lossy",
            format: ImageFormat::Webp,
            path: webp_path,
            bytes: webp,
            vips_out: "webp[Q=82,strip]",
            target: 1.0,
            target_text: ">= 1.0x",
        },
    ]
}

// ---- measurements ----

/// Uploads per second with `threads` threads each running `job` until `budget` has passed
/// (at least twice each).
fn rate(threads: usize, budget: Duration, job: impl Fn() + Sync) -> f64 {
    job(); // warm-up
    let started = Instant::now();
    let done: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0;
                    while n < 2 || started.elapsed() < budget {
                        job();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("bench thread"))
            .sum()
    });
    done as f64 / started.elapsed().as_secs_f64()
}

/// `n` distinct names for the file (hard links, a copy where linking fails), so that each of
/// vips's iterations really loads a file: libvips keeps an operation cache keyed by the
/// file name, and `vipsthumbnail` given the same name n times decodes it once and then only
/// resizes and encodes the cached pixels (measured: 5 × the same WebP in 0.85 s, 5 links to it
/// in 3.1 s) — a shortcut no upload stream offers.
fn distinct_names(input: &Input, n: usize, dir: &Path) -> Vec<PathBuf> {
    let ext = input
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("img");
    let dir = dir.join(format!("links-{ext}"));
    std::fs::create_dir_all(&dir).expect("creating the links directory");
    (0..n)
        .map(|i| {
            let link = dir.join(format!("i{i}.{ext}"));
            if !link.exists() && std::fs::hard_link(&input.path, &link).is_err() {
                std::fs::copy(&input.path, &link).expect("copying a bench input");
            }
            link
        })
        .collect()
}

/// `vipsthumbnail` making both sizes: per thread, one process per size over `n` distinct names
/// of the file, single-threaded vips; returns uploads per second.
fn vips_rate(input: &Input, threads: usize, n: usize, out: &Path) -> f64 {
    let names = distinct_names(input, n, out);
    let run = |thread: usize| {
        for size in [800, 200] {
            let status = Command::new("vipsthumbnail")
                .args(&names)
                .arg("--size")
                .arg(size.to_string())
                .arg("--vips-concurrency=1")
                .arg("-o")
                .arg(format!(
                    "{}/t{thread}_%s_{size}.{}",
                    out.display(),
                    input.vips_out
                ))
                .status()
                .expect("running vipsthumbnail");
            assert!(status.success(), "vipsthumbnail failed on {}", input.label);
        }
    };
    run(0); // warm the page cache and the loader
    let started = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let run = &run;
            scope.spawn(move || run(t));
        }
    });
    (threads * n) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds: u64 = match args.as_slice() {
        [] => 3,
        [flag, n] if flag == "--seconds" => n.parse().expect("--seconds takes a whole number"),
        [flag, format, path] if flag == "--peak-rss" => return peak_rss_child(format, path),
        _ => panic!("usage: media [--seconds N]"),
    };
    let budget = Duration::from_secs(seconds);
    let dir = std::env::temp_dir().join(format!("ciel-bench-media-{}", std::process::id()));
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("creating the bench directory");
    let pipeline = ImagePipeline::default();
    let limits = ImageLimits::default();
    let inputs = inputs(&dir);

    let mut table = Vec::new();
    for input in &inputs {
        let derivatives = || {
            pipeline
                .derivatives(&input.bytes, input.format, limits)
                .expect("the pipeline failed on a bench input");
        };
        let full = || {
            pipeline
                .process(&input.bytes, input.format, limits)
                .expect("the pipeline failed on a bench input");
        };
        for threads in [1, 2] {
            eprintln!("bench: {} on {threads} thread(s) …", input.label);
            let ours = rate(threads, budget, derivatives);
            let ours_full = rate(threads, budget, full);
            // Enough files per vips process for about the same time as ours took.
            let n = ((ours * budget.as_secs_f64() / threads as f64 / 2.0) as usize).clamp(4, 200);
            let vips = vips_rate(input, threads, n, &out);
            table.push((input, threads, ours, ours_full, vips));
        }
    }

    eprintln!("bench: memory and encode share …");
    // Peak memory of one job, the input already in memory: Rust allocations (counting
    // allocator) and, in a fresh process, the resident high-water mark, which also sees what
    // libjpeg and libwebp allocate with malloc.
    let mut memory = Vec::new();
    for input in &inputs {
        let (_, peak) = peak_of(|| pipeline.process(&input.bytes, input.format, limits));
        let rss = peak_rss(input.format, &input.path);
        memory.push((input.label.to_owned(), peak, rss));
    }
    // The same JPEG with EXIF orientation 6: decoded in full, turned, original re-encoded.
    let jpeg = &inputs[0];
    let rotated = with_orientation_6(&jpeg.bytes);
    let (_, peak) = peak_of(|| pipeline.process(&rotated, ImageFormat::Jpeg, limits));
    let rotated_path = write(&dir, "rotated.jpg", &rotated);
    let rss = peak_rss(ImageFormat::Jpeg, &rotated_path);
    memory.push(("JPEG 4000x3000, EXIF orientation 6".to_owned(), peak, rss));

    // JPEG encode share: time encoding the two derivatives (same sizes, same encoder and
    // quality) against the whole derivative pipeline.
    let d = pipeline
        .derivatives(&jpeg.bytes, ImageFormat::Jpeg, limits)
        .expect("derivatives");
    let medium = image::load_from_memory(&d.medium).expect("medium");
    let thumb = image::load_from_memory(&d.thumb).expect("thumb");
    let per = |f: &dyn Fn()| {
        let started = Instant::now();
        let mut n = 0;
        while n < 5 || started.elapsed() < budget {
            f();
            n += 1;
        }
        started.elapsed().as_secs_f64() / n as f64
    };
    let encode_time = per(&|| {
        encode(&medium, ImageFormat::Jpeg).expect("encode");
        encode(&thumb, ImageFormat::Jpeg).expect("encode");
    });
    let pipeline_time = per(&|| {
        pipeline
            .derivatives(&jpeg.bytes, ImageFormat::Jpeg, limits)
            .expect("derivatives");
    });
    let rotated_time = per(&|| {
        pipeline
            .process(&rotated, ImageFormat::Jpeg, limits)
            .expect("rotated");
    });
    let scaled_decode = per(&|| {
        decode_for_derivatives(&jpeg.bytes, ImageFormat::Jpeg, limits).expect("scaled decode");
    });
    let full_decode = per(&|| {
        image::load_from_memory(&jpeg.bytes).expect("full decode");
    });
    let webp_decode = per(&|| {
        decode_for_derivatives(&inputs[2].bytes, ImageFormat::Webp, limits).expect("webp decode");
    });
    // WebP stages: where its derivative time goes (decode, the two encodes, the rest).
    let webp = &inputs[2];
    let webp_d = pipeline
        .derivatives(&webp.bytes, ImageFormat::Webp, limits)
        .expect("webp derivatives");
    let webp_medium = image::load_from_memory(&webp_d.medium).expect("webp medium");
    let webp_thumb = image::load_from_memory(&webp_d.thumb).expect("webp thumb");
    let webp_total = per(&|| {
        pipeline
            .derivatives(&webp.bytes, ImageFormat::Webp, limits)
            .expect("webp derivatives");
    });
    let webp_medium_encode = per(&|| {
        encode(&webp_medium, ImageFormat::Webp).expect("encode");
    });
    let webp_thumb_encode = per(&|| {
        encode(&webp_thumb, ImageFormat::Webp).expect("encode");
    });
    let rotated_image = DynamicImage::ImageRgb8(photo(3000, 4000));
    let original_encode = per(&|| {
        encode(&rotated_image, ImageFormat::Jpeg).expect("encode");
    });

    let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
    println!();
    println!("cargo xtask bench media — uploads/s (higher is better), vips = vipsthumbnail");
    println!("{}", vips_version());
    println!();
    println!(
        "{:<22} {:>8} {:>3} {:>12} {:>14} {:>10} {:>7} {:<18} ok",
        "input", "size", "thr", "ours 2 sizes", "ours +original", "vips", "ratio", "target"
    );
    for (input, threads, ours, full, vips) in &table {
        let ratio = ours / vips;
        println!(
            "{:<22} {:>6.1}MB {:>3} {:>12.1} {:>14.1} {:>10.1} {:>6.2}x {:<18} {}",
            input.label,
            input.bytes.len() as f64 / 1e6,
            threads,
            ours,
            full,
            vips,
            ratio,
            input.target_text,
            if ratio >= input.target { "yes" } else { "NO" }
        );
    }
    println!();
    println!("peak memory per in-flight job, input excluded   target <= 64 MiB for 12 MP");
    println!(
        "  {:<38} {:>11} {:>22}",
        "", "Rust heap", "RSS (incl. C codecs)"
    );
    for (label, peak, rss) in &memory {
        let worst = mib(*peak).max(*rss as f64 / 1024.0);
        println!(
            "  {:<38} {:>7.1} MiB {:>18.1} MiB {}",
            label,
            mib(*peak),
            *rss as f64 / 1024.0,
            if worst <= 64.0 { "yes" } else { "NO" }
        );
    }
    println!();
    let share = encode_time / pipeline_time;
    println!(
        "JPEG encode share of the pipeline (thumb+medium): {:.1} ms of {:.1} ms = {:.1} %   target <= 15 %: {}",
        encode_time * 1e3,
        pipeline_time * 1e3,
        share * 100.0,
        if share <= 0.15 { "yes" } else { "NO" }
    );
    println!(
        "JPEG with orientation 6 (full decode, turn, re-encode original): {:.1} ms per upload, of which original encode ~{:.1} ms ({:.1} %)",
        rotated_time * 1e3,
        original_encode * 1e3,
        original_encode / rotated_time * 100.0
    );
    println!(
        "stages, 1 thread: JPEG decode at 1/4 DCT scale (libjpeg-turbo) {:.1} ms, full JPEG decode (zune-jpeg, turned photos) {:.1} ms, WebP decode scaled to the medium (libwebp) {:.1} ms",
        scaled_decode * 1e3,
        full_decode * 1e3,
        webp_decode * 1e3
    );
    println!(
        "stages, 1 thread: WebP derivatives {:.1} ms = decode scaled to the medium {:.1} ms + encode medium {:.1} ms + encode thumb {:.1} ms + rest by difference (strip, thumb resize, BlurHash, timing noise) {:.1} ms",
        webp_total * 1e3,
        webp_decode * 1e3,
        webp_medium_encode * 1e3,
        webp_thumb_encode * 1e3,
        (webp_total - webp_decode - webp_medium_encode - webp_thumb_encode) * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn format_arg(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Png => "png",
        ImageFormat::Webp => "webp",
    }
}

/// Runs one job in a fresh process of this binary; its resident high-water mark over the job,
/// in KiB.
fn peak_rss(format: ImageFormat, path: &Path) -> u64 {
    let exe = std::env::current_exe().expect("the bench's own path");
    let out = Command::new(exe)
        .arg("--peak-rss")
        .arg(format_arg(format))
        .arg(path)
        .output()
        .expect("running the peak-RSS child");
    assert!(out.status.success(), "the peak-RSS child failed");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the peak-RSS child prints KiB")
}

/// Child side of [`peak_rss`]: reads the input, resets the high-water mark, runs the job and
/// prints how far the resident set rose above where it started.
fn peak_rss_child(format: &str, path: &str) {
    let format = match format {
        "jpeg" => ImageFormat::Jpeg,
        "png" => ImageFormat::Png,
        "webp" => ImageFormat::Webp,
        other => panic!("unknown format {other}"),
    };
    let bytes = std::fs::read(path).expect("reading the input");
    let pipeline = ImagePipeline::default();
    let before = status_kib("VmRSS");
    // Writing 5 resets VmHWM to the current resident set (Linux ≥ 4.0).
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the high-water mark");
    pipeline
        .process(&bytes, format, ImageLimits::default())
        .expect("the pipeline failed on a bench input");
    let peak = status_kib("VmHWM");
    println!("{}", peak.saturating_sub(before));
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

fn vips_version() -> String {
    Command::new("vipsthumbnail")
        .arg("--vips-version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// `jpeg` with an APP1 EXIF segment (orientation 6) right after SOI.
fn with_orientation_6(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff = b"Exif\0\0II*\0\x08\0\0\0\x01\0".to_vec();
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((tiff.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}
