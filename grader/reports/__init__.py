"""Reading the written answers students hand in: Word and PDF reports, Markdown, notebook markdown.

The readers turn a file into a `Document` of located blocks (document.py);
segment.py splits the blocks into questions and parts; fields.py fills the
answer-sheet fields from them, each with its provenance; extract.py puts the
pieces together for one submission.
"""
