// fp32 y = x·Wᵀ (+ residual) for the few rows of a decode step, with W packed once into panels.
//
// Decode multiplies a few dozen rows by every weight matrix each step, a shape general BLAS
// libraries tune least: measured at 32 rows with 2 threads, MKL's sgemm and oneDNN's fp32 reach
// 45–70% of the FMA peak, and the decode step is ~80% matrix work. Here each weight is re-laid out
// once (``pack_linear``) into panels of kPanel output columns stored k-major, so the inner loop
// streams one panel sequentially while a tile of kRows activation rows × kPanel columns stays in
// registers (12 of AVX2's 16 registers, 24 of AVX-512's 32). Threads split the panels. The
// residual add of ``Linear.plus`` is fused into the tile's store.

#include <ATen/Parallel.h>
#include <torch/library.h>

#include "simd.h"

namespace ethos {
namespace {

#ifndef PF_HINT
#define PF_HINT _MM_HINT_T1
#endif
#ifndef GEMM_VECS
#define GEMM_VECS 3
#endif
constexpr int kVecs = GEMM_VECS;
constexpr int kPanel = kVecs * kLanes;  // 24 columns (AVX2) or 48 (AVX-512)
#if defined(__AVX512F__)
constexpr int kRows = 8;
#else
#ifndef GEMM_ROWS
#define GEMM_ROWS 4
#endif
constexpr int kRows = GEMM_ROWS;
#endif
constexpr int64_t kRowBlock = 128;

void check(bool ok, const char* what) { TORCH_CHECK(ok, "ethos::linear: ", what); }

// [N, K] → [P, K, kPanel], zero-padded past N; each column k optionally scaled by col_scale[k] (an
// RMSNorm weight folded into the projection: W·diag(g)).
at::Tensor pack_linear(const at::Tensor& w, const c10::optional<at::Tensor>& col_scale) {
  check(w.scalar_type() == at::kFloat && w.dim() == 2, "pack_linear wants an fp32 [out, in] weight");
  const at::Tensor wc = w.contiguous();
  const int64_t N = wc.size(0), K = wc.size(1), P = (N + kPanel - 1) / kPanel;
  at::Tensor out = at::empty({P, K, kPanel}, wc.options());
  at::Tensor gc;
  const float* g = nullptr;
  if (col_scale.has_value()) {
    gc = col_scale->contiguous().to(at::kFloat);
    check(gc.numel() == K, "col_scale needs one value per input column");
    g = gc.data_ptr<float>();
  }
  const float* src = wc.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, P, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      float* panel = dst + p * K * kPanel;
      for (int64_t j = 0; j < kPanel; ++j) {
        const int64_t n = p * kPanel + j;
        if (n >= N) {
          for (int64_t k = 0; k < K; ++k) panel[k * kPanel + j] = 0.f;
          continue;
        }
        const float* row = src + n * K;
        if (g)
          for (int64_t k = 0; k < K; ++k) panel[k * kPanel + j] = row[k] * g[k];
        else
          for (int64_t k = 0; k < K; ++k) panel[k * kPanel + j] = row[k];
      }
    }
  });
  return out;
}

// One tile: MR rows × one panel. Meanwhile it fetches ``lines`` cache lines from ``ahead`` (its share
// of the next panel) into cache, spread evenly over its k loop: the weights stream from memory once
// per step, and fetching the next panel while this one is computed overlaps that stream with the
// arithmetic. Spread thin, the requests stay within what the core can keep in flight. (Issued in one
// burst during a panel's first tile, they left a decode step 1.1–1.2× slower: measured at 16 and 32 rows,
// AVX2 and AVX-512.)
template <int MR>
inline void tile(const float* a, int64_t K, const float* b, float* c, int64_t ldc, const float* res, int64_t ncols,
                 const char* ahead, int64_t lines) {
  vf acc[MR][kVecs];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < kVecs; ++j) acc[i][j] = vzero();
  int64_t owed = 0;  // Bresenham: ``lines`` prefetches over K iterations
  for (int64_t k = 0; k < K; ++k) {
    const float* bk = b + k * kPanel;
    for (owed += lines; owed >= K; owed -= K, ahead += 64) _mm_prefetch(ahead, PF_HINT);
    vf bv[kVecs];
    for (int j = 0; j < kVecs; ++j) bv[j] = vload(bk + j * kLanes);
    for (int i = 0; i < MR; ++i) {
      const vf av = vset(a[i * K + k]);
      for (int j = 0; j < kVecs; ++j) acc[i][j] = vfma(av, bv[j], acc[i][j]);
    }
  }
  for (int j = 0; j < kVecs; ++j) {
    const int64_t cnt = ncols - j * kLanes;
    if (cnt <= 0) break;
    const mask_t m = first_mask(cnt);
    for (int i = 0; i < MR; ++i) {
      float* dst = c + i * ldc + j * kLanes;
      vf v = acc[i][j];
      if (cnt >= kLanes) {
        if (res) v = vadd(v, vload(res + i * ldc + j * kLanes));
        vstore(dst, v);
      } else {
        if (res) v = vadd(v, vload(res + i * ldc + j * kLanes, m));
        vstore(dst, v, m);
      }
    }
  }
}

