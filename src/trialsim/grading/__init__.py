"""Grading tools: the autograder's load-proof cell limit (``execute``)."""
