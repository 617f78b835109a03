//! The `ofsted` command line: parse flags, build a validated config, call the library.
//! Exit status: 0 all inputs succeeded, 1 some inputs failed, 2 usage or setup error.

use clap::{Args, Parser, Subcommand};
use ofsted::app::config::{models_dir, ClassifyConfig, EvalConfig, ModelPaths};
use ofsted::io::input::Fields;
use ofsted::model::head::FitOptions;
use ofsted::model::runtime::{Precision, Runtime, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TOKENS};
use ofsted::progress::Mode;
use ofsted::train::{FitSettings, Method};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "ofsted", version, about = "Turn news about Ofsted inspections of children's services into data", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Classify(ClassifyArgs),
    Merge(MergeArgs),
    Train(TrainArgs),
    Eval(EvalArgs),
    Label(LabelArgs),
}

/// Split articles into sentences, label each one (strength / improvement / other), list the
/// named officials and the Ofsted grades reported. Writes sentences.csv, officials.csv,
/// grades.csv, articles.jsonl, index.html (the results as one page to open in a browser) and
/// run.json to --out.
#[derive(Args)]
#[command(after_help = "Examples:\n  ofsted classify corpus/ --out out/\n  ofsted classify news.csv --text-field body --out out/ --threads 2\n\n\
Inputs: .txt files (id = file name without .txt), .csv and .jsonl files (one article per row, with id and text fields), \
or folders of them, searched recursively. Inside folders, CSV/JSONL files without the id/text fields are skipped and listed in run.json.\n\
Outputs grow in OUT/.ofsted-partial/ as each chunk of 64 articles finishes and move into OUT when the run ends; \
after a crash or kill, the same command with --resume goes on from the last finished chunk.\n\
Shards: --shard K/N runs every N-th chunk (K from 0); `ofsted merge` joins the shards' folders into what one run writes. \
In a Slurm array or a Kubernetes Indexed Job (with --shards N), K and N come from the environment (README, Large archives).\n\
Exit status: 0 all inputs succeeded, 1 some inputs failed (see run.json), 2 usage or setup error.")]
struct ClassifyArgs {
    /// Article files (.txt, .csv, .jsonl) or folders of them
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output folder (created if missing; the six files in it are replaced atomically)
    #[arg(long, short, env = "OFSTED_OUT", value_name = "DIR")]
    out: PathBuf,
    /// Classifier model folder (head.json + manifest.json) [default: MODELS_DIR/default]
    #[arg(long, env = "OFSTED_MODEL", value_name = "DIR")]
    model: Option<PathBuf>,
    /// Folder holding encoder/, ner/ and default/ [default: ./models, else the checkout's models/]
    #[arg(long, env = "OFSTED_MODELS_DIR", value_name = "DIR")]
    models_dir: Option<PathBuf>,
    /// Threads for model inference [default: all cores]
    #[arg(long, env = "OFSTED_THREADS")]
    threads: Option<usize>,
    /// Sentences per inference batch when --batch-tokens is 0 (batches are sorted by length)
    #[arg(long, env = "OFSTED_BATCH_SIZE", default_value_t = DEFAULT_BATCH_SIZE)]
    batch_size: usize,
    /// Precision of the MPNet sentence encoder and the NER model: bf16 (about 3x faster end to
    /// end here, same scores within 0.005; README, Speed), or fp32 for CPUs without bf16 matrix
    /// units. MiniLM (models/fast) always runs in fp32
    #[arg(long, env = "OFSTED_PRECISION", value_enum, default_value_t = Precision::BFloat16)]
    precision: Precision,
    /// Cut length-sorted inference batches at this many padded tokens (at least 256): many short
    /// units per batch, few long ones; 1.1x faster than batches of 32 here (README, Speed).
    /// 0 cuts them by --batch-size units instead
    #[arg(long, env = "OFSTED_BATCH_TOKENS", value_name = "TOKENS", default_value_t = DEFAULT_BATCH_TOKENS)]
    batch_tokens: usize,
    /// Run the NER model on every unit; by default it skips units with no capital letter after
    /// their first word, which cannot hold a new name (README, Speed)
    #[arg(long, env = "OFSTED_NER_EVERY_UNIT")]
    ner_every_unit: bool,
    /// Field holding the article id in .csv/.jsonl inputs
    #[arg(long, env = "OFSTED_ID_FIELD", default_value = "id")]
    id_field: String,
    /// Field holding the article text in .csv/.jsonl inputs
    #[arg(long, env = "OFSTED_TEXT_FIELD", default_value = "text")]
    text_field: String,
    /// Run reading, segmentation and assembly on one thread (rayon off)
    #[arg(long, env = "OFSTED_NO_PARALLEL")]
    no_parallel: bool,
    /// Articles per chunk: batched together through the models, then written and journalled
    /// together (a resumed run redoes at most one chunk). Shards and resumed runs must keep it
    #[arg(long, env = "OFSTED_CHUNK_ARTICLES", value_name = "N", default_value_t = ofsted::pipeline::DEFAULT_CHUNK)]
    chunk_articles: usize,
    /// Go on from an interrupted run in --out (its journal in OUT/.ofsted-partial): finished
    /// chunks are kept, outputs end byte for byte as an uninterrupted run's. Without it, an
    /// interrupted run's partial outputs are discarded. Safe to pass always
    #[arg(long, env = "OFSTED_RESUME")]
    resume: bool,
    /// Run shard K of N (K counted from 0): every N-th chunk of the input, starting at chunk K, so
    /// each article is batched with the same neighbours as in one run. Join the shards' folders
    /// with `ofsted merge`
    /// [default: from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when set]
    #[arg(long, env = "OFSTED_SHARD", value_name = "K/N")]
    shard: Option<ofsted::app::plan::Shard>,
    /// Number of shards, when K comes from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or
    /// SLURM_ARRAY_TASK_ID
    #[arg(long, env = "OFSTED_SHARDS", value_name = "N", conflicts_with = "shard")]
    shards: Option<usize>,
    /// No progress bar or log lines (errors are still printed)
    #[arg(long, short, env = "OFSTED_QUIET")]
    quiet: bool,
}

