"""Greedy generation from a Mondrian model folder with Hugging Face transformers, to check the engine against.

    python3 bench/transformers_reference.py MODEL_DIR IMAGE "PROMPT" [--max-tokens 120] [--device cpu|cuda]
        [--dtype float32|float16] [--top-k 5] [--out FILE]

Builds the prompt the way `./mondrian generate --image IMAGE --prompt PROMPT` does (one user turn: the image,
then the text, through the folder's chat template; each image token widened to one per patch), decodes greedily
and prints one JSON line (or writes it to --out): the versions used, the prompt and its length in tokens, the
generated token ids, each step's --top-k highest logits (raw, before any processor) with their token ids, and the text.
gpu-runner's GreedyReference writes the engine's decoding in the same shape.
Compare the text with `./mondrian generate --model MODEL_DIR --image IMAGE --prompt PROMPT --temperature 0`.
Needs torch, transformers and Pillow; nothing is downloaded.
"""
import argparse
import json
import os

import torch
import transformers
from PIL import Image
from transformers import AutoImageProcessor, AutoTokenizer, LlavaForConditionalGeneration


def image_processor_class(folder):
    """The PIL image processor the folder names (transformers 5 has a Pil class beside the torchvision one, which
    resizes slightly differently), so that every machine preprocesses the same way; AutoImageProcessor in 4.x."""
    with open(os.path.join(folder, "preprocessor_config.json")) as f:
        named = json.load(f)["image_processor_type"]
    return getattr(transformers, named + "Pil", None) or AutoImageProcessor


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("image")
    parser.add_argument("prompt")
    parser.add_argument("--max-tokens", type=int, default=120)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float16"])
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--out")
    args = parser.parse_args()
    dtype = getattr(torch, args.dtype)

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    images = image_processor_class(args.model).from_pretrained(args.model)
    model, loading = LlavaForConditionalGeneration.from_pretrained(
        args.model, torch_dtype=dtype, output_loading_info=True)
    # A tensor missed or left over would be silently random or ignored: the folder must match exactly. The one
    # exception is SigLIP's post_layernorm, which LLaVA never applies (it reads the encoder's hidden states).
    loading["missing_keys"] = {k for k in loading["missing_keys"] if ".post_layernorm." not in k}
    problems = {k: v for k, v in loading.items() if v}
    if problems:
        raise SystemExit(f"the folder does not load cleanly: {problems}")
    model = model.to(args.device).eval()

    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": args.prompt}]}]
    text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    ids = tokenizer(text, add_special_tokens=False).input_ids
    vision = model.config.vision_config
    per_image = (vision.image_size // vision.patch_size) ** 2
    image_token = model.config.image_token_index
    widened = [t for token in ids for t in ([token] * per_image if token == image_token else [token])]

    pixels = images(images=Image.open(args.image).convert("RGB"), return_tensors="pt").pixel_values
    input_ids = torch.tensor([widened], device=args.device)
    with torch.no_grad():
        out = model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                             pixel_values=pixels.to(args.device, dtype), max_new_tokens=args.max_tokens,
                             do_sample=False, eos_token_id=tokenizer.eos_token_id,
                             pad_token_id=tokenizer.pad_token_id, return_dict_in_generate=True, output_logits=True)
    generated = out.sequences[0, len(widened):].tolist()
    tops = [step[0].float().topk(args.top_k) for step in out.logits]
    line = json.dumps({"torch": torch.__version__, "transformers": transformers.__version__,
                       "device": args.device, "dtype": args.dtype, "prompt": args.prompt, "prompt_tokens": len(widened),
                       "ids": generated, "top_ids": [top.indices.tolist() for top in tops],
                       "top_logits": [top.values.tolist() for top in tops],
                       "text": tokenizer.decode(generated, skip_special_tokens=True)})
    if args.out:
        with open(args.out, "w") as f:
            f.write(line + "\n")
    else:
        print(line)


if __name__ == "__main__":
    main()
