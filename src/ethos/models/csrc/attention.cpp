// One decode step of grouped-query attention for a batch of rows, fused: RoPE on q and k, the new
// k and v written into each row's cache, then softmax(q·K/√d)·V over the prompt prefix every row
// shares plus the row's own filled slots, and nothing else.
//
// Written by hand because at one query token per row the work is tiny and the cost is in the
// calls and in the shape: as tensor ops the step is ~10 calls per layer (rotate, two cache
// writes, two batched matmuls, scale, mask, softmax, casts) that copy the whole cache, and batched
// matmuls of a [3, 64] by a [64, slots] block run far below the machine's speed. No library
// offers this for CPUs: PyTorch's CPU flash attention has a high fixed cost per call.
//
// Storage is fp32 or bf16; the math is fp32. Layouts (see ethos/models/kv_cache.py) group P
// adjacent elements, P = 2 for bf16 (one 32-bit word holds a pair) and 1 for fp32, and keys come in
// blocks of kBlock = 16 slots:
//   keys   [.., S/16, hd/P, 16, P]  element (s, d) at (s/16)·16·hd + (d/P)·16·P + (s%16)·P + d%P — kLanes slots'
//                                   scores per vector op, and the keys of slots 0..n are one contiguous run
//   values [.., S/P, hd, P]         element (s, d) at (s/P)·hd·P + d·P + s%P — kLanes dims per vector op
// A bf16 word splits into two fp32 vectors with a shift and a mask; with AVX512-BF16 one
// vdpbf16ps does both multiply-adds. Batch row b uses cache row rows[b], writes its new k, v at own
// slot fill[b] and attends to prefix slots 0..L-1 and own slots 0..fill[b]. q, k and the
// probabilities are rounded to the storage type where the model rounds them.

#include <ATen/Parallel.h>
#include <torch/library.h>

#include <algorithm>
#include <vector>

#include "simd.h"

