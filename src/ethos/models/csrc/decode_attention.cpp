// One decode step of grouped-query attention for a batch of rows, fused: RoPE on q and k, the new
// k and v written into each row's cache, then softmax(q·K/√d)·V over the prompt prefix every row
// shares plus the row's own filled slots, and nothing else.
//
// Written by hand because at one query token per row the work is tiny and the cost is in the
// calls and in the shape: as tensor ops the step is ~10 calls per layer (rotate, two cache
// writes, two batched matmuls, scale, mask, softmax, casts), and batched matmuls of a [3, 64] by a
// [64, slots] block run far below the machine's speed. Here it is one call (measured at batch 32:
// 35–90 µs per layer against ~220) that reads only the slots a row has filled and the shared prefix from one copy.
// No library offers this for CPUs: PyTorch's CPU flash attention has a high fixed cost per call.
//
// Inputs (bf16): qkv [B, (nq + 2·nkv)·hd] as the fused projection produces it; the shared prefix and
// the rows' own caches in the paired layouts described below (see ethos/models/kv_cache.py). Batch row
// b uses cache row rows[b], writes its new k, v at own slot fill[b] and attends to prefix slots
// 0..L-1 and own slots 0..fill[b]. cos, sin [B, hd/2] fp32 are the RoPE tables at each row's
// position. q, k and probabilities are rounded to bf16 where the model rounds them; scores,
// softmax and sums run in fp32; the output [B, nq·hd] is rounded to bf16 once.

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <cmath>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace {

using bf16 = c10::BFloat16;

inline float to_float(bf16 x) { return static_cast<float>(x); }

#if defined(__AVX512F__)
inline __m512 exp16(__m512 x) {  // e^x for x <= 0, relative error ~1e-7 (Cephes polynomial)
  x = _mm512_max_ps(x, _mm512_set1_ps(-87.3f));
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}
#endif

// Cache layouts pair adjacent elements so one AVX512-BF16 dot instruction (vdpbf16ps: 16 lanes, each
// a + x0·y0 + x1·y1) does two multiply-adds per lane with no conversions and no horizontal sums:
//   keys   [.., hd/2, S, 2]  element (s, d) at (d/2)·2S + 2s + d%2  — 16 slots' scores per instruction
//   values [.., S/2, hd, 2]  element (s, d) at (s/2)·2hd + 2d + s%2 — 16 dims of two slots per instruction
inline int64_t key_at(int64_t s, int64_t d, int64_t S) { return (d / 2) * 2 * S + 2 * s + d % 2; }
inline int64_t value_at(int64_t s, int64_t d, int64_t hd) { return (s / 2) * 2 * hd + 2 * d + s % 2; }

constexpr int64_t kMaxGroup = 16;

#if defined(__AVX512BF16__)
// The vector paths take the group size as a template parameter so the accumulators stay in registers.
template <int G>
inline void scores_avx(const uint32_t* q, const bf16* k, int64_t n, int64_t S, int64_t hd, float* p, int64_t p_stride) {
  for (int64_t j0 = 0; j0 < n; j0 += 16) {
    const __mmask16 m = static_cast<__mmask16>(n - j0 >= 16 ? 0xFFFF : (1u << (n - j0)) - 1);
    __m512 even[G], odd[G];  // two chains per head hide the instruction's latency
    for (int g = 0; g < G; ++g) even[g] = odd[g] = _mm512_setzero_ps();
    for (int64_t i = 0; i < hd / 2; i += 2) {
      const __m512i k0 = _mm512_maskz_loadu_epi32(m, k + i * 2 * S + 2 * j0);
      const __m512i k1 = _mm512_maskz_loadu_epi32(m, k + (i + 1) * 2 * S + 2 * j0);
      for (int g = 0; g < G; ++g) {
        even[g] = _mm512_dpbf16_ps(even[g], (__m512bh)k0, (__m512bh)_mm512_set1_epi32(static_cast<int>(q[g * hd / 2 + i])));
        odd[g] = _mm512_dpbf16_ps(odd[g], (__m512bh)k1, (__m512bh)_mm512_set1_epi32(static_cast<int>(q[g * hd / 2 + i + 1])));
      }
    }
    for (int g = 0; g < G; ++g) _mm512_mask_storeu_ps(p + g * p_stride + j0, m, _mm512_add_ps(even[g], odd[g]));
  }
}

template <int G>
inline void weighted_sum_avx(const bf16* p, int64_t p_stride, const bf16* v, int64_t n, float* acc) {  // hd == 64
  __m512 a[G][4];
  for (int g = 0; g < G; ++g)
    for (int c = 0; c < 4; ++c) a[g][c] = _mm512_setzero_ps();
  for (int64_t j = 0; j < (n + 1) / 2; ++j) {
    const bf16* row = v + j * 128;
    const __m512i v0 = _mm512_loadu_si512(row), v1 = _mm512_loadu_si512(row + 32), v2 = _mm512_loadu_si512(row + 64),
                  v3 = _mm512_loadu_si512(row + 96);
    for (int g = 0; g < G; ++g) {
      const __m512i w = _mm512_set1_epi32(static_cast<int>(reinterpret_cast<const uint32_t*>(p + g * p_stride)[j]));
      a[g][0] = _mm512_dpbf16_ps(a[g][0], (__m512bh)v0, (__m512bh)w);
      a[g][1] = _mm512_dpbf16_ps(a[g][1], (__m512bh)v1, (__m512bh)w);
      a[g][2] = _mm512_dpbf16_ps(a[g][2], (__m512bh)v2, (__m512bh)w);
      a[g][3] = _mm512_dpbf16_ps(a[g][3], (__m512bh)v3, (__m512bh)w);
    }
  }
  for (int g = 0; g < G; ++g)
    for (int c = 0; c < 4; ++c) {
      float* dst = acc + g * 64 + 16 * c;
      _mm512_storeu_ps(dst, _mm512_add_ps(a[g][c], _mm512_loadu_ps(dst)));
    }
}
#endif

// p[g][j] = q_g · k_j for j < n and the group's query heads g (q as bf16 pairs, [group][hd/2]).
inline void scores(const uint32_t* q, int64_t group, const bf16* k, int64_t n, int64_t S, int64_t hd, float* p, int64_t p_stride) {
#if defined(__AVX512BF16__)
  if (hd % 4 == 0) {
    switch (group) {
      case 1: return scores_avx<1>(q, k, n, S, hd, p, p_stride);
      case 2: return scores_avx<2>(q, k, n, S, hd, p, p_stride);
      case 3: return scores_avx<3>(q, k, n, S, hd, p, p_stride);
      case 4: return scores_avx<4>(q, k, n, S, hd, p, p_stride);
      case 6: return scores_avx<6>(q, k, n, S, hd, p, p_stride);
      case 8: return scores_avx<8>(q, k, n, S, hd, p, p_stride);
      default: break;
    }
  }
#endif
  for (int64_t g = 0; g < group; ++g)
    for (int64_t j = 0; j < n; ++j) {
      const bf16* qg = reinterpret_cast<const bf16*>(q + g * hd / 2);
      float s = 0.f;
      for (int64_t d = 0; d < hd; ++d) s += to_float(qg[d]) * to_float(k[key_at(j, d, S)]);
      p[g * p_stride + j] = s;
    }
}

// acc[g][hd] += sum_j p[g][j] · v_j for j < n (p as bf16, zero past n up to an even count).
inline void weighted_sum(const bf16* p, int64_t p_stride, int64_t group, const bf16* v, int64_t n, int64_t hd, float* acc) {
#if defined(__AVX512BF16__)
  if (hd == 64) {
    switch (group) {
      case 1: return weighted_sum_avx<1>(p, p_stride, v, n, acc);
      case 2: return weighted_sum_avx<2>(p, p_stride, v, n, acc);
      case 3: return weighted_sum_avx<3>(p, p_stride, v, n, acc);
      case 4: return weighted_sum_avx<4>(p, p_stride, v, n, acc);
      default: break;
    }
  }
#endif
  for (int64_t g = 0; g < group; ++g)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t d = 0; d < hd; ++d) acc[g * hd + d] += to_float(p[g * p_stride + j]) * to_float(v[value_at(j, d, hd)]);
}

