"""Q3 (optional): your fixed gas-consumption pipeline, run by the grader.

Your diagnosis and fix in words go in answer_sheet.yaml (q03.diagnosis, q03.fix). If you also
complete the two functions below, the grader runs them and scores your pipeline's R²; the fix
then earns the higher of the two scores (words or pipeline). Leave them as they are to skip this.

The grader calls them on a synthetic hourly sheet like the course's (the real one is not
public), as a pandas DataFrame with the sheet's columns:
    date (datetime), hour (0-23), weekday (Saturday..Friday -> 1..7), month (1-12),
    temperature (°C), "cons (m3/unit)", no (row number)
Like the real sheet, some hours are absent and some rows hold NaN. The first 80% of the rows
(chronological, as in the handed-out notebook) are for training, the rest for testing.
"""


def train_gas_model(train):
    """Train your model on `train` (the first 80% of the rows, index 0..len-1).

    Return anything predict_gas_consumption needs: the model, your scalers, ... (e.g. a dict).
    The grader allows it 5 minutes on a CPU (the reference fix trains in about 30 seconds).
    """
    raise NotImplementedError("Q3: complete train_gas_model (optional)")


def predict_gas_consumption(fitted, sheet, rows):
    """Predict the consumption (m3/unit) of the rows at positions `rows` of `sheet`.

    `fitted` is what train_gas_model returned; `sheet` is the WHOLE sheet (training and test
    rows, consumption included: one-hour-ahead forecasting may use the hours before); `rows`
    are positions (sheet.iloc) in the test part. Return one number per row, in that order
    (NaN where you cannot predict; at most 5% of them).

    The prediction for a row may use that row's date, hour, weekday, month and temperature, and
    anything from the rows before it, but never its own consumption or any later row's. The
    grader checks this by changing the later consumption and seeing whether your predictions move.
    """
    raise NotImplementedError("Q3: complete predict_gas_consumption (optional)")
