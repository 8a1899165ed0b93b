#!/usr/bin/env bash
# Every transformers reference the tests compare the engine with, remade from the repository's root:
#   bash bench/make_references.sh [OUT]        (OUT defaults to bench/reference)
# The Qwen-VL fixtures with and without a LoRA adapter (on the CPU), and the shipped model's greedy decoding of
# the held-out photo with each step's top logits: on the CPU in float32, and where PyTorch sees a CUDA GPU, on it
# in float32 and float16 as well. Needs torch, torchvision, transformers, peft, Pillow, numpy and safetensors.
set -euo pipefail
out=${1:-bench/reference}
python3 bench/qwen_vl_reference.py --out "$out" --lora
runs=("cpu float32")
if python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
  runs+=("cuda float32" "cuda float16")
fi
mkdir -p "$out/shipped"
for run in "${runs[@]}"; do
  read -r device dtype <<<"$run"
  python3 bench/transformers_reference.py gpu-runner/model bench/reference/held-out-photo.png "Critique my photo." \
    --max-tokens 60 --top-k 5 --device "$device" --dtype "$dtype" --out "$out/shipped/transformers-$device-$dtype.json"
  echo "shipped model, $device $dtype: $out/shipped/transformers-$device-$dtype.json"
done
