//! Sentence embeddings from sentence-transformers/all-MiniLM-L6-v2, run on the
//! CPU with candle: no Python and no network at run time, only a directory
//! holding the model in the standard sentence-transformers layout
//! (`model.safetensors`, `tokenizer.json`, `config.json`), as
//! `scripts/model/fetch_minilm.sh` produces or the model's own repository has.
//!
//! `embed` is CPU-bound and takes milliseconds to seconds: call it from
//! `tokio::task::spawn_blocking`, never on an async worker. candle's matrix
//! multiplications fan out over rayon's global pool (one thread per physical
//! core unless `RAYON_NUM_THREADS` says otherwise), so one call can occupy
//! every core; concurrent calls share that pool rather than oversubscribing.

use std::path::Path;

use anyhow::{Context as _, anyhow, bail, ensure};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use sha2::{Digest as _, Sha256};
use tokenizers::{Encoding, Tokenizer, TruncationParams};

/// Width of every vector `embed` returns.
pub const DIMENSIONS: usize = 384;

/// SHA-256 of the only weights this module accepts. Vectors from different
/// weights are not comparable, so stored vectors are only valid for the exact
/// file that made them; pinning it turns a silent ranking regression into a
/// load error.
pub const MODEL_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

/// The model was trained on at most 256 word pieces (sentence-transformers'
/// `max_seq_length`); the shipped `tokenizer.json` says 128, which would
/// silently drop the second half of longer posts.
const MAX_TOKENS: usize = 256;

/// Texts per forward pass. On 2 cores one text at a time was as fast as
/// any batch (11 posts/s of 184 word pieces, against 7 to 9 for batches
/// of 8 to 32) and holds the least memory (a batch of 16 peaked at
/// 375 MB), since candle already spreads one text's matrices over the
/// cores.
const MAX_BATCH: usize = 1;

/// Name of the key that tells the two weight layouts apart: the bare
/// `BertModel` export (the sentence-transformers repository) has it at the
/// root, a `BertFor*` export nests it under `bert.`.
const WORD_EMBEDDINGS: &str = "embeddings.word_embeddings.weight";

pub struct SentenceModel {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    version: String,
}

impl std::fmt::Debug for SentenceModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentenceModel")
            .field("model", &self.version)
            .finish_non_exhaustive()
    }
}

// kbql shares one SentenceModel across blocking tasks behind an Arc; losing
// Send + Sync through a dependency upgrade should fail here, not there.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SentenceModel>();
};

