"""Q3 reference: why the handed-out LSTM gets a negative R² on hourly gas consumption, and a fix.

`generate()`: the sheet's data is not public, so a seeded synthetic hourly sheet with
its columns (COLUMNS): 2 years from 2022-03-01; Tehran-like temperature (seasonal and
daily cycles, multi-day weather anomalies); demand from heating degree hours of a
thermally lagged temperature (building mass) plus a cooking/hot-water profile by hour
and weekday (Friday is the weekend); multiplicative AR(1) noise; gaps: absent hours
anywhere, NaN rows (logger outages) only in the older part. The sheet's code drops NaN
rows from its training part only and still prints a number, so its test part had no
NaN (r2_score raises on one, and so does `handed_out_pipeline`).

`handed_out_pipeline()`: the sheet's code as the assignment states it: chronological
80/20 split by rows, dropna on the training part only, no scaling, the inputs (date as
its day ordinal, the usual `toordinal` idiom; hour, month, temperature) of ONE hour fed
as a "sequence" of 4 steps to three LSTM(50, return_sequences=True), Flatten, Dense(1);
Adam, MSE, 60 epochs, batch 64. `fixed_pipeline()`: an hourly grid (absent hours NaN,
gaps up to 3 h carried forward, never filled from the future), windows of the past 24
hours of all features including consumption, shape (samples, 24, 8), min-max scaling
fitted on the training part only, the last 15% of the training windows (in time order)
for validation with early stopping, the change from the last hour as the target, scored
on the same test rows.

What drives the negative R² (numbers in artifacts/q03/summary.json): not the missing
scaling or the features-as-steps (one input weight shared by date, hour, month and
temperature) by themselves: trained exactly as the sheet does, on this sheet without a
regime change the handed-out model scores R² 0.97 on the test part, and as weather is
one of its inputs a colder or warmer test period alone does not break it either (6-8 °C
shifts, tried in development). It fails when the test period's consumption changes in a
way its inputs cannot show; here a supply curtailment from 2023-11-15, after the split
(at most 0.6 m3 per unit and hour: severe, the kind of cut Iran's grid has made in cold
winters). A model of (date, hour, month, temperature) can only repeat the training
relationship (the unscaled date saturates the gates, a constant), so it overpredicts
every cold hour, and R² weighs its errors against the test part's own variance: R² -1.5.
The shift must be about as large as that spread: a cap of 0.7 gives R² +0.07, 0.8 +0.66.
A model that sees the past hours' consumption follows the new level: R² 0.94. The cause
is the missing temporal window (no lagged consumption: a static regression dressed as an
LSTM) meeting a distribution shift that the chronological split exposes. Caveat: a
persistence forecast (next hour = last hour) scores 0.98 here, as the LSTM's learned
hourly corrections belong to the uncurtailed regime.
`python -m reference.q03_gas_consumption run` writes reference/artifacts/q03/.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "q03"
COLUMNS = ("date", "hour", "weekday", "month", "temperature", "cons (m3/unit)", "no")
HANDED_OUT_INPUTS = ("date", "hour", "month", "temperature")
FIXED_FEATURES = ("temperature", "hour_sin", "hour_cos", "weekday_sin", "weekday_cos", "month_sin", "month_cos", "cons")
SEED, START, DAYS, TRAIN_FRACTION = 3, "2022-03-01", 730, 0.8
CURTAILMENT_START, CURTAILMENT_CAP = "2023-11-15", 0.6  # m3 per unit and hour
HANDED_OUT_EPOCHS, HANDED_OUT_BATCH, HANDED_OUT_UNITS = 60, 64, 50
WINDOW, FIXED_EPOCHS, FIXED_BATCH, FIXED_UNITS, MAX_FILL = 24, 30, 128, 32, 3

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class GasData:
    """The sheet's columns as arrays, one element per row (hour) in file order."""

    date: npt.NDArray[np.datetime64]  # datetime64[D]
    hour: Ints  # 0..23
    weekday: Ints  # Saturday..Friday -> 1..7
    month: Ints  # Gregorian 1..12
    temperature: Floats  # °C, NaN in outage rows
    cons: Floats  # m3 per unit in that hour, NaN in outage rows
    no: Ints  # row number 1..n

    def __len__(self) -> int:
        return len(self.no)

    def rows(self, part: slice) -> GasData:
        return GasData(*(getattr(self, f.name)[part] for f in fields(self)))

    def stamps(self) -> npt.NDArray[np.datetime64]:
        stamps: npt.NDArray[np.datetime64] = self.date.astype("datetime64[h]") + self.hour.astype("timedelta64[h]")
        return stamps

    def to_csv(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            for i in range(len(self)):
                temperature, cons = self.temperature[i], self.cons[i]
                writer.writerow([str(self.date[i]), self.hour[i], self.weekday[i], self.month[i],
                                 "" if np.isnan(temperature) else f"{temperature:.1f}",
                                 "" if np.isnan(cons) else f"{cons:.3f}", self.no[i]])  # fmt: skip
        return path


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> Floats:
    shocks, out = rng.normal(0.0, sd, n), np.zeros(n)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


def generate(seed: int = SEED, start: str = START, days: int = DAYS, cap: float | None = CURTAILMENT_CAP) -> GasData:
    """A seeded synthetic hourly sheet; any `cap` (None: no curtailment) leaves every random draw the same."""
    rng = np.random.default_rng(seed)
    n = days * 24
    stamps = np.datetime64(start, "h") + np.arange(n).astype("timedelta64[h]")
    date = stamps.astype("datetime64[D]")
    hour = (np.arange(n) % 24).astype(np.int64)
    weekday = ((date.astype(np.int64) + 5) % 7 + 1).astype(np.int64)  # 1970-01-01 was a Thursday (6)
    month = (date.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int64)
    day_of_year = (date - date.astype("datetime64[Y]")).astype(np.int64)
    seasonal = 17.0 - 13.5 * np.cos(2 * np.pi * (day_of_year - 18) / 365.25)
    summer = (seasonal - 3.5) / 27.0  # 0 in mid-winter, 1 in mid-summer
    daily_range = 3.5 + 2.0 * summer  # wider daily swing, smaller weather anomalies in summer
    weather = np.interp(np.arange(n) / 24, np.arange(days + 1), _ar1(rng, days + 1, 0.75, 2.2)) * (1 - 0.5 * summer)
    temperature = seasonal + daily_range * np.cos(2 * np.pi * (hour - 15) / 24) + weather + rng.normal(0, 0.4, n)
    felt = np.empty(n)  # the building's thermal mass smooths the outdoor temperature (time constant 8 h)
    felt[0] = temperature[0]
    for i in range(1, n):
        felt[i] = felt[i - 1] + (temperature[i] - felt[i - 1]) / 8.0
    heating = 0.055 * np.maximum(0.0, 18.0 - felt) * (1.0 + 0.15 * np.cos(2 * np.pi * (hour - 21) / 24))
    base = 0.12 + 0.10 * np.exp(-0.5 * ((hour - 7.5) / 1.2) ** 2) + 0.16 * np.exp(-0.5 * ((hour - 20) / 1.8) ** 2)
    base = base * np.where(weekday == 7, 1.2, np.where(weekday == 6, 1.08, 1.0))
    demand = base + heating
    if cap is not None:
        demand = np.where(stamps >= np.datetime64(CURTAILMENT_START, "h"), np.minimum(demand, cap), demand)
    cons = np.round(demand * np.exp(_ar1(rng, n, 0.8, 0.03)), 3)
    temperature = np.round(temperature, 1)
    older = int(0.75 * n)  # outages (NaN rows) only in the older part, see the module docstring
    for begin, length in zip(rng.integers(0, older - 60, 14), rng.integers(1, 7, 14), strict=True):
        temperature[begin : begin + length] = cons[begin : begin + length] = np.nan
    long_outage = int(rng.integers(0, older - 60))
    temperature[long_outage : long_outage + 48] = cons[long_outage : long_outage + 48] = np.nan
    cons[rng.integers(0, older, 20)] = np.nan
    keep = np.ones(n, dtype=bool)  # absent hours (rows missing from the sheet) anywhere, 1-3 hours each
    for begin, length in zip(rng.integers(24, n - 4, 40), rng.integers(1, 4, 40), strict=True):
        keep[begin : begin + length] = False
    rows = int(keep.sum())
    return GasData(date[keep], hour[keep], weekday[keep], month[keep], temperature[keep], cons[keep],
                   np.arange(1, rows + 1, dtype=np.int64))  # fmt: skip


def r2(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> float:
    """1 - SS_res / SS_tot, like sklearn's r2_score for one output."""
    truth, pred = np.asarray(y_true, np.float64).ravel(), np.asarray(y_pred, np.float64).ravel()
    return float(1.0 - np.sum((truth - pred) ** 2) / np.sum((truth - truth.mean()) ** 2))


def train_size(data: GasData) -> int:
    return int(len(data) * TRAIN_FRACTION)  # the sheet's data[:train_size] / data[train_size:]


@dataclass
class Result:
    r2: float
    rows: Ints  # positions in the sheet of the scored test rows
    y_true: Floats
    y_pred: Floats
    train_seconds: float
    epochs_run: int
    parameters: int
    model: Any = None


def handed_out_inputs(data: GasData) -> Floats:
    ordinal = data.date.astype(np.int64) + 719_163  # date.toordinal(): days since 0001-01-01, unscaled
    return np.stack([ordinal, data.hour, data.month, data.temperature], axis=1).astype(np.float64)


def handed_out_pipeline(data: GasData, epochs: int = HANDED_OUT_EPOCHS, seed: int = SEED) -> Result:
    """The sheet's pipeline as the assignment states it; two neutral changes: keras.Input for `input_shape=`
    (which Keras 3 warns about) and unroll=True (the same arithmetic, faster on a CPU for 4 steps)."""
    import keras

    keras.utils.set_random_seed(seed)
    x, y, split = handed_out_inputs(data), data.cons, train_size(data)
    x_train, y_train, x_test, y_test = x[:split], y[:split], x[split:], y[split:]
    complete = ~np.isnan(x_train).any(axis=1) & ~np.isnan(y_train)  # dropna() on the training part only
    x_train, y_train = x_train[complete], y_train[complete]
    steps = len(HANDED_OUT_INPUTS)  # MinMaxScaler imported, never used
    lstm = [keras.layers.LSTM(HANDED_OUT_UNITS, return_sequences=True, unroll=True) for _ in range(3)]
    model = keras.Sequential([keras.Input((steps, 1)), *lstm, keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    started = time.perf_counter()
    history = model.fit(x_train[..., None], y_train, epochs=epochs, batch_size=HANDED_OUT_BATCH, verbose=0)
    seconds = time.perf_counter() - started
    predicted = np.asarray(model.predict(x_test[..., None], batch_size=1024, verbose=0), np.float64)[:, 0]
    if np.isnan(y_test).any() or np.isnan(predicted).any():
        raise ValueError("Input contains NaN.")  # what r2_score says
    return Result(r2(y_test, predicted), np.arange(split, len(data)), y_test, predicted, round(seconds, 1),
                  len(history.history["loss"]), int(model.count_params()), model)  # fmt: skip


def hourly_features(data: GasData) -> tuple[npt.NDArray[np.datetime64], Floats, Ints]:
    """The FIXED_FEATURES on a complete hourly grid; absent hours are NaN, row_of[h] is -1 there."""
    stamps = data.stamps()
    grid = np.arange(stamps[0], stamps[-1] + np.timedelta64(1, "h"))
    at = (stamps - stamps[0]).astype(np.int64)
    row_of = np.full(len(grid), -1, dtype=np.int64)
    row_of[at] = np.arange(len(data))
    hour = (grid.astype(np.int64) % 24).astype(np.float64)
    weekday = ((grid.astype("datetime64[D]").astype(np.int64) + 5) % 7).astype(np.float64)
    month = (grid.astype("datetime64[M]").astype(np.int64) % 12).astype(np.float64)
    measured = np.full((len(grid), 2), np.nan)
    measured[at] = np.stack([data.temperature, data.cons], axis=1)
    measured = forward_fill(measured, MAX_FILL)
    cyclic = [f(2 * np.pi * v / p) for v, p in ((hour, 24), (weekday, 7), (month, 12)) for f in (np.sin, np.cos)]
    return grid, np.column_stack([measured[:, 0], *cyclic, measured[:, 1]]), row_of


def forward_fill(values: Floats, limit: int) -> Floats:
    """Carry the last value over gaps of at most `limit` hours (causal: never uses a later hour)."""
    out = values.copy()
    for column in range(out.shape[1]):
        gap = 0
        for i in range(1, len(out)):
            gap = gap + 1 if np.isnan(values[i, column]) else 0
            if gap and gap <= limit:
                out[i, column] = out[i - 1, column]
    return out


def windows(features: Floats, window: int) -> tuple[npt.NDArray[np.float32], Ints]:
    """(samples, window, features) inputs: hours t-window..t-1 for every target hour t >= window."""
    views = np.lib.stride_tricks.sliding_window_view(features, (window, features.shape[1]))[:-1, 0]
    return views.astype(np.float32), np.arange(window, len(features), dtype=np.int64)


def fixed_pipeline(
    data: GasData, window: int = WINDOW, epochs: int = FIXED_EPOCHS, seed: int = SEED, change: bool = True
) -> Result:
    """Past-hours windows over all features, train-only scaling, validation and early stopping."""
    import keras

    keras.utils.set_random_seed(seed)
    split = train_size(data)
    grid, features, row_of = hourly_features(data)
    train_hours = grid < data.stamps()[split]  # everything before the first test row
    low, high = np.nanmin(features[train_hours], axis=0), np.nanmax(features[train_hours], axis=0)
    scaled = (features - low) / np.where(high > low, high - low, 1.0)
    x, target = windows(scaled, window)
    rows = row_of[target]
    usable = (rows >= 0) & ~np.isnan(data.cons[rows]) & ~np.isnan(x).any(axis=(1, 2))
    last = x[:, -1, -1].astype(np.float64) if change else np.zeros(len(x))  # the last measured hour's consumption
    y = scaled[target, -1] - last
    train, test = usable & (rows < split), usable & (rows >= split)
    train_index = np.flatnonzero(train)
    cut = int(len(train_index) * 0.85)  # the last 15% of the training windows, in time order, validate
    fit_index, val_index = train_index[:cut], train_index[cut:]
    model = keras.Sequential([keras.Input((window, features.shape[1])), keras.layers.LSTM(FIXED_UNITS),
                              keras.layers.Dense(1)])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="mse")
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    started = time.perf_counter()
    history = model.fit(x[fit_index], y[fit_index], validation_data=(x[val_index], y[val_index]), epochs=epochs,
                        batch_size=FIXED_BATCH, callbacks=[stop], verbose=0)  # fmt: skip
    seconds = time.perf_counter() - started
    scaled_pred = np.asarray(model.predict(x[test], batch_size=2048, verbose=0), np.float64)[:, 0]
    predicted = (last[test] + scaled_pred) * (high[-1] - low[-1]) + low[-1]
    y_test = data.cons[rows[test]]
    return Result(r2(y_test, predicted), rows[test], y_test, predicted, round(seconds, 1),
                  len(history.history["loss"]), int(model.count_params()), model)  # fmt: skip


def describe(data: GasData) -> dict[str, Any]:
    stamps, split = data.stamps(), train_size(data)
    nan_rows = np.isnan(data.temperature) | np.isnan(data.cons)
    train, test = data.cons[:split], data.cons[split:]
    return {
        "source": f"synthetic: reference.q03_gas_consumption.generate(seed={SEED})", "columns": list(COLUMNS),
        "rows": len(data), "first_hour": str(stamps[0]), "last_hour": str(stamps[-1]),
        "absent_hours": int((stamps[-1] - stamps[0]).astype(np.int64) + 1 - len(data)),
        "rows_with_nan": int(nan_rows.sum()), "train_rows": split,
        "train_rows_after_dropna": int((~nan_rows[:split]).sum()),
        "test_rows": len(data) - split, "test_starts": str(stamps[split]),
        "curtailment": {"from": CURTAILMENT_START, "cap_m3_per_unit_hour": CURTAILMENT_CAP},
        "cons_mean_std": {"train": [round(float(np.nanmean(train)), 4), round(float(np.nanstd(train)), 4)],
                          "test": [round(float(test.mean()), 4), round(float(test.std()), 4)]},
        "temperature_range": [float(np.nanmin(data.temperature)), float(np.nanmax(data.temperature))],
    }  # fmt: skip


def persistence(data: GasData, rows: Ints) -> Floats:
    """The naive forecast for each row: the last measured hour before it (on the filled hourly grid)."""
    _, features, _ = hourly_features(data)
    last: Floats = features[(data.stamps()[rows] - data.stamps()[0]).astype(np.int64) - 1, -1]
    return last


def plot_week(data: GasData, before: Result, after: Result, path: Path) -> Path:
    """Truth and both pipelines' predictions over the coldest test week (the curtailment binds there)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    first = int(np.argmin(np.convolve(data.temperature[after.rows], np.ones(168) / 168, mode="valid")))
    week = after.rows[first : first + 168]
    stamps = data.stamps()[week].astype("datetime64[s]").astype(object)
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 5.6), sharex=True, height_ratios=(3, 1))
    top.plot(stamps, data.cons[week], color="black", linewidth=1.6, label="measured (curtailed supply)")
    top.plot(stamps, before.y_pred[np.searchsorted(before.rows, week)], color="tab:red", linestyle="--",
             label=f"handed-out LSTM (test R² = {before.r2:.2f})")  # fmt: skip
    top.plot(stamps, after.y_pred[first : first + 168], color="tab:blue",
             label=f"fixed: 24-hour windows (test R² = {after.r2:.2f})")  # fmt: skip
    top.set_ylabel("gas, m3 per unit and hour")
    top.set_title("Q3: hourly gas consumption, coldest week of the chronological test part")
    top.grid(alpha=0.3)
    top.legend(loc="upper left", fontsize=9)
    bottom.plot(stamps, data.temperature[week], color="tab:orange")
    bottom.set_ylabel("temperature, °C")
    bottom.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def run(out: Path = ARTIFACTS) -> dict[str, Any]:
    started = time.perf_counter()
    data = generate()
    before, after = handed_out_pipeline(data), fixed_pipeline(data)
    scored = np.isin(before.rows, after.rows)
    # Training rows and inputs do not depend on the cap (it starts after the split): the same predictions, other truths.
    caps = (0.6, 0.7, 0.8, 0.9, None)
    by_cap = {str(cap): round(r2(generate(cap=cap).cons[before.rows], before.y_pred), 4) for cap in caps}
    out.mkdir(parents=True, exist_ok=True)
    plot_week(data, before, after, out / "test_week.png")
    summary = {
        "r2_before": round(before.r2, 4), "r2_after": round(after.r2, 4), "data": describe(data),
        "handed_out": {
            "inputs": list(HANDED_OUT_INPUTS), "scaling": "none", "input_shape": [len(HANDED_OUT_INPUTS), 1],
            "layers": "3 x LSTM(50, return_sequences=True), Flatten, Dense(1)", "epochs": before.epochs_run,
            "batch_size": HANDED_OUT_BATCH, "parameters": before.parameters, "test_r2": round(before.r2, 4),
            "test_r2_on_fixed_rows": round(r2(before.y_true[scored], before.y_pred[scored]), 4),
            "test_r2_by_cap": by_cap, "test_r2_without_curtailment": by_cap["None"],
            "train_seconds": before.train_seconds,
        },
        "fixed": {
            "inputs": list(FIXED_FEATURES), "window_hours": WINDOW, "input_shape": [WINDOW, len(FIXED_FEATURES)],
            "target": "change from the last measured hour", "scaling": "min-max fitted on the training part only",
            "layers": f"LSTM({FIXED_UNITS}), Dense(1)", "max_epochs": FIXED_EPOCHS, "epochs_run": after.epochs_run,
            "validation": "last 15% of the training windows; early stopping, patience 3, best weights",
            "batch_size": FIXED_BATCH, "parameters": after.parameters, "test_r2": round(after.r2, 4),
            "test_rows_scored": len(after.rows), "train_seconds": after.train_seconds,
        },
        "persistence_r2": round(r2(after.y_true, persistence(data, after.rows)), 4),
        "total_seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, CPU only",
    }  # fmt: skip
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


def key_values(out: Path = ARTIFACTS) -> dict[str, Any]:
    """The answer key's Q3 numbers, read from the committed run (no TensorFlow needed)."""
    path = out / "summary.json"
    if not path.exists():
        return {"status": "the Q3 reference run has not been committed yet"}
    summary = json.loads(path.read_text())
    before, after = summary["handed_out"], summary["fixed"]
    return {
        "r2_before": summary["r2_before"], "r2_after": summary["r2_after"],
        "r2_before_without_curtailment": before["test_r2_without_curtailment"],
        "r2_before_by_cap": before["test_r2_by_cap"], "persistence_r2": summary["persistence_r2"],
        "test_starts": summary["data"]["test_starts"], "curtailment": summary["data"]["curtailment"],
        "window_hours": after["window_hours"], "fixed_epochs_run": after["epochs_run"],
        "train_seconds": {"handed_out": before["train_seconds"], "fixed": after["train_seconds"]},
        "machine": summary["machine"],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Q3 reference: the handed-out gas LSTM (negative R²) and a fix.")
    parser.add_argument("command", choices=["run", "data"], help="run: both pipelines, artifacts; data: write CSV")
    parser.add_argument("--csv", type=Path, default=Path("q03_gas_consumption.csv"), help="where `data` writes")
    parser.add_argument("--seed", type=int, default=SEED, help="generator seed for `data`")
    options = parser.parse_args()
    if options.command == "data":
        print(generate(options.seed).to_csv(options.csv))
        return
    print(json.dumps(run(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
