"""Reference fixtures for the engine's Qwen2-VL, Qwen2.5-VL and Qwen3-VL paths, made with Hugging Face transformers.

    python3 bench/qwen_vl_reference.py [--out bench/reference] [--device cpu|cuda] [--only qwen2_vl,...] [--lora]

For each family it builds a tiny model from transformers' own config classes with random weights (seeded, so a run
is repeatable on one machine), saves it as a model folder, draws a test picture, runs the family's image processor
(the PIL one) and the model, and writes under OUT/<family>/:

    model/                  config.json, model.safetensors (F32), preprocessor_config.json (small min/max pixels)
    image.png               the 100x70 test picture (smart_resize really resizes it)
    reference.safetensors   F32 pixel_values [patches, 3*2*patch*patch] as the processor flattens them,
                            prefill_logits [seq, vocab] at every prompt position,
                            step_logits [16, vocab]: row 0 is the prefill's last row, row i the logits after
                            feeding generated token i-1 through the KV cache
    reference.json          versions, device, dtype, input_ids, image_grid_thw (patches), spatial_merge_size,
                            generated_ids (greedy), rope_position_ids (3 x seq, from transformers' get_rope_index),
                            rope_delta, tolerances

The prompt is text ids, vision_start, one image token per merged patch, vision_end, more text ids. Greedy decoding
is a manual loop over the model's KV cache; model.generate is run as well and must agree. The saved folder is loaded
back with from_pretrained, which must report no missing or unexpected tensor and give the same logits.
With --lora (needs peft too) each family also gets OUT/<family>_lora/: the same model with a PEFT LoRA adapter
(r 4, alpha 8, random A and B, every language-model projection) saved by PeftModel.save_pretrained in adapter/,
and the reference computed through it; merge_and_unload must give the same logits.
gpu-runner's TransformersFixtureTest picks up every OUT/*/reference.json (from ../bench/reference, relative to
gpu-runner/) and checks the engine's image processor, prefill and decode against it.
Needs torch, transformers (4.57 or 5.x), Pillow, numpy and safetensors; nothing is downloaded.
"""
import argparse
import inspect
import json
import math
import os
import sys

import struct

import numpy as np
import PIL
import safetensors
import torch
import transformers
from PIL import Image, ImageDraw
from safetensors.torch import save_file

STEPS = 16
VOCAB = 300
VIDEO_TOKEN, VISION_START, VISION_END, IMAGE_TOKEN = 296, 297, 298, 299
SPECIAL = (VIDEO_TOKEN, VISION_START, VISION_END, IMAGE_TOKEN)
PREFIX = [11, 42, 7, 180]
SUFFIX = [55, 101, 9, 230, 3]
ROPE_THETA = 10000.0
IMAGE_SIZE = (100, 70)  # width, height
TOLERANCES = {"pixel_values": 0.05, "logits": 1e-4}
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

# One entry per family. min/max_pixels are chosen so the 100x70 picture takes a different branch of smart_resize in
# each: Qwen2-VL is shrunk to max_pixels (56x84, a 4x6 patch grid), Qwen2.5-VL is enlarged to min_pixels (84x112,
# 6x8 patches, 3x4 merged: four 2x2 windows of 56 pixels, two of them padded), Qwen3-VL only rounds (64x96, 4x6
# patches of 16, its 3x3 learned position grid interpolated in both directions).
FAMILIES = {
    "qwen2_vl": dict(
        model="Qwen2VLForConditionalGeneration", config="Qwen2VLConfig", text_config="Qwen2VLTextConfig",
        text=dict(num_hidden_layers=2),
        mrope=dict(mrope_section=[2, 3, 3]),
        vision=dict(depth=3, embed_dim=32, hidden_size=64, mlp_ratio=2, num_heads=2, patch_size=14,
                    spatial_merge_size=2, temporal_patch_size=2, in_channels=3),
        processor=dict(patch_size=14, min_pixels=56 * 56, max_pixels=5000, image_mean=CLIP_MEAN, image_std=CLIP_STD),
    ),
    "qwen2_5_vl": dict(
        model="Qwen2_5_VLForConditionalGeneration", config="Qwen2_5_VLConfig", text_config="Qwen2_5_VLTextConfig",
        text=dict(num_hidden_layers=2),
        mrope=dict(mrope_section=[2, 3, 3]),
        vision=dict(depth=3, hidden_size=32, intermediate_size=64, num_heads=2, out_hidden_size=64, patch_size=14,
                    spatial_merge_size=2, temporal_patch_size=2, in_channels=3, window_size=56,
                    fullatt_block_indexes=[1], tokens_per_second=2),
        processor=dict(patch_size=14, min_pixels=8000, max_pixels=20000, image_mean=CLIP_MEAN, image_std=CLIP_STD),
    ),
    "qwen3_vl": dict(
        model="Qwen3VLForConditionalGeneration", config="Qwen3VLConfig", text_config="Qwen3VLTextConfig",
        text=dict(num_hidden_layers=3, head_dim=16, attention_bias=False),
        mrope=dict(mrope_section=[4, 2, 2], mrope_interleaved=True),
        vision=dict(depth=3, hidden_size=32, intermediate_size=64, num_heads=2, out_hidden_size=64, patch_size=16,
                    spatial_merge_size=2, temporal_patch_size=2, in_channels=3, num_position_embeddings=9,
                    deepstack_visual_indexes=[0, 2]),
        processor=dict(patch_size=16, min_pixels=4096, max_pixels=8192, image_mean=[0.5] * 3, image_std=[0.5] * 3),
    ),
}


