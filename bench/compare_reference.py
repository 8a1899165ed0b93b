"""Sets the engine's greedy decoding beside transformers' on the same folder, photo and prompt.

    python3 bench/compare_reference.py ENGINE.json REFERENCE.json [REFERENCE.json ...]

ENGINE.json is what gpu-runner's GreedyReference writes, each REFERENCE.json what transformers_reference.py writes.
Per reference it prints one line: how many greedy ids agree, the first step where they part, and the largest
|logit difference| over the reference's top tokens that the engine also ranks in its top k, up to that step (after
it the two decode different texts). Exits non-zero if the prompts differ in length. Needs only the standard library.
"""
import json
import sys


def compare(ours, ref):
    pairs = list(zip(ours["ids"], ref["ids"]))
    first = next((step for step, (a, b) in enumerate(pairs) if a != b), None)
    last = len(pairs) - 1 if first is None else first
    worst = 0.0
    for step in range(last + 1):
        our_ids = ours["top_ids"][step]
        for token, logit in zip(ref["top_ids"][step], ref["top_logits"][step]):
            if token in our_ids:
                worst = max(worst, abs(ours["top_logits"][step][our_ids.index(token)] - logit))
    return sum(a == b for a, b in pairs), len(ref["ids"]), first, worst


def main(args):
    if len(args) < 2:
        sys.exit(__doc__)
    with open(args[0]) as f:
        ours = json.load(f)
    failed = False
    for path in args[1:]:
        with open(path) as f:
            ref = json.load(f)
        if ours["prompt_tokens"] != ref["prompt_tokens"]:
            print(f"{path}: prompt of {ref['prompt_tokens']} tokens, the engine's of {ours['prompt_tokens']}")
            failed = True
            continue
        same, steps, first, worst = compare(ours, ref)
        parted = "never" if first is None else f"at step {first}"
        print(f"{ours['device']} {ours['dtype']} against {ref['device']} {ref['dtype']} ({path}): {same}/{steps} ids"
              f" equal, parting {parted}; largest |logit difference| over shared top tokens up to there {worst:.2g}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