#if defined(__AVX512BF16__)
inline __mmask16 first(int64_t k) { return static_cast<__mmask16>(k >= 16 ? 0xFFFF : (1u << k) - 1); }
inline __m512 load_bf16(const bf16* p, __mmask16 m = 0xFFFF) {  // exact: bf16 is the top half of fp32
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p)), 16));
}
inline void store_bf16(bf16* p, __m512 x, __mmask16 m = 0xFFFF) { _mm256_mask_storeu_epi16(p, m, (__m256i)_mm512_cvtneps_pbh(x)); }
#endif

inline float max_of(const float* p, int64_t n) {
  float max = -INFINITY;
  int64_t j = 0;
#if defined(__AVX512BF16__)
  __m512 m = _mm512_set1_ps(-INFINITY);
  for (; j < n; j += 16) m = _mm512_max_ps(m, _mm512_mask_loadu_ps(m, first(n - j), p + j));
  return _mm512_reduce_max_ps(m);
#endif
  for (; j < n; ++j) max = p[j] > max ? p[j] : max;
  return max;
}

// p[0..n) <- exp(p - max) in place; returns the sum.
inline float exp_shifted(float* p, int64_t n, float max) {
  float sum = 0.f;
  int64_t j = 0;
#if defined(__AVX512BF16__)
  const __m512 m = _mm512_set1_ps(max);
  __m512 s = _mm512_setzero_ps();
  for (; j < n; j += 16) {
    const __mmask16 k = first(n - j);
    const __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, p + j), m));
    _mm512_mask_storeu_ps(p + j, k, e);
    s = _mm512_mask_add_ps(s, k, s, e);
  }
  return _mm512_reduce_add_ps(s);
