// The operator schemas of one kernel build. Each build (one per x86-64 level: avx2, avx512,
// avx512_bf16) registers them under its own namespace, torch.ops.ethos_<level>, so builds for
// several levels can be loaded side by side (the tests check each against the fp32 reference).

#include <torch/library.h>

#ifndef ETHOS_OPS
#error "build with -DETHOS_OPS=<namespace>"
#endif

TORCH_LIBRARY(ETHOS_OPS, m) {
  m.def("decode_attention(Tensor qkv, Tensor cos, Tensor sin, Tensor prefix_k, Tensor prefix_v, Tensor(a!) keys, "
        "Tensor(b!) values, Tensor rows, Tensor fill, int n_heads, float scale, int prefix_len) -> Tensor");
  m.def("rms_norm(Tensor x, float eps) -> Tensor");
  m.def("silu_mul(Tensor y) -> Tensor");
  m.def("pack_linear(Tensor w, Tensor? col_scale=None) -> Tensor");
  m.def("linear(Tensor x, Tensor packed, int n) -> Tensor");
  m.def("linear_add(Tensor x, Tensor packed, int n, Tensor residual) -> Tensor");
  m.def("log_softmax_stats(Tensor(a!) logits, Tensor targets, float inv_temperature) -> (Tensor, Tensor, Tensor)");
}