// Rows [0, M) against one panel; the full tiles share the prefetch of the next panel (``lines`` lines from
// ``ahead``), or the smaller tiles when there is no full one.
template <int MR>
void rows_of(const float* a, int64_t K, const float* panel, float* c, int64_t ldc, const float* res, int64_t ncols, int64_t M,
             const char* ahead, int64_t lines) {
  const int64_t tiles = M / MR;
  int64_t m = 0;
  for (int64_t t = 0; t < tiles; ++t, m += MR) {
    const int64_t first = lines * t / tiles, last = lines * (t + 1) / tiles;
    tile<MR>(a + m * K, K, panel, c + m * ldc, ldc, res ? res + m * ldc : nullptr, ncols, ahead ? ahead + 64 * first : nullptr,
             ahead ? last - first : 0);
  }
  if constexpr (MR > 1) {
    if (m < M)
      rows_of<MR / 2>(a + m * K, K, panel, c + m * ldc, ldc, res ? res + m * ldc : nullptr, ncols, M - m, tiles ? nullptr : ahead,
                      tiles ? 0 : lines);
  }
}

at::Tensor linear_impl(const at::Tensor& x, const at::Tensor& packed, int64_t N, const c10::optional<at::Tensor>& residual) {
  check(x.scalar_type() == at::kFloat && packed.scalar_type() == at::kFloat, "x and the packed weight must be fp32");
  check(packed.dim() == 3 && packed.size(2) == kPanel, "the weight was packed by a different kernel build");
  const at::Tensor xc = x.contiguous().view({-1, x.size(-1)});
  const int64_t M = xc.size(0), K = xc.size(1), P = packed.size(0);
  check(packed.size(1) == K && N <= P * kPanel && N > (P - 1) * kPanel, "x's width or N does not match the packed weight");
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape.back() = N;
  at::Tensor y = at::empty(shape, x.options());
  const float* res = nullptr;
  at::Tensor rc;
  if (residual.has_value()) {
    rc = residual->contiguous();
    check(rc.scalar_type() == at::kFloat && rc.numel() == M * N, "the residual must be fp32 with the output's shape");
    res = rc.data_ptr<float>();
  }
  const float *a = xc.data_ptr<float>(), *b = packed.data_ptr<float>();
  float* c = y.data_ptr<float>();
  const int64_t flops_per_panel = 2 * M * K * kPanel;
  const int64_t grain = std::max<int64_t>(1, (1 << 18) / std::max<int64_t>(1, flops_per_panel));  // ~a few µs per chunk
  // Many rows (a prefill) are taken a block at a time, so the block of x stays in cache while the panels stream by.
  const int64_t block = M <= 2 * kRowBlock ? M : kRowBlock;
  at::parallel_for(0, P, grain, [&](int64_t begin, int64_t end) {
    for (int64_t m0 = 0; m0 < M; m0 += block) {
      const int64_t rows = std::min(block, M - m0);
      for (int64_t p = begin; p < end; ++p) {
        const int64_t ncols = std::min<int64_t>(kPanel, N - p * kPanel);
        const bool fetch = m0 == 0 && p + 1 < end;
        const char* ahead = fetch ? reinterpret_cast<const char*>(b + (p + 1) * K * kPanel) : nullptr;
        rows_of<kRows>(a + m0 * K, K, b + p * K * kPanel, c + m0 * N + p * kPanel, N, res ? res + m0 * N + p * kPanel : nullptr, ncols,
                       rows, ahead, fetch ? K * kPanel * static_cast<int64_t>(sizeof(float)) / 64 : 0);
      }
    }
  });
  return y;
}

at::Tensor linear(const at::Tensor& x, const at::Tensor& packed, int64_t N) { return linear_impl(x, packed, N, c10::nullopt); }

at::Tensor linear_add(const at::Tensor& x, const at::Tensor& packed, int64_t N, const at::Tensor& residual) {
  return linear_impl(x, packed, N, residual);
}

}  // namespace
}  // namespace ethos

TORCH_LIBRARY_IMPL(ETHOS_OPS, CPU, m) {
  m.impl("pack_linear", &ethos::pack_linear);
  m.impl("linear", &ethos::linear);
  m.impl("linear_add", &ethos::linear_add);
}
