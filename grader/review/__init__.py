"""`grader review RESULTS_DIR`: a TA's web page over a class run's results.

store.py reads the results (cached by file stamp) and builds the queue;
ledger.py writes the TAs' files (overrides, corrections, audit log) under a
lock, refusing a change made by someone else since the page was loaded;
update.py brings the students' JSON and the gradebook in line with them;
pages.py builds what the templates show; app.py holds the routes and the
protections (Host check, token, CSRF); serve.py starts it. See docs/review.md.
"""