class Problems:
    """Failures found while making the fixtures: reported together at the end, with a non-zero exit."""

    def __init__(self):
        self.items = []

    def add(self, name, message):
        self.items.append(f"{name}: {message}")
        print(f"PROBLEM {name}: {message}", file=sys.stderr, flush=True)


def transformers_version():
    parts = []
    for piece in transformers.__version__.split(".")[:2]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def accepts(function, name):
    return name in inspect.signature(function).parameters


def text_config(family):
    """The decoder's settings; RoPE as the installed transformers spells it (rope_parameters in 5.x, else the pair)."""
    text = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_attention_heads=4, num_key_value_heads=2,
                hidden_act="silu", max_position_embeddings=512, rms_norm_eps=1e-6, tie_word_embeddings=False,
                use_cache=True)
    text.update(family["text"])
    config_class = getattr(transformers, family["text_config"])
    if accepts(config_class.__init__, "rope_parameters"):
        text["rope_parameters"] = dict(rope_type="default", rope_theta=ROPE_THETA, **family["mrope"])
    else:
        text["rope_theta"] = ROPE_THETA
        text["rope_scaling"] = dict(rope_type="default", **family["mrope"])
    return text


def build_model(family, seed):
    config_class = getattr(transformers, family["config"])
    config = config_class(text_config=text_config(family), vision_config=dict(family["vision"]),
                          image_token_id=IMAGE_TOKEN, video_token_id=VIDEO_TOKEN, vision_start_token_id=VISION_START,
                          vision_end_token_id=VISION_END, tie_word_embeddings=False)
    torch.manual_seed(seed)
    model = getattr(transformers, family["model"])(config).to(torch.float32).eval()
    randomize(model, seed)
    if model.get_output_embeddings().weight.data_ptr() == model.get_input_embeddings().weight.data_ptr():
        raise SystemExit(f"{family['model']}: lm_head is tied to the embeddings; the fixture wants them apart")
    return model


def randomize(model, seed):
    """Weights large enough that logits spread (transformers' init, std 0.02, leaves them all near 0).

    Matrices get N(0, min(0.2, 2/sqrt(fan_in))), biases N(0, 0.1), norm weights N(1, 0.1); the lm_head rows of
    the image, video and vision start/end tokens are zeroed so greedy decoding never picks them."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            norm = "norm" in name or ".ln_" in name or name.startswith("ln_")
            if norm and name.endswith("weight"):
                values = 1.0 + 0.1 * torch.randn(parameter.shape, generator=generator)
            elif parameter.dim() == 1:
                values = 0.1 * torch.randn(parameter.shape, generator=generator)
            else:
                fan_in = parameter[0].numel()
                values = min(0.2, 2.0 / math.sqrt(fan_in)) * torch.randn(parameter.shape, generator=generator)
            parameter.copy_(values.to(parameter.dtype))
        head = model.get_output_embeddings().weight
        for token in SPECIAL:
            head[token].zero_()


def image_processor_class():
    """The PIL/numpy image processor: Qwen2VLImageProcessorPil where it exists (later 5.x, where the plain name is
    the torchvision one), else Qwen2VLImageProcessor (4.x and early 5.x, where it is the slow PIL one).
    Qwen3-VL has no image processor of its own; its checkpoints use Qwen2-VL's with 16-pixel patches."""
    found = getattr(transformers, "Qwen2VLImageProcessorPil", None)
    if found is None:
        try:
            from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil as found
        except ImportError:
            found = None
    if found is None:
        found = transformers.Qwen2VLImageProcessor
        if "Fast" in found.__name__:
            raise SystemExit("no PIL Qwen2-VL image processor in this transformers")
    return found


