"""`grader key`: the reference values the answer key is built from, per question."""

from __future__ import annotations

from typing import Any

import grader
from grader import answers
from grader.results import QUESTION_IDS

KEY_SCHEMA = "hw4-grader/key/v1"


def key_values() -> dict[str, Any]:
    from reference import (
        q01_keras_tuner,
        q02_transfer_learning,
        q03_gas_consumption,
        q04_cnn_vs_rnn,
        q05_conv_arithmetic,
        q06_batchnorm,
        q07_gradcam,
    )

    builders = {
        "q01": q01_keras_tuner.key_values,
        "q02": q02_transfer_learning.key_values,
        "q03": q03_gas_consumption.key_values,
        "q04": q04_cnn_vs_rnn.key_values,
        "q05": q05_conv_arithmetic.key_values,
        "q06": q06_batchnorm.key_values,
        "q07": q07_gradcam.key_values,
    }
    questions: dict[str, Any] = {}
    for qid in QUESTION_IDS:
        points = answers.question_points(qid)
        entry: dict[str, Any] = {"title": {"en": answers.question_title(qid).en, "fa": answers.question_title(qid).fa},
                                 "points": points.points, "bonus": points.bonus}  # fmt: skip
        if qid in builders:
            entry["reference"] = builders[qid]()
        questions[qid] = entry
    return {"schema": KEY_SCHEMA, "grader_version": grader.__version__, "questions": questions}