/// Join the output folders of `classify --shard K/N` runs into one folder, byte for byte what an
/// unsharded run writes. Refuses shards made with different models, settings or inputs, a
/// missing or unfinished shard, and files changed since their shard wrote them.
#[derive(Args)]
#[command(after_help = "Example:\n  ofsted classify archive/ --shard 0/3 --out out/0   (and 1/3, 2/3, on any machines)\n  ofsted merge out/0 out/1 out/2 --out out/all\n\n\
Exit status: 0 merged and no article failed, 1 merged with failed articles or input errors (see run.json), 2 refused or usage error.")]
struct MergeArgs {
    /// Shard output folders (one per shard, any order)
    #[arg(required = true, value_name = "SHARD_DIR")]
    shards: Vec<PathBuf>,
    /// Folder for the merged outputs
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    #[arg(long, short, env = "OFSTED_QUIET")]
    quiet: bool,
}

fn merge(a: MergeArgs) -> anyhow::Result<ExitCode> {
    let s = ofsted::app::merge::merge(&a.shards, &a.out)?;
    if !a.quiet {
        eprintln!("[ofsted] merged {} shards: {} articles, {} sentences, {} officials, {} grades -> {}", a.shards.len(), s.articles, s.sentences, s.officials, s.grades, a.out.display());
    }
    Ok(if s.failed() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Train the sentence classifier on labelled folders (corpus format: articles/*.txt +
/// sentences.csv). The split into train and dev is by article; early stopping uses dev macro-F1.
#[derive(Args)]
#[command(after_help = "Examples:\n  ofsted train --data corpus/ --out models/mine\n  ofsted train --data corpus/ new-articles/ --init models/default --out models/next\n  ofsted train --data corpus/ --method logistic --out models/quick\n\n\
Training refuses data with unknown labels, offsets that do not slice the article, or units that repeat the --eval set. \
Writes head.json, encoder_layers.safetensors (fine-tuning only, float16) and manifest.json.")]
struct TrainArgs {
    /// Labelled folders to train on
    #[arg(long, required = true, num_args = 1.., value_name = "DIR")]
    data: Vec<PathBuf>,
    /// Distil from this teacher model (finetune): its probabilities on the training units join
    /// the loss, and are written to OUT/soft_labels.csv for --soft-labels
    #[arg(long, value_name = "DIR", conflicts_with = "soft_labels")]
    teacher: Option<PathBuf>,
    /// Distil from probabilities made earlier by --teacher (a rebuild needs no teacher model)
    #[arg(long, value_name = "FILE")]
    soft_labels: Option<PathBuf>,
    /// Share of the loss from the teacher's probabilities when distilling
    #[arg(long, default_value_t = 0.5, value_name = "X")]
    distill_weight: f64,
    /// Read each unit with its context: the article's headline and the unit before it (the
    /// unit's embedding still averages only its own tokens). classify then builds contexts too
    #[arg(long)]
    context: bool,
    /// Epochs of a SetFit-style contrastive phase (pairs of units pulled together when they share
    /// a label, apart when not) before the head is fitted and fine-tuning starts (finetune only)
    #[arg(long, default_value_t = 0, value_name = "N")]
    contrastive_epochs: usize,
    /// Train rank-R LoRA updates of the top --layers (with their biases and layer norms) instead
    /// of their weights: the model folder stays a few MB, small enough to commit (finetune, MPNet only)
    /// [default: the --init model's rank, else 0 = no LoRA]
    #[arg(long, value_name = "R")]
    lora_rank: Option<usize>,
    /// Base encoder: a folder in MODELS_DIR ("encoder" = all-MiniLM-L6-v2, fast; "mpnet" =
    /// all-mpnet-base-v2, about 4x slower, more accurate). classify and eval load the one a model
    /// was trained on [default: the --init model's encoder, else "encoder"]
    #[arg(long, env = "OFSTED_ENCODER", value_name = "NAME")]
    encoder: Option<String>,
    /// Gold folders the training data must not overlap [default: ./eval and every blind set in it, ./eval/*/ with a sentences.csv]
    #[arg(long, num_args = 1.., value_name = "DIR")]
    eval: Vec<PathBuf>,
    /// Model folder to write
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Start from this model folder (fine-tuning: its head and fine-tuned layers; its encoder,
    /// LoRA rank and context setting are kept unless a flag says otherwise)
    #[arg(long, value_name = "DIR")]
    init: Option<PathBuf>,
    /// Training method (the default measured best on dev; README, Train)
    #[arg(long, value_enum, default_value_t = Method::Finetune)]
    method: Method,
    /// Encoder layers to fine-tune, counted from the top (finetune only) [default: the --init
    /// model's fine-tuned layers, else 6]
    #[arg(long)]
    layers: Option<usize>,
    /// Maximum epochs (mlp, finetune); early stopping may end sooner [default: finetune 8, mlp 40]
    #[arg(long)]
    epochs: Option<usize>,
    /// Epochs without a better dev macro-F1 before stopping [default: finetune 2, mlp 5]
    #[arg(long)]
    patience: Option<usize>,
    /// AdamW learning rate (mlp, finetune) [default: finetune 5e-5, mlp 1e-3]
    #[arg(long)]
    lr: Option<f64>,
    /// Units per training batch (mlp, finetune)
    #[arg(long, default_value_t = 16)]
    batch_size: usize,
    /// Gradient-descent epochs of the logistic head
    #[arg(long, default_value_t = FitOptions::default().epochs)]
    logistic_epochs: usize,
    /// Seed for the dev split, shuffling, dropout and initialisation
    #[arg(long, default_value_t = 13)]
    seed: u64,
    /// Share of articles held out as dev
    #[arg(long, default_value_t = 0.2)]
    dev_fraction: f64,
    #[arg(long, env = "OFSTED_MODELS_DIR", value_name = "DIR")]
    models_dir: Option<PathBuf>,
    #[arg(long, env = "OFSTED_THREADS")]
    threads: Option<usize>,
    #[arg(long, short)]
    quiet: bool,
}

/// Score the pipeline against a hand-labelled gold folder (default: eval/), or score an existing
/// classify output folder, and write report.json, report.md and report.html to --out.
/// With --compare A B, diff two reports unit by unit instead.
#[derive(Args)]
#[command(after_help = "Examples:\n  ofsted eval --out reports/default\n  ofsted eval --model models/mine --out reports/mine --min-macro-f1 0.6\n  ofsted eval --predictions out/ --out reports/out\n  ofsted eval --compare reports/default reports/mine --out reports/diff\n\n\
Intervals are 95% article-level bootstrap intervals: sentences in one article are correlated, so articles are resampled, not sentences. \
Exit status: 0 ok, 1 macro-F1 below --min-macro-f1, 2 usage or setup error.")]
struct EvalArgs {
    /// Model folder to evaluate [default: MODELS_DIR/default]
    #[arg(long, env = "OFSTED_MODEL", value_name = "DIR", conflicts_with = "predictions")]
    model: Option<PathBuf>,
    /// Score this classify output folder instead of running a model
    #[arg(long, value_name = "DIR")]
    predictions: Option<PathBuf>,
    /// Gold folder (articles/ + sentences.csv, officials.csv, grades.csv)
    #[arg(long, env = "OFSTED_GOLD", value_name = "DIR", default_value = "eval")]
    gold: PathBuf,
    /// Output folder for report.json, report.md, report.html (or compare.html)
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Exit with status 1 when sentence macro-F1 is below this
    #[arg(long, value_name = "X")]
    min_macro_f1: Option<f64>,
    /// Compare two reports (report.json files or folders holding one): Markdown on stdout, compare.html in --out
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    compare: Option<Vec<PathBuf>>,
    #[arg(long, env = "OFSTED_MODELS_DIR", value_name = "DIR")]
    models_dir: Option<PathBuf>,
    /// Sentences per inference batch when --batch-tokens is 0 (batches are sorted by length)
    #[arg(long, env = "OFSTED_BATCH_SIZE", default_value_t = DEFAULT_BATCH_SIZE)]
    batch_size: usize,
    /// Precision of the MPNet sentence encoder and the NER model: bf16 (about 3x faster end to
    /// end here, same scores within 0.005; README, Speed), or fp32 for CPUs without bf16 matrix
    /// units. MiniLM (models/fast) always runs in fp32
    #[arg(long, env = "OFSTED_PRECISION", value_enum, default_value_t = Precision::BFloat16)]
    precision: Precision,
    /// Cut length-sorted inference batches at this many padded tokens (at least 256): many short
    /// units per batch, few long ones; 1.1x faster than batches of 32 here (README, Speed).
    /// 0 cuts them by --batch-size units instead
    #[arg(long, env = "OFSTED_BATCH_TOKENS", value_name = "TOKENS", default_value_t = DEFAULT_BATCH_TOKENS)]
    batch_tokens: usize,
    /// Run the NER model on every unit; by default it skips units with no capital letter after
    /// their first word, which cannot hold a new name (README, Speed)
    #[arg(long, env = "OFSTED_NER_EVERY_UNIT")]
    ner_every_unit: bool,
    /// Threads for model inference and the rule stages [default: all cores]
    #[arg(long, env = "OFSTED_THREADS")]
    threads: Option<usize>,
    #[arg(long, short, env = "OFSTED_QUIET")]
    quiet: bool,
}

fn eval(a: EvalArgs) -> anyhow::Result<ExitCode> {
    if let Some(ab) = &a.compare {
        let md = ofsted::app::evaluate::compare(&ab[0], &ab[1], &a.out)?;
        print!("{md}");
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = Runtime::with_precision(a.threads, a.batch_size, true, a.precision)?.with_batching((a.batch_tokens > 0).then_some(a.batch_tokens), a.ner_every_unit)?;
    let models = match &a.predictions {
        Some(_) => ModelPaths::new(std::path::Path::new("models"), a.model),
        None => ModelPaths::new(&models_dir(a.models_dir.as_deref())?, a.model),
    };
    let cfg = EvalConfig { gold: a.gold, predictions: a.predictions, models, runtime, out: a.out, quiet: a.quiet };
    let r = ofsted::app::evaluate::evaluate(&cfg)?;
    let s = &r.sentences;
    let officials: Vec<String> = r.officials.criteria.iter().filter(|c| c.name != "name (partial)").map(|c| format!("{} {:.3}", c.name, c.f1)).collect();
    let grades = r.grades.as_ref().map_or("not scored".to_string(), |g| format!("{:.3}", g.f1));
    eprintln!(
        "[ofsted] macro-F1 {:.3} [{:.3}, {:.3}], accuracy {:.3} on {} units in {} articles; officials F1: {}; grades F1 {}; report in {}",
        s.macro_f1.value, s.macro_f1.low, s.macro_f1.high, s.accuracy.value, s.units, s.articles, officials.join(", "), grades, cfg.out.display()
    );
    if let Some(min) = a.min_macro_f1 {
        if s.macro_f1.value < min {
            eprintln!("[ofsted] macro-F1 {:.3} is below --min-macro-f1 {min}", s.macro_f1.value);
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn classify(a: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let models = models_dir(a.models_dir.as_deref())?;
    let cfg = ClassifyConfig {
        inputs: a.inputs,
        out: a.out,
        models: ModelPaths::new(&models, a.model),
        runtime: Runtime::with_precision(a.threads, a.batch_size, !a.no_parallel, a.precision)?.with_batching((a.batch_tokens > 0).then_some(a.batch_tokens), a.ner_every_unit)?,
        fields: Fields { id: a.id_field, text: a.text_field },
        quiet: a.quiet,
        chunk: a.chunk_articles,
        resume: a.resume,
        shard: match a.shard {
            Some(s) => Some(s),
            None => ofsted::app::plan::Shard::from_env(a.shards, |k| std::env::var(k).ok())?.map(|(s, from)| {
                if !a.quiet {
                    eprintln!("[ofsted] shard {s} (from {from})");
                }
                s
            }),
        },
    }
    .validate()?;
    let summary = ofsted::app::classify::classify(&cfg)?;
    Ok(if summary.failed() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn train(a: TrainArgs) -> anyhow::Result<ExitCode> {
    if !(0.0..1.0).contains(&a.dev_fraction) {
        anyhow::bail!("--dev-fraction must be in [0, 1)");
    }
    if a.batch_size == 0 || a.epochs == Some(0) {
        anyhow::bail!("--batch-size and --epochs must be at least 1");
    }
    if (a.teacher.is_some() || a.soft_labels.is_some()) && a.method != Method::Finetune {
        anyhow::bail!("--teacher and --soft-labels need --method finetune (distillation trains the encoder)");
    }
    if a.lora_rank.is_some_and(|r| r > 0) && a.method != Method::Finetune {
        anyhow::bail!("--lora-rank needs --method finetune");
    }
    if a.contrastive_epochs > 0 && (a.method != Method::Finetune || a.init.is_some()) {
        anyhow::bail!("--contrastive-epochs needs --method finetune and no --init (the phase comes before the head is fitted)");
    }
    let runtime = Runtime::new(a.threads, DEFAULT_BATCH_SIZE, true)?;
    let models = models_dir(a.models_dir.as_deref())?;
    // the eval set and the blind set measure; training must never repeat them
    let eval = if a.eval.is_empty() { gold_sets(std::path::Path::new("eval")) } else { a.eval };
    let init_manifest = match &a.init {
        Some(dir) => ofsted::model::manifest::Manifest::read(dir)?,
        None => None,
    };
    let shape = ofsted::train::settle_shape(a.init.as_deref().zip(init_manifest.as_ref()), a.encoder, a.lora_rank, a.context, a.layers)?;
    let mlp = a.method == Method::Mlp;
    let (default_lr, default_epochs, default_patience) = if mlp { (1e-3, 40, 5) } else { (5e-5, 8, 2) };
    let cfg = ofsted::train::TrainConfig {
        data: a.data,
        eval,
        out: a.out,
        encoder_dir: models.join(&shape.encoder),
        init: a.init,
        method: a.method,
        layers: shape.layers,
        seed: a.seed,
        dev_fraction: a.dev_fraction,
        logistic: FitOptions { epochs: a.logistic_epochs, ..Default::default() },
        runtime,
        fit: FitSettings { epochs: a.epochs.unwrap_or(default_epochs), learning_rate: a.lr.unwrap_or(default_lr), batch_size: a.batch_size, patience: a.patience.unwrap_or(default_patience), seed: a.seed, weight_decay: 0.01, distill_weight: if a.teacher.is_some() || a.soft_labels.is_some() { a.distill_weight } else { 0.0 }, contrastive_epochs: a.contrastive_epochs, lora_rank: shape.lora_rank },
        teacher: a.teacher.map(|t| {
            let paths = ofsted::app::config::ModelPaths::new(&models, Some(t.clone()));
            (t, paths.encoder)
        }),
        soft_labels: a.soft_labels,
        context: shape.context,
        command: std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect(),
    };
    let r = ofsted::train::train(&cfg, Mode::detect(a.quiet))?;
    eprintln!(
        "[ofsted] {:?}: {} units from {} articles; dev ({} articles, {} units) macro-F1 {:.3} at epoch {}; loss {:.3} -> {:.3}; {:.1}s -> {}",
        r.method, r.units, r.articles, r.dev_articles, r.dev_units, r.dev_macro_f1, r.best_epoch, r.train_loss_first, r.train_loss_last, r.wall_seconds, cfg.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Label a folder of new articles in the browser, to train on: units come least confident first
/// with the model's label pre-filled (s / i / o keys, undo, notes), and officials and grade rows
/// are editable. Every change is saved at once in the corpus format, so stopping loses nothing
/// and starting again resumes.
#[derive(Args)]
#[command(after_help = "Example:\n  ofsted label new-articles/        (then open the address it prints)\n\n\
DIR holds articles/*.txt (one article per file, id = file name). Saved in DIR, each file replaced atomically on every change: \
sentences.csv (only the units you labelled), officials.csv and grades.csv (the articles you checked), \
notes.csv (your notes) and checked.csv (which articles' officials and grades you checked). \
After labelling: ofsted train --data corpus/ DIR --init models/default --out models/next, then ofsted eval --compare.\n\
The server listens on 127.0.0.1 only and answers only to localhost names unless --host says otherwise.\n\
Exit status: 2 when the folder's files have problems (each named with file and line) or the port is taken.")]
struct LabelArgs {
    /// Folder of articles to label (DIR/articles/*.txt; label files are written beside it)
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Model whose labels are suggested [default: MODELS_DIR/default]
    #[arg(long, env = "OFSTED_MODEL", value_name = "DIR")]
    model: Option<PathBuf>,
    /// Folder holding encoder/, ner/ and default/ [default: ./models, else the checkout's models/]
    #[arg(long, env = "OFSTED_MODELS_DIR", value_name = "DIR")]
    models_dir: Option<PathBuf>,
    /// Port to listen on; 0 takes any free one (the address is printed on stdout)
    #[arg(long, env = "OFSTED_LABEL_PORT", default_value_t = 8421)]
    port: u16,
    /// Address to listen on. Anything but a loopback address lets other machines read and change the labels
    #[arg(long, env = "OFSTED_LABEL_HOST", default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Precision of the models reading the articles (as for classify)
    #[arg(long, env = "OFSTED_PRECISION", value_enum, default_value_t = Precision::BFloat16)]
    precision: Precision,
    /// Threads for model inference [default: all cores]
    #[arg(long, env = "OFSTED_THREADS")]
    threads: Option<usize>,
    /// No log lines (errors and the address are still printed)
    #[arg(long, short, env = "OFSTED_QUIET")]
    quiet: bool,
}

fn label(a: LabelArgs) -> anyhow::Result<ExitCode> {
    let models = models_dir(a.models_dir.as_deref())?;
    let cfg = ofsted::app::config::LabelConfig {
        dir: a.dir,
        models: ModelPaths::new(&models, a.model),
        runtime: Runtime::with_precision(a.threads, DEFAULT_BATCH_SIZE, true, a.precision)?.with_batching(Some(DEFAULT_BATCH_TOKENS), false)?,
        host: a.host,
        port: a.port,
        quiet: a.quiet,
    };
    ofsted::app::label::label(&cfg, |url| {
        use std::io::Write;
        if !cfg.quiet {
            eprintln!("[ofsted] labelling {} at {url}  (open it in a browser)", cfg.dir.display());
        }
        // on stdout too, alone on its line, for scripts that start the server
        println!("{url}");
        let _ = std::io::stdout().flush();
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The eval set and every blind set in it (`eval/`, then each `eval/*/` holding sentences.csv, in
/// name order): what training must never repeat, however many blind sets there are.
fn gold_sets(eval: &std::path::Path) -> Vec<PathBuf> {
    let mut sub: Vec<PathBuf> = std::fs::read_dir(eval).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.join("sentences.csv").is_file()).collect()).unwrap_or_default();
    sub.sort();
    std::iter::once(eval.to_path_buf()).filter(|d| d.join("sentences.csv").is_file()).chain(sub).collect()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(a) => classify(a),
        Command::Merge(a) => merge(a),
        Command::Train(a) => train(a),
        Command::Eval(a) => eval(a),
        Command::Label(a) => label(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
