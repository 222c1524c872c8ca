"""Benchmark: the reference Grad-CAM for 10 MNIST digits, after the model is loaded.

Usage: python benchmarks/bench_gradcam.py [--runs 5]
Median of several runs after one warm-up call (which traces the TensorFlow graph).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from reference.mnist import load_mnist, prepare
from reference.q07_gradcam import gradcam_tape, gradcam_vis, load_trained, upsample_and_normalise

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    data = load_mnist(allow_download=False)
    images = prepare(data.x_test[:10])
    model = load_trained()
    classes = np.argmax(np.asarray(model(images)), axis=1)
    results = {}
    for name, function in (("GradientTape", gradcam_tape), ("tf-keras-vis", gradcam_vis)):
        function(model, images, classes)  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            upsample_and_normalise(function(model, images, classes))
            times.append(time.perf_counter() - started)
        results[name] = {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}
    print(f"data: {data.source}\n| implementation | median s | min s | max s |\n|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['median_s']:.3f} | {r['min_s']:.3f} | {r['max_s']:.3f} |")
    out = ROOT / "benchmarks" / "results" / "gradcam.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"runs": runs, "images": 10, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