def build_processor(family):
    settings = family["processor"]
    size = {"shortest_edge": settings["min_pixels"], "longest_edge": settings["max_pixels"]}
    # 4.x's slow processor ignores size and keeps only min_pixels/max_pixels; the PIL one of 5.x folds them into
    # size. Passing both, equal, is right for each.
    return image_processor_class()(
        do_resize=True, size=size, min_pixels=settings["min_pixels"], max_pixels=settings["max_pixels"],
        do_rescale=True, rescale_factor=1 / 255, do_normalize=True, image_mean=settings["image_mean"],
        image_std=settings["image_std"], do_convert_rgb=True, patch_size=settings["patch_size"],
        temporal_patch_size=2, merge_size=2)


def draw_image(path):
    """A deterministic RGB picture: gradients, a diagonal pattern and a few shapes."""
    width, height = IMAGE_SIZE
    x = np.arange(width, dtype=np.float64)[None, :]
    y = np.arange(height, dtype=np.float64)[:, None]
    red = 255 * x / (width - 1) + 0 * y
    green = 255 * y / (height - 1) + 0 * x
    blue = 127.5 + 127.5 * np.sin((x + 2 * y) / 6.0)
    pixels = np.stack([red, green, blue], axis=-1).round().clip(0, 255).astype(np.uint8)
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    draw.rectangle([8, 6, 38, 30], fill=(250, 240, 20))
    draw.ellipse([50, 20, 90, 62], fill=(20, 30, 200), outline=(255, 255, 255))
    draw.line([0, height - 1, width - 1, 0], fill=(0, 0, 0), width=3)
    draw.polygon([(15, 60), (35, 40), (45, 66)], fill=(200, 20, 60))
    image.save(path, format="PNG")


def smart_resize(height, width, factor, min_pixels, max_pixels):
    """What Qwen2-VL's processor should resize to (only to check the grid it reports)."""
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def own_positions(ids, grid, merge):
    """Multimodal RoPE positions of a prompt with one image, as Qwen2-VL defines them (to cross-check)."""
    t, h, w = grid[0], grid[1] // merge, grid[2] // merge
    axes = [[], [], []]
    position = 0
    i = 0
    while i < len(ids):
        if ids[i] != IMAGE_TOKEN:
            for axis in axes:
                axis.append(position)
            position += 1
            i += 1
            continue
        for a in range(t):
            for b in range(h):
                for c in range(w):
                    axes[0].append(position + a)
                    axes[1].append(position + b)
                    axes[2].append(position + c)
        i += t * h * w
        position += max(t, h, w)
    return axes, position - len(ids)


def model_inputs(model, input_ids):
    """Prompt inputs for forward and generate: mm_token_type_ids too where the model takes them (later 5.x)."""
    inputs = dict(input_ids=input_ids, attention_mask=torch.ones_like(input_ids))
    if accepts(model.forward, "mm_token_type_ids"):
        inputs["mm_token_type_ids"] = (input_ids == IMAGE_TOKEN).to(torch.int32)
    return inputs


def rope_index(model, inputs, grid):
    """transformers' own positions of the prompt, [3][seq], and its delta; None where the method is not found."""
    for owner in (getattr(model, "model", None), model):
        method = getattr(owner, "get_rope_index", None) if owner is not None else None
        if method is None:
            continue
        parameters = inspect.signature(method).parameters
        offered = dict(inputs, image_grid_thw=grid, video_grid_thw=None)
        try:
            positions, delta = method(**{k: v for k, v in offered.items() if k in parameters})
        except Exception as e:  # only a record: the forward pass computes its own positions
            print(f"WARNING: get_rope_index failed ({type(e).__name__}: {e})", file=sys.stderr)
            return None, None
        return positions[:, 0, :].cpu().tolist(), int(delta.reshape(-1)[0].item())
    return None, None