#endif
  for (; j < n; ++j) sum += (p[j] = std::exp(p[j] - max));
  return sum;
}

// out[0..n) = bf16(p · k), rounded to nearest even.
inline void scale_to_bf16(const float* p, int64_t n, float k, bf16* out) {
  int64_t j = 0;
#if defined(__AVX512BF16__)
  const __m512 kk = _mm512_set1_ps(k);
  for (; j < n; j += 16) store_bf16(out + j, _mm512_mul_ps(_mm512_maskz_loadu_ps(first(n - j), p + j), kk), first(n - j));
  return;
#endif
  for (; j < n; ++j) out[j] = bf16(p[j] * k);
}

// dst = bf16(scale · rope(src)) for one head: first half x1·cos − x2·sin, second half x2·cos + x1·sin.
inline void rope_head(const bf16* src, const float* cos, const float* sin, int64_t half, float scale, bf16* dst) {
#if defined(__AVX512BF16__)
  if (half % 16 == 0) {
    const __m512 k = _mm512_set1_ps(scale);
    for (int64_t d = 0; d < half; d += 16) {
      const __m512 a = load_bf16(src + d), b = load_bf16(src + half + d), c = _mm512_loadu_ps(cos + d), s = _mm512_loadu_ps(sin + d);
      store_bf16(dst + d, _mm512_mul_ps(_mm512_fmsub_ps(a, c, _mm512_mul_ps(b, s)), k));
      store_bf16(dst + half + d, _mm512_mul_ps(_mm512_fmadd_ps(b, c, _mm512_mul_ps(a, s)), k));
    }
    return;
  }
#endif
  for (int64_t d = 0; d < half; ++d) {
    const float a = to_float(src[d]), b = to_float(src[d + half]);
    dst[d] = bf16((a * cos[d] - b * sin[d]) * scale);
    dst[d + half] = bf16((b * cos[d] + a * sin[d]) * scale);
  }
}

void check(bool ok, const char* what) { TORCH_CHECK(ok, "ethos::decode_attention: ", what); }

