//! Seeded Monte-Carlo of the fixed and the sequential pair designs (`coldstart::stats::simulate`),
//! run by scripts/bench/sequential.sh:
//!
//!   cargo run --release --example sequential_mc -- [--reps N] [--seed S] [--json FILE]
//!
//! Prints a Markdown table: per scenario (true ratio, noise model) and design, the share of
//! regression / improvement / unchanged / inconclusive verdicts, mean pairs and the share of runs
//! that stopped within 10 pairs.
use clap::Parser;
use coldstart::simulation::{Design, GateParams, Noise, Scenario, Tally, simulate};

#[derive(Parser)]
struct Args {
    /// Replications per scenario.
    #[arg(long, default_value_t = 4000)]
    reps: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Pairs at the sequential design's first look.
    #[arg(long, default_value_t = 8)]
    first: usize,
    /// Pairs between the sequential design's looks.
    #[arg(long, default_value_t = 2)]
    step: usize,
    /// Level of each early look.
    #[arg(long, default_value_t = coldstart::simulation::EARLY_ALPHA)]
    early_alpha: f64,
    /// Level of each look from 30 pairs on.
    #[arg(long, default_value_t = coldstart::simulation::LATE_ALPHA)]
    alpha: f64,
    /// Pairs at the sequential design's last look (--max-pairs).
    #[arg(long, default_value_t = coldstart::simulation::MAX_PAIRS)]
    max_pairs: usize,
    /// Level of each look past twice --pairs (taken while inconclusive).
    #[arg(long, default_value_t = coldstart::simulation::STRETCH_ALPHA)]
    stretch_alpha: f64,
    /// Extra noise models for every scenario, e.g. `spikes:0.10` or `normal:0.15`.
    #[arg(long)]
    noise: Vec<String>,
    /// Also write the results as JSON.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

fn noise_name(n: Noise) -> String {
    match n {
        Noise::Normal(s) => format!("normal {:.0} %", 100.0 * s),
        Noise::StudentT3(s) => format!("t3 scale {:.0} %", 100.0 * s),
        Noise::Spikes(s) => format!("spikes {:.0} %", 100.0 * s),
    }
}

fn parse_noise(spec: &str) -> Option<Noise> {
    let (kind, value) = spec.split_once(':')?;
    let v: f64 = value
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v > 0.0)?;
    match kind {
        "normal" => Some(Noise::Normal(v)),
        "t3" => Some(Noise::StudentT3(v)),
        "spikes" => Some(Noise::Spikes(v)),
        _ => None,
    }
}

fn pct(k: usize, t: &Tally) -> f64 {
    100.0 * k as f64 / t.runs.max(1) as f64
}

fn main() {
    let args = Args::parse();
    let params = GateParams::default();
    // The shipped default (`ab`'s design): early looks, the fixed looks up to 60 pairs, and
    // past 60 only while inconclusive, up to --max-pairs.
    let mut seq = Design::sequential(30, 10, args.max_pairs).stretched();
    seq.first = args.first;
    seq.step = args.step;
    seq.early_alpha = args.early_alpha;
    seq.alpha = args.alpha;
    seq.stretch_alpha = args.stretch_alpha;
    let designs = [
        ("fixed 30+10..60".to_string(), Design::reference(30, 10, 60)),
        (
            "sequential ..60".to_string(),
            Design {
                max_pairs: 60,
                unchanged_max: 60,
                ..seq
            },
        ),
        ("sequential".to_string(), seq),
    ];
    let mut noises = vec![
        Noise::Normal(0.05),
        Noise::Normal(0.10),
        Noise::StudentT3(0.05),
        Noise::Spikes(0.06),
        Noise::Spikes(0.10),
        Noise::Normal(0.15),
    ];
    for spec in &args.noise {
        match parse_noise(spec) {
            Some(n) => noises.push(n),
            None => {
                eprintln!("error: bad --noise {spec:?}; use normal:SD, t3:SCALE or spikes:SD");
                std::process::exit(2);
            }
        }
    }
    let mut scenarios: Vec<(&str, Scenario)> = Vec::new();
    for (label, ratio) in [("A/A", 1.0), ("threshold +5 %", 1.05), ("+10 %", 1.10)] {
        for &noise in &noises {
            scenarios.push((
                label,
                Scenario {
                    ratio,
                    noise,
                    base_ms: 100.0,
                },
            ));
        }
    }
    for noise in [Noise::Normal(0.2), Noise::Spikes(0.15)] {
        scenarios.push((
            "2x faster",
            Scenario {
                ratio: 0.5,
                noise,
                base_ms: 150.0,
            },
        ));
    }
    println!(
        "| scenario | noise | design | regression | improvement | unchanged | inconclusive | mean pairs | stopped <= 10 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for (i, (label, sc)) in scenarios.iter().enumerate() {
        let ds: Vec<Design> = designs.iter().map(|d| d.1).collect();
        let tallies = simulate(&ds, *sc, &params, args.reps, args.seed + i as u64);
        for ((name, _), t) in designs.iter().zip(&tallies) {
            println!(
                "| {label} | {} | {name} | {:.2} % | {:.2} % | {:.2} % | {:.2} % | {:.1} | {:.1} % |",
                noise_name(sc.noise),
                pct(t.regression, t),
                pct(t.improvement, t),
                pct(t.unchanged, t),
                pct(t.inconclusive, t),
                t.mean_pairs(),
                100.0 * t.within(10),
            );
            rows.push(serde_json::json!({
                "scenario": label, "ratio": sc.ratio, "noise": noise_name(sc.noise),
                "design": name, "runs": t.runs, "regression": t.regression,
                "improvement": t.improvement, "unchanged": t.unchanged,
                "inconclusive": t.inconclusive, "mean_pairs": t.mean_pairs(),
                "within_10": t.within(10),
            }));
        }
    }
    if let Some(path) = args.json {
        let doc = serde_json::json!({"reps": args.reps, "seed": args.seed, "rows": rows});
        if let Err(e) = std::fs::write(&path, doc.to_string() + "\n") {
            eprintln!("error: cannot write {}: {e}", path.display());
            std::process::exit(2);
        }
    }
}
