"""Written answers: rubrics as data, concept matching with negation, and the pasted-text signal."""

from grader.written.match import Evidence, Marking, mark
from grader.written.pasted import pasted_signal
from grader.written.schema import Idea, Rubric, load_rubric

__all__ = ["Evidence", "Idea", "Marking", "Rubric", "load_rubric", "mark", "pasted_signal"]
