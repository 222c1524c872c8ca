"""The Q3 reference: the synthetic gas sheet, the numpy pieces of both pipelines, and the committed run."""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path

import numpy as np
import pytest

from reference import q03_gas_consumption as ref


@pytest.fixture(scope="module")
def data() -> ref.GasData:
    return ref.generate()


def test_generator_is_deterministic_for_a_seed(data: ref.GasData) -> None:
    again, other = ref.generate(), ref.generate(seed=ref.SEED + 1)
    for name in ("date", "hour", "weekday", "month", "temperature", "cons", "no"):
        assert np.array_equal(getattr(data, name), getattr(again, name), equal_nan=True), name
    assert not np.array_equal(data.cons, other.cons, equal_nan=True)


def test_columns_in_the_csv(data: ref.GasData, tmp_path: Path) -> None:
    path = data.rows(slice(0, 48)).to_csv(tmp_path / "gas.csv")
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == ref.COLUMNS == ("date", "hour", "weekday", "month", "temperature", "cons (m3/unit)", "no")
    assert rows[1] == ["2022-03-01", "0", "4", "3", rows[1][4], rows[1][5], "1"]  # 2022-03-01 was a Tuesday
    assert len(rows) == 49


def test_calendar_columns_agree_with_the_date(data: ref.GasData) -> None:
    assert set(np.unique(data.hour)) == set(range(24)) and set(np.unique(data.month)) == set(range(1, 13))
    for row in range(0, len(data), 997):  # Saturday..Friday -> 1..7, as the sheet maps it; Monday is 0 in Python
        day = datetime.date.fromisoformat(str(data.date[row]))
        assert data.weekday[row] == (day.weekday() + 2) % 7 + 1 and data.month[row] == day.month
    assert str(data.date[data.weekday == 1][0]) == "2022-03-05"  # a Saturday
    assert np.array_equal(data.no, np.arange(1, len(data) + 1))
    assert np.all(np.diff(data.stamps().astype(np.int64)) >= 1)


def test_plausible_ranges_and_size(data: ref.GasData) -> None:
    assert 2 * 365 * 24 - 200 < len(data) <= 2 * 365 * 24  # two years of hours, a few absent
    assert -15 < np.nanmin(data.temperature) < 0 and 35 < np.nanmax(data.temperature) < 45
    assert np.nanmin(data.cons) > 0.05 and np.nanmax(data.cons) < 2.5
    summer = np.isin(data.month, (7, 8))
    assert np.nanmean(data.cons[summer]) < 0.3 < np.nanmean(data.cons[data.month == 1])


def test_gaps_absent_hours_and_nan_rows_only_in_the_training_part(data: ref.GasData) -> None:
    steps = np.diff(data.stamps().astype(np.int64))
    assert (steps > 1).sum() >= 20  # absent hours
    nan_rows = np.flatnonzero(np.isnan(data.cons) | np.isnan(data.temperature))
    assert len(nan_rows) >= 50 and nan_rows.max() < ref.train_size(data)
    assert np.any(np.isnan(data.temperature) & np.isnan(data.cons)) and np.any(
        np.isnan(data.cons[~np.isnan(data.temperature)])
    )


def test_demand_follows_the_cold(data: ref.GasData) -> None:
    complete = ~np.isnan(data.cons) & ~np.isnan(data.temperature)
    heating_degrees = np.maximum(0.0, 18.0 - data.temperature[complete])
    assert np.corrcoef(heating_degrees, data.cons[complete])[0, 1] > 0.8


def test_curtailment_changes_only_the_test_period(data: ref.GasData) -> None:
    free = ref.generate(cap=None)
    split = ref.train_size(data)
    assert np.array_equal(data.cons[:split], free.cons[:split], equal_nan=True)
    after = data.stamps() >= np.datetime64(ref.CURTAILMENT_START, "h")
    assert np.nanmax(data.cons[after]) < ref.CURTAILMENT_CAP * 1.3 < np.nanmax(free.cons[after])


