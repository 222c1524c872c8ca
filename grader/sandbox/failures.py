"""How a call into student code can fail, as the checks see it."""

from __future__ import annotations

from typing import Any

from grader.results import Bilingual


class StudentCodeFailure(Exception):
    """The student's code raised, hung, crashed or broke a limit during a call."""

    def __init__(self, kind: str, message: Bilingual, output: str = "") -> None:
        super().__init__(message.en)
        self.kind = kind  # exception | timeout | crashed | protocol | missing
        self.message = message
        self.output = output
        # For a call made with return_args that raised: its arguments as the call left them
        # (e.g. a cache updated before the error). None when they could not come back.
        self.args_after: tuple[Any, ...] | None = None


def failure_from_reply(reply: dict[str, Any]) -> StudentCodeFailure:
    error_type = str(reply.get("error_type", "Error"))
    message = str(reply.get("message", ""))
    where = ""
    if reply.get("line"):
        where = f" ({reply['where']}, line {reply['line']})" if reply.get("where") else f" (line {reply['line']})"
    if error_type == "NotImplementedError":
        return StudentCodeFailure("not_implemented", Bilingual(
            f"Not answered yet: the function still raises NotImplementedError{where}.",
            f"هنوز پاسخ داده نشده است: تابع هنوز NotImplementedError می‌دهد{where}."))  # fmt: skip
    if error_type == "MemoryError":
        return StudentCodeFailure("memory", Bilingual(
            f"ran out of memory{where}: the grader's memory limit was reached",
            f"حافظه تمام شد{where}: به سقف حافظهٔ تصحیح‌گر رسید"), str(reply.get("output", "")))  # fmt: skip
    return StudentCodeFailure("exception", Bilingual(
        f"your code raised {message}{where}", f"کد شما این خطا را داد: {message}{where}"),
        str(reply.get("output", "")))  # fmt: skip