at::Tensor decode_attention(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& prefix_k,
                            const at::Tensor& prefix_v, at::Tensor keys, at::Tensor values, const at::Tensor& rows,
                            const at::Tensor& fill, int64_t n_heads, double scale) {
  // keys [R, nkv, hd/2, S, 2], values [R, nkv, S/2, hd, 2], prefix_k [nkv, hd/2, L, 2], prefix_v [nkv, L/2, hd, 2]
  check(keys.dim() == 5 && values.dim() == 5 && prefix_k.dim() == 4 && prefix_v.dim() == 4, "unexpected cache ranks");
  const int64_t B = qkv.size(0), nkv = keys.size(1), S = keys.size(3), hd = 2 * keys.size(2), L = prefix_k.size(2);
  const int64_t group = n_heads / nkv, half = hd / 2;
  check(qkv.scalar_type() == at::kBFloat16 && keys.scalar_type() == at::kBFloat16 && values.scalar_type() == at::kBFloat16 &&
            prefix_k.scalar_type() == at::kBFloat16 && prefix_v.scalar_type() == at::kBFloat16,
        "qkv, caches and prefix must be bf16");
  check(cos.scalar_type() == at::kFloat && sin.scalar_type() == at::kFloat, "cos and sin must be fp32");
  check(rows.scalar_type() == at::kLong && fill.scalar_type() == at::kLong, "rows and fill must be int64");
  check(qkv.is_contiguous() && keys.is_contiguous() && values.is_contiguous() && prefix_k.is_contiguous() &&
            prefix_v.is_contiguous() && cos.is_contiguous() && sin.is_contiguous() && rows.is_contiguous() && fill.is_contiguous(),
        "all inputs must be contiguous");
  check(qkv.size(1) == (n_heads + 2 * nkv) * hd && n_heads % nkv == 0 && group <= kMaxGroup, "qkv width does not match the heads");
  check(values.size(2) * 2 == S && values.size(3) == hd && prefix_v.size(1) * 2 >= L && S % 2 == 0, "cache shapes disagree");
  check(cos.size(0) == B && cos.size(1) == half && sin.size(0) == B && sin.size(1) == half, "cos/sin must be [B, hd/2]");
  check(rows.size(0) == B && fill.size(0) == B, "rows and fill must have one entry per batch row");

  const int64_t* rows_p = rows.data_ptr<int64_t>();
  const int64_t* fill_p = fill.data_ptr<int64_t>();
  for (int64_t b = 0; b < B; ++b) {
    check(rows_p[b] >= 0 && rows_p[b] < keys.size(0), "row index out of range");
    check(fill_p[b] >= 0 && fill_p[b] < S, "fill is past the end of the cache");
  }

  at::Tensor out = at::empty({B, n_heads * hd}, qkv.options());
  const bf16* qkv_p = qkv.data_ptr<bf16>();
  const float *cos_p = cos.data_ptr<float>(), *sin_p = sin.data_ptr<float>();
  const bf16 *pk = prefix_k.data_ptr<bf16>(), *pv = prefix_v.data_ptr<bf16>();
  bf16 *k_p = keys.data_ptr<bf16>(), *v_p = values.data_ptr<bf16>();
  bf16* out_p = out.data_ptr<bf16>();
  const float sc = static_cast<float>(scale);
  const int64_t width = qkv.size(1), Lpad = prefix_v.size(1) * 2, stride = Lpad + S + 2;

  at::parallel_for(0, B * nkv, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> p(group * stride), acc(group * hd);
    std::vector<bf16> kb(hd), qb(group * hd), pb(group * stride);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / nkv, h = task % nkv, r = rows_p[b], n = fill_p[b] + 1, slot = n - 1;
      const bf16* src = qkv_p + b * width;
      const float *c = cos_p + b * half, *s = sin_p + b * half;
      bf16* kcache = k_p + (r * nkv + h) * S * hd;
      bf16* vcache = v_p + (r * nkv + h) * S * hd;
      // New key (rotated, rounded to bf16 as the model's k is) and value into the row's slot.
      rope_head(src + (n_heads + h) * hd, c, s, half, 1.f, kb.data());
      for (int64_t i = 0; i < half; ++i)
        reinterpret_cast<uint32_t*>(kcache)[i * S + slot] = reinterpret_cast<const uint32_t*>(kb.data())[i];
      for (int64_t d = 0; d < hd; ++d) vcache[value_at(slot, d, hd)] = src[(n_heads + nkv + h) * hd + d];
      // The group's query heads, rotated and rounded to bf16 as the model's q is.
      for (int64_t g = 0; g < group; ++g) rope_head(src + (h * group + g) * hd, c, s, half, sc, qb.data() + g * hd);
      // Scores: prefix slots at [0, L), own slots at [Lpad, Lpad + n) (Lpad even keeps bf16 pairs aligned).
      const uint32_t* q32 = reinterpret_cast<const uint32_t*>(qb.data());
      scores(q32, group, pk + h * L * hd, L, L, hd, p.data(), stride);
      scores(q32, group, kcache, n, S, hd, p.data() + Lpad, stride);
      for (int64_t g = 0; g < group; ++g) {
        float* pg = p.data() + g * stride;
        const float max = std::max(max_of(pg, L), max_of(pg + Lpad, n));
        const float inv = 1.f / (exp_shifted(pg, L, max) + exp_shifted(pg + Lpad, n, max));
        bf16* qg = pb.data() + g * stride;  // probabilities rounded to bf16 before the product, as the model does
        scale_to_bf16(pg, L, inv, qg);
        scale_to_bf16(pg + Lpad, n, inv, qg + Lpad);
        for (int64_t j = L; j < Lpad; ++j) qg[j] = bf16(0.f);
        qg[Lpad + n] = bf16(0.f);
      }
      std::fill(acc.begin(), acc.end(), 0.f);
      weighted_sum(pb.data(), stride, group, pv + h * Lpad * hd, L, hd, acc.data());
      weighted_sum(pb.data() + Lpad, stride, group, vcache, n, hd, acc.data());
      scale_to_bf16(acc.data(), group * hd, 1.f, out_p + b * n_heads * hd + h * group * hd);
    }
  });
  return out;
}

