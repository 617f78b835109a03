#!/usr/bin/env python3
"""Make tests/fixtures/bert_reference.json: the reference that tests/models.rs checks ofsted's
BERT on tch (src/model/bertnet.rs) against, for both BERT models setup fetches:

- all-MiniLM-L6-v2 (models/encoder) through sentence-transformers: normalised mean-pooled
  embeddings, rounded to 6 decimals;
- the person tagger (models/ner) through transformers' BertForTokenClassification: each word
  piece's best label id and its probability.

The sentences are the 100 invented ones of scripts/mpnet_reference.py, and for the tagger 10
more, invented here, that name people. Runs in the benchmark's
virtualenv (scripts/bench.sh makes it: torch 2.4.0, transformers 4.44.2, sentence-transformers
3.0.1), on 2 threads:

    .deps/bench-venv/bin/python scripts/bert_reference.py          # [OUT_JSON]

CI does not run this script: it only reads the committed fixture.
"""
import hashlib
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local folders only; never the hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mpnet_reference import MAX_TOKENS, SENTENCES, write_fixture  # noqa: E402


# Invented for the tagger: names of several origins, after titles, in captions and quotes.
NAMED = """
Councillor Priya Raghunathan, cabinet member for children, welcomed the report.
Director of children's services Tomasz Wiśniewski said staff had worked hard.
Pictured: Mayor Adebayo Okonkwo-Hart at the town hall
“We are not there yet,” admitted Dame Eleanor Fitzwilliam.
The review was led by Professor Siobhan McAllister.
Cllrs Rana Haddad and Joe Pemberton-Smith asked for an urgent meeting.
Leader of the council Gurpreet Singh Dhaliwal apologised to families.
Chief executive Marie-Claire Dubois will step down in spring.
Ofsted's regional director, Kwabena Mensah, wrote to the council.
Lord Harrington of Wellby chaired the improvement board.
""".strip().split("\n")


def sha(p):
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def main():
    import numpy as np
    import sentence_transformers
    import torch
    import transformers
    from safetensors.torch import load_file
    from sentence_transformers import SentenceTransformer
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    root = Path(__file__).resolve().parent.parent
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "tests" / "fixtures" / "bert_reference.json"
    enc_dir, ner_dir = root / "models" / "encoder", root / "models" / "ner"
    torch.set_num_threads(2)

    # models/encoder is the bare BERT folder (no modules.json): sentence-transformers then builds
    # BERT + mean pooling itself, which is all-MiniLM-L6-v2's own pipeline
    enc = SentenceTransformer(str(enc_dir), device="cpu")
    enc.max_seq_length = MAX_TOKENS
    emb = enc.encode(SENTENCES, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    assert emb.shape == (100, 384), emb.shape

    tok = AutoTokenizer.from_pretrained(str(ner_dir))
    ner = AutoModelForTokenClassification.from_config(AutoConfig.from_pretrained(str(ner_dir)))
    missing, unexpected = ner.load_state_dict(load_file(str(ner_dir / "model.safetensors")), strict=False)
    assert not [k for k in missing if not k.endswith("position_ids")] and not unexpected, (missing, unexpected)
    ner.eval()
    tags = []
    with torch.inference_mode():
        for s in SENTENCES + NAMED:
            x = tok(s, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            p = ner(input_ids=x["input_ids"], attention_mask=x["attention_mask"]).logits[0].softmax(-1)
            best = p.argmax(-1)
            tags.append((best.tolist(), [round(float(v), 5) for v in p.max(-1).values]))

    head = {
        "about": "Made by scripts/bert_reference.py; checked by tests/models.rs. embedding: sentence-transformers mean pooling of all-MiniLM-L6-v2, L2-normalised, 6 decimals, max_seq_length 256. ner_labels / ner_probs: best label id of each word piece (with [CLS] and [SEP]) of the person tagger and its probability, transformers BertForTokenClassification, fp32.",
        "encoder_sha256": sha(enc_dir / "model.safetensors"),
        "ner_sha256": sha(ner_dir / "model.safetensors"),
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "sentence_transformers": sentence_transformers.__version__},
        "max_seq_length": MAX_TOKENS,
    }
    # the named sentences are for the tagger only
    rows = [{"text": s, "embedding": [round(float(x), 6) for x in emb[i]] if i < len(SENTENCES) else None, "ner_labels": labels, "ner_probs": probs}
            for i, (s, (labels, probs)) in enumerate(zip(SENTENCES + NAMED, tags))]
    write_fixture(out, head, rows)
    named = sum(any(1 <= t <= 4 for t in labels) for labels, _ in tags)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): {len(SENTENCES)} + {len(NAMED)} sentences, {named} with a name tag", file=sys.stderr)


if __name__ == "__main__":
    main()
