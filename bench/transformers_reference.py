"""Greedy generation from a Mondrian model folder with Hugging Face transformers, to check the engine against.

    python3 bench/transformers_reference.py MODEL_DIR IMAGE "PROMPT" [--max-tokens 120] [--device cpu|cuda]
        [--dtype float32|float16]

Builds the prompt the way `./mondrian generate --image IMAGE --prompt PROMPT` does (one user turn: the image,
then the text, through the folder's chat template; each image token widened to one per patch), decodes greedily
and prints one JSON line: the versions used, the prompt and its length in tokens, the generated token ids and
their text.
Compare the text with `./mondrian generate --model MODEL_DIR --image IMAGE --prompt PROMPT --temperature 0`.
Needs torch, transformers and Pillow; nothing is downloaded.
"""
import argparse
import json

import torch
import transformers
from PIL import Image
from transformers import AutoImageProcessor, AutoTokenizer, LlavaForConditionalGeneration


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("image")
    parser.add_argument("prompt")
    parser.add_argument("--max-tokens", type=int, default=120)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float16"])
    args = parser.parse_args()
    dtype = getattr(torch, args.dtype)

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    images = AutoImageProcessor.from_pretrained(args.model)
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
                             pad_token_id=tokenizer.pad_token_id)
    generated = out[0, len(widened):].tolist()
    print(json.dumps({"torch": torch.__version__, "transformers": transformers.__version__,
                      "device": args.device, "dtype": args.dtype, "prompt": args.prompt, "prompt_tokens": len(widened),
                      "ids": generated, "text": tokenizer.decode(generated, skip_special_tokens=True)}))


if __name__ == "__main__":
    main()