def from_pretrained(model_class, folder):
    dtype_key = "dtype" if transformers_version() >= (4, 56) else "torch_dtype"
    model, loading = model_class.from_pretrained(folder, output_loading_info=True, **{dtype_key: torch.float32})
    problems = {key: value for key, value in loading.items() if value}
    if problems:
        raise SystemExit(f"{folder} does not load cleanly: {problems}")
    return model.eval()


def greedy(model, inputs, pixel_values, grid, delta, device):
    """Prefill, then STEPS greedy tokens one at a time through the KV cache, positions as transformers sets them
    during generation: a decoded token at cache slot s sits at s + rope delta on all three axes."""
    with torch.no_grad():
        out = model(**inputs, pixel_values=pixel_values, image_grid_thw=grid, use_cache=True)
    prefill = out.logits[0].float().cpu()
    rope_deltas = getattr(out, "rope_deltas", None)
    if rope_deltas is not None:
        delta = int(rope_deltas.reshape(-1)[0].item())
    past = out.past_key_values
    length = inputs["input_ids"].shape[1]
    rows = [prefill[-1]]
    ids = [int(torch.argmax(prefill[-1]))]
    for step in range(1, STEPS):
        slot = length + step - 1
        with torch.no_grad():
            out = model(input_ids=torch.tensor([[ids[-1]]], device=device),
                        attention_mask=torch.ones((1, slot + 1), dtype=torch.long, device=device),
                        position_ids=torch.full((3, 1, 1), slot + delta, dtype=torch.long, device=device),
                        past_key_values=past, use_cache=True)
        past = out.past_key_values
        row = out.logits[0, -1].float().cpu()
        rows.append(row)
        ids.append(int(torch.argmax(row)))
    return prefill, torch.stack(rows), ids, delta


def generate_check(model, inputs, pixel_values, grid, ids, step_logits):
    """model.generate on the same prompt: its greedy ids and raw logits must be the manual loop's."""
    try:
        config = model.generation_config
        config.eos_token_id = None  # 16 tokens whatever comes
        config.bos_token_id = None
        config.pad_token_id = 0
        with torch.no_grad():
            out = model.generate(**inputs, pixel_values=pixel_values, image_grid_thw=grid, max_new_tokens=STEPS,
                                 do_sample=False, num_beams=1, output_logits=True, return_dict_in_generate=True)
    except Exception as e:  # an API difference here must not cost the fixture; it is reported
        return f"skipped ({type(e).__name__}: {e})", None
    generated = out.sequences[0, inputs["input_ids"].shape[1]:].tolist()
    if generated != ids[:len(generated)] or not generated:
        return "MISMATCH", f"generate gave {generated}, the manual loop {ids}"
    logits = torch.stack([row[0].float().cpu() for row in out.logits])
    worst = float((logits - step_logits[:len(generated)]).abs().max())
    if worst > 1e-4:
        return "MISMATCH", f"generate's logits differ from the manual loop's by {worst:.3g}"
    return f"ok ({len(generated)} tokens, max |dlogit| {worst:.2g})", None