impl SentenceModel {
    /// Loads the model from `dir`, refusing weights other than the pinned ones.
    pub fn load(dir: &Path) -> anyhow::Result<SentenceModel> {
        let weights_path = dir.join("model.safetensors");
        // Read whole rather than memory-mapped: mapping is `unsafe` in candle
        // (the file could change under us), and the bytes must be hashed anyway.
        let weights = std::fs::read(&weights_path)
            .with_context(|| format!("reading {}", weights_path.display()))?;
        let digest = format!("{:x}", Sha256::digest(&weights));
        ensure!(
            digest == MODEL_SHA256,
            "{} has sha256 {digest}, expected {MODEL_SHA256} (all-MiniLM-L6-v2); \
             refusing other weights because their vectors would not match the stored ones \
             (scripts/model/fetch_minilm.sh fetches the right file)",
            weights_path.display()
        );

        let config_path = dir.join("config.json");
        let config: Config = serde_json::from_slice(
            &std::fs::read(&config_path)
                .with_context(|| format!("reading {}", config_path.display()))?,
        )
        .with_context(|| format!("parsing {}", config_path.display()))?;
        ensure!(
            config.hidden_size == DIMENSIONS,
            "{} declares hidden_size {}, expected {DIMENSIONS}",
            config_path.display(),
            config.hidden_size
        );

        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| anyhow!("loading {}: {e}", tokenizer_path.display()))?;
        // The shipped file pads every input to 128 tokens. Padding is done
        // per batch below, to the batch's longest text, with a mask; fixed
        // padding would cost up to 10× the compute for short queries.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS.min(config.max_position_embeddings),
                ..TruncationParams::default()
            }))
            .map_err(|e| anyhow!("configuring truncation: {e}"))?;

        let prefix = weight_prefix(&weights).with_context(|| weights_path.display().to_string())?;
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .with_context(|| format!("reading tensors from {}", weights_path.display()))?;
        let vb = match prefix {
            Some(prefix) => vb.pp(prefix),
            None => vb,
        };
        let model = BertModel::load(vb, &config)
            .with_context(|| format!("loading BERT weights from {}", weights_path.display()))?;

        Ok(SentenceModel {
            model,
            tokenizer,
            device,
            version: format!("all-minilm-l6-v2@{}", &MODEL_SHA256[..8]),
        })
    }

    /// Stable id of the model; stored vectors made under another id must be
    /// recomputed, not compared.
    pub fn model_version(&self) -> &str {
        &self.version
    }

    /// One unit-length vector of `DIMENSIONS` floats per text, in order;
    /// cosine similarity is then a dot product.
    pub fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow!("tokenizing: {e}"))?;

        // Batching texts of similar length keeps the padding, which is
        // computed and then thrown away, small.
        let mut order: Vec<usize> = (0..encodings.len()).collect();
        order.sort_by_key(|&i| encodings[i].len());

        let mut vectors = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(MAX_BATCH) {
            let batch: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            for (&i, vector) in chunk.iter().zip(self.forward(&batch)?) {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    fn forward(&self, batch: &[&Encoding]) -> anyhow::Result<Vec<Vec<f32>>> {
        let width = batch.iter().map(|e| e.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(batch.len() * width);
        let mut mask = Vec::with_capacity(batch.len() * width);
        for encoding in batch {
            let pad = width - encoding.len();
            ids.extend_from_slice(encoding.get_ids());
            ids.extend(std::iter::repeat_n(0u32, pad));
            mask.extend_from_slice(encoding.get_attention_mask());
            mask.extend(std::iter::repeat_n(0u32, pad));
        }
        let shape = (batch.len(), width);
        let ids = Tensor::from_vec(ids, shape, &self.device)?;
        let mask = Tensor::from_vec(mask, shape, &self.device)?;
        // Single-segment input: every token is segment 0.
        let token_types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &token_types, Some(&mask))?;

        // Mean over real tokens only (the model's 1_Pooling config): padding
        // positions still produce hidden states, and averaging them in skews
        // the vector badly.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?;
        let pooled = summed.broadcast_div(&counts)?.to_vec2::<f32>()?;

        pooled
            .into_iter()
            .map(|mut v| {
                ensure!(
                    v.len() == DIMENSIONS,
                    "model produced {} dimensions",
                    v.len()
                );
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                // Same floor as sentence-transformers' Normalize layer, so an
                // all-zero vector stays zero instead of becoming NaN.
                let scale = 1.0 / norm.max(1e-12);
                for x in &mut v {
                    *x *= scale;
                }
                Ok(v)
            })
            .collect()
    }
}

/// Which prefix the BERT tensors sit under in this file, read from the
/// safetensors header so a wrong file fails with its own key names in the
/// message rather than with a missing-tensor error deep inside candle.
fn weight_prefix(weights: &[u8]) -> anyhow::Result<Option<&'static str>> {
    let (_, metadata) = safetensors::SafeTensors::read_metadata(weights)
        .map_err(|e| anyhow!("not a safetensors file: {e}"))?;
    let names = metadata.tensors();
    if names.contains_key(WORD_EMBEDDINGS) {
        return Ok(None);
    }
    if names.contains_key(&format!("bert.{WORD_EMBEDDINGS}")) {
        return Ok(Some("bert"));
    }
    let mut sample: Vec<&str> = names.keys().map(String::as_str).collect();
    sample.sort_unstable();
    sample.truncate(5);
    bail!(
        "no BERT weights: neither {WORD_EMBEDDINGS} nor bert.{WORD_EMBEDDINGS} is present (found {sample:?}…)"
    )
}

impl super::Encoder for SentenceModel {
    fn version(&self) -> &str {
        self.model_version()
    }

    fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        SentenceModel::embed(self, texts)
    }
}
