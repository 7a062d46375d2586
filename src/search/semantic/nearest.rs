//! The posts' vectors in memory, for nearest-neighbour search by cosine.
//! Each vector is kept as bytes (one scale per vector, each component
//! rounded to a signed byte): a quarter of the memory of floats, so 100,000
//! posts of 384 dimensions fit in 38 MB, and the rounding moves cosines by
//! about a hundredth, far less than what separates a match from a miss.
//! The scan is brute force: 1.8 ms for 100,000 posts where the CPU has
//! AVX2 (`cargo bench --bench semantic`). A first pass over one sign bit
//! a component, scoring only a shortlist on the bytes, took 1.1 ms but
//! lost some of the true nearest (docs/performance.md); an approximate
//! index is the next step well past 100,000 posts.

use std::collections::HashMap;
use std::sync::RwLock;

#[derive(Default)]
pub struct Nearest {
    inner: RwLock<Vectors>,
}

#[derive(Default)]
struct Vectors {
    dims: usize,
    posts: Vec<i64>,
    codes: Vec<i8>,
    scales: Vec<f32>,
    slot: HashMap<i64, usize>,
}

/// A vector as bytes and the scale that turns them back into floats.
fn quantize(vector: &[f32]) -> (Vec<i8>, f32) {
    let max = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if max == 0.0 {
        return (vec![0; vector.len()], 0.0);
    }
    let scale = max / 127.0;
    let codes = vector
        .iter()
        .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (codes, scale)
}

/// The dot product of two byte vectors of one length. Sixteen running
/// sums rather than one: a single sum is one chain of dependent additions,
/// which the compiler keeps in order, while sixteen independent ones fill
/// vector registers, with the same result, since integer sums do not
/// depend on their order. Always inlined, so that inside `Scan` it is
/// compiled for the instruction set the scan was dispatched to.
#[inline(always)]
fn dot(a: &[i8], b: &[i8]) -> i32 {
    const LANES: usize = 16;
    let (a_lanes, a_rest) = a.as_chunks::<LANES>();
    let (b_lanes, b_rest) = b.as_chunks::<LANES>();
    let mut sums = [0i32; LANES];
    for (x, y) in a_lanes.iter().zip(b_lanes) {
        for ((sum, &p), &q) in sums.iter_mut().zip(x).zip(y) {
            *sum += i32::from(p) * i32::from(q);
        }
    }
    let rest: i32 = a_rest
        .iter()
        .zip(b_rest)
        .map(|(&p, &q)| i32::from(p) * i32::from(q))
        .sum();
    sums.iter().sum::<i32>() + rest
}

