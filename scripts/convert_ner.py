"""Dequantise the person-NER model's 4-bit ONNX graph into an fp32 safetensors file.

The arcjet rampart package ships BertForTokenClassification only as ONNX with MatMulNBits
(4-bit, block 32, implicit zero point 8) linear weights and int8 embedding tables. rust-bert
loads Hugging Face parameter names from safetensors, so we rebuild exactly those tensors.

usage: python3 convert_ner.py MODEL_Q4.onnx OUT.safetensors
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper
from safetensors.numpy import save_file


def linear_name(node_name: str) -> str:
    # "/bert/encoder/layer.0/attention/self/query/MatMul_Q4" -> "bert.encoder.layer.0.attention.self.query"
    parts = [p for p in node_name.split("/") if p]
    if not parts[-1].startswith("MatMul"):
        raise ValueError(f"unexpected MatMulNBits node name {node_name!r}")
    return ".".join(parts[:-1])


def dequant_nbits(q: np.ndarray, scales: np.ndarray, k: int, n: int, block: int) -> np.ndarray:
    # q: [N, blocks, block/2] uint8, low nibble first; value = (q - 8) * scale; result [N, K].
    low = (q & 0x0F).astype(np.int16)
    high = (q >> 4).astype(np.int16)
    vals = np.stack([low, high], axis=-1).reshape(n, q.shape[1], block)
    w = (vals - 8).astype(np.float32) * scales.reshape(n, q.shape[1], 1).astype(np.float32)
    return np.ascontiguousarray(w.reshape(n, -1)[:, :k])


def main(src: str, dst: str) -> None:
    graph = onnx.load(src).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    out: dict[str, np.ndarray] = {}
    for name, arr in init.items():
        if arr.dtype == np.float32 and not name.startswith("onnx::") and not name.endswith("_scale"):
            out[name] = np.ascontiguousarray(arr)
    for node in graph.node:
        if node.op_type == "MatMulNBits":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            if attrs.get("bits") != 4 or len(node.input) > 3:
                raise ValueError(f"{node.name}: only 4-bit weights without zero points are supported")
            w = dequant_nbits(init[node.input[1]], init[node.input[2]], attrs["K"], attrs["N"], attrs["block_size"])
            out[linear_name(node.name) + ".weight"] = w
        elif node.op_type == "DequantizeLinear" and node.input[1] in init:
            base = node.input[1][: -len("_scale")]
            q = init[base + "_quantized"].astype(np.float32)
            zp = init[node.input[2]].astype(np.float32)
            out[base] = np.ascontiguousarray((q - zp) * init[node.input[1]].astype(np.float32))
    expected = ["bert.embeddings.word_embeddings.weight", "classifier.weight", "classifier.bias",
                "bert.encoder.layer.5.output.dense.weight"]
    missing = [e for e in expected if e not in out]
    if missing:
        raise SystemExit(f"conversion incomplete, missing tensors: {missing}")
    save_file(dict(sorted(out.items())), dst)
    print(f"wrote {len(out)} tensors to {dst}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