namespace ethos {
namespace {

template <typename T>
constexpr int64_t pair_of() { return std::is_same<T, bf16>::value ? 2 : 1; }

constexpr int64_t kBlock = 16;  // key slots per block (one 64-byte line per dimension, or per dimension pair)

template <typename T>
inline int64_t key_at(int64_t s, int64_t d, int64_t hd) {
  constexpr int64_t P = pair_of<T>();
  return (s / kBlock) * kBlock * hd + (d / P) * kBlock * P + (s % kBlock) * P + d % P;
}

// dst[0..hd) = scale · rope(src) in fp32, rounded to T's precision (as the model rounds q and k):
// first half x1·cos − x2·sin, second half x2·cos + x1·sin.
template <typename T>
inline void rope_head(const T* src, const float* cos, const float* sin, int64_t half, float scale, float* dst) {
  constexpr bool round = std::is_same<T, bf16>::value;
  const vf k = vset(scale);
  for (int64_t d = 0; d < half; d += kLanes) {
    const int64_t cnt = std::min<int64_t>(kLanes, half - d);
    const vf a = vload_as_float(src + d, cnt), b = vload_as_float(src + half + d, cnt);
    const vf c = vload_as_float(cos + d, cnt), s = vload_as_float(sin + d, cnt);
    vf lo = vmul(vsub(vmul(a, c), vmul(b, s)), k), hi = vmul(vfma(b, c, vmul(a, s)), k);
    if (round) lo = vround_bf16(lo), hi = vround_bf16(hi);
    vstore_as(dst + d, lo, cnt);
    vstore_as(dst + half + d, hi, cnt);
  }
}

// p[g][j] = q_g · k_j for j in [j0, j0 + kLanes) ∩ [0, n), for the G query heads of one kv head; k is one
// block of kBlock slots (n <= kBlock).
template <int G, typename T, bool Full>
inline void scores_block(const float* q, const T* k, int64_t j0, int64_t n, int64_t hd, float* p, int64_t stride) {
  constexpr int64_t S = kBlock;
  constexpr int64_t P = pair_of<T>();
  const mask_t m = first_mask(n - j0);
  vf even[G], odd[G];  // two chains per head hide the FMA latency
  for (int g = 0; g < G; ++g) even[g] = odd[g] = vzero();
  if constexpr (P == 1) {
    for (int64_t d = 0; d < hd; d += 2) {
      const float *r0 = k + d * S + j0, *r1 = r0 + S;
      const vf k0 = Full ? vload(r0) : vload(r0, m), k1 = Full ? vload(r1) : vload(r1, m);
      for (int g = 0; g < G; ++g) {
        even[g] = vfma(vset(q[g * hd + d]), k0, even[g]);
        odd[g] = vfma(vset(q[g * hd + d + 1]), k1, odd[g]);
      }
    }
  } else {
    const uint32_t* words = reinterpret_cast<const uint32_t*>(k);
    for (int64_t i = 0; i < hd / 2; ++i) {
      const vi w = vload_words(words + i * S + j0, Full ? first_mask(kLanes) : m);
      const vf k0 = vfrom_words_even(w), k1 = vfrom_words_odd(w);
      for (int g = 0; g < G; ++g) {
        even[g] = vfma(vset(q[g * hd + 2 * i]), k0, even[g]);
        odd[g] = vfma(vset(q[g * hd + 2 * i + 1]), k1, odd[g]);
      }
    }
  }
  for (int g = 0; g < G; ++g) {
    if (Full) vstore(p + g * stride + j0, vadd(even[g], odd[g]));
    else vstore(p + g * stride + j0, vadd(even[g], odd[g]), m);
  }
}

template <int G, typename T>
inline void scores_vec(const float* q, const T* k, int64_t n, int64_t hd, float* p, int64_t stride) {
  for (int64_t b0 = 0; b0 < n; b0 += kBlock) {
    const T* kb = k + b0 * hd;
    const int64_t nb = std::min(kBlock, n - b0);
    int64_t j0 = 0;
    for (; j0 + kLanes <= nb; j0 += kLanes) scores_block<G, T, true>(q, kb, j0, nb, hd, p + b0, stride);
    if (j0 < nb) scores_block<G, T, false>(q, kb, j0, nb, hd, p + b0, stride);
  }
}

// acc[g][hd] += sum_j p[g][j] · v_j for j < n and the G heads at once (each value vector is loaded
// once for all heads); CH vectors of dims per pass. For bf16, p is zero at index n when n is odd.
template <int G, int CH, typename T>
inline void weighted_sum_vec(const float* p, int64_t stride, const T* v, int64_t n, int64_t hd, float* acc) {
  constexpr int64_t P = pair_of<T>();
  for (int64_t d0 = 0; d0 < hd; d0 += CH * kLanes) {
    vf a[G][CH];
    for (int g = 0; g < G; ++g)
      for (int c = 0; c < CH; ++c) a[g][c] = vzero();
    if constexpr (P == 1) {
      for (int64_t j = 0; j < n; ++j) {
        vf vv[CH];
        for (int c = 0; c < CH; ++c) vv[c] = vload(v + j * hd + d0 + c * kLanes);
        for (int g = 0; g < G; ++g) {
          const vf pj = vset(p[g * stride + j]);
          for (int c = 0; c < CH; ++c) a[g][c] = vfma(pj, vv[c], a[g][c]);
        }
      }
    } else {
      const uint32_t* words = reinterpret_cast<const uint32_t*>(v);
      for (int64_t i = 0; i < (n + 1) / 2; ++i) {
        vf ve[CH], vo[CH];
        for (int c = 0; c < CH; ++c) {
          const vi w = vload_words(words + i * hd + d0 + c * kLanes, first_mask(kLanes));
          ve[c] = vfrom_words_even(w), vo[c] = vfrom_words_odd(w);
        }
        for (int g = 0; g < G; ++g) {
          const vf p0 = vset(p[g * stride + 2 * i]), p1 = vset(p[g * stride + 2 * i + 1]);
          for (int c = 0; c < CH; ++c) a[g][c] = vfma(p1, vo[c], vfma(p0, ve[c], a[g][c]));
        }
      }
    }
    for (int g = 0; g < G; ++g)
      for (int c = 0; c < CH; ++c) {
        float* dst = acc + g * hd + d0 + c * kLanes;
        vstore(dst, vadd(a[g][c], vload(dst)));
      }
  }
}

#if defined(__AVX512BF16__)
// With native bf16 products: q and p as bf16 pairs, one vdpbf16ps per two multiply-adds (hd == 64).
template <int G>
inline void scores_dp(const uint32_t* q, const bf16* k, int64_t n, int64_t hd, float* p, int64_t stride) {
  static_assert(kBlock == 16, "one vector of 16 lanes per key block");
  for (int64_t j0 = 0; j0 < n; j0 += 16) {
    const __mmask16 m = first_mask(n - j0);
    const bf16* kb = k + j0 * hd;
    __m512 even[G], odd[G];
    for (int g = 0; g < G; ++g) even[g] = odd[g] = _mm512_setzero_ps();
    for (int64_t i = 0; i < hd / 2; i += 2) {
      const __m512i k0 = _mm512_maskz_loadu_epi32(m, kb + i * 2 * kBlock);
      const __m512i k1 = _mm512_maskz_loadu_epi32(m, kb + (i + 1) * 2 * kBlock);
      for (int g = 0; g < G; ++g) {
        even[g] = _mm512_dpbf16_ps(even[g], (__m512bh)k0, (__m512bh)_mm512_set1_epi32(static_cast<int>(q[g * hd / 2 + i])));
        odd[g] = _mm512_dpbf16_ps(odd[g], (__m512bh)k1, (__m512bh)_mm512_set1_epi32(static_cast<int>(q[g * hd / 2 + i + 1])));
      }
    }
    for (int g = 0; g < G; ++g) _mm512_mask_storeu_ps(p + g * stride + j0, m, _mm512_add_ps(even[g], odd[g]));
  }
}

template <int G>
inline void weighted_sum_dp(const bf16* p, int64_t stride, const bf16* v, int64_t n, float* acc) {  // hd == 64
  __m512 a[G][4];
  for (int g = 0; g < G; ++g)
    for (int c = 0; c < 4; ++c) a[g][c] = _mm512_setzero_ps();
  for (int64_t j = 0; j < (n + 1) / 2; ++j) {
    const bf16* row = v + j * 128;
    const __m512i v0 = _mm512_loadu_si512(row), v1 = _mm512_loadu_si512(row + 32), v2 = _mm512_loadu_si512(row + 64),
                  v3 = _mm512_loadu_si512(row + 96);
    for (int g = 0; g < G; ++g) {
      const __m512i w = _mm512_set1_epi32(static_cast<int>(reinterpret_cast<const uint32_t*>(p + g * stride)[j]));
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

template <typename T>
void scores(const float* q, int64_t group, const T* k, int64_t n, int64_t hd, float* p, int64_t stride) {
  if (hd % 2 == 0) {
    switch (group) {
      case 1: return scores_vec<1, T>(q, k, n, hd, p, stride);
      case 2: return scores_vec<2, T>(q, k, n, hd, p, stride);
      case 3: return scores_vec<3, T>(q, k, n, hd, p, stride);
      case 4: return scores_vec<4, T>(q, k, n, hd, p, stride);
      default:
        for (int64_t g = 0; g < group; ++g) scores_vec<1, T>(q + g * hd, k, n, hd, p + g * stride, stride);
        return;
    }
  }
  for (int64_t g = 0; g < group; ++g)
    for (int64_t j = 0; j < n; ++j) {
      float s = 0.f;
      for (int64_t d = 0; d < hd; ++d) s += q[g * hd + d] * to_float(k[key_at<T>(j, d, hd)]);
      p[g * stride + j] = s;
    }
}

template <typename T>
void weighted_sum(const float* p, int64_t stride, int64_t group, const T* v, int64_t n, int64_t hd, float* acc) {
  if (hd % (2 * kLanes) == 0) {
    switch (group) {
      case 1: return weighted_sum_vec<1, 2, T>(p, stride, v, n, hd, acc);
      case 2: return weighted_sum_vec<2, 2, T>(p, stride, v, n, hd, acc);
      case 3: return weighted_sum_vec<3, 2, T>(p, stride, v, n, hd, acc);
      case 4: return weighted_sum_vec<4, 2, T>(p, stride, v, n, hd, acc);
      default:
        for (int64_t g = 0; g < group; ++g) weighted_sum_vec<1, 2, T>(p + g * stride, stride, v, n, hd, acc + g * hd);
        return;
    }
  }
  constexpr int64_t P = pair_of<T>();
  for (int64_t g = 0; g < group; ++g)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t d = 0; d < hd; ++d) acc[g * hd + d] += p[g * stride + j] * to_float(v[(j / P) * hd * P + d * P + j % P]);
}

inline float max_of(const float* p, int64_t n) {
  vf m = vset(-INFINITY);
  for (int64_t j = 0; j < n; j += kLanes) {
    const mask_t k = first_mask(n - j);
    m = vmax(m, vblend(k, vload(p + j, k), vset(-INFINITY)));
  }
  return vhmax(m);
}

// p[0..n) <- exp(p - max) in place; returns the sum.
inline float exp_shifted(float* p, int64_t n, float max) {
  const vf mx = vset(max);
  vf s = vzero();
  for (int64_t j = 0; j < n; j += kLanes) {
    const mask_t k = first_mask(n - j);
    const vf e = vkeep(vexp_nonpos(vsub(vload(p + j, k), mx)), k);
    vstore(p + j, e, k);
    s = vadd(s, e);
  }
  return vsum(s);
}

// p[0..n) *= k, rounded to T's precision.
template <typename T>
inline void normalize(float* p, int64_t n, float k) {
  const vf kk = vset(k);
  for (int64_t j = 0; j < n; j += kLanes) {
    const int64_t cnt = std::min<int64_t>(kLanes, n - j);
    vf x = vmul(vload_as_float(p + j, cnt), kk);
    if (std::is_same<T, bf16>::value) x = vround_bf16(x);
    vstore_as(p + j, x, cnt);
  }
}

inline void to_bf16(const float* src, int64_t n, bf16* dst) {
  for (int64_t j = 0; j < n; j += kLanes) vstore_bf16(dst + j, vload_as_float(src + j, n - j), n - j);
}

void check(bool ok, const char* what) { TORCH_CHECK(ok, "ethos::decode_attention: ", what); }

template <typename T>
void attend(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& prefix_k,
            const at::Tensor& prefix_v, at::Tensor& keys, at::Tensor& values, const at::Tensor& rows, const at::Tensor& fill,
            int64_t n_heads, float scale, int64_t L, at::Tensor& out) {
  constexpr int64_t P = pair_of<T>();
  const int64_t B = qkv.size(0), nkv = keys.size(1), S = keys.size(2) * kBlock, hd = P * keys.size(3);
  const int64_t Lk = prefix_k.size(1) * kBlock;  // the prefix's key slots, L rounded up to whole blocks
  const int64_t group = n_heads / nkv, half = hd / 2, width = qkv.size(1);
  const int64_t Lpad = prefix_v.size(1) * P, stride = Lpad + S + 2;
  const int64_t* rows_p = rows.data_ptr<int64_t>();
  const int64_t* fill_p = fill.data_ptr<int64_t>();
  const T* qkv_p = qkv.data_ptr<T>();
  const float *cos_p = cos.data_ptr<float>(), *sin_p = sin.data_ptr<float>();
  const T *pk = prefix_k.data_ptr<T>(), *pv = prefix_v.data_ptr<T>();
  T *k_p = keys.data_ptr<T>(), *v_p = values.data_ptr<T>();
  T* out_p = out.data_ptr<T>();

  at::parallel_for(0, B * nkv, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> p(group * stride), acc(group * hd), kf(hd), qf(group * hd);
    std::vector<bf16> qb, pb;  // bf16 copies for the native bf16 product path
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / nkv, h = task % nkv, r = rows_p[b], n = fill_p[b] + 1, slot = n - 1;
      const T* src = qkv_p + b * width;
      const float *c = cos_p + b * half, *s = sin_p + b * half;
      T* kcache = k_p + (r * nkv + h) * S * hd;
      T* vcache = v_p + (r * nkv + h) * S * hd;
      // New key (rotated, rounded as the model's k is) and value into the row's slot.
      rope_head(src + (n_heads + h) * hd, c, s, half, 1.f, kf.data());
      for (int64_t d = 0; d < hd; ++d) kcache[key_at<T>(slot, d, hd)] = T(kf[d]);
      for (int64_t d = 0; d < hd; ++d) vcache[(slot / P) * hd * P + d * P + slot % P] = src[(n_heads + nkv + h) * hd + d];
      for (int64_t g = 0; g < group; ++g) rope_head(src + (h * group + g) * hd, c, s, half, scale, qf.data() + g * hd);
      // Scores: prefix slots at [0, L), own slots at [Lpad, Lpad + n) (Lpad a multiple of P keeps pairs aligned).
      bool done = false;
#if defined(__AVX512BF16__)
      if constexpr (P == 2) {
        if (hd == 64 && group <= 4) {
          qb.resize(group * hd);
          to_bf16(qf.data(), group * hd, qb.data());
          const uint32_t* q32 = reinterpret_cast<const uint32_t*>(qb.data());
          switch (group) {
            case 1: scores_dp<1>(q32, pk + h * Lk * hd, L, hd, p.data(), stride); scores_dp<1>(q32, kcache, n, hd, p.data() + Lpad, stride); break;
            case 2: scores_dp<2>(q32, pk + h * Lk * hd, L, hd, p.data(), stride); scores_dp<2>(q32, kcache, n, hd, p.data() + Lpad, stride); break;
            case 3: scores_dp<3>(q32, pk + h * Lk * hd, L, hd, p.data(), stride); scores_dp<3>(q32, kcache, n, hd, p.data() + Lpad, stride); break;
            default: scores_dp<4>(q32, pk + h * Lk * hd, L, hd, p.data(), stride); scores_dp<4>(q32, kcache, n, hd, p.data() + Lpad, stride); break;
          }
          done = true;
        }
      }
#endif
      if (!done) {
        scores<T>(qf.data(), group, pk + h * Lk * hd, L, hd, p.data(), stride);
        scores<T>(qf.data(), group, kcache, n, hd, p.data() + Lpad, stride);
      }
      for (int64_t g = 0; g < group; ++g) {
        float* pg = p.data() + g * stride;
        const float max = std::max(max_of(pg, L), max_of(pg + Lpad, n));
        const float inv = 1.f / (exp_shifted(pg, L, max) + exp_shifted(pg + Lpad, n, max));
        // Probabilities rounded to the storage type before the product, as the model does; zero past
        // each range up to its pair boundary.
        normalize<T>(pg, L, inv);
        for (int64_t j = L; j < Lpad; ++j) pg[j] = 0.f;
        normalize<T>(pg + Lpad, n, inv);
        pg[Lpad + n] = 0.f;
      }
      std::fill(acc.begin(), acc.end(), 0.f);
      done = false;
#if defined(__AVX512BF16__)
      if constexpr (P == 2) {
        if (hd == 64 && group <= 4) {
          pb.resize(group * stride);
          for (int64_t g = 0; g < group; ++g) {  // exact: the probabilities already have bf16 precision
            to_bf16(p.data() + g * stride, Lpad, pb.data() + g * stride);
            to_bf16(p.data() + g * stride + Lpad, n + 1, pb.data() + g * stride + Lpad);
          }
          for (int64_t g = 0; g < group; ++g) {
            weighted_sum_dp<1>(pb.data() + g * stride, stride, pv + h * Lpad * hd, L, acc.data() + g * hd);
            weighted_sum_dp<1>(pb.data() + g * stride + Lpad, stride, vcache, n, acc.data() + g * hd);
          }
          done = true;
        }
      }
#endif
      if (!done) {
        weighted_sum<T>(p.data(), stride, group, pv + h * Lpad * hd, L, hd, acc.data());
        weighted_sum<T>(p.data() + Lpad, stride, group, vcache, n, hd, acc.data());
      }
      T* o = out_p + b * n_heads * hd + h * group * hd;
      for (int64_t i = 0; i < group * hd; i += kLanes) vstore_as(o + i, vload_as_float(acc.data() + i, group * hd - i), group * hd - i);
    }
  });
}

at::Tensor decode_attention(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& prefix_k,
                            const at::Tensor& prefix_v, at::Tensor keys, at::Tensor values, const at::Tensor& rows,
                            const at::Tensor& fill, int64_t n_heads, double scale, int64_t prefix_len) {
  check(keys.dim() == 6 && values.dim() == 5 && prefix_k.dim() == 5 && prefix_v.dim() == 4, "unexpected cache ranks");
  const auto dt = qkv.scalar_type();
  check(dt == at::kBFloat16 || dt == at::kFloat, "qkv must be fp32 or bf16");
  check(keys.scalar_type() == dt && values.scalar_type() == dt && prefix_k.scalar_type() == dt && prefix_v.scalar_type() == dt,
        "qkv, caches and prefix must share one dtype");
  const int64_t P = dt == at::kBFloat16 ? 2 : 1;
  check(keys.size(5) == P && values.size(4) == P && prefix_k.size(4) == P && prefix_v.size(3) == P,
        "the cache layout's pair size must be 2 for bf16 and 1 for fp32");
  check(keys.size(4) == kBlock && prefix_k.size(3) == kBlock, "keys must come in blocks of 16 slots");
  const int64_t B = qkv.size(0), nkv = keys.size(1), S = keys.size(2) * kBlock, hd = P * keys.size(3), L = prefix_len;
  check(cos.scalar_type() == at::kFloat && sin.scalar_type() == at::kFloat, "cos and sin must be fp32");
  check(rows.scalar_type() == at::kLong && fill.scalar_type() == at::kLong, "rows and fill must be int64");
  check(qkv.is_contiguous() && keys.is_contiguous() && values.is_contiguous() && prefix_k.is_contiguous() &&
            prefix_v.is_contiguous() && cos.is_contiguous() && sin.is_contiguous() && rows.is_contiguous() && fill.is_contiguous(),
        "all inputs must be contiguous");
  check(n_heads % nkv == 0 && qkv.size(1) == (n_heads + 2 * nkv) * hd, "qkv width does not match the heads");
  check(values.size(2) * P == S && values.size(3) == hd && prefix_k.size(0) == nkv && prefix_k.size(2) * P == hd &&
            prefix_v.size(0) == nkv && prefix_v.size(2) == hd && L >= 0 && prefix_k.size(1) * kBlock >= L &&
            prefix_v.size(1) * P >= L,
        "cache shapes disagree");
  check(cos.size(0) == B && cos.size(1) == hd / 2 && sin.size(0) == B && sin.size(1) == hd / 2, "cos/sin must be [B, hd/2]");
  check(rows.size(0) == B && fill.size(0) == B, "rows and fill must have one entry per batch row");
  const int64_t* rows_p = rows.data_ptr<int64_t>();
  const int64_t* fill_p = fill.data_ptr<int64_t>();
  for (int64_t b = 0; b < B; ++b) {
    check(rows_p[b] >= 0 && rows_p[b] < keys.size(0), "row index out of range");
    check(fill_p[b] >= 0 && fill_p[b] < S, "fill is past the end of the cache");
  }
  at::Tensor out = at::empty({B, n_heads * hd}, qkv.options());
  if (dt == at::kBFloat16) {
    attend<bf16>(qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads, static_cast<float>(scale), L, out);
  } else {
    attend<float>(qkv, cos, sin, prefix_k, prefix_v, keys, values, rows, fill, n_heads, static_cast<float>(scale), L, out);
  }
  return out;
}

}  // namespace
}  // namespace ethos

TORCH_LIBRARY_IMPL(ETHOS_OPS, CPU, m) { m.impl("decode_attention", &ethos::decode_attention); }