// RMSNorm without a weight (folded into the next projection): fp32 statistics, one rounding.
at::Tensor rms_norm(const at::Tensor& x, double eps) {
  check(x.scalar_type() == at::kBFloat16 && x.is_contiguous() && x.dim() == 2, "rms_norm wants a contiguous bf16 [rows, dim]");
  const int64_t R = x.size(0), D = x.size(1);
  at::Tensor y = at::empty_like(x);
  const bf16* xp = x.data_ptr<bf16>();
  bf16* yp = y.data_ptr<bf16>();
  const float e = static_cast<float>(eps);
  // Rows are few and short at decode sizes: one thread beats waking a second one.
  at::parallel_for(0, R, R * D < (1 << 16) ? R : 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const bf16* row = xp + r * D;
      bf16* out = yp + r * D;
      int64_t d = 0;
      float ss = 0.f;
#if defined(__AVX512BF16__)
      __m512 acc = _mm512_setzero_ps();
      for (; d + 16 <= D; d += 16) {
        __m512 v = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + d))), 16));
        acc = _mm512_fmadd_ps(v, v, acc);
      }
      ss = _mm512_reduce_add_ps(acc);
#endif
      for (; d < D; ++d) ss += to_float(row[d]) * to_float(row[d]);
      const float k = 1.f / std::sqrt(ss / D + e);
      d = 0;
#if defined(__AVX512BF16__)
      const __m512 kk = _mm512_set1_ps(k);
      for (; d + 16 <= D; d += 16) {
        __m512 v = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + d))), 16));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + d), (__m256i)_mm512_cvtneps_pbh(_mm512_mul_ps(v, kk)));
      }
#endif
      for (; d < D; ++d) out[d] = bf16(to_float(row[d]) * k);
    }
  });
  return y;
}

// silu(gate) · up for y = [gate | up] ([rows, 2F], the fused gate/up projection), fp32 inside.
at::Tensor silu_mul(const at::Tensor& y) {
  check(y.scalar_type() == at::kBFloat16 && y.is_contiguous() && y.dim() == 2 && y.size(1) % 2 == 0,
        "silu_mul wants a contiguous bf16 [rows, 2F]");
  const int64_t R = y.size(0), F = y.size(1) / 2;
  at::Tensor out = at::empty({R, F}, y.options());
  const bf16* yp = y.data_ptr<bf16>();
  bf16* op = out.data_ptr<bf16>();
  at::parallel_for(0, R, R * F < (1 << 16) ? R : 8, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const bf16 *g = yp + r * 2 * F, *u = g + F;
      bf16* o = op + r * F;
      int64_t d = 0;
#if defined(__AVX512BF16__)
      const __m512 one = _mm512_set1_ps(1.f);
      for (; d + 16 <= F; d += 16) {
        const __m512 x = load_bf16(g + d);
        // silu(x) = x / (1 + e^-x); e^-x via exp16 on -|x| keeps its argument <= 0.
        const __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_abs_ps(x)));
        const __mmask16 neg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
        const __m512 sig = _mm512_mask_div_ps(_mm512_div_ps(one, _mm512_add_ps(one, e)), neg, e, _mm512_add_ps(one, e));
        store_bf16(o + d, _mm512_mul_ps(_mm512_mul_ps(x, sig), load_bf16(u + d)));
      }
#endif
      for (; d < F; ++d) {
        const float x = to_float(g[d]);
        o[d] = bf16(x / (1.f + std::exp(-x)) * to_float(u[d]));
      }
    }
  });
  return out;
}

}  // namespace

// The op namespace is a build flag so a test can load a second, portable build (no AVX-512) beside
// the native one; the indirection lets the flag's value reach TORCH_LIBRARY's token pasting.
#ifndef ETHOS_OPS
#define ETHOS_OPS ethos
#endif
#define ETHOS_LIBRARY(ns, m) TORCH_LIBRARY(ns, m)
#define ETHOS_LIBRARY_IMPL(ns, k, m) TORCH_LIBRARY_IMPL(ns, k, m)

ETHOS_LIBRARY(ETHOS_OPS, m) {
  m.def("decode_attention(Tensor qkv, Tensor cos, Tensor sin, Tensor prefix_k, Tensor prefix_v, Tensor(a!) keys, "
        "Tensor(b!) values, Tensor rows, Tensor fill, int n_heads, float scale) -> Tensor");
  m.def("rms_norm(Tensor x, float eps) -> Tensor");
  m.def("silu_mul(Tensor y) -> Tensor");
}

ETHOS_LIBRARY_IMPL(ETHOS_OPS, CPU, m) {
  m.impl("decode_attention", &decode_attention);
  m.impl("rms_norm", &rms_norm);
  m.impl("silu_mul", &silu_mul);
}
