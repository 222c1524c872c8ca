"""Every string of the review's pages, in English and Persian (the page shows one, with a switch)."""

from __future__ import annotations

from grader.results import Bilingual

LANGS = ("en", "fa")

STRINGS: dict[str, Bilingual] = {
    "title": Bilingual("HW4 review", "بازبینی تمرین ۴"),
    "queue": Bilingual("Queue", "صف بازبینی"),
    "waiting": Bilingual("{n} checks wait for a TA", "{n} بررسی در انتظار دستیار آموزشی است"),
    "shown": Bilingual("{n} shown", "{n} مورد نمایش داده شده"),
    "rows": Bilingual("rows {first}–{last}", "ردیف‌های {first} تا {last}"),
    "page": Bilingual("page {i} of {n}", "صفحهٔ {i} از {n}"),
    "previous_page": Bilingual("← previous page", "صفحهٔ قبل"),
    "next_page": Bilingual("next page →", "صفحهٔ بعد"),
    "question": Bilingual("Question", "سوال"),
    "check": Bilingual("Check", "بررسی"),
    "student": Bilingual("Student", "دانشجو"),
    "all": Bilingual("all", "همه"),
    "filter": Bilingual("Filter", "فیلتر"),
    "clear": Bilingual("Clear the filters", "پاک کردن فیلترها"),
    "why": Bilingual("Why", "علت"),
    "why_read": Bilingual("a TA must read it", "باید خوانده شود"),
    "why_unsure": Bilingual("a reading to confirm", "برداشت نیاز به تأیید دارد"),
    "why_partial": Bilingual("partial score", "نمرهٔ ناقص"),
    "status": Bilingual("Status", "وضعیت"),
    "passed": Bilingual("passed", "قبول"),
    "partial": Bilingual("partial", "ناقص"),
    "failed": Bilingual("failed", "رد"),
    "error": Bilingual("error", "خطا"),
    "suggested": Bilingual("Suggested score", "نمرهٔ پیشنهادی"),
    "open": Bilingual("Review", "بازبینی"),
    "empty_queue": Bilingual("Nothing here waits for a TA.", "اینجا چیزی در انتظار دستیار آموزشی نیست."),
    "previous": Bilingual("Previous (p)", "قبلی (p)"),
    "next": Bilingual("Next (n)", "بعدی (n)"),
    "position": Bilingual("{i} of {n} in the queue", "{i} از {n} در صف"),
    "not_in_queue": Bilingual("Not waiting in the queue", "در صف بازبینی نیست"),
    "answer": Bilingual("The student's answer", "پاسخ دانشجو"),
    "read_from": Bilingual("Read from", "خوانده‌شده از"),
    "typed_on_sheet": Bilingual("typed on the answer sheet", "در پاسخ‌نامه نوشته شده است"),
    "confidence": Bilingual("confidence", "اطمینان"),
    "needs_reading": Bilingual(
        "a picture or unreadable text: read it in the file", "تصویر یا متن ناخوانا: آن را در خود فایل بخوانید"
    ),
    "corrected_by": Bilingual("corrected by {who}", "اصلاح‌شده به دست {who}"),
    "no_answer": Bilingual("(no answer)", "(بی‌پاسخ)"),
    "excerpt_only": Bilingual(
        "The submission is not reachable from here: the excerpt kept with the results is shown.",
        "فایل‌های ارسال از اینجا در دسترس نیست؛ بخشی که همراه نتایج نگه داشته شده نشان داده می‌شود.",
    ),
    "part_context": Bilingual(
        "The whole part it was read from, the answer marked", "کل بخشی که پاسخ از آن خوانده شد، با پاسخ مشخص‌شده"
    ),
    "feedback": Bilingual("What the grader found", "آنچه تصحیح‌گر یافت"),
    "q05_table": Bilingual("The layer table against the expected one", "جدول لایه‌ها در برابر جدول درست"),
    "q05_layer": Bilingual("layer", "لایه"),
    "q05_output": Bilingual("output", "خروجی"),
    "q05_params": Bilingual("parameters", "پارامترها"),
    "q05_expected": Bilingual("expected", "درست"),
    "q07_heatmaps": Bilingual(
        "Grad-CAM: the reference heatmaps and how the student's agree",
        "Grad-CAM: نقشه‌های مرجع و میزان همخوانی نقشه‌های دانشجو",
    ),
    "q07_note": Bilingual(
        "Correlation of the student's heatmap with the reference one, per image (1 = the same "
        "pattern). Full credit from a median of {agree}, half from {related}.",
        "همبستگی نقشهٔ دانشجو با نقشهٔ مرجع برای هر تصویر (۱ یعنی همان الگو). نمرهٔ کامل از "
        "میانهٔ {agree} و نیمی از نمره از {related}.",
    ),
    "decision": Bilingual("Your decision", "تصمیم شما"),
    "score": Bilingual("Score", "نمره"),
    "reason": Bilingual("Reason (the student sees it with the score)", "دلیل (دانشجو آن را همراه نمره می‌بیند)"),
    "your_name": Bilingual("Your name", "نام شما"),
    "accept": Bilingual("Accept the suggestion (a)", "پذیرفتن نمرهٔ پیشنهادی (a)"),
    "accepted_reason": Bilingual("The suggested score is right.", "نمرهٔ پیشنهادی درست است."),
    "save": Bilingual("Save and go to the next", "ذخیره و رفتن به بعدی"),
    "same_answers": Bilingual("The same decision for the {n} identical answers of", "همین تصمیم برای {n} پاسخ یکسانِ"),
    "decided_same": Bilingual("Identical answers already decided:", "پاسخ‌های یکسانی که پیش‌تر تصمیمشان گرفته شده:"),
    "ta_score": Bilingual("TA's score", "نمرهٔ دستیار آموزشی"),
    "undo": Bilingual("Remove this decision", "حذف این تصمیم"),
    "correct": Bilingual("Correct a reading", "اصلاح یک برداشت"),
    "correct_help": Bilingual(
        "When a value was read wrong from the report, type it as the report has it; the checks "
        "that read it are graded again.",
        "اگر مقداری از گزارش نادرست خوانده شده است، آن را همان‌طور که در گزارش آمده بنویسید؛ "
        "بررسی‌هایی که آن را می‌خوانند دوباره نمره‌دهی می‌شوند.",
    ),
    "field": Bilingual("Answer", "پاسخ"),
    "value": Bilingual("Read as", "خوانده‌شده به صورت"),
    "new_value": Bilingual("Value as the report has it", "مقدار، همان‌طور که در گزارش آمده"),
    "save_correction": Bilingual("Save the correction", "ذخیرهٔ اصلاح"),
    "history": Bilingual("History", "سابقه"),
    "saved": Bilingual("Saved: {student}, {check}: {old} → {new}.", "ذخیره شد: {student}، {check}: {old} ← {new}."),
    "saved_same": Bilingual("The same for {n} identical answers: {ids}.", "همین تصمیم برای {n} پاسخ یکسان: {ids}."),
    "removed": Bilingual(
        "Removed: {student}, {check} counts {score} again.",
        "حذف شد: برای {student}، {check} دوباره {score} حساب می‌شود.",
    ),
    "conflict": Bilingual(
        "{who} changed this while you were looking at it: now {now}. Yours was not saved; "
        "save again to replace theirs.",
        "{who} در همین فاصله این را تغییر داد: اکنون {now}. تغییر شما ذخیره نشد؛ برای جایگزینی دوباره ذخیره کنید.",
    ),
    "someone": Bilingual("Someone", "کسی"),
    "bad_score": Bilingual("The score must be a number from 0 to {max}.", "نمره باید عددی از ۰ تا {max} باشد."),
    "need_reason": Bilingual(
        "A reason is required: it is shown with the score.", "دلیل لازم است: همراه نمره نشان داده می‌شود."
    ),
    "need_name": Bilingual(
        "Give your name: every decision is recorded with who made it.",
        "نام خود را بنویسید: هر تصمیم با نام تصمیم‌گیرنده ثبت می‌شود.",
    ),
    "need_value": Bilingual("Give the value as the report has it.", "مقدار را همان‌طور که در گزارش آمده بنویسید."),
    "corrected": Bilingual("Correction saved: {field} = {value}.", "اصلاح ذخیره شد: {field} = {value}."),
    "regraded": Bilingual("Graded again without running code: {checks}.", "بدون اجرای کد دوباره نمره‌دهی شد: {checks}."),
    "needs_code": Bilingual(
        "These also read it but run the student's code; `grader check` grades them again: {checks}.",
        "این‌ها هم آن را می‌خوانند اما کد دانشجو را اجرا می‌کنند؛ `grader check` آن‌ها را دوباره نمره‌دهی می‌کند: {checks}.",
    ),
    "no_submission": Bilingual(
        "The submission ({where}) is not here, so nothing was graded again.",
        "فایل‌های ارسال ({where}) اینجا نیست، پس چیزی دوباره نمره‌دهی نشد.",
    ),
    "total": Bilingual("Total", "مجموع"),
    "all_checks": Bilingual("All checks of this student", "همهٔ بررسی‌های این دانشجو"),
    "bonus": Bilingual("bonus", "امتیازی"),
    "waits": Bilingual("waits for a TA", "در انتظار دستیار آموزشی"),
    "files": Bilingual(
        "Decisions go to {overrides}; the gradebook is {gradebook}.",
        "تصمیم‌ها در {overrides} نوشته می‌شوند؛ دفتر نمره {gradebook} است.",
    ),
    "no_gradebook": Bilingual("(not recorded by this class run)", "(در این اجرای کلاس ثبت نشده است)"),
    "rerun": Bilingual("To grade the class again with these decisions:", "برای نمره‌دهی دوبارهٔ کلاس با این تصمیم‌ها:"),
    "keys": Bilingual(
        "Keys: n next, p previous, a accept the suggestion, s score, f filters.",
        "کلیدها: n بعدی، p قبلی، a پذیرفتن نمرهٔ پیشنهادی، s نمره، f فیلترها.",
    ),
    "forbidden": Bilingual(
        "This page needs the address with its token, as `grader review` printed it.",
        "این صفحه نشانی همراه با توکن را لازم دارد، همان که `grader review` چاپ کرد.",
    ),
    "bad_request": Bilingual(
        "The form was refused: reload the page and try again.",
        "فرم پذیرفته نشد: صفحه را دوباره بارگذاری کنید و دوباره امتحان کنید.",
    ),
    "not_found": Bilingual("No such student or check in this class.", "چنین دانشجو یا بررسی‌ای در این کلاس نیست."),
    "cannot_write": Bilingual("Not saved: {why}", "ذخیره نشد: {why}"),
}


def text(key: str, lang: str, **values: object) -> str:
    """The string in the page's language, with {names} filled in."""
    message = STRINGS[key].pick("fa" if lang == "fa" else "en")
    return message.format(**values) if values else message
