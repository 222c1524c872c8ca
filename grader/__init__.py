"""HW4 grader: checks, isolated execution of student code, results and reports."""

__version__ = "0.1.0"