impl Nearest {
    /// Keeps `vector` as `post_id`'s, replacing the one it had. Vectors of
    /// another length than the first one kept are ignored.
    pub fn insert(&self, post_id: i64, vector: &[f32]) {
        let (codes, scale) = quantize(vector);
        let mut v = self.inner.write().expect("vectors lock");
        if v.dims == 0 {
            v.dims = vector.len();
        }
        if vector.len() != v.dims || v.dims == 0 {
            return;
        }
        let dims = v.dims;
        match v.slot.get(&post_id).copied() {
            Some(i) => {
                v.codes[i * dims..(i + 1) * dims].copy_from_slice(&codes);
                v.scales[i] = scale;
            }
            None => {
                let i = v.posts.len();
                v.posts.push(post_id);
                v.codes.extend_from_slice(&codes);
                v.scales.push(scale);
                v.slot.insert(post_id, i);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.inner.read().expect("vectors lock").posts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cosine between `post_id`'s vector and `query`; `None` when the
    /// post has no vector yet.
    pub fn cosine(&self, post_id: i64, query: &[f32]) -> Option<f32> {
        let v = self.inner.read().expect("vectors lock");
        let i = *v.slot.get(&post_id)?;
        if query.len() != v.dims {
            return None;
        }
        let codes = &v.codes[i * v.dims..(i + 1) * v.dims];
        let dot: f32 = codes
            .iter()
            .zip(query)
            .map(|(&c, &q)| f32::from(c) * q)
            .sum();
        Some(dot * v.scales[i])
    }

    /// The `k` posts whose vectors are nearest `query` (unit length), with
    /// their cosines, nearest first.
    pub fn nearest(&self, query: &[f32], k: usize) -> Vec<(i64, f32)> {
        let v = self.inner.read().expect("vectors lock");
        if query.len() != v.dims || k == 0 {
            return vec![];
        }
        let (q, q_scale) = quantize(query);
        pulp::Arch::new().dispatch(Scan {
            vectors: &v,
            query: &q,
            scale: q_scale,
            k,
        })
    }
}

/// One query's scan over every vector. The build targets baseline x86-64,
/// whose SSE2 takes several instructions to widen bytes for a product;
/// pulp runs `with_simd` inside a function compiled for AVX2 where the CPU
/// has it (chosen at run time, so the binary still runs on older CPUs),
/// and only what is inlined there is compiled for it. That made the scan
/// of 100,000 vectors 7 times faster (14 ms to 1.8).
struct Scan<'a> {
    vectors: &'a Vectors,
    query: &'a [i8],
    scale: f32,
    k: usize,
}

impl pulp::WithSimd for Scan<'_> {
    /// The `k` vectors with the largest dot product with the query, as
    /// cosines, largest first.
    type Output = Vec<(i64, f32)>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> Self::Output {
        let Scan {
            vectors: v,
            query: q,
            scale: q_scale,
            k,
        } = self;
        let mut best: Vec<(i64, f32)> = Vec::with_capacity(k + 1);
        let mut floor = f32::NEG_INFINITY;
        for (i, codes) in v.codes.chunks_exact(v.dims).enumerate() {
            let cosine = dot(codes, q) as f32 * v.scales[i] * q_scale;
            if best.len() < k || cosine > floor {
                let at = best.partition_point(|&(_, c)| c >= cosine);
                best.insert(at, (v.posts[i], cosine));
                best.truncate(k);
                if best.len() == k {
                    floor = best[k - 1].1;
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn the_dot_product_counts_every_component_once() {
        // 37 components: two full runs of lanes and a remainder.
        let a: Vec<i8> = (0..37).map(|i| (i * 7 % 255 - 127) as i8).collect();
        let b: Vec<i8> = (0..37).map(|i| (127 - i * 5) as i8).collect();
        let plain: i32 = a
            .iter()
            .zip(&b)
            .map(|(&p, &q)| i32::from(p) * i32::from(q))
            .sum();
        assert_eq!(dot(&a, &b), plain);
        assert_eq!(dot(&[-127; 384], &[-127; 384]), 384 * 127 * 127);
        assert_eq!(dot(&[], &[]), 0);
    }

    #[test]
    fn the_nearest_come_first_with_their_cosines() {
        let index = Nearest::default();
        index.insert(1, &unit(&[1.0, 0.0, 0.0]));
        index.insert(2, &unit(&[1.0, 1.0, 0.0]));
        index.insert(3, &unit(&[0.0, 0.0, 1.0]));
        let found = index.nearest(&unit(&[1.0, 0.2, 0.0]), 2);
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [1, 2]);
        assert!((found[0].1 - 0.98).abs() < 0.02, "{found:?}");
        // A post's new vector replaces its old one.
        index.insert(3, &unit(&[1.0, 0.21, 0.0]));
        assert_eq!(index.nearest(&unit(&[1.0, 0.2, 0.0]), 1)[0].0, 3);
        assert_eq!(index.len(), 3);
    }

    /// `count` pseudo-random unit vectors of `dims` components.
    fn random_vectors(count: usize, dims: usize) -> Vec<Vec<f32>> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 2_001) as f32 / 1_000.0 - 1.0
        };
        (0..count)
            .map(|_| unit(&(0..dims).map(|_| next()).collect::<Vec<_>>()))
            .collect()
    }

    #[test]
    fn the_dispatched_scan_ranks_as_plain_arithmetic_does() {
        // 387 components: lanes and a remainder, whatever the vector width.
        let index = Nearest::default();
        let vectors = random_vectors(300, 387);
        for (id, v) in vectors.iter().enumerate() {
            index.insert(id as i64 + 1, v);
        }
        let found = index.nearest(&vectors[7], 10);

        let v = index.inner.read().unwrap();
        let (q, q_scale) = quantize(&vectors[7]);
        let mut plain: Vec<(i64, f32)> = v
            .codes
            .chunks_exact(v.dims)
            .enumerate()
            .map(|(i, codes)| {
                let dot: i32 = codes
                    .iter()
                    .zip(&q)
                    .map(|(&a, &b)| i32::from(a) * i32::from(b))
                    .sum();
                (v.posts[i], dot as f32 * v.scales[i] * q_scale)
            })
            .collect();
        plain.sort_by(|a, b| b.1.total_cmp(&a.1));
        plain.truncate(10);
        assert_eq!(found, plain);
        assert_eq!(found[0].0, 8);
    }

    #[test]
    fn vectors_of_another_length_are_ignored() {
        let index = Nearest::default();
        index.insert(1, &unit(&[1.0, 0.0]));
        index.insert(2, &unit(&[1.0, 0.0, 0.0]));
        assert_eq!(index.len(), 1);
        assert!(index.nearest(&[1.0, 0.0, 0.0], 3).is_empty());
    }
}