def test_r2_matches_a_hand_computation() -> None:
    truth = [1.0, 2.0, 3.0, 4.0]
    assert ref.r2(truth, [1.0, 2.0, 3.0, 5.0]) == pytest.approx(1 - 1 / 5)  # SS_res 1, SS_tot 5
    assert ref.r2(truth, [2.5] * 4) == pytest.approx(0.0)  # the test mean scores 0
    assert ref.r2(truth, [3.5] * 4) == pytest.approx(1 - 9 / 5)  # a biased constant scores below 0
    assert ref.r2(np.array([[1.0], [2.0], [3.0]]), np.array([1.0, 2.0, 3.0])) == 1.0


def test_windows_look_only_into_the_past() -> None:
    features = np.arange(30, dtype=np.float64).reshape(10, 3)
    x, target = ref.windows(features, 4)
    assert x.shape == (6, 4, 3) and list(target) == list(range(4, 10))
    for sample, hour in zip(x, target, strict=True):
        assert np.array_equal(sample, features[hour - 4 : hour])


def test_forward_fill_is_causal_and_limited() -> None:
    values = np.array([[1.0], [np.nan], [np.nan], [4.0], [np.nan], [np.nan], [np.nan], [np.nan], [9.0]])
    filled = ref.forward_fill(values, 3)[:, 0]
    assert list(filled[:4]) == [1.0, 1.0, 1.0, 4.0] and list(filled[4:7]) == [4.0, 4.0, 4.0]
    assert np.isnan(filled[7]) and filled[8] == 9.0


def test_hourly_grid_restores_absent_hours(data: ref.GasData) -> None:
    part = data.rows(slice(0, 24 * 60))
    grid, features, row_of = ref.hourly_features(part)
    assert features.shape == (len(grid), len(ref.FIXED_FEATURES))
    assert len(grid) > len(part) and (row_of >= 0).sum() == len(part)
    present = row_of >= 0
    assert np.allclose(np.sin(2 * np.pi * part.hour / 24), features[present, 1])


def test_key_values_reads_the_summary(tmp_path: Path) -> None:
    assert "status" in ref.key_values(tmp_path)
    summary = json.loads((ref.ARTIFACTS / "summary.json").read_text())
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    values = ref.key_values(tmp_path)
    assert values["r2_before"] == summary["r2_before"] and values["r2_after"] == summary["r2_after"]
    assert values["window_hours"] == ref.WINDOW


def test_committed_run_shows_the_failure_and_the_fix() -> None:
    summary = json.loads((ref.ARTIFACTS / "summary.json").read_text())
    assert summary["r2_before"] < 0 <= 0.9 <= summary["r2_after"]
    assert summary["handed_out"]["epochs"] == 60 and summary["handed_out"]["batch_size"] == 64
    assert summary["handed_out"]["test_r2_without_curtailment"] > 0.9  # the control: no shift, no failure
    assert summary["fixed"]["test_rows_scored"] == summary["data"]["test_rows"]
    assert summary["data"]["rows"] == len(ref.generate())
    assert (ref.ARTIFACTS / "test_week.png").stat().st_size < 200_000


@pytest.mark.tf
@pytest.mark.slow
def test_both_pipelines_run_on_a_short_slice(data: ref.GasData) -> None:
    pytest.importorskip("keras")
    part = data.rows(slice(-24 * 30, None))  # the last 30 days: no NaN rows, as in the sheet's test part
    before = ref.handed_out_pipeline(part, epochs=1)
    after = ref.fixed_pipeline(part, epochs=2)
    assert np.isfinite(before.r2) and np.isfinite(after.r2)
    assert before.parameters == 51_001 and len(before.rows) == len(part) - ref.train_size(part)
    assert set(after.rows) <= set(before.rows) and after.epochs_run <= 2