def saved_config_warnings(folder, family):
    """Things the engine reads from config.json, checked as saved (warnings: the folder is transformers' own)."""
    with open(os.path.join(folder, "config.json")) as f:
        root = json.load(f)
    text = root.get("text_config", root)
    rope = text.get("rope_parameters") or text.get("rope_scaling") or {}
    warnings = []
    theta = text.get("rope_theta", rope.get("rope_theta"))
    if theta != ROPE_THETA:
        warnings.append(f"config.json's rope_theta is {theta}, not {ROPE_THETA}")
    if rope.get("mrope_section") != family["mrope"]["mrope_section"]:
        warnings.append(f"config.json's RoPE settings lack mrope_section {family['mrope']['mrope_section']}: {rope}")
    if family["mrope"].get("mrope_interleaved") and not rope.get("mrope_interleaved"):
        warnings.append("config.json's RoPE settings lack mrope_interleaved: true")
    with open(os.path.join(folder, "model.safetensors"), "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    header.pop("__metadata__", None)
    keys = list(header)
    dtypes = {entry["dtype"] for entry in header.values()}
    if not any(k.endswith("lm_head.weight") for k in keys):
        warnings.append("model.safetensors has no lm_head.weight")
    if dtypes != {"F32"}:
        warnings.append(f"model.safetensors holds {sorted(dtypes)}, not only F32")
    return warnings


# The language model's attention and MLP projections (transformers' module paths, old and new layouts); the vision
# tower's blocks are named blocks.N, so the runtime path of the engine applies every adapted module.
LORA_TARGETS = r".*layers\.\d+\.(self_attn\.(q|k|v|o)_proj|mlp\.(gate|up|down)_proj)"


def add_lora(model, seed, adapter_dir):
    """Injects a random LoRA adapter into model in place (PEFT) and saves it as PEFT does; returns the PeftModel."""
    import peft
    torch.manual_seed(seed + 1)
    config = peft.LoraConfig(r=4, lora_alpha=8, target_modules=LORA_TARGETS, lora_dropout=0.0,
                             init_lora_weights=False)
    wrapped = peft.get_peft_model(model, config)
    wrapped.eval()
    wrapped.save_pretrained(adapter_dir, safe_serialization=True)
    # PEFT records the base model's absolute path (in the config and a model card); the fixture names it relative.
    config_path = os.path.join(adapter_dir, "adapter_config.json")
    with open(config_path) as f:
        saved = json.load(f)
    saved["base_model_name_or_path"] = "../model"
    with open(config_path, "w") as f:
        json.dump(saved, f, indent=2)
        f.write("\n")
    os.remove(os.path.join(adapter_dir, "README.md"))
    return wrapped


def make_fixture(name, family, out_dir, device, seed, problems, lora=False):
    folder = os.path.join(out_dir, name + ("_lora" if lora else ""))
    model_dir = os.path.join(folder, "model")
    os.makedirs(model_dir, exist_ok=True)
    model_class = getattr(transformers, family["model"])

    built = build_model(family, seed)
    save_kwargs = {"safe_serialization": True} if accepts(built.save_pretrained, "safe_serialization") else {}
    built.save_pretrained(model_dir, **save_kwargs)
    processor = build_processor(family)
    processor.save_pretrained(model_dir)
    image_path = os.path.join(folder, "image.png")
    draw_image(image_path)

    # Everything below runs on the folder as saved, as the engine will read it.
    model = from_pretrained(model_class, model_dir).to(device)
    built = built.to(device)
    wrapped = add_lora(model, seed, os.path.join(folder, "adapter")) if lora else None
    image = Image.open(image_path).convert("RGB")
    processed = processor(images=image, return_tensors="pt")
    pixel_values = processed["pixel_values"].to(torch.float32)
    grid = processed["image_grid_thw"].to(torch.long)
    t, h, w = (int(v) for v in grid[0])
    merge = model.config.vision_config.spatial_merge_size
    patch = family["processor"]["patch_size"]
    expected = smart_resize(IMAGE_SIZE[1], IMAGE_SIZE[0], patch * merge, family["processor"]["min_pixels"],
                            family["processor"]["max_pixels"])
    if (h * patch, w * patch) != expected or t != 1:
        problems.add(name, f"the processor gave a {t}x{h}x{w} grid; smart_resize says {expected} pixels")
    if pixel_values.shape != (t * h * w, 3 * 2 * patch * patch):
        problems.add(name, f"pixel_values has shape {tuple(pixel_values.shape)}")

    tokens = t * h * w // (merge * merge)
    ids = PREFIX + [VISION_START] + [IMAGE_TOKEN] * tokens + [VISION_END] + SUFFIX
    input_ids = torch.tensor([ids], dtype=torch.long, device=device)
    inputs = model_inputs(model, input_ids)
    pixels_on_device = pixel_values.to(device)
    grid_on_device = grid.to(device)

    positions, delta = rope_index(model, inputs, grid_on_device)
    own, own_delta = own_positions(ids, [t, h, w], merge)
    source = "transformers"
    if positions is None:
        positions, delta, source = own, own_delta, "script (transformers' get_rope_index not usable)"
    elif positions != own or delta != own_delta:
        problems.add(name, f"get_rope_index gave {positions} (delta {delta}); expected {own} (delta {own_delta})")

    prefill, step_logits, generated, delta = greedy(model, inputs, pixels_on_device, grid_on_device, delta, device)
    if delta != own_delta:
        problems.add(name, f"the model's rope delta is {delta}; the prompt's layout gives {own_delta}")
    # Without an adapter the reloaded folder must be the built model; with one, the merged model the unmerged one.
    reference_model = built if wrapped is None else wrapped.merge_and_unload()
    with torch.no_grad():
        fresh = reference_model(**inputs, pixel_values=pixels_on_device,
                                image_grid_thw=grid_on_device).logits[0].float().cpu()
    reload_error = float((fresh - prefill).abs().max())
    if reload_error > (1e-5 if wrapped is None else 1e-4):
        problems.add(name, f"the {'reloaded folder' if wrapped is None else 'merged model'}'s logits differ by "
                           f"{reload_error:.3g}")
    if any(token in SPECIAL for token in generated):
        problems.add(name, f"greedy decoding picked a special token: {generated}")
    if float(prefill.std()) < 0.1:
        problems.add(name, f"the logits hardly vary (std {float(prefill.std()):.3g})")
    generate, mismatch = generate_check(model, inputs, pixels_on_device, grid_on_device, generated, step_logits)
    if mismatch:
        problems.add(name, mismatch)
    warnings = saved_config_warnings(model_dir, family)
    for warning in warnings:
        print(f"WARNING {name}: {warning}", file=sys.stderr)

    save_file({"pixel_values": pixel_values.cpu().contiguous(), "prefill_logits": prefill.contiguous(),
               "step_logits": step_logits.contiguous()}, os.path.join(folder, "reference.safetensors"))
    reference = {
        "family": name, "architecture": family["model"], "lora": lora,
        "torch": torch.__version__, "transformers": transformers.__version__, "pillow": PIL.__version__,
        "safetensors": safetensors.__version__, "numpy": np.__version__,
        "device": device, "dtype": "float32", "seed": seed,
        "image_processor": type(processor).__name__, "image_size": list(IMAGE_SIZE),
        "min_pixels": family["processor"]["min_pixels"], "max_pixels": family["processor"]["max_pixels"],
        "patch_size": patch, "spatial_merge_size": merge, "temporal_patch_size": 2,
        "image_token_id": IMAGE_TOKEN, "vision_start_token_id": VISION_START, "vision_end_token_id": VISION_END,
        "input_ids": ids, "image_grid_thw": [t, h, w], "generated_ids": generated,
        "rope_position_ids": positions, "rope_delta": delta, "rope_position_ids_source": source,
        "mm_token_type_ids": "mm_token_type_ids" in inputs, "generate_check": generate,
        "reload_max_abs_diff": reload_error, "warnings": warnings, "tolerances": TOLERANCES,
    }
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(root, file)) for root, _, files in os.walk(folder) for file in files)
    print(f"{name}: grid {t}x{h}x{w} ({tokens} image tokens), prompt {len(ids)} tokens, generated {generated}, "
          f"generate {generate}, reload diff {reload_error:.2g}, {size / 1e6:.2f} MB in {folder}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"),
                        help="where the fixture folders go (default: bench/reference beside this script)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--only", default="", help="comma-separated families (default: all)")
    parser.add_argument("--lora", action="store_true", help="also a fixture per family through a PEFT LoRA adapter")
    args = parser.parse_args()
    # Full float32 everywhere: on CUDA, TF32 convolutions and matmuls would be off by ~1e-3.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    names = [n for n in args.only.split(",") if n] or list(FAMILIES)
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        raise SystemExit(f"unknown families {unknown}; known: {list(FAMILIES)}")
    problems = Problems()
    for name in names:
        make_fixture(name, FAMILIES[name], args.out, args.device, args.seed, problems)
        if args.lora:
            make_fixture(name, FAMILIES[name], args.out, args.device, args.seed, problems, lora=True)
    if problems.items:
        print("\n".join(["the fixtures were written, but:"] + problems.items), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
