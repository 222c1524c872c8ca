"""Q5 reference: output sizes and parameter counts from general, sympy-derived formulas.

The network is data (answers/q05.yaml). The formulas are derived once with
sympy from the definition of a (dilated, strided, padded) convolution and
simplified; the table is computed from them, never typed in. `keras_cross_check`
(tests, and the answer key when TensorFlow is present) rebuilds every layer
Keras can build and compares shapes and `count_params()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from grader.answers import load

n, k, s, d, p, c_in, c_out, f = sympy.symbols("n k s d p c_in c_out f", positive=True, integer=True)

#: Extent of a dilated kernel: k taps spread d apart.
EFFECTIVE_KERNEL = sympy.simplify(d * (k - 1) + 1)
#: Output length with explicit padding p on each side (the textbook formula).
OUTPUT_PADDED = sympy.floor((n + 2 * p - EFFECTIVE_KERNEL) / s) + 1
#: 'valid' padding is p = 0.
OUTPUT_VALID = sympy.simplify(OUTPUT_PADDED.subs(p, 0))
#: 'same' padding (TensorFlow/Keras): the output keeps ceil(n / s) positions.
OUTPUT_SAME = sympy.ceiling(n / s)
#: Weights of a conv layer: one k x k x c_in kernel and one bias per filter.
CONV_PARAMETERS = sympy.expand((k * k * c_in + 1) * c_out)


def padding_relation() -> dict[str, Any]:
    """Q5(b): solve 'output size = input size' at stride 1 for the per-side padding p."""
    # At stride 1 the floor is of an integer, and sympy drops it (the symbols are integers).
    equation = sympy.Eq(OUTPUT_PADDED.subs({s: 1, k: f}), n)
    (solution,) = sympy.solve(equation, p)
    plain = sympy.simplify(solution.subs(d, 1))
    return {
        "equation": sympy.latex(equation),
        "per_side": plain,
        "per_side_dilated": sympy.factor(solution),
        "total": sympy.simplify(2 * plain),
        "check": all(
            int(OUTPUT_PADDED.subs({n: size, k: fv, s: 1, d: 1, p: plain.subs(f, fv)})) == size
            for size in (7, 28, 256)
            for fv in (1, 3, 5, 7)
        ),
    }


@dataclass(frozen=True)
class LayerRow:
    index: int
    name: str
    kind: str
    input_shape: tuple[int, int, int] | None
    output_shape: tuple[int, int, int] | None  # None: the layer cannot be applied
    params: int  # parameters of the layer's weights (independent of its input size)
    filters: int  # 0 for pooling
    reason_en: str
    reason_fa: str

    @property
    def applicable(self) -> bool:
        return self.output_shape is not None


def _spatial(kind: str, size: int, spec: dict[str, Any]) -> tuple[int | None, str, str]:
    kernel, stride = int(spec["kernel"]), int(spec["stride"])
    dilation = int(spec.get("dilation", 1))
    subs = {n: size, k: kernel, s: stride, d: dilation}
    if spec["padding"] == "same":
        out = int(OUTPUT_SAME.subs(subs))
        return out, f"same: ceil({size}/{stride}) = {out}", f"same: ceil({size}/{stride}) = {out}"
    extent = int(EFFECTIVE_KERNEL.subs(subs))
    if extent > size:
        what = "dilated kernel" if dilation > 1 else "window"
        return (
            None,
            f"cannot be applied: the {what} spans {extent} pixels ({dilation}·({kernel}−1)+1) "
            f"but the input is only {size} wide, with valid padding",
            f"قابل اعمال نیست: گسترهٔ کرنل {extent} پیکسل است ({dilation}·({kernel}−1)+1) "
            f"ولی ورودی با padding از نوع valid فقط {size} پیکسل عرض دارد",
        )
    out = int(OUTPUT_VALID.subs(subs))
    formula = f"floor(({size} − {extent})/{stride}) + 1 = {out}"
    return out, formula, formula


def layer_output(spec: dict[str, Any], shape: tuple[int, int, int]) -> tuple[int, int, int] | None:
    """What one layer gives for an input of this shape (None: it cannot be applied to it).

    Used to grade an answer that is right for the student's own, wrong, input.
    """
    out_h, _, _ = _spatial(str(spec["kind"]), shape[0], spec)
    out_w, _, _ = _spatial(str(spec["kind"]), shape[1], spec)
    if out_h is None or out_w is None:
        return None
    return out_h, out_w, int(spec["filters"]) if spec["kind"] == "conv" else shape[2]


def layer_table(data: dict[str, Any] | None = None) -> list[LayerRow]:
    data = data or load("q05")
    height, width, channels = (int(v) for v in data["input"])
    shape: tuple[int, int, int] | None = (height, width, channels)
    rows = []
    for index, spec in enumerate(data["layers"], start=1):
        kind = str(spec["kind"])
        params = filters = 0
        if kind == "conv":
            filters = int(spec["filters"])
            # The weights depend only on the channel count, known even after a layer
            # that cannot be applied.
            params = int(CONV_PARAMETERS.subs({k: int(spec["kernel"]), c_in: channels, c_out: int(spec["filters"])}))
            channels = int(spec["filters"])
        if shape is None:
            rows.append(LayerRow(index, spec["name"], kind, None, None, params, filters,
                                 "cannot be applied: its input does not exist (an earlier layer could not be applied)",
                                 "قابل اعمال نیست: ورودی آن وجود ندارد (لایهٔ قبلی قابل اعمال نبود)"))  # fmt: skip
            continue
        out_h, reason_en, reason_fa = _spatial(kind, shape[0], spec)
        out_w, _, _ = _spatial(kind, shape[1], spec)
        if out_h is None or out_w is None:
            rows.append(LayerRow(index, spec["name"], kind, shape, None, params, filters, reason_en, reason_fa))
            shape = None
            continue
        out_c = int(spec["filters"]) if kind == "conv" else shape[2]
        rows.append(
            LayerRow(index, spec["name"], kind, shape, (out_h, out_w, out_c), params, filters, reason_en, reason_fa)
        )
        shape = (out_h, out_w, out_c)
    return rows


def keras_cross_check(data: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rebuild each layer with Keras; compare output shape and count_params().

    Keras refuses strides > 1 together with dilation_rate > 1, so such a layer is
    built as the same dilated conv at stride 1 followed by keeping every s-th
    output position (`[:, ::s, ::s]`), which is the definition of a stride.
    """
    import numpy as np
    from keras import layers

    results = []
    for row in layer_table(data):
        spec = (data or load("q05"))["layers"][row.index - 1]
        entry: dict[str, Any] = {"index": row.index}
        if row.input_shape is None:
            entry.update(keras="no input", agrees=row.output_shape is None)
            results.append(entry)
            continue
        x = np.zeros((1, *row.input_shape), dtype="float32")
        stride, dilation = int(spec["stride"]), int(spec.get("dilation", 1))
        try:
            if row.kind == "conv":
                layer = layers.Conv2D(int(spec["filters"]), int(spec["kernel"]), padding=spec["padding"],
                                      strides=1 if dilation > 1 else stride, dilation_rate=dilation)  # fmt: skip
            else:
                layer = layers.MaxPooling2D(int(spec["kernel"]), strides=stride, padding=spec["padding"])
            y = np.asarray(layer(x))
            if row.kind == "conv" and dilation > 1 and stride > 1:
                y = y[:, ::stride, ::stride, :]
            if y.size == 0 or min(y.shape[1:3]) <= 0:
                raise ValueError(f"empty output {y.shape}")
            shape = tuple(int(v) for v in y.shape[1:])
            entry.update(keras=list(shape), params=int(layer.count_params()),
                         agrees=shape == row.output_shape and int(layer.count_params()) == row.params)  # fmt: skip
        except ValueError as error:  # Keras refuses a kernel larger than its input
            entry.update(keras=f"refused: {str(error).splitlines()[0][:120]}", agrees=row.output_shape is None)
        results.append(entry)
    return results


def key_values() -> dict[str, Any]:
    relation = padding_relation()
    return {
        "layers": [
            {
                "index": r.index,
                "name": r.name,
                "input": list(r.input_shape) if r.input_shape else None,
                "output": list(r.output_shape) if r.output_shape else None,
                "applicable": r.applicable,
                "params": r.params,
                "reason": {"en": r.reason_en, "fa": r.reason_fa},
            }
            for r in layer_table()
        ],
        "formulas": {
            "effective_kernel": str(EFFECTIVE_KERNEL),
            "output_valid": str(OUTPUT_VALID),
            "output_same": str(OUTPUT_SAME),
            "conv_parameters": str(CONV_PARAMETERS),
        },
        "padding": {
            "per_side": str(relation["per_side"]),
            "per_side_dilated": str(relation["per_side_dilated"]),
            "total": str(relation["total"]),
            "verified": relation["check"],
        },
    }


if __name__ == "__main__":
    for row in layer_table():
        shape = "n/a" if row.output_shape is None else "x".join(map(str, row.output_shape))
        print(f"{row.index}  {row.name:42s} {shape:>14s} {row.params:>8,d}  {row.reason_en}")
    print("padding per side: p =", padding_relation()["per_side"])
