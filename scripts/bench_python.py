#!/usr/bin/env python3
"""The model work of `ofsted classify`, done the way a user of the Python stack would: the
sentence encoder through sentence-transformers (mean pooling, L2 norm), the trained linear head
on its embeddings, and the person NER model through transformers, over the same units, in
length-sorted batches of 32, on the given number of threads. Models only: no reading,
segmentation or rules, and the clock starts after the models are loaded (how the issue's
Python figures were taken), so the comparison is conservative for ofsted, whose time is its
whole run.

Run by scripts/bench.py inside the benchmark's own virtualenv (.deps/bench-venv); prints one
JSON object: seconds for the model work, units, load seconds, peak RSS.
"""
import argparse
import csv
import json
import resource
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", required=True, help="sentences.csv of an ofsted classify run (its text column)")
    ap.add_argument("--encoder", required=True, help="sentence-transformers folder (models/mpnet or models/encoder)")
    ap.add_argument("--head", required=True, help="head.json of the ofsted model (weight [3, dim], bias [3])")
    ap.add_argument("--ner", required=True, help="token-classification folder (models/ner)")
    ap.add_argument("--precision", choices=["fp32", "bf16", "int8"], default="fp32",
                    help="int8: torch's dynamic quantisation of every Linear (weights int8, activations quantised per batch)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--embeddings", help="also save the sentence embeddings here (.npy), to compare precisions")
    ap.add_argument("--profile", action="store_true", help="print torch's profile of the encoder pass (ops by self time) on stderr")
    a = ap.parse_args()

    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    torch.set_num_threads(a.threads)
    csv.field_size_limit(sys.maxsize)
    with open(a.units, newline="", encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)]
    with open(a.head, encoding="utf-8") as f:
        head = json.load(f)
    # ndarray's serde form: {"v": 1, "dim": [...], "data": [...]}
    w = np.asarray(head["weight"]["data"], dtype=np.float32).reshape(head["weight"]["dim"])
    b = np.asarray(head["bias"]["data"], dtype=np.float32)

    t0 = time.perf_counter()
    dtype = torch.bfloat16 if a.precision == "bf16" else torch.float32
    enc = SentenceTransformer(a.encoder, device="cpu")
    enc.max_seq_length = 256
    enc.to(dtype)
    quantise = lambda m: torch.ao.quantization.quantize_dynamic(m, {torch.nn.Linear}, dtype=torch.qint8) if a.precision == "int8" else m
    enc = quantise(enc)
    tok = AutoTokenizer.from_pretrained(a.ner)
    # setup's converted file has no safetensors metadata, which from_pretrained wants: load by hand
    ner = AutoModelForTokenClassification.from_config(AutoConfig.from_pretrained(a.ner))
    missing, unexpected = ner.load_state_dict(load_file(f"{a.ner}/model.safetensors"), strict=False)
    if [k for k in missing if not k.endswith("position_ids")] or unexpected:
        sys.exit(f"NER weights do not fit: missing {missing}, unexpected {unexpected}")
    ner = quantise(ner.to(dtype).eval())
    load = time.perf_counter() - t0

    t0 = time.perf_counter()
    with torch.inference_mode():
        # sentence-transformers sorts by length itself before batching
        if a.profile:
            from torch.profiler import ProfilerActivity, profile
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                emb = enc.encode(texts, batch_size=a.batch_size, convert_to_numpy=True, normalize_embeddings=True)
            print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12), file=sys.stderr)
        else:
            emb = enc.encode(texts, batch_size=a.batch_size, convert_to_numpy=True, normalize_embeddings=True)
        logits = emb.astype(np.float32) @ w.T + b
        probs = np.exp(logits - logits.max(1, keepdims=True))
        probs /= probs.sum(1, keepdims=True)
        labels = probs.argmax(1)
        ids = tok(texts, truncation=True, max_length=256)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        names = 0
        for s in range(0, len(order), a.batch_size):
            x = tok.pad({"input_ids": [ids[i] for i in order[s : s + a.batch_size]]}, padding="longest", return_tensors="pt")
            p = ner(input_ids=x["input_ids"], attention_mask=x["attention_mask"]).logits.float().softmax(-1)
            names += int((torch.isin(p.argmax(-1), torch.tensor([1, 2, 3, 4])) & x["attention_mask"].bool()).sum())
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"units": len(texts), "seconds": seconds, "load_seconds": load, "peak_mb": peak_mb,
           "labels": np.bincount(labels, minlength=3).tolist(), "name_tokens": names,
           "precision": a.precision, "threads": torch.get_num_threads()}
    if a.embeddings:
        np.save(a.embeddings, emb.astype(np.float32))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
